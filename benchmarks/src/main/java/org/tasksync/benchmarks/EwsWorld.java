package org.tasksync.benchmarks;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.tasksync.adapter.ews.EwsConfig;
import org.tasksync.adapter.ews.EwsExchangeAdapter;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.testkit.ews.EwsSimulator;
import org.tasksync.testkit.ews.ExtendedPropertyKey;
import org.tasksync.testkit.ews.OutlookRep;
import org.tasksync.testkit.ews.OutlookTask;

/**
 * The EWS simulator with Basic authentication and a network latency that every request pays (a
 * 401 challenge too); schema validation is off, as a real server does not spend the simulator's
 * time on it.
 */
final class EwsWorld implements ExchangeWorld {

    private static final String USER = "svc-bench";
    private static final String SECRET = "bench-only-secret";
    private static final ExtendedPropertyKey CRM_ID = ExtendedPropertyKey.named(EwsExchangeAdapter.PROPERTY_SET_ID,
            EwsExchangeAdapter.CRM_ID_PROPERTY);
    private static final Map<String, String> SHORT = Map.of("SyncFolderItems", "Sync", "GetItem", "Get",
            "CreateItem", "Create", "UpdateItem", "Update", "DeleteItem", "Delete", "FindItem", "Find");

    private final EwsSimulator ews;

    EwsWorld(Duration latency) {
        ews = EwsSimulator.builder().basicAuth(USER, SECRET).schemaValidation(false).latency(latency).start();
    }

    @Override
    public String adapter() {
        return "ews";
    }

    @Override
    public String url() {
        return ews.url().toString();
    }

    @Override
    public String user() {
        return USER;
    }

    @Override
    public String secret() {
        return SECRET;
    }

    @Override
    public void addMailbox(String address) {
        ews.registerMailbox(address);
    }

    @Override
    public Map<String, Long> requestsByOperation() {
        Map<String, Long> out = new TreeMap<>();
        ews.traffic().byOperation().forEach((op, n) -> out.merge(SHORT.getOrDefault(op, op), (long) n, Long::sum));
        return out;
    }

    @Override
    public long challenges() {
        return ews.traffic().unauthorized();
    }

    @Override
    public void resetCounts() {
        ews.traffic().reset();
    }

    @Override
    public void completeInOutlook(String mailbox, Collection<String> crmIds) {
        OutlookRep rep = ews.outlook(mailbox);
        Set<String> wanted = new HashSet<>(crmIds);
        for (OutlookTask t : rep.tasks()) {
            if (t.extended(CRM_ID).filter(wanted::contains).isPresent()) {
                rep.setStatus(t.itemId(), "Completed");
            }
        }
    }

    /**
     * One SyncFolderItems (512 changes a page), one GetItem per batch of changed items (Exchange
     * never returns bodies from a sync), one CreateItem and one UpdateItem per batch.
     */
    @Override
    public long fewestRequests(int created, int updated, int changedInOutlook, int batchSize) {
        int b = Math.min(batchSize, 500);
        return Math.max(1, ceil(changedInOutlook, 512)) + ceil(changedInOutlook, b) + ceil(created, b)
                + ceil(updated, b);
    }

    @Override
    public ExchangeAdapter adapterHere() {
        return EwsExchangeAdapter.create(EwsConfig.builder().url(url()).credentials(USER, SECRET)
                .timeout(Duration.ofMinutes(2)).build());
    }

    @Override
    public boolean setStatus(String mailbox, String crmId, boolean completed) {
        OutlookRep rep = ews.outlook(mailbox);
        List<OutlookTask> items = rep.tasksWith(CRM_ID, crmId);
        if (items.isEmpty()) {
            return false;
        }
        rep.setStatus(items.get(0).itemId(), completed ? "Completed" : "InProgress");
        return true;
    }

    @Override
    public Optional<String> subject(String mailbox, String crmId) {
        return ews.outlook(mailbox).tasksWith(CRM_ID, crmId).stream().findFirst().map(OutlookTask::subject);
    }

    @Override
    public String describe(String mailbox, String crmId) {
        List<OutlookTask> items = ews.outlook(mailbox).tasksWith(CRM_ID, crmId);
        return items.isEmpty() ? "no item" : items.get(0).status() + " '" + items.get(0).subject() + "'";
    }

    /** Every streaming connection, cut in the middle of an envelope ({@code EwsSimulator.cutStreams}). */
    @Override
    public int cutFeedConnections() {
        return ews.cutStreams();
    }

    @Override
    public boolean feedWatchesAll(int mailboxes) {
        return ews.streamSizes().stream().mapToInt(Integer::intValue).sum() >= mailboxes;
    }

    @Override
    public String feedName() {
        return "Exchange";
    }

    static long ceil(long n, long d) {
        return (n + d - 1) / d;
    }

    @Override
    public void close() {
        ews.close();
        ews.assertNoResponseErrors();
    }
}

package org.tasksync.core.internal.steps;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.PlannedWrite;
import org.tasksync.core.internal.cycle.CycleContext;
import org.tasksync.core.internal.cycle.MailboxWork;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.spi.ChangePage;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.WriteOutcome;

/**
 * Recurring tasks (docs/engine.md): the link follows the occurrence the rep completed, and the open
 * series loses its CRM tag and becomes the rep's own task.
 */
public final class ReleaseSeries {

    private static final Logger log = LoggerFactory.getLogger(ReleaseSeries.class);

    private final CycleContext ctx;

    public ReleaseSeries(CycleContext ctx) {
        this.ctx = ctx;
    }

    /**
     * The link moves to the completed occurrence at once (durable before the open series loses its tag,
     * so a crash in between cannot lose the rep's completion), and the page's links are changed to
     * match, so that the occurrence's Completed is read as the rep's status change.
     */
    RecurringSeries.Plan follow(MailboxWork w, ChangePage page, Map<String, Link> links) throws MailboxException {
        RecurringSeries.Plan plan = RecurringSeries.plan(w.address(), page, links, ctx.store()::findLinks,
                crmIds -> {
                    MailboxConnection conn = w.connection();
                    List<ExchangeTask> found = new ArrayList<>();
                    for (List<String> chunk : CycleContext.chunks(new ArrayList<>(crmIds), conn.maxBatchSize())) {
                        found.addAll(conn.findByCrmIds(chunk));
                    }
                    return found;
                });
        if (plan.isEmpty()) {
            return plan;
        }
        links.values().removeIf(l -> plan.relinked().values().stream()
                .anyMatch(r -> r.crmTaskId().equals(l.crmTaskId())));
        links.putAll(plan.relinked());
        ctx.effects().saveLinks(plan.relinked().values());
        plan.notes().forEach(n -> {
            w.tally.warn(n);
            log.info("{}: {}", w.address(), n);
        });
        return plan;
    }

    /** Removes the CRM tag from the open series; false when one failed (the page is read again next cycle). */
    boolean release(MailboxWork w, RecurringSeries.Plan plan) throws MailboxException {
        if (plan.release().isEmpty()) {
            return true;
        }
        plan.release().forEach(r -> ctx.reporter().planned(new PlannedWrite(PlannedWrite.Kind.UPDATE, w.address(),
                r.crmId(), Set.of(), "remove the CRM tag of recurring series item " + r.item().itemId())));
        List<WriteOutcome> outcomes = ctx.effects().removeTag(w.connection(),
                plan.release().stream().map(RecurringSeries.Release::item).toList());
        boolean ok = true;
        for (int i = 0; i < outcomes.size(); i++) {
            if (!outcomes.get(i).succeeded()) {
                ok = false;
                RecurringSeries.Release r = plan.release().get(i);
                w.tally.warn("CRM task " + r.crmId() + ": removing the CRM tag of recurring series item "
                        + r.item().itemId() + " failed (tried again next cycle): " + outcomes.get(i).error());
            }
        }
        return ok;
    }

    /**
     * A recurring series that carries a CRM id while another item of this mailbox is linked to that task
     * (both were read untracked, after a lost state store, and the other was adopted): released as the
     * rep's own, as a regeneration seen as it happens would have released it.
     */
    public void releasePassed(MailboxWork w) {
        if (w.passedSeries.isEmpty()) {
            return;
        }
        Map<String, Link> links = ctx.store().findLinks(w.passedSeries.values().stream().map(ExchangeTask::crmId).toList());
        List<RecurringSeries.Release> release = new ArrayList<>();
        for (ExchangeTask series : w.passedSeries.values()) {
            Link l = links.get(series.crmId());
            if (l != null && l.state() == Link.State.LINKED && l.mailbox().equals(w.address())
                    && !series.itemId().equals(l.itemId())) {
                release.add(new RecurringSeries.Release(new ItemRef(series.itemId(), series.changeKey()), series.crmId()));
                w.tally.warn("CRM task " + series.crmId() + " is linked to item " + l.itemId() + "; the recurring series "
                        + "that also carried its CRM id (item " + series.itemId() + ") is the rep's own task, CRM tag removed");
            }
        }
        if (release.isEmpty()) {
            return;
        }
        try {
            release(w, new RecurringSeries.Plan(Map.of(), release, List.of()));
        } catch (MailboxException | RuntimeException e) {
            w.tally.warn("removing the CRM tag of " + release.size() + " recurring series failed; left tagged: " + e);
        }
    }
}

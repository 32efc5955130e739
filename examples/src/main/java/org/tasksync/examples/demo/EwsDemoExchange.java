package org.tasksync.examples.demo;

import java.util.List;
import org.tasksync.adapter.ews.EwsExchangeAdapter;
import org.tasksync.adapter.ews.EwsSettings;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.testkit.ews.EwsSimulator;
import org.tasksync.testkit.ews.ExtendedPropertyKey;
import org.tasksync.testkit.ews.OutlookTask;

/** Exchange Server played by the EWS simulator, reached through the EWS adapter (ews-java-api). */
final class EwsDemoExchange implements DemoExchange {

    /** The demo's service account, known to the simulator only: not a real credential. */
    private static final String SERVICE_ACCOUNT = "svc-tasksync";
    private static final String SERVICE_PASSWORD = "demo-password-of-the-simulator";
    private static final ExtendedPropertyKey CRM_ID = ExtendedPropertyKey.named(EwsExchangeAdapter.PROPERTY_SET_ID,
            EwsExchangeAdapter.CRM_ID_PROPERTY);

    private final EwsSimulator simulator;
    private final EwsExchangeAdapter adapter;

    EwsDemoExchange(List<String> mailboxes) {
        simulator = EwsSimulator.builder().basicAuth(SERVICE_ACCOUNT, SERVICE_PASSWORD).rejectUnknownMailboxes().start();
        mailboxes.forEach(simulator::registerMailbox);
        adapter = EwsExchangeAdapter.create(EwsSettings.builder().url(simulator.url())
                .credentials(SERVICE_ACCOUNT, SERVICE_PASSWORD).build());
    }

    @Override
    public List<String> description() {
        return List.of("Exchange: the EWS simulator at " + simulator.url(),
                "          " + (simulator.validatesSchema() ? "checking every request against the EWS schema"
                        : "without schema validation (../shared/ews-schema not found)"),
                "between:  the EWS adapter (ews-java-api) over HTTP");
    }

    @Override
    public String app() {
        return "Outlook";
    }

    @Override
    public ExchangeAdapter adapter() {
        return adapter;
    }

    @Override
    public String setStatus(String mailbox, String crmId, ExchangeStatus status) {
        return simulator.outlook(mailbox).setStatus(task(mailbox, crmId).itemId(), status.wireName()).subject();
    }

    @Override
    public String delete(String mailbox, String crmId) {
        OutlookTask task = task(mailbox, crmId);
        simulator.outlook(mailbox).delete(task.itemId());
        return task.subject();
    }

    @Override
    public boolean holds(String mailbox, String crmId) {
        return !simulator.outlook(mailbox).tasksWith(CRM_ID, crmId).isEmpty();
    }

    private OutlookTask task(String mailbox, String crmId) {
        List<OutlookTask> tagged = simulator.outlook(mailbox).tasksWith(CRM_ID, crmId);
        if (tagged.size() != 1) {
            throw new IllegalStateException("expected task " + crmId + " once in " + mailbox + ", found " + tagged.size());
        }
        return tagged.get(0);
    }

    @Override
    public void checkHealthy() {
        simulator.assertNoResponseErrors();
    }

    @Override
    public void close() {
        simulator.close();
    }
}

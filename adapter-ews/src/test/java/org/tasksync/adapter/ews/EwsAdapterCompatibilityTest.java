package org.tasksync.adapter.ews;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.testkit.ews.EwsSimulator;
import org.tasksync.testkit.exchange.ExchangeChangeFeedCompatibilityKit;
import org.tasksync.testkit.exchange.ExchangeUser;

/**
 * The EWS adapter passes the Exchange-side kit and its streaming feed the feed kit, through the real
 * ews-java-api client against the simulator.
 */
class EwsAdapterCompatibilityTest extends ExchangeChangeFeedCompatibilityKit {

    private static EwsSimulator ews;
    private static EwsExchangeAdapter adapter;

    @BeforeAll
    static void start() {
        ews = SimulatedExchange.start();
        adapter = EwsExchangeAdapter.create(SimulatedExchange.config(ews).syncPageSize(50).extendedField("Region").build());
    }

    @AfterAll
    static void stop() {
        ews.close();
        SimulatedExchange.assertClean(ews);
    }

    @Override
    protected ExchangeAdapter adapter() {
        return adapter;
    }

    @Override
    protected boolean cutChangeFeedConnection(Mailbox watched) throws InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        int cut;
        while ((cut = ews.cutStreams(watched.address())) == 0 && System.nanoTime() < until) {
            Thread.sleep(10); // the feed opens its stream just after it subscribed
        }
        return cut > 0;
    }

    @Override
    protected void prepareMailbox(String address) {
        ews.registerMailbox(address);
    }

    @Override
    protected ExchangeUser user() {
        return new ExchangeUser() {
            @Override
            public void setStatus(String mailbox, String itemId, ExchangeStatus status) {
                ews.outlook(mailbox).setStatus(itemId, status.wireName());
            }

            @Override
            public void setSubject(String mailbox, String itemId, String subject) {
                ews.outlook(mailbox).edit(itemId, e -> e.subject(subject));
            }

            @Override
            public void delete(String mailbox, String itemId) {
                ews.outlook(mailbox).delete(itemId);
            }

            @Override
            public void delegate(String mailbox, String itemId) {
                ews.outlook(mailbox).assign(itemId, 1);
            }
        };
    }
}

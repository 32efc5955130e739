package org.tasksync.adapter.graph;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.testkit.exchange.ExchangeChangeFeedCompatibilityKit;
import org.tasksync.testkit.exchange.ExchangeUser;
import org.tasksync.testkit.graph.GraphSimulator;

/**
 * The Graph adapter passes the Exchange kit and its hot-set feed the feed kit, through the real Graph
 * SDK against the simulator over HTTP.
 */
class GraphAdapterCompatibilityTest extends ExchangeChangeFeedCompatibilityKit {

    private static GraphSimulator simulator;
    private static GraphExchangeAdapter adapter;

    @BeforeAll
    static void start() {
        simulator = GraphSimulator.start().pageSize(50);
        adapter = GraphExchangeAdapter.builder(GraphSettings.builder().baseUrl(simulator.baseUrl()).build())
                .tokenSource(GraphTokenSource.fixed(simulator.token())).build();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Override
    protected ExchangeAdapter adapter() {
        return adapter;
    }

    /**
     * The hot-set feed holds no connection; what it follows is the mailbox's delta link, so the cut is
     * the simulator expiring the mailbox's delta tokens (docs/graph.md "Live sync: the hot-set feed").
     * The kit calls this after the feed reported the mailbox watched closely, which it does only once
     * it holds a delta link, so the next check meets the expired token.
     */
    @Override
    protected boolean cutChangeFeedConnection(Mailbox watched) {
        simulator.expireDeltaTokens(watched.address());
        return true;
    }

    @Override
    protected void prepareMailbox(String address) {
        simulator.addUser(address);
    }

    @Override
    protected String garbageCursor() {
        return simulator.baseUrl() + "/users/nobody@example.com/todo/lists/AAA=/tasks/delta?$deltatoken=garbage";
    }

    @Override
    protected ExchangeUser user() {
        GraphSimulator.ToDoUser toDo = simulator.toDo();
        return new ExchangeUser() {
            public void setStatus(String mailbox, String itemId, ExchangeStatus status) {
                toDo.setStatus(mailbox, itemId, GraphWire.status(status));
            }

            public void setSubject(String mailbox, String itemId, String subject) {
                toDo.setTitle(mailbox, itemId, subject);
            }

            public void delete(String mailbox, String itemId) {
                toDo.delete(mailbox, itemId);
            }

            public void delegate(String mailbox, String itemId) {
                toDo.assign(mailbox, itemId, "Colleague");
            }
        };
    }
}

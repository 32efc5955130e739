package org.tasksync.adapter.graph;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.testkit.exchange.ExchangeAdapterCompatibilityKit;
import org.tasksync.testkit.exchange.ExchangeUser;
import org.tasksync.testkit.graph.GraphSimulator;

/** The Graph adapter passes the Exchange kit, through the real Graph SDK against the simulator over HTTP. */
class GraphAdapterCompatibilityTest extends ExchangeAdapterCompatibilityKit {

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

package org.tasksync.examples.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.tasksync.adapter.graph.GraphExchangeAdapter;
import org.tasksync.adapter.graph.GraphSettings;
import org.tasksync.adapter.graph.GraphTokenSource;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.testkit.graph.GraphSimulator;
import org.tasksync.testkit.graph.GraphSimulator.SimTask;

/** Microsoft 365 played by the Graph simulator, reached through the Graph adapter (Graph SDK for Java). */
final class GraphDemoExchange implements DemoExchange {

    private final GraphSimulator simulator;
    private final GraphExchangeAdapter adapter;

    GraphDemoExchange(List<String> mailboxes) {
        simulator = GraphSimulator.start();
        mailboxes.forEach(simulator::addUser);
        // The simulator takes a fixed bearer token; against Microsoft 365 the adapter signs in with
        // tasksync.graph.tenant-id, client-id and client-secret instead.
        adapter = GraphExchangeAdapter.builder(GraphSettings.builder().baseUrl(simulator.baseUrl()).build())
                .tokenSource(GraphTokenSource.fixed(simulator.token())).build();
    }

    @Override
    public List<String> description() {
        return List.of("Exchange: Microsoft 365 played by the Graph simulator at " + simulator.baseUrl(),
                "between:  the Graph adapter (Graph SDK for Java) over HTTP, into each rep's To Do list \"Tasks\"");
    }

    @Override
    public String app() {
        return "To Do";
    }

    @Override
    public ExchangeAdapter adapter() {
        return adapter;
    }

    @Override
    public String setStatus(String mailbox, String crmId, ExchangeStatus status) {
        SimTask task = task(mailbox, crmId);
        String wire = status.wireName();
        simulator.toDo().setStatus(mailbox, task.id(), Character.toLowerCase(wire.charAt(0)) + wire.substring(1));
        return task.title();
    }

    @Override
    public String delete(String mailbox, String crmId) {
        SimTask task = task(mailbox, crmId);
        simulator.toDo().delete(mailbox, task.id());
        return task.title();
    }

    @Override
    public boolean holds(String mailbox, String crmId) {
        return simulator.toDo().tasks(mailbox).stream().anyMatch(t -> carries(t, crmId));
    }

    private SimTask task(String mailbox, String crmId) {
        List<SimTask> tagged = simulator.toDo().tasks(mailbox).stream().filter(t -> carries(t, crmId)).toList();
        if (tagged.size() != 1) {
            throw new IllegalStateException("expected task " + crmId + " once in " + mailbox + ", found " + tagged.size());
        }
        return tagged.get(0);
    }

    /** The adapter links every task it creates to its CRM id (a linkedResource with the id as externalId). */
    private static boolean carries(SimTask task, String crmId) {
        for (JsonNode link : task.json().path("linkedResources")) {
            if (crmId.equals(link.path("externalId").asText(null))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void checkHealthy() {
        // the Graph simulator refuses bad requests with 400 and the adapter reports them; nothing to collect
    }

    @Override
    public void close() {
        simulator.close();
    }
}

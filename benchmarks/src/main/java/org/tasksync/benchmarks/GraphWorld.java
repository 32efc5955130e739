package org.tasksync.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.tasksync.testkit.graph.GraphSimulator;

/**
 * The Graph (To Do) simulator with a latency every request pays. Graph has no authentication round
 * trips (the token comes from the identity platform, not counted here), so its 401 column stays 0.
 */
final class GraphWorld implements ExchangeWorld {

    private static final Map<GraphSimulator.Op, String> SHORT = Map.ofEntries(
            Map.entry(GraphSimulator.Op.BATCH, "Batch"), Map.entry(GraphSimulator.Op.LIST_LISTS, "Lists"),
            Map.entry(GraphSimulator.Op.CREATE_LIST, "NewList"), Map.entry(GraphSimulator.Op.LIST_ITEM, "List"),
            Map.entry(GraphSimulator.Op.LIST_TASKS, "Tasks"), Map.entry(GraphSimulator.Op.CREATE_TASK, "Create"),
            Map.entry(GraphSimulator.Op.GET_TASK, "Get"), Map.entry(GraphSimulator.Op.UPDATE_TASK, "Update"),
            Map.entry(GraphSimulator.Op.DELETE_TASK, "Delete"), Map.entry(GraphSimulator.Op.DELTA, "Delta"),
            Map.entry(GraphSimulator.Op.LINKED_RESOURCES, "Links"), Map.entry(GraphSimulator.Op.EXTENSIONS, "Ext"),
            Map.entry(GraphSimulator.Op.OTHER, "Other"));

    private final GraphSimulator graph;

    GraphWorld(Duration latency) {
        graph = GraphSimulator.start().latency(latency);
    }

    @Override
    public String adapter() {
        return "graph";
    }

    @Override
    public String url() {
        return graph.baseUrl();
    }

    @Override
    public String user() {
        return "";
    }

    @Override
    public String secret() {
        return graph.token();
    }

    @Override
    public void addMailbox(String address) {
        graph.addUser(address);
    }

    @Override
    public Map<String, Long> requestsByOperation() {
        Map<String, Long> out = new TreeMap<>();
        for (GraphSimulator.Op op : GraphSimulator.Op.values()) {
            long n = graph.requests(op);
            if (n > 0) {
                out.put(SHORT.get(op), n);
            }
        }
        return out;
    }

    @Override
    public long challenges() {
        return 0;
    }

    @Override
    public void resetCounts() {
        graph.resetCounts();
    }

    @Override
    public void completeInOutlook(String mailbox, Collection<String> crmIds) {
        Set<String> wanted = new HashSet<>(crmIds);
        for (GraphSimulator.SimTask t : graph.toDo().tasks(mailbox)) {
            for (JsonNode r : t.json().path("linkedResources")) {
                if (wanted.contains(r.path("externalId").asText())) {
                    graph.toDo().setStatus(mailbox, t.id(), "completed");
                    break;
                }
            }
        }
    }

    /**
     * One delta request (the list's id is known from the cursor after the first cycle; the first
     * cycle needs one request to find the list), a {@code $batch} of 20 GETs with {@code $expand} per
     * 20 changed tasks (delta leaves out linked resources and extensions), one {@code $batch} per 20
     * creates or updates.
     */
    @Override
    public long fewestRequests(int created, int updated, int changedInOutlook, int batchSize) {
        int b = Math.min(batchSize, 20);
        return (created > 0 ? 1 : 0) + 1 + EwsWorld.ceil(changedInOutlook, b) + EwsWorld.ceil(created, b)
                + EwsWorld.ceil(updated, b);
    }

    @Override
    public void close() {
        graph.close();
    }
}

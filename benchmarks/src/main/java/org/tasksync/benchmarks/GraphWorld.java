package org.tasksync.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;
import org.tasksync.adapter.graph.GraphExchangeAdapter;
import org.tasksync.adapter.graph.GraphSettings;
import org.tasksync.adapter.graph.GraphTokenSource;
import org.tasksync.core.spi.ExchangeAdapter;
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
    /** The To Do task id of each CRM id, by mailbox: ids stay while the task lives, so each mailbox is scanned once. */
    private final Map<String, Map<String, String>> taskIds = new ConcurrentHashMap<>();

    GraphWorld(Duration latency) {
        graph = GraphSimulator.start().latency(latency);
    }

    /** A world whose simulator serves up to {@code serverThreads} requests at once (6 otherwise). */
    GraphWorld(Duration latency, int serverThreads) {
        this(latency);
        graph.serverThreads(serverThreads);
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
        return byShortName(graph::requests);
    }

    /** The non-zero counts by the operations' short names. */
    private static Map<String, Long> byShortName(ToLongFunction<GraphSimulator.Op> count) {
        Map<String, Long> out = new TreeMap<>();
        for (GraphSimulator.Op op : GraphSimulator.Op.values()) {
            long n = count.applyAsLong(op);
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
    public Map<String, Long> subRequestsByOperation() {
        return byShortName(graph::batchSteps);
    }

    @Override
    public void completeInOutlook(String mailbox, Collection<String> crmIds) {
        Set<String> wanted = new HashSet<>(crmIds);
        for (GraphSimulator.SimTask t : graph.toDo().tasks(mailbox)) {
            if (externalIds(t).stream().anyMatch(wanted::contains)) {
                graph.toDo().setStatus(mailbox, t.id(), "completed");
            }
        }
    }

    /** The {@code externalId}s of a task's linked resources: the adapter's holds the CRM id. */
    private static List<String> externalIds(GraphSimulator.SimTask t) {
        List<String> out = new ArrayList<>();
        for (JsonNode r : t.json().path("linkedResources")) {
            if (r.hasNonNull("externalId")) {
                out.add(r.path("externalId").asText());
            }
        }
        return out;
    }

    private Optional<GraphSimulator.SimTask> task(String mailbox, String crmId) {
        Map<String, String> ids = taskIds.computeIfAbsent(mailbox, m -> new ConcurrentHashMap<>());
        String id = ids.get(crmId);
        Optional<GraphSimulator.SimTask> t = id == null ? Optional.empty() : graph.toDo().task(mailbox, id);
        if (t.isEmpty()) {
            // not seen yet (or replaced): scan the mailbox once more
            for (GraphSimulator.SimTask each : graph.toDo().tasks(mailbox)) {
                externalIds(each).forEach(c -> ids.put(c, each.id()));
            }
            id = ids.get(crmId);
            t = id == null ? Optional.empty() : graph.toDo().task(mailbox, id);
        }
        return t;
    }

    @Override
    public ExchangeAdapter adapterHere() {
        return GraphExchangeAdapter.builder(GraphSettings.builder().baseUrl(url()).build())
                .tokenSource(GraphTokenSource.fixed(secret())).build();
    }

    @Override
    public boolean setStatus(String mailbox, String crmId, boolean completed) {
        Optional<GraphSimulator.SimTask> t = task(mailbox, crmId);
        t.ifPresent(x -> graph.toDo().setStatus(mailbox, x.id(), completed ? "completed" : "inProgress"));
        return t.isPresent();
    }

    @Override
    public Optional<String> subject(String mailbox, String crmId) {
        return task(mailbox, crmId).map(GraphSimulator.SimTask::title);
    }

    @Override
    public String describe(String mailbox, String crmId) {
        return task(mailbox, crmId).map(t -> t.status() + " '" + t.title() + "'").orElse("no item");
    }

    /** The hot-set feed polls: it holds no connection that a network could cut. */
    @Override
    public int cutFeedConnections() {
        return 0;
    }

    @Override
    public String cutNote() {
        return " (PostgreSQL LISTEN only: Graph's feed polls, no stream to cut)";
    }

    @Override
    public String feedName() {
        return "Graph hot set";
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

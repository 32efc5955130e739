package org.tasksync.adapter.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tasksync.core.SkipReason;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.state.InMemorySyncStateStore;
import org.tasksync.testkit.MutableClock;
import org.tasksync.testkit.graph.GraphSimulator;
import org.tasksync.testkit.graph.GraphSimulator.RecurringCompletion;
import org.tasksync.testkit.graph.GraphSimulator.SimTask;
import org.tasksync.testkit.inmemory.InMemoryCrm;

/**
 * A CRM task the rep made recurring in To Do, end to end: the engine, testkit's in-memory CRM, the Graph
 * adapter with the real Graph SDK, and the Graph simulator, under both readings of what completing a
 * recurring To Do task does (Graph's pages are silent; see ToDoRecurrence): the completed occurrence
 * as a new task (MS-OXOTASK regeneration, the default) or the next occurrence as a new task, each copy
 * carrying the task's linked resource and open extension, that is our CRM tag. What the user expects
 * (docs/engine.md, "Recurring tasks"): one To Do task tagged with the CRM task, the completed one; the
 * rep's completion in the CRM once; the series the rep's own; nothing loops.
 */
class GraphRecurringTasksTest {

    private static final Instant START = Instant.parse("2026-12-04T09:00:00Z");
    /** A Monday. The rep works in UTC so that the test does not depend on how the adapter writes dates. */
    private static final LocalDate MONDAY = LocalDate.of(2026, 12, 7);
    private static final String ANNA = "anna@example.com";
    private static final String WEEKLY_ON_MONDAY = "{\"recurrence\":{\"pattern\":{\"type\":\"weekly\",\"interval\":1,"
            + "\"daysOfWeek\":[\"monday\"]},\"range\":{\"type\":\"noEnd\",\"startDate\":\"" + MONDAY + "\"}}}";

    private final MutableClock clock = new MutableClock(START);
    private final GraphSimulator sim = GraphSimulator.start(clock);
    private final InMemoryCrm crm = new InMemoryCrm(clock);
    private SyncEngine engine;

    GraphRecurringTasksTest() {
        sim.addUser(ANNA);
        crm.putRep(new Rep("anna", "Anna Example", ANNA, ZoneId.of("UTC"), true));
        engine = newEngine();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private SyncEngine newEngine() {
        GraphExchangeAdapter adapter = GraphExchangeAdapter.builder(GraphSettings.builder()
                        .baseUrl(sim.baseUrl()).maxRetries(2).build())
                .tokenSource(GraphTokenSource.fixed(sim.token())).sleeper(d -> { }).build();
        return SyncEngine.builder().crm(crm).exchange(adapter).clock(clock).stateStore(new InMemorySyncStateStore())
                .settings(SyncSettings.builder().pastDays(30).futureDays(60).build()).build();
    }

    private SyncReport cycle() {
        clock.advance(Duration.ofSeconds(10));
        SyncReport r = engine.runOnce();
        assertThat(r.failedMailboxes()).as("failed mailboxes").isEmpty();
        assertThat(r.allTaskErrors()).as("task errors").isEmpty();
        return r;
    }

    private List<SimTask> all() {
        return sim.toDo().tasks(ANNA);
    }

    /** Tasks carrying the CRM id, as a linked resource or in the open extension. */
    private List<SimTask> tagged(String crmId) {
        return all().stream().filter(t -> crmId.equals(t.json().at("/linkedResources/0/externalId").asText(null))
                || crmId.equals(t.json().at("/extensions/0/crmId").asText(null))).toList();
    }

    private SimTask byId(String id) {
        return all().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
    }

    private static String dueDay(SimTask t) {
        return t.json().at("/dueDateTime/dateTime").asText().substring(0, 10);
    }

    private static boolean recurring(SimTask t) {
        return t.json().has("recurrence");
    }

    private String crmStatus(String id) {
        return crm.task(id).orElseThrow().status();
    }

    /** A CRM task due on Monday, created in To Do, which the rep then makes recurring every Monday. */
    private String recurringTask(String id) {
        clock.advance(Duration.ofSeconds(1));
        crm.upsertTask(CrmTask.builder(id).repId("anna").subject("Call ACME").dueDate(MONDAY).status("Open")
                .priority("Normal").build());
        assertThat(cycle().created()).isEqualTo(1);
        String taskId = tagged(id).get(0).id();
        clock.advance(Duration.ofSeconds(1));
        sim.toDo().patch(ANNA, taskId, WEEKLY_ON_MONDAY);
        SyncReport r = cycle();
        assertThat(r.updated()).as("making it recurring changes no CRM-owned field").isZero();
        assertThat(recurring(byId(taskId))).isTrue();
        return taskId;
    }

    /** One task tagged with the CRM id, completed, due on Monday; the other is the rep's open series. */
    private void oneCompletedTaggedTaskAndTheRepsSeries(String crmId) {
        List<SimTask> tagged = tagged(crmId);
        assertThat(tagged).as("To Do tasks tagged %s (no duplicate of the CRM task)", crmId).hasSize(1);
        SimTask done = tagged.get(0);
        assertThat(done.status()).isEqualTo("completed");
        assertThat(dueDay(done)).isEqualTo(MONDAY.toString());
        List<SimTask> others = all().stream().filter(t -> !t.id().equals(done.id())).toList();
        assertThat(others).hasSize(1);
        SimTask series = others.get(0);
        assertThat(series.status()).isEqualTo("notStarted");
        assertThat(dueDay(series)).isEqualTo(MONDAY.plusWeeks(1).toString());
        assertThat(recurring(series)).isTrue();
        assertThat(series.json().path("linkedResources")).as("the series' linked resources").isEmpty();
        assertThat(series.json().path("extensions")).as("the series' extensions").isEmpty();
    }

    private void nothingHappensAnyMore() {
        for (int i = 0; i < 3; i++) {
            SyncReport again = cycle();
            assertThat(again.created() + again.updated() + again.deleted() + again.statusesWrittenBack())
                    .as("writes in a later cycle").isZero();
        }
        assertThat(all()).as("tasks in To Do").hasSize(2);
    }

    @ParameterizedTest
    @EnumSource(RecurringCompletion.class)
    void theRepCompletingARecurringTaskCompletesTheCrmTaskAndToDoKeepsOneTaggedTask(RecurringCompletion mode) {
        sim.recurringCompletion(mode);
        String taskId = recurringTask("A1:1");

        sim.toDo().setStatus(ANNA, taskId, "completed");
        assertThat(tagged("A1:1")).as("the copy carries our tag").hasSize(2);
        SyncReport r = cycle();

        assertThat(crmStatus("A1:1")).as("the rep's completion reached the CRM").isEqualTo("Completed");
        assertThat(r.statusesWrittenBack()).isEqualTo(1);
        assertThat(r.created() + r.adopted()).isZero();
        assertThat(r.mailboxes().get(0).warnings()).anySatisfy(w -> assertThat(w).contains("A1:1").contains("recurring"));
        oneCompletedTaggedTaskAndTheRepsSeries("A1:1");
        nothingHappensAnyMore();
        assertThat(crmStatus("A1:1")).isEqualTo("Completed");
    }

    @ParameterizedTest
    @EnumSource(RecurringCompletion.class)
    void theCrmCompletingARecurringTaskCompletesItOnceAndThenSettles(RecurringCompletion mode) {
        sim.recurringCompletion(mode);
        recurringTask("A1:2");

        clock.advance(Duration.ofSeconds(1));
        crm.upsertTask(crm.task("A1:2").orElseThrow().toBuilder().status("Completed").build());
        assertThat(cycle().updated()).isEqualTo(1);
        cycle();

        assertThat(crmStatus("A1:2")).as("the CRM's completion is not undone").isEqualTo("Completed");
        oneCompletedTaggedTaskAndTheRepsSeries("A1:2");
        nothingHappensAnyMore();
        assertThat(crmStatus("A1:2")).isEqualTo("Completed");
    }

    @ParameterizedTest
    @EnumSource(RecurringCompletion.class)
    void aCrmDeletionLaterKeepsTheCompletedTaskAndLeavesTheRepsSeries(RecurringCompletion mode) {
        sim.recurringCompletion(mode);
        String taskId = recurringTask("A1:3");
        sim.toDo().setStatus(ANNA, taskId, "completed");
        cycle();
        oneCompletedTaggedTaskAndTheRepsSeries("A1:3");

        clock.advance(Duration.ofSeconds(1));
        crm.deleteTask("A1:3");
        SyncReport r = cycle();

        assertThat(r.deleted()).isZero();
        assertThat(r.skipped(SkipReason.COMPLETED_KEPT)).isEqualTo(1);
        assertThat(all()).hasSize(2);
        assertThat(all()).anySatisfy(t -> assertThat(t.status()).isEqualTo("notStarted")); // the rep's series
    }
}

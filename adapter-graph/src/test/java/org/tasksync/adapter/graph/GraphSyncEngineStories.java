package org.tasksync.adapter.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tasksync.core.MailboxReport;
import org.tasksync.core.SkipReason;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import java.util.Optional;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.testkit.MutableClock;
import org.tasksync.testkit.graph.GraphSimulator;
import org.tasksync.testkit.graph.GraphSimulator.Op;
import org.tasksync.testkit.graph.GraphSimulator.SimTask;

/**
 * The sync engine with a CRM on one side and To Do through the Graph adapter on the other.
 * Subclasses supply the CRM: testkit's in-memory one, and the JDBC CRM on H2.
 */
abstract class GraphSyncEngineStories {

    /** The CRM side as these stories drive it. */
    interface StoryCrm {
        CrmAdapter adapter();

        void putRep(Rep rep);

        /** Saves the task as the CRM would, stamping a new modification time. */
        void upsertTask(CrmTask task);

        Optional<CrmTask> task(String id);

        void deleteTask(String id);
    }

    /** A fresh CRM for one test. */
    protected abstract StoryCrm newCrm(Clock clock);


    private static final LocalDate TODAY = LocalDate.of(2026, 3, 2);
    private static final String ANNA = "anna@example.com";
    private static final String BEN = "ben@example.com";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T09:00:00Z"));
    private final GraphSimulator sim = GraphSimulator.start(clock);
    private final StoryCrm crm = newCrm(clock);
    private final GraphExchangeAdapter adapter = GraphExchangeAdapter.builder(GraphSettings.builder()
                    .baseUrl(sim.baseUrl()).maxRetries(2).build())
            .tokenSource(GraphTokenSource.fixed(sim.token())).sleeper(d -> { }).build();
    private final SyncEngine engine = SyncEngine.builder().crm(crm.adapter()).exchange(adapter).clock(clock)
            .settings(SyncSettings.builder().pastDays(30).futureDays(60).build()).build();

    GraphSyncEngineStories() {
        sim.addUser(ANNA);
        sim.addUser(BEN);
        crm.putRep(new Rep("anna", "Anna Example", ANNA, ZoneId.of("Europe/Vienna"), true));
        crm.putRep(new Rep("ben", "Ben Boss", BEN, ZoneId.of("America/New_York"), true));
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private void task(String id, String rep, UnaryOperator<CrmTask.Builder> more) {
        clock.advance(Duration.ofSeconds(1));
        crm.upsertTask(more.apply(CrmTask.builder(id).repId(rep).subject("Call customer " + id)
                .dueDate(TODAY.plusDays(3)).status("Open").priority("Normal")).build());
    }

    private void edit(String id, UnaryOperator<CrmTask.Builder> change) {
        clock.advance(Duration.ofSeconds(1));
        crm.upsertTask(change.apply(crm.task(id).orElseThrow().toBuilder()).build());
    }

    private SyncReport cycle() {
        clock.advance(Duration.ofSeconds(10));
        return engine.runOnce();
    }

    private List<SimTask> toDo(String mailbox) {
        return sim.toDo().tasks(mailbox);
    }

    private SimTask toDoTask(String mailbox, String crmId) {
        return toDo(mailbox).stream()
                .filter(t -> crmId.equals(t.json().at("/linkedResources/0/externalId").asText(null)))
                .findFirst().orElseThrow(() -> new AssertionError("no To Do task for " + crmId + " in " + toDo(mailbox)));
    }

    @Test
    void aCrmTaskArrivesInToDoAndAnIdleCycleCostsOneRequest() {
        task("A1:1-1", "anna", b -> b.subject("Offer for ACME").comments("Bring <samples> & the price list")
                .priority("High").createdByRepId("ben").reminder(30, "minutes"));
        SyncReport first = cycle();
        assertThat(first.created()).isEqualTo(1);
        assertThat(first.clean()).as(first.toTable()).isTrue();

        SimTask t = toDoTask(ANNA, "A1:1-1");
        assertThat(t.title()).isEqualTo("Offer for ACME");
        assertThat(t.importance()).isEqualTo("high");
        assertThat(t.status()).isEqualTo("notStarted");
        assertThat(t.bodyType()).isEqualTo("html");
        assertThat(t.bodyContent()).isEqualTo("Bring &lt;samples&gt; &amp; the price list");
        JsonNode json = t.json();
        assertThat(json.at("/dueDateTime/dateTime").asText()).as("00:00 in Vienna")
                .isEqualTo("2026-03-04T23:00:00.0000000");
        assertThat(json.at("/isReminderOn").asBoolean()).isTrue();
        assertThat(json.at("/reminderDateTime/dateTime").asText()).as("08:00 Vienna on the due day, less 30 minutes")
                .isEqualTo("2026-03-05T06:30:00.0000000");
        assertThat(json.at("/extensions/0/owner").asText()).isEqualTo("Anna Example");
        assertThat(json.at("/extensions/0/createdBy").asText()).isEqualTo("Ben Boss");
        assertThat(json.at("/extensions/0/crmId").asText()).isEqualTo("A1:1-1");
        assertThat(json.at("/linkedResources/0/applicationName").asText()).isEqualTo("tasksync");

        SyncReport echo = cycle(); // reads back what the first cycle wrote, and recognises it
        assertThat(echo.created() + echo.updated() + echo.statusesWrittenBack()).isZero();
        sim.resetCounts();
        SyncReport idle = cycle();
        assertThat(idle.created() + idle.updated() + idle.deleted()).isZero();
        assertThat(sim.requests(ANNA)).as("one delta request, nothing else").isEqualTo(1);
        assertThat(sim.requests(Op.DELTA)).as("one per mailbox").isEqualTo(2);
        assertThat(sim.requests()).isEqualTo(2);
    }

    @Test
    void aTaskCompletedInToDoBecomesCompletedInTheCrm() {
        task("A1:2-1", "anna", b -> b);
        cycle();
        sim.toDo().setStatus(ANNA, toDoTask(ANNA, "A1:2-1").id(), "completed");
        SyncReport back = cycle();
        assertThat(back.statusesWrittenBack()).isEqualTo(1);
        assertThat(crm.task("A1:2-1").orElseThrow().status()).isEqualTo("Completed");

        SyncReport after = cycle();
        assertThat(after.statusesWrittenBack() + after.updated()).as("nothing echoes back and forth").isZero();
    }

    @Test
    void aCrmStatusAndEditsReachToDo() {
        task("A1:3-1", "anna", b -> b);
        cycle();
        edit("A1:3-1", b -> b.subject("Renamed in the CRM").status("Completed").completeDate(TODAY));
        SyncReport r = cycle();
        assertThat(r.updated()).isEqualTo(1);
        SimTask t = toDoTask(ANNA, "A1:3-1");
        assertThat(t.title()).isEqualTo("Renamed in the CRM");
        assertThat(t.status()).isEqualTo("completed");
        assertThat(t.json().at("/extensions/0/percentComplete").asText()).isEqualTo("100");
        assertThat(t.json().at("/completedDateTime/dateTime").asText()).isEqualTo("2026-03-01T23:00:00.0000000");
    }

    @Test
    void deferredInToDoBecomesMissedInTheCrm() {
        task("A1:12-1", "anna", b -> b);
        cycle();
        sim.toDo().setStatus(ANNA, toDoTask(ANNA, "A1:12-1").id(), "deferred");
        cycle();
        assertThat(crm.task("A1:12-1").orElseThrow().status()).isEqualTo("Missed");
    }

    @Test
    void waitingOnOthersBecomesInProgressAndStaysAsTheRepSetIt() {
        task("A1:13-1", "anna", b -> b);
        cycle();
        sim.toDo().setStatus(ANNA, toDoTask(ANNA, "A1:13-1").id(), "waitingOnOthers");
        cycle();
        assertThat(crm.task("A1:13-1").orElseThrow().status()).isEqualTo("In Progress");
        cycle();
        assertThat(toDoTask(ANNA, "A1:13-1").status()).as("not overwritten with inProgress").isEqualTo("waitingOnOthers");
    }

    @Test
    void aReassignedTaskIsCreatedForTheNewRepAndTheOldCopyStays() {
        task("A1:14-1", "anna", b -> b);
        cycle();
        edit("A1:14-1", b -> b.repId("ben"));
        SyncReport r = cycle();
        assertThat(r.created()).isEqualTo(1);
        assertThat(toDoTask(BEN, "A1:14-1").title()).isEqualTo("Call customer A1:14-1");
        assertThat(toDoTask(ANNA, "A1:14-1").title()).as("keep-original: the old copy stays").isEqualTo("Call customer A1:14-1");
    }

    @Test
    void aTaskDeletedInTheCrmIsDeletedInToDo() {
        task("A1:4-1", "anna", b -> b);
        task("A1:4-2", "anna", b -> b);
        cycle();
        crm.deleteTask("A1:4-1");
        SyncReport r = cycle();
        assertThat(r.deleted()).isEqualTo(1);
        assertThat(toDo(ANNA)).extracting(SimTask::title).containsExactly("Call customer A1:4-2");
    }

    @Test
    void aTaskDeletedInToDoStaysInTheCrmAndIsNotCreatedAgain() {
        task("A1:5-1", "anna", b -> b);
        cycle();
        sim.toDo().delete(ANNA, toDoTask(ANNA, "A1:5-1").id());
        SyncReport r = cycle();
        assertThat(r.deletedInOutlook()).isEqualTo(1);
        assertThat(crm.task("A1:5-1")).isPresent();
        cycle();
        assertThat(toDo(ANNA)).isEmpty();

        edit("A1:5-1", b -> b.subject("Changed again in the CRM"));
        cycle();
        assertThat(toDo(ANNA)).extracting(SimTask::title).containsExactly("Changed again in the CRM");
    }

    @Test
    void fortyFiveNewTasksGoInThreeBatches() {
        for (int i = 0; i < 45; i++) {
            task("A1:6-" + i, "anna", b -> b);
        }
        SyncReport r = cycle();
        assertThat(r.created()).isEqualTo(45);
        assertThat(sim.requests(Op.BATCH)).isEqualTo(3);
        assertThat(sim.batchSteps(Op.CREATE_TASK)).isEqualTo(45);
        assertThat(r.mailbox(ANNA).orElseThrow().requests()).as("list lookup, delta, three batches").isEqualTo(5);
        assertThat(toDo(ANNA)).hasSize(45);
    }

    @Test
    void aMailboxThrottledPastTheBoundIsReportedAndTheOthersGoOn() {
        task("A1:7-1", "anna", b -> b);
        task("A1:7-2", "ben", b -> b);
        sim.throttleMailbox(ANNA, 100, 5);
        SyncReport r = cycle();
        MailboxReport anna = r.mailbox(ANNA).orElseThrow();
        assertThat(anna.failed()).isTrue();
        assertThat(anna.mailboxError()).contains("throttled");
        assertThat(toDo(BEN)).hasSize(1);
        assertThat(toDo(ANNA)).isEmpty();

        sim.heal();
        SyncReport next = cycle();
        assertThat(next.failedMailboxes()).isEmpty();
        assertThat(toDo(ANNA)).hasSize(1);
        assertThat(toDo(BEN)).hasSize(1);
    }

    @Test
    void throttlingWithinTheBoundIsWaitedOut() {
        task("A1:8-1", "anna", b -> b);
        sim.throttle(1, 2, Op.DELTA).throttleBatchSteps(1, 2, Op.CREATE_TASK).unavailable(1, 1, Op.BATCH);
        SyncReport r = cycle();
        assertThat(r.clean()).as(r.toTable()).isTrue();
        assertThat(toDo(ANNA)).hasSize(1);
    }

    @Test
    void aCreateWhoseAnswerWasLostIsAdoptedNextCycleNotDuplicated() {
        task("A1:9-1", "anna", b -> b);
        task("A1:9-2", "anna", b -> b);
        sim.dropResponses(1, Op.BATCH);
        SyncReport lost = cycle();
        assertThat(lost.allTaskErrors()).hasSize(2);
        assertThat(toDo(ANNA)).as("Graph did create them").hasSize(2);

        SyncReport next = cycle();
        assertThat(next.allTaskErrors()).isEmpty();
        assertThat(next.created()).isZero();
        assertThat(toDo(ANNA)).hasSize(2);

        sim.toDo().setStatus(ANNA, toDoTask(ANNA, "A1:9-1").id(), "completed");
        cycle();
        assertThat(crm.task("A1:9-1").orElseThrow().status()).as("the adopted task is linked").isEqualTo("Completed");
    }

    @Test
    void anExpiredDeltaTokenMeansReadingAgainWithoutDuplicates() {
        task("A1:10-1", "anna", b -> b);
        task("A1:10-2", "anna", b -> b);
        cycle();
        sim.expireDeltaTokens(ANNA);
        task("A1:10-3", "anna", b -> b);
        SyncReport r = cycle();
        assertThat(r.failedMailboxes()).isEmpty();
        assertThat(r.created()).isEqualTo(1);
        assertThat(toDo(ANNA)).hasSize(3);
    }

    @Test
    void aTaskAssignedInToDoIsLeftAlone() {
        task("A1:11-1", "anna", b -> b);
        cycle();
        SimTask t = toDoTask(ANNA, "A1:11-1");
        sim.toDo().assign(ANNA, t.id(), "Carla");
        SyncReport seen = cycle();
        assertThat(seen.skipped(SkipReason.DELEGATED)).isEqualTo(1);
        edit("A1:11-1", b -> b.subject("Edited after the hand-over"));
        cycle();
        assertThat(toDoTask(ANNA, "A1:11-1").title()).isEqualTo("Call customer A1:11-1");
    }
}

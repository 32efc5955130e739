package org.tasksync.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tasksync.core.SkipReason;
import org.tasksync.core.SyncReport;
import org.tasksync.core.internal.state.EngineState;
import org.tasksync.core.model.ExchangeStatus;

/**
 * Live sync's two runs: {@code runMailbox} (one mailbox's Exchange → CRM work) and {@code runCrmTasks}
 * (CRM → Exchange for a few tasks). Neither moves the CRM change cursor or the reps' time frames, and
 * the full cycle after them finds nothing more to write.
 */
class TargetedRunTest {

    private static final String ANNA = "anna@example.com";
    private static final String BEN = "ben@example.com";

    private final Fixture f = new Fixture();

    TargetedRunTest() {
        f.rep("anna", ANNA);
        f.rep("ben", BEN);
        f.task("T1", "anna", b -> b.subject("Call Mr. Huber"));
        f.cycle();
    }

    private Map<String, String> cycleState() {
        Map<String, String> state = new java.util.HashMap<>(f.store.cursors(EngineState.REP_WINDOW_PREFIX));
        state.put("crm", f.store.cursor(EngineState.CRM_CURSOR).orElseThrow());
        return state;
    }

    private void assertTheNextCycleWritesNothing() {
        SyncReport next = f.cycle();
        assertThat(next.plannedWrites()).isEmpty();
        assertThat(next.statusesWrittenBack()).isZero();
        assertThat(next.clean()).isTrue();
    }

    @Test
    void aRepsStatusReachesTheCrmThroughRunMailboxAndTheCursorsStay() {
        Map<String, String> before = cycleState();
        f.later(Duration.ofMinutes(5));
        f.exchange.userSetStatus(ANNA, f.outlookTask(ANNA, "T1").itemId(), ExchangeStatus.COMPLETED);

        SyncReport r = f.engine.runMailbox(" Anna@Example.com ");

        assertThat(f.crm.task("T1").orElseThrow().status()).isEqualTo("Completed");
        assertThat(r.statusesWrittenBack()).isEqualTo(1);
        assertThat(r.mailboxes()).extracting(m -> m.mailbox()).containsExactly(ANNA);
        assertThat(cycleState()).isEqualTo(before);
        assertTheNextCycleWritesNothing();
    }

    @Test
    void aTaskDeletedInOutlookIsMarkedThroughRunMailboxAndNotCreatedAgain() {
        f.exchange.userDelete(ANNA, f.outlookTask(ANNA, "T1").itemId());

        SyncReport r = f.engine.runMailbox(ANNA);

        assertThat(r.deletedInOutlook()).isEqualTo(1);
        assertTheNextCycleWritesNothing();
        assertThat(f.outlook(ANNA)).isEmpty();
    }

    @Test
    void anOutlookEditIsOverwrittenAtOnceByRunMailbox() {
        f.later(Duration.ofMinutes(5));
        f.exchange.userEdit(ANNA, f.outlookTask(ANNA, "T1").itemId(), v -> v.toBuilder().subject("Mine").build());

        SyncReport r = f.engine.runMailbox(ANNA);

        assertThat(f.outlookTask(ANNA, "T1").values().subject()).isEqualTo("Call Mr. Huber");
        assertThat(r.updated()).isEqualTo(1);
        assertTheNextCycleWritesNothing();
    }

    @Test
    void aMailboxThatIsNoParticipantsIsANoOp() {
        long requests = f.exchange.totalRequests();

        SyncReport r = f.engine.runMailbox("nobody@example.com");

        assertThat(r.mailboxes()).isEmpty();
        assertThat(r.plannedWrites()).isEmpty();
        assertThat(f.exchange.totalRequests()).isEqualTo(requests);
    }

    @Test
    void aCrmEditReachesOutlookThroughRunCrmTasksAndTheCursorsStay() {
        Map<String, String> before = cycleState();
        f.editTask("T1", b -> b.subject("Call Mrs. Huber"));

        SyncReport r = f.engine.runCrmTasks(List.of("T1"));

        assertThat(f.outlookTask(ANNA, "T1").values().subject()).isEqualTo("Call Mrs. Huber");
        assertThat(r.updated()).isEqualTo(1);
        assertThat(cycleState()).isEqualTo(before);
        assertTheNextCycleWritesNothing();
    }

    @Test
    void runCrmTasksCreatesReassignsAndDeletesAsACycleWould() {
        f.task("T2", "ben");
        f.settings(s -> s.reassignment(org.tasksync.core.SyncSettings.Reassignment.MOVE));
        f.editTask("T1", b -> b.repId("ben"));

        SyncReport r = f.engine.runCrmTasks(List.of("T1", "T2"));

        assertThat(f.outlook(BEN)).extracting(t -> t.crmId()).containsExactlyInAnyOrder("T1", "T2");
        assertThat(f.outlook(ANNA)).isEmpty(); // the old copy moved
        assertThat(r.created()).isEqualTo(2);
        assertTheNextCycleWritesNothing();

        f.crm.deleteTask("T2");
        SyncReport deleted = f.engine.runCrmTasks(List.of("T2"));
        assertThat(deleted.deleted()).isEqualTo(1);
        assertThat(f.outlook(BEN)).extracting(t -> t.crmId()).containsExactly("T1");
        assertTheNextCycleWritesNothing();
    }

    @Test
    void runCrmTasksKeepsToTheTimeFrame() {
        f.task("T3", "anna", b -> b.dueDate(Fixture.TODAY.plusDays(400)));

        SyncReport r = f.engine.runCrmTasks(List.of("T3"));

        assertThat(r.skipped(SkipReason.OUT_OF_TIME_FRAME)).isEqualTo(1);
        assertThat(f.outlook(ANNA)).extracting(t -> t.crmId()).containsExactly("T1");
    }

    @Test
    void runCrmTasksAdoptsATaggedItemInsteadOfCreatingADuplicate() {
        // the state store lost, the mailbox still holds the tagged item: a run that did not read the
        // mailbox first looks the task up by CRM id before creating it
        f.store = new org.tasksync.core.state.InMemorySyncStateStore();
        f.rebuild();

        SyncReport r = f.engine.runCrmTasks(List.of("T1"));

        assertThat(r.created()).isZero();
        assertThat(r.adopted()).isEqualTo(1);
        assertThat(f.outlook(ANNA)).hasSize(1);
    }

    @Test
    void bothRunsAreDryRunAware() {
        f.settings(s -> s.dryRun(true));
        f.later(Duration.ofMinutes(5));
        f.exchange.userSetStatus(ANNA, f.outlookTask(ANNA, "T1").itemId(), ExchangeStatus.COMPLETED);
        f.editTask("T1", b -> b.subject("Call Mrs. Huber"));

        SyncReport mailbox = f.engine.runMailbox(ANNA);
        SyncReport tasks = f.engine.runCrmTasks(List.of("T1"));

        assertThat(mailbox.dryRun()).isTrue();
        assertThat(tasks.dryRun()).isTrue();
        assertThat(mailbox.plannedWrites()).isNotEmpty();
        assertThat(tasks.plannedWrites()).isNotEmpty();
        assertThat(f.crm.task("T1").orElseThrow().status()).isEqualTo("Open");
        assertThat(f.outlookTask(ANNA, "T1").values().subject()).isEqualTo("Call Mr. Huber");
    }
}

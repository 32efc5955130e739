package org.tasksync.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.tasksync.core.SyncReport;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.SyncStateStore;
import org.tasksync.core.state.InMemorySyncStateStore;

/** SPEC §7: identity tags, crash safety, lost state, rejected cursors and the mass-delete guard. */
class CrashSafetyTest {

    private static final String ANNA = "anna@example.com";

    private final Fixture f = new Fixture();

    CrashSafetyTest() {
        f.rep("anna", ANNA);
    }

    /** The process dies: an {@link Error}, which the engine does not catch. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash() {
            super("simulated crash");
        }
    }

    /**
     * A store that dies (throws {@link SimulatedCrash}) at the first {@code saveLinks} whose links
     * match, either before the save reaches the store or just after.
     */
    static final class CrashingStore implements SyncStateStore {
        private final SyncStateStore d;
        private final Predicate<Collection<Link>> when;
        private final boolean afterSaving;
        private boolean crashed;

        CrashingStore(SyncStateStore d, Predicate<Collection<Link>> when, boolean afterSaving) {
            this.d = d;
            this.when = when;
            this.afterSaving = afterSaving;
        }

        @Override
        public synchronized void saveLinks(Collection<Link> links) {
            boolean crash = !crashed && when.test(links);
            if (crash && !afterSaving) {
                crashed = true;
                throw new SimulatedCrash();
            }
            d.saveLinks(links);
            if (crash) {
                crashed = true;
                throw new SimulatedCrash();
            }
        }

        @Override public Map<String, Link> findLinks(Collection<String> ids) { return d.findLinks(ids); }
        @Override public Map<String, Link> findLinksByItems(String mb, Collection<String> ids) { return d.findLinksByItems(mb, ids); }
        @Override public void deleteLinks(Collection<String> ids) { d.deleteLinks(ids); }
        @Override public int countLinks(String mailbox) { return d.countLinks(mailbox); }
        @Override public Optional<String> cursor(String key) { return d.cursor(key); }
        @Override public Map<String, String> cursors(String prefix) { return d.cursors(prefix); }
        @Override public void saveCursors(Map<String, String> values) { d.saveCursors(values); }
        @Override public Set<String> pendingTaskIds() { return d.pendingTaskIds(); }
        @Override public void addPending(Collection<String> ids) { d.addPending(ids); }
        @Override public void removePending(Collection<String> ids) { d.removePending(ids); }
    }

    private static boolean anyIn(Collection<Link> links, Link.State state) {
        return links.stream().anyMatch(l -> l.state() == state);
    }

    private void crashWith(Predicate<Collection<Link>> when, boolean afterSaving) {
        SyncStateStore real = f.store;
        f.store = new CrashingStore(real, when, afterSaving);
        f.rebuild();
        assertThatThrownBy(f::cycle).isInstanceOf(SimulatedCrash.class);
        f.store = real; // the process restarts with what the store durably holds
        f.rebuild();
    }

    private void assertOneOutlookTaskPerCrmTask(String mailbox) {
        List<String> ids = f.outlook(mailbox).stream().map(ExchangeTask::crmId).filter(id -> id != null).toList();
        assertThat(ids).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(f.crm.tasks().keySet());
    }

    @Test
    void crashAfterCreateIntentIsAdoptedNotDuplicated() {
        f.task("A1:3-1", "anna");
        f.task("A1:3-2", "anna");
        // the items are created in Exchange, then the process dies before their links are saved
        crashWith(links -> anyIn(links, Link.State.LINKED), false);
        assertThat(f.outlook(ANNA)).hasSize(2);

        SyncReport restart = f.cycle();

        assertOneOutlookTaskPerCrmTask(ANNA);
        assertThat(restart.adopted()).isEqualTo(2);
        assertThat(restart.created()).isZero();
        // and the adopted tasks are linked: edits and status changes flow again
        f.editTask("A1:3-1", b -> b.subject("after the crash"));
        f.later(Duration.ofMinutes(1));
        f.exchange.userSetStatus(ANNA, f.outlookTask(ANNA, "A1:3-2").itemId(), ExchangeStatus.COMPLETED);
        f.cycle();
        assertThat(f.outlookTask(ANNA, "A1:3-1").values().subject()).isEqualTo("after the crash");
        assertThat(f.crm.task("A1:3-2").orElseThrow().status()).isEqualTo("Completed");
        assertOneOutlookTaskPerCrmTask(ANNA);
    }

    @Test
    void crashBetweenBatchesLeavesNeitherDuplicatesNorGaps() {
        f.settings(b -> b.batchSize(100));
        for (int i = 0; i < 250; i++) {
            f.task(String.format("A1:3-%03d", i), "anna");
        }
        int[] linkedSaves = {0};
        crashWith(links -> anyIn(links, Link.State.LINKED) && ++linkedSaves[0] == 2, false);
        assertThat(f.outlook(ANNA)).hasSize(200);

        SyncReport restart = f.cycle();

        assertOneOutlookTaskPerCrmTask(ANNA);
        assertThat(restart.adopted()).isEqualTo(100);
        assertThat(restart.created()).isEqualTo(50);
    }

    @Test
    void crashAfterIntentBeforeCreateCreatesOnRestart() {
        f.task("A1:3-1", "anna");
        crashWith(links -> anyIn(links, Link.State.CREATE_INTENDED), true);
        assertThat(f.outlook(ANNA)).isEmpty();

        SyncReport restart = f.cycle();

        assertOneOutlookTaskPerCrmTask(ANNA);
        assertThat(restart.created()).isEqualTo(1);
    }

    @Test
    void crmDeletionAfterACrashedCreateDeletesTheOrphan() {
        f.task("A1:3-0", "anna");
        f.cycle();
        f.task("A1:3-1", "anna");
        crashWith(links -> anyIn(links, Link.State.LINKED), false);
        assertThat(f.outlook(ANNA)).hasSize(2);

        f.crm.deleteTask("A1:3-1");
        f.cycle();

        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::crmId).containsExactly("A1:3-0");
    }

    @Test
    void lostStateStoreAdoptsTaggedTasks() {
        for (int i = 1; i <= 5; i++) {
            f.task("A1:3-" + i, "anna");
        }
        String own = f.exchange.userCreate(ANNA, TaskValues.builder().subject("buy milk").build());
        f.cycle();
        f.cycle();

        f.store = new InMemorySyncStateStore();
        f.rebuild();
        SyncReport report = f.cycle();

        assertOneOutlookTaskPerCrmTask(ANNA);
        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::itemId).contains(own);
        assertThat(report.adopted()).isEqualTo(5);
        assertThat(report.created()).isZero();

        f.later(Duration.ofMinutes(1));
        f.exchange.userSetStatus(ANNA, f.outlookTask(ANNA, "A1:3-4").itemId(), ExchangeStatus.IN_PROGRESS);
        f.cycle();
        assertThat(f.crm.task("A1:3-4").orElseThrow().status()).isEqualTo("In Progress");
    }

    @Test
    void lostStateStoreAdoptionKeepsTheRepsCompletionWithItsPercentAndCompleteDate() {
        f.task("A1:3-1", "anna");
        f.cycle();
        f.later(Duration.ofMinutes(1));
        f.exchange.userSetStatus(ANNA, f.outlookTask(ANNA, "A1:3-1").itemId(), ExchangeStatus.COMPLETED);
        TaskValues completed = f.outlookTask(ANNA, "A1:3-1").values();
        f.store = new InMemorySyncStateStore(); // lost before any cycle read the completion
        f.rebuild();

        SyncReport report = f.cycle();

        assertThat(report.adopted()).isEqualTo(1);
        assertThat(report.statusesWrittenBack()).as("the rep's later status wins").isEqualTo(1);
        assertThat(f.crm.task("A1:3-1").orElseThrow().status()).isEqualTo("Completed");
        // the CRM's old status (Open: 0 %, no complete date) must not be written beside the won status:
        // Exchange applies the three together, and 0 % after Completed makes the task Not Started again
        TaskValues now = f.outlookTask(ANNA, "A1:3-1").values();
        assertThat(now.status()).isEqualTo(ExchangeStatus.COMPLETED);
        assertThat(now.percentComplete()).isEqualTo(100);
        assertThat(now.completeDate()).isEqualTo(completed.completeDate()).isNotNull();
        SyncReport next = f.cycle();
        assertThat(next.updated() + next.statusesWrittenBack()).isZero();
        assertThat(f.crm.task("A1:3-1").orElseThrow().status()).isEqualTo("Completed");
    }

    @Test
    void lostStateStoreAdoptsAndBringsTheAdoptedTaskUpToDate() {
        f.task("A1:3-1", "anna");
        f.cycle();
        f.store = new InMemorySyncStateStore();
        f.rebuild();
        f.editTask("A1:3-1", b -> b.subject("changed while the store was gone"));

        f.cycle();

        assertThat(f.outlook(ANNA)).singleElement()
                .satisfies(t -> assertThat(t.values().subject()).isEqualTo("changed while the store was gone"));
    }

    @Test
    void cursorRejectedReadsAgainAndLosesNoOutlookChange() {
        f.task("A1:3-1", "anna");
        f.task("A1:3-2", "anna");
        f.cycle();
        f.later(Duration.ofMinutes(1));
        f.exchange.userSetStatus(ANNA, f.outlookTask(ANNA, "A1:3-1").itemId(), ExchangeStatus.COMPLETED);
        f.exchange.invalidateCursors(ANNA);

        SyncReport report = f.cycle();

        assertThat(f.crm.task("A1:3-1").orElseThrow().status()).isEqualTo("Completed");
        assertOneOutlookTaskPerCrmTask(ANNA);
        assertThat(report.mailbox(ANNA).orElseThrow().warnings()).anyMatch(w -> w.contains("cursor"));
        assertThat(report.failedMailboxes()).isEmpty();
        assertThat(report.statusesWrittenBack()).isEqualTo(1);

        long before = f.exchange.requests(ANNA);
        f.cycle();
        assertThat(f.exchange.requests(ANNA) - before).as("a fresh cursor is kept").isEqualTo(1);
    }

    @Test
    void cursorRejectedReadsAgainAndAdopts() {
        f.task("A1:3-1", "anna");
        f.task("A1:3-2", "anna");
        f.cycle();
        f.cycle();
        // the store lost one link (e.g. restored from an older backup) and the server forgot the cursor
        f.store.deleteLinks(List.of("A1:3-2"));
        f.exchange.invalidateCursors(ANNA);
        f.editTask("A1:3-2", b -> b.subject("edited meanwhile"));

        SyncReport report = f.cycle();

        assertOneOutlookTaskPerCrmTask(ANNA);
        assertThat(f.outlookTask(ANNA, "A1:3-2").values().subject()).isEqualTo("edited meanwhile");
        assertThat(report.adopted()).isEqualTo(1);
        assertThat(report.created()).isZero();
    }

    // ------------------------------------------------------------------ mass-delete guard

    private void syncTasks(int n) {
        for (int i = 0; i < n; i++) {
            f.task(String.format("A1:4-%03d", i), "anna");
        }
        f.cycle();
    }

    private void deleteInCrm(int n) {
        for (int i = 0; i < n; i++) {
            f.crm.deleteTask(String.format("A1:4-%03d", i));
        }
    }

    @Test
    void massDeleteGuardHoldsDeletionsAndSaysWhy() {
        syncTasks(30);
        deleteInCrm(21); // more than 50 % and more than 20

        SyncReport held = f.cycle();
        assertThat(f.outlook(ANNA)).hasSize(30);
        assertThat(held.deleted()).isZero();
        assertThat(held.mailbox(ANNA).orElseThrow().warnings())
                .anySatisfy(w -> assertThat(w).contains("mass-delete guard", "21", "30"));
        assertThat(held.toTable()).contains("mass-delete guard");

        SyncReport stillHeld = f.cycle();
        assertThat(f.outlook(ANNA)).hasSize(30);
        assertThat(stillHeld.mailbox(ANNA).orElseThrow().warnings()).anyMatch(w -> w.contains("mass-delete guard"));

        // the administrator raises the guard: the held deletions go through
        f.settings(b -> b.massDeleteMinCount(50));
        SyncReport released = f.cycle();
        assertThat(f.outlook(ANNA)).hasSize(9);
        assertThat(released.deleted()).isEqualTo(21);
        assertOneOutlookTaskPerCrmTask(ANNA);
    }

    @Test
    void massDeleteGuardLetsTwentyDeletionsThrough() {
        syncTasks(30);
        deleteInCrm(20); // two thirds, but not more than 20

        SyncReport report = f.cycle();

        assertThat(report.deleted()).isEqualTo(20);
        assertOneOutlookTaskPerCrmTask(ANNA);
    }

    @Test
    void massDeleteGuardLetsHalfOfTheTasksThrough() {
        syncTasks(60);
        deleteInCrm(30); // more than 20, but not more than 50 %

        SyncReport report = f.cycle();

        assertThat(report.deleted()).isEqualTo(30);
        assertOneOutlookTaskPerCrmTask(ANNA);
    }
}

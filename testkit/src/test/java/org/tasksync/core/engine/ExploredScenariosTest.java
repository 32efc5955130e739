package org.tasksync.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.state.InMemorySyncStateStore;

/**
 * Scenarios the state machine's exploring runs ({@code -Pexplore}, docs/reliability.md) found, kept
 * as plain tests: each failed before its fix.
 */
class ExploredScenariosTest {

    private static final String ANNA = "anna@example.com";
    private static final String BEN = "ben@example.com";

    private final Fixture f = new Fixture(SyncSettings.builder().pastDays(7).futureDays(14).build());

    ExploredScenariosTest() {
        f.rep("anna", ANNA);
        f.rep("ben", BEN);
    }

    private void loseTheStore() {
        f.store = new InMemorySyncStateStore();
        f.rebuild();
    }

    /** Under move, a task reassigned while the store was lost loses its old copy too. */
    @Test
    void afterALostStoreAMovedTasksOldCopyIsDeletedAndADeletionLeavesNoCopyOpen() {
        f.settings(b -> b.reassignment(SyncSettings.Reassignment.MOVE));
        f.task("A1:1", "anna");
        f.task("A1:2", "anna");
        f.cycle();
        loseTheStore();
        f.editTask("A1:1", b -> b.repId("ben"));

        f.cycle();

        assertThat(f.outlook(BEN)).extracting(ExchangeTask::crmId).containsExactly("A1:1");
        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::crmId).containsExactly("A1:2");

        f.crm.deleteTask("A1:1");
        f.cycle();
        assertThat(f.outlook(BEN)).isEmpty();
        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::crmId).containsExactly("A1:2");
    }

    /** Under keep-original the old copy stays, as without a lost store. */
    @Test
    void afterALostStoreKeepOriginalLeavesTheOldCopy() {
        f.task("A1:1", "anna");
        f.cycle();
        loseTheStore();
        f.editTask("A1:1", b -> b.repId("ben"));

        f.cycle();

        assertThat(f.outlook(BEN)).extracting(ExchangeTask::crmId).containsExactly("A1:1");
        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::crmId).containsExactly("A1:1");
    }

    /**
     * After a lost store, an item that could not be read until its task had left the time frame is
     * still linked when it reads well, so the status the rep set reaches the CRM.
     */
    @Test
    void aRepsStatusOnAnItemAdoptedOutsideTheTimeFrameReachesTheCrm() {
        f.task("A1:1", "anna", b -> b.dueDate(Fixture.TODAY));
        f.cycle();
        loseTheStore();
        String item = f.outlookTask(ANNA, "A1:1").itemId();
        f.later(Duration.ofMinutes(5));
        f.exchange.userSetStatus(ANNA, item, ExchangeStatus.COMPLETED);
        f.exchange.makeUnreadable(ANNA, item, "Status", "Bogus");
        f.cycle();
        f.later(Duration.ofDays(10)); // the task's day is out of the 7 days back now
        f.exchange.makeReadable(ANNA, item);

        f.cycle();

        assertThat(f.crm.task("A1:1").orElseThrow().status()).isEqualTo("Completed");
        assertThat(f.outlook(ANNA)).hasSize(1);
    }

    /**
     * A status the CRM already has writes nothing to the CRM, but Outlook may have moved the percent
     * with it (leaving Completed resets it to 0): the CRM's percent is written back.
     */
    @Test
    void aStatusTheCrmAlreadyHasStillGetsTheCrmsPercentBack() {
        f.task("A1:1", "anna", b -> b.status("In Progress").percentComplete(40));
        f.cycle();
        String item = f.outlookTask(ANNA, "A1:1").itemId();
        f.later(Duration.ofMinutes(1));
        f.exchange.userSetStatus(ANNA, item, ExchangeStatus.WAITING_ON_OTHERS);
        f.cycle();
        assertThat(f.crm.task("A1:1").orElseThrow().status()).isEqualTo("In Progress");
        f.later(Duration.ofMinutes(1));
        f.exchange.userSetStatus(ANNA, item, ExchangeStatus.COMPLETED);
        f.exchange.userSetStatus(ANNA, item, ExchangeStatus.IN_PROGRESS); // percent 100 -> 0

        f.cycle();

        assertThat(f.crm.task("A1:1").orElseThrow().status()).isEqualTo("In Progress");
        assertThat(f.crm.task("A1:1").orElseThrow().percentComplete()).isEqualTo(40);
        assertThat(f.outlookTask(ANNA, "A1:1").values().status()).isEqualTo(ExchangeStatus.IN_PROGRESS);
        assertThat(f.outlookTask(ANNA, "A1:1").values().percentComplete()).isEqualTo(40);
    }
}

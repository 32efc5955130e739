package org.tasksync.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tasksync.core.MailboxReport;
import org.tasksync.core.SkipReason;
import org.tasksync.core.SyncReport;
import org.tasksync.core.TaskError;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.TaskValues;

/**
 * SPEC §8 for what Exchange sends: an item the adapter cannot read is a per-task error. Every other
 * task of the same mailbox syncs in the same cycle; the unreadable one is left alone and read again
 * until it reads well, so a status the rep set on it is not lost.
 */
class UnreadableItemTest {

    private static final String ANNA = "anna@example.com";

    private final Fixture f = new Fixture();

    UnreadableItemTest() {
        f.rep("anna", ANNA);
        f.task("A1:1", "anna");
        f.task("A1:2", "anna");
        f.task("A1:3", "anna");
        f.cycle();
    }

    private String item(String crmId) {
        return f.outlookTask(ANNA, crmId).itemId();
    }

    @Test
    void theOtherTasksOfTheMailboxSyncAndTheUnreadableOneIsAPerTaskError() {
        f.exchange.userSetStatus(ANNA, item("A1:1"), ExchangeStatus.IN_PROGRESS);
        f.exchange.userSetStatus(ANNA, item("A1:3"), ExchangeStatus.COMPLETED);
        f.exchange.makeUnreadable(ANNA, item("A1:2"), "Status", "Bogus");
        f.editTask("A1:1", b -> b.subject("New subject 1"));
        f.editTask("A1:2", b -> b.subject("New subject 2"));

        SyncReport report = f.cycle();

        MailboxReport anna = report.mailbox(ANNA).orElseThrow();
        assertThat(anna.failed()).isFalse();
        assertThat(f.crm.task("A1:1").orElseThrow().status()).isEqualTo("In Progress");
        assertThat(f.crm.task("A1:3").orElseThrow().status()).isEqualTo("Completed");
        assertThat(f.outlookTask(ANNA, "A1:1").values().subject()).isEqualTo("New subject 1");
        // the unreadable one: not written, reported with the task, the field and the value
        assertThat(f.outlookTask(ANNA, "A1:2").values().subject()).isEqualTo("Call customer A1:2");
        assertThat(anna.taskErrors()).singleElement().satisfies(e -> {
            assertThat(e.taskId()).isEqualTo("A1:2");
            assertThat(e.field()).isEqualTo("Exchange Status");
            assertThat(e.value()).isEqualTo("Bogus");
            assertThat(e.toString()).contains(item("A1:2")).contains("read again next cycle");
        });
        assertThat(anna.skipped(SkipReason.UNREADABLE_IN_EXCHANGE)).isEqualTo(1);
        assertThat(report.clean()).isFalse();
    }

    @Test
    void aStatusTheRepSetOnTheItemReachesTheCrmOnceItReadsWellAgain() {
        String id = item("A1:2");
        f.exchange.userSetStatus(ANNA, id, ExchangeStatus.COMPLETED);
        f.exchange.makeUnreadable(ANNA, id, "DelegationState", "Max");
        // the CRM edits the task meanwhile: writing it now would put Open back over the rep's Completed
        f.editTask("A1:2", b -> b.subject("Edited in the CRM"));

        for (int i = 0; i < 3; i++) {
            SyncReport report = f.cycle();
            assertThat(report.allTaskErrors()).extracting(TaskError::taskId).containsExactly("A1:2");
            assertThat(f.crm.task("A1:2").orElseThrow().status()).isEqualTo("Open");
            assertThat(f.exchange.tasks(ANNA)).filteredOn(t -> t.itemId().equals(id))
                    .extracting(t -> t.values().status()).containsExactly(ExchangeStatus.COMPLETED);
        }

        f.exchange.makeReadable(ANNA, id);
        SyncReport healed = f.cycle();

        assertThat(healed.allTaskErrors()).isEmpty();
        assertThat(f.crm.task("A1:2").orElseThrow().status()).isEqualTo("Completed");
        ExchangeTask t = f.outlookTask(ANNA, "A1:2");
        assertThat(t.values().subject()).isEqualTo("Edited in the CRM");
        assertThat(t.values().status()).isEqualTo(ExchangeStatus.COMPLETED);
        assertThat(f.outlook(ANNA)).hasSize(3);
    }

    @Test
    void changesMadeAfterTheUnreadableItemAreAppliedInEveryCycleAndNotLost() {
        f.exchange.makeUnreadable(ANNA, item("A1:2"), "PercentComplete", "lots");
        f.cycle();
        // the cursor stays before the unreadable item: later changes are still read, and applied once
        f.exchange.userSetStatus(ANNA, item("A1:3"), ExchangeStatus.COMPLETED);
        SyncReport report = f.cycle();
        assertThat(report.statusesWrittenBack()).isEqualTo(1);
        assertThat(f.crm.task("A1:3").orElseThrow().status()).isEqualTo("Completed");

        SyncReport again = f.cycle();
        assertThat(again.statusesWrittenBack()).isZero();
        assertThat(again.updated()).isZero();
        assertThat(again.allTaskErrors()).extracting(TaskError::taskId).containsExactly("A1:2");
    }

    @Test
    void aCrmDeletionWaitsUntilTheItemReadsWell() {
        String id = item("A1:2");
        f.exchange.userSetStatus(ANNA, id, ExchangeStatus.COMPLETED);
        f.exchange.makeUnreadable(ANNA, id, "Status", "Bogus");
        f.crm.deleteTask("A1:2");

        SyncReport report = f.cycle();
        // completed in Outlook, so it must stay there (SPEC §6.3); nobody could tell that yet
        assertThat(f.exchange.tasks(ANNA)).extracting(ExchangeTask::itemId).contains(id);
        assertThat(report.deleted()).isZero();

        f.exchange.makeReadable(ANNA, id);
        f.cycle();
        assertThat(f.exchange.tasks(ANNA)).extracting(ExchangeTask::itemId).contains(id);
        assertThat(f.exchange.tasks(ANNA)).hasSize(3);
    }

    @Test
    void anUnreadableTaskOfTheRepsOwnIsAWarningAndDoesNotHoldTheMailbox() {
        String own = f.exchange.userCreate(ANNA, TaskValues.builder().subject("Buy milk").build());
        f.exchange.makeUnreadable(ANNA, own, "Status", "Bogus");

        SyncReport report = f.cycle();

        assertThat(report.allTaskErrors()).isEmpty();
        assertThat(report.mailbox(ANNA).orElseThrow().warnings()).singleElement().asString()
                .contains(own).contains("Status = 'Bogus'").contains("not the connector's");
        // passed over: the next cycle does not read it again
        assertThat(f.cycle().mailbox(ANNA).orElseThrow().warnings()).isEmpty();
    }

    @Test
    void theDryRunReportsItToo() {
        f.exchange.makeUnreadable(ANNA, item("A1:1"), "Status", "Bogus");
        f.editTask("A1:1", b -> b.subject("Changed"));
        SyncReport dry = f.engine.dryRun();
        assertThat(dry.allTaskErrors()).extracting(TaskError::taskId).containsExactly("A1:1");
        assertThat(dry.plannedWrites()).isEmpty();
        assertThat(List.of(f.outlookTask(ANNA, "A1:1").values().subject())).containsExactly("Call customer A1:1");
    }
}

package org.tasksync.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.tasksync.core.SkipReason;
import org.tasksync.core.SyncReport;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;

/** SPEC §6.1 and §6.2: what comes back from Outlook (the status only) and what is ignored. */
class ExchangeToCrmTest {

    private static final String MB = "anna@example.com";

    private final Fixture f = new Fixture();

    ExchangeToCrmTest() {
        f.rep("anna", MB);
        f.task("A1:1-1", "anna", b -> b.status("Open").subject("Call Mr. Huber"));
        f.cycle();
    }

    private String itemId() {
        return f.outlookTask(MB, "A1:1-1").itemId();
    }

    private CrmTask crmTask() {
        return f.crm.task("A1:1-1").orElseThrow();
    }

    @Test
    void statusChangedInOutlookIsWrittenToTheCrm() {
        f.later(Duration.ofMinutes(5));
        f.exchange.userSetStatus(MB, itemId(), ExchangeStatus.COMPLETED);

        SyncReport report = f.cycle();

        assertThat(crmTask().status()).isEqualTo("Completed");
        assertThat(report.statusesWrittenBack()).isEqualTo(1);
        assertThat(report.mailbox(MB).orElseThrow().statusesWrittenBack()).isEqualTo(1);
        assertThat(report.conflictsCrmWon() + report.conflictsExchangeWon()).isZero();
    }

    @Test
    void onlyTheStatusComesBackFromOutlook() {
        f.later(Duration.ofMinutes(5));
        f.exchange.userEdit(MB, itemId(), v -> v.toBuilder().subject("Outlook subject").percentComplete(50)
                .dueDate(Fixture.TODAY.plusDays(9)).build());
        f.exchange.userSetStatus(MB, itemId(), ExchangeStatus.IN_PROGRESS);

        f.cycle();

        assertThat(crmTask().status()).isEqualTo("In Progress");
        assertThat(crmTask().subject()).isEqualTo("Call Mr. Huber");
        assertThat(crmTask().percentComplete()).isZero();
        assertThat(crmTask().dueDate()).isEqualTo(Fixture.TODAY.plusDays(3));
    }

    @Test
    void conflictLaterModificationWinsOutlookLater() {
        f.editTask("A1:1-1", b -> b.status("Missed"));
        f.later(Duration.ofMinutes(1));
        f.exchange.userSetStatus(MB, itemId(), ExchangeStatus.COMPLETED);

        SyncReport report = f.cycle();
        f.cycle();

        assertThat(crmTask().status()).isEqualTo("Completed");
        assertThat(f.outlookTask(MB, "A1:1-1").values().status()).isEqualTo(ExchangeStatus.COMPLETED);
        assertThat(report.conflictsExchangeWon()).isEqualTo(1);
        assertThat(report.conflictsCrmWon()).isZero();
    }

    @Test
    void conflictLaterModificationWinsCrmLater() {
        f.later(Duration.ofMinutes(1));
        f.exchange.userSetStatus(MB, itemId(), ExchangeStatus.COMPLETED);
        f.editTask("A1:1-1", b -> b.status("Missed"));

        SyncReport report = f.cycle();
        f.cycle();

        assertThat(crmTask().status()).isEqualTo("Missed");
        assertThat(f.outlookTask(MB, "A1:1-1").values().status()).isEqualTo(ExchangeStatus.DEFERRED);
        assertThat(report.conflictsCrmWon()).isEqualTo(1);
        assertThat(report.conflictsExchangeWon()).isZero();
    }

    @Test
    void conflictTieGoesToTheCrm() {
        f.later(Duration.ofMinutes(1));
        // the same instant on both sides: the clock does not move between the two edits
        CrmTask edited = f.crm.upsertTask(crmTask().toBuilder().status("Missed").build());
        f.exchange.userSetStatus(MB, itemId(), ExchangeStatus.COMPLETED);
        assertThat(f.outlookTask(MB, "A1:1-1").lastModified()).isEqualTo(edited.modifiedAt());

        SyncReport report = f.cycle();
        f.cycle();

        assertThat(crmTask().status()).isEqualTo("Missed");
        assertThat(f.outlookTask(MB, "A1:1-1").values().status()).isEqualTo(ExchangeStatus.DEFERRED);
        assertThat(report.conflictsCrmWon()).isEqualTo(1);
    }

    @Test
    void engineDoesNotReadItsOwnWritesAsUserEdits() {
        f.editTask("A1:1-1", b -> b.status("Completed").subject("Called Mr. Huber"));
        f.cycle();
        assertThat(f.outlookTask(MB, "A1:1-1").values().status()).isEqualTo(ExchangeStatus.COMPLETED);
        // a CRM user reopens the task before the engine reads its own write back
        CrmTask reopened = f.editTask("A1:1-1", b -> b.status("Open"));

        SyncReport next = f.cycle();
        SyncReport idle = f.cycle();

        assertThat(next.statusesWrittenBack()).isZero();
        assertThat(next.conflictsCrmWon() + next.conflictsExchangeWon()).isZero();
        assertThat(crmTask().status()).isEqualTo("Open");
        assertThat(crmTask().modifiedAt()).isEqualTo(reopened.modifiedAt());
        assertThat(f.outlookTask(MB, "A1:1-1").values().status()).isEqualTo(ExchangeStatus.NOT_STARTED);
        assertThat(idle.statusesWrittenBack() + idle.updated() + idle.created()).isZero();
    }

    @Test
    void delegatedTasksAreNeitherReadBackNorWritten() {
        Instant crmStamp = crmTask().modifiedAt();
        f.later(Duration.ofMinutes(1));
        f.exchange.userSetStatus(MB, itemId(), ExchangeStatus.COMPLETED);
        f.exchange.userDelegate(MB, itemId());

        SyncReport first = f.cycle();
        assertThat(crmTask().status()).isEqualTo("Open");
        assertThat(crmTask().modifiedAt()).isEqualTo(crmStamp);
        assertThat(first.statusesWrittenBack()).isZero();
        assertThat(first.skipped(SkipReason.DELEGATED)).isEqualTo(1);

        f.editTask("A1:1-1", b -> b.subject("Changed in the CRM").status("In Progress"));
        SyncReport second = f.cycle();
        ExchangeTask item = f.outlookTask(MB, "A1:1-1");
        assertThat(item.values().subject()).isEqualTo("Call Mr. Huber");
        assertThat(item.values().status()).isEqualTo(ExchangeStatus.COMPLETED);
        assertThat(second.updated()).isZero();
        assertThat(second.skipped(SkipReason.DELEGATED)).isEqualTo(1);
        assertThat(second.toTable()).contains("delegated");
    }

    @Test
    void crmDeletionLeavesADelegatedTaskAlone() {
        f.later(Duration.ofMinutes(1));
        f.exchange.userDelegate(MB, itemId());
        f.cycle();

        f.crm.deleteTask("A1:1-1");
        SyncReport report = f.cycle();

        assertThat(f.outlook(MB)).extracting(ExchangeTask::crmId).containsExactly("A1:1-1");
        assertThat(report.deleted()).isZero();
    }
}

package org.tasksync.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.TaskError;
import org.tasksync.core.mapping.StatusMapping;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.TaskValues;

/** SPEC §3, "Mapping of Task Status": every row of the table, both ways, through whole cycles. */
class StatusTableTest {

    private static final String MB = "anna@example.com";

    private final Fixture f = new Fixture();

    StatusTableTest() {
        f.rep("anna", MB);
    }

    @ParameterizedTest(name = "CRM {0} -> Outlook {1}")
    @CsvSource({
            "Open, NOT_STARTED",
            "In Progress, IN_PROGRESS",
            "Completed, COMPLETED",
            "Missed, DEFERRED"
    })
    void crmStatusIsWrittenToOutlookAsTheTableSays(String crmStatus, ExchangeStatus expected) {
        f.task("A1:1-1", "anna", b -> b.status(crmStatus));

        f.cycle();

        assertThat(f.outlookTask(MB, "A1:1-1").values().status()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "CRM {0} -> Outlook {1} on a change of a synced task")
    @CsvSource({
            "Open, In Progress, IN_PROGRESS",
            "Open, Completed, COMPLETED",
            "Open, Missed, DEFERRED",
            "In Progress, Open, NOT_STARTED"
    })
    void crmStatusChangeIsWrittenToOutlookAsTheTableSays(String before, String after, ExchangeStatus expected) {
        f.task("A1:1-1", "anna", b -> b.status(before));
        f.cycle();

        f.editTask("A1:1-1", b -> b.status(after));
        f.cycle();

        assertThat(f.outlookTask(MB, "A1:1-1").values().status()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "Outlook {1} -> CRM {2}")
    @CsvSource({
            "In Progress, NOT_STARTED, Open",
            "Open, IN_PROGRESS, In Progress",
            "Open, COMPLETED, Completed",
            "Open, DEFERRED, Missed",
            "Open, WAITING_ON_OTHERS, In Progress"
    })
    void outlookStatusIsWrittenToTheCrmAsTheTableSays(String crmBefore, ExchangeStatus outlook, String expected) {
        f.task("A1:1-1", "anna", b -> b.status(crmBefore));
        f.cycle();
        ExchangeTask item = f.outlookTask(MB, "A1:1-1");

        f.later(java.time.Duration.ofMinutes(1));
        f.exchange.userSetStatus(MB, item.itemId(), outlook);
        SyncReport report = f.cycle();

        assertThat(f.crm.task("A1:1-1").orElseThrow().status()).isEqualTo(expected);
        assertThat(report.statusesWrittenBack()).isEqualTo(1);
        // the percent may follow the new status (MS-OXOTASK: NotStarted 0 %, InProgress above 0 %), the
        // status is the rep's and stays
        assertThat(f.outlookTask(MB, "A1:1-1").values().status()).isEqualTo(outlook);
        assertThat(f.cycle().updated()).as("nothing more written to Outlook").isZero();
        TaskValues after = f.outlookTask(MB, "A1:1-1").values();
        assertThat(after.status()).isEqualTo(outlook);
        if (outlook == ExchangeStatus.NOT_STARTED) {
            assertThat(after.percentComplete()).isZero();
        } else if (outlook == ExchangeStatus.IN_PROGRESS) {
            assertThat(after.percentComplete()).isBetween(1, 99);
        }
    }

    @Test
    void waitingOnOthersBecomesInProgressAndStaysWaitingOnOthersInOutlook() {
        f.task("A1:1-1", "anna", b -> b.status("Open"));
        f.cycle();
        ExchangeTask item = f.outlookTask(MB, "A1:1-1");

        f.later(java.time.Duration.ofMinutes(1));
        f.exchange.userSetStatus(MB, item.itemId(), ExchangeStatus.WAITING_ON_OTHERS);
        f.cycle();
        assertThat(f.crm.task("A1:1-1").orElseThrow().status()).isEqualTo("In Progress");

        f.cycle();
        f.cycle();
        assertThat(f.outlookTask(MB, "A1:1-1").values().status()).isEqualTo(ExchangeStatus.WAITING_ON_OTHERS);

        // a CRM edit of another field does not "repair" the status either
        f.editTask("A1:1-1", b -> b.subject("Call back about the offer"));
        f.cycle();
        ExchangeTask after = f.outlookTask(MB, "A1:1-1");
        assertThat(after.values().subject()).isEqualTo("Call back about the offer");
        assertThat(after.values().status()).isEqualTo(ExchangeStatus.WAITING_ON_OTHERS);
        assertThat(f.crm.task("A1:1-1").orElseThrow().status()).isEqualTo("In Progress");
    }

    @Test
    void inProgressToWaitingOnOthersWritesNothingToTheCrmAndKeepsWaitingOnOthers() {
        f.task("A1:1-1", "anna", b -> b.status("In Progress"));
        f.cycle();
        java.time.Instant crmStamp = f.crm.task("A1:1-1").orElseThrow().modifiedAt();

        f.later(java.time.Duration.ofMinutes(1));
        f.exchange.userSetStatus(MB, f.outlookTask(MB, "A1:1-1").itemId(), ExchangeStatus.WAITING_ON_OTHERS);
        SyncReport report = f.cycle();
        f.cycle();

        assertThat(report.statusesWrittenBack()).isZero();
        assertThat(f.crm.task("A1:1-1").orElseThrow().modifiedAt()).isEqualTo(crmStamp);
        assertThat(f.outlookTask(MB, "A1:1-1").values().status()).isEqualTo(ExchangeStatus.WAITING_ON_OTHERS);
    }

    @Test
    void waitingOnOthersIsReplacedWhenTheCrmStatusReallyChanges() {
        f.task("A1:1-1", "anna", b -> b.status("In Progress"));
        f.cycle();
        f.later(java.time.Duration.ofMinutes(1));
        f.exchange.userSetStatus(MB, f.outlookTask(MB, "A1:1-1").itemId(), ExchangeStatus.WAITING_ON_OTHERS);
        f.cycle();

        f.editTask("A1:1-1", b -> b.status("Completed"));
        f.cycle();

        assertThat(f.outlookTask(MB, "A1:1-1").values().status()).isEqualTo(ExchangeStatus.COMPLETED);
    }

    @Test
    void unmappedCrmStatusIsAPerTaskErrorNamingTaskFieldAndValueWhileOthersSync() {
        f.task("A1:1-1", "anna", b -> b.status("Cancelled"));
        f.task("A1:1-2", "anna", b -> b.status("Open"));

        SyncReport report = f.cycle();

        assertThat(report.allTaskErrors()).singleElement().satisfies(e -> {
            assertThat(e.taskId()).isEqualTo("A1:1-1");
            assertThat(e.field()).contains("#2");
            assertThat(e.value()).isEqualTo("Cancelled");
            assertThat(e.toString()).contains("A1:1-1", "#2", "Cancelled");
        });
        assertThat(f.outlook(MB)).extracting(ExchangeTask::crmId).containsExactly("A1:1-2");
        assertThat(report.toTable()).contains("A1:1-1", "Cancelled");
    }

    @Test
    void unmappedStatusOfASyncedTaskLeavesTheOutlookTaskAloneUntilFixed() {
        f.task("A1:1-1", "anna", b -> b.status("In Progress"));
        f.cycle();

        f.editTask("A1:1-1", b -> b.status("On Hold").subject("changed too"));
        SyncReport bad = f.cycle();
        assertThat(bad.allTaskErrors()).extracting(TaskError::taskId).containsExactly("A1:1-1");
        assertThat(f.outlookTask(MB, "A1:1-1").values().status()).isEqualTo(ExchangeStatus.IN_PROGRESS);
        assertThat(f.outlookTask(MB, "A1:1-1").values().subject()).isEqualTo("Call customer A1:1-1");

        f.editTask("A1:1-1", b -> b.status("Completed"));
        SyncReport fixed = f.cycle();
        assertThat(fixed.allTaskErrors()).isEmpty();
        assertThat(f.outlookTask(MB, "A1:1-1").values().status()).isEqualTo(ExchangeStatus.COMPLETED);
        assertThat(f.outlookTask(MB, "A1:1-1").values().subject()).isEqualTo("changed too");
    }

    @Test
    void customCatalogMappingFromSettingsIsUsedBothWays() {
        StatusMapping german = StatusMapping.builder()
                .map("Offen", ExchangeStatus.NOT_STARTED)
                .map("In Arbeit", ExchangeStatus.IN_PROGRESS)
                .map("Erledigt", ExchangeStatus.COMPLETED)
                .map("Versäumt", ExchangeStatus.DEFERRED)
                .map("Wartet", ExchangeStatus.WAITING_ON_OTHERS)
                .build();
        f.settings(b -> b.statusMapping(german));
        f.task("A1:1-1", "anna", b -> b.status("Erledigt"));
        f.task("A1:1-2", "anna", b -> b.status("Wartet"));
        f.task("A1:1-3", "anna", b -> b.status("Open")); // a default value is not in this catalog

        SyncReport first = f.cycle();

        assertThat(f.outlookTask(MB, "A1:1-1").values().status()).isEqualTo(ExchangeStatus.COMPLETED);
        assertThat(f.outlookTask(MB, "A1:1-2").values().status()).isEqualTo(ExchangeStatus.WAITING_ON_OTHERS);
        assertThat(first.allTaskErrors()).extracting(TaskError::taskId).containsExactly("A1:1-3");

        f.later(java.time.Duration.ofMinutes(1));
        f.exchange.userSetStatus(MB, f.outlookTask(MB, "A1:1-2").itemId(), ExchangeStatus.DEFERRED);
        f.cycle();
        assertThat(f.crm.task("A1:1-2").orElseThrow().status()).isEqualTo("Versäumt");
    }

    @Test
    void customCatalogFromPropertiesKeepsTheWaitingOnOthersRule() {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("tasksync.status.to-exchange.Offen", "NotStarted");
        p.setProperty("tasksync.status.to-exchange.In Arbeit", "InProgress");
        p.setProperty("tasksync.status.to-exchange.Erledigt", "Completed");
        p.setProperty("tasksync.status.to-exchange.Versäumt", "Deferred");
        SyncSettings fromProps = SyncSettings.fromProperties(p);
        f.settings(b -> b.statusMapping(fromProps.mapping().status()));
        f.task("A1:1-1", "anna", b -> b.status("Offen"));
        f.cycle();
        assertThat(f.outlookTask(MB, "A1:1-1").values().status()).isEqualTo(ExchangeStatus.NOT_STARTED);

        f.later(java.time.Duration.ofMinutes(1));
        f.exchange.userSetStatus(MB, f.outlookTask(MB, "A1:1-1").itemId(), ExchangeStatus.WAITING_ON_OTHERS);
        f.cycle();

        assertThat(f.crm.task("A1:1-1").orElseThrow().status()).isEqualTo("In Arbeit");
    }
}

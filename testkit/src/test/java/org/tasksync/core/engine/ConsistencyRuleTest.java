package org.tasksync.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tasksync.core.SyncReport;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.TaskValues;

/**
 * SPEC §3, consistency of what is written to Exchange, with MS-OXOTASK's PidLidTaskStatus rule
 * (docs/engine.md): Completed means 100 % and a completion date (the CRM's, else the cycle's date);
 * NotStarted 0 %, InProgress 1..99 %, other statuses the percent capped at 99, none with a
 * completion date; a percent outside 0..100 is a per-task error.
 */
class ConsistencyRuleTest {

    private static final String MB = "anna@example.com";
    private static final ZoneId VIENNA = ZoneId.of("Europe/Vienna");

    private final Fixture f = new Fixture();

    ConsistencyRuleTest() {
        f.rep("anna", MB, VIENNA);
    }

    private TaskValues outlook(String id) {
        return f.outlookTask(MB, id).values();
    }

    @Test
    void completedWithoutCrmDateIsWrittenAsHundredPercentCompletedOnTheCyclesDate() {
        f.task("A1:1-1", "anna", b -> b.status("Completed").percentComplete(30));

        f.cycle();

        assertThat(outlook("A1:1-1").status()).isEqualTo(ExchangeStatus.COMPLETED);
        assertThat(outlook("A1:1-1").percentComplete()).isEqualTo(100);
        assertThat(outlook("A1:1-1").completeDate()).isEqualTo(Fixture.TODAY);
    }

    @Test
    void completedWithCrmCompleteDateUsesTheCrmDate() {
        f.task("A1:1-1", "anna", b -> b.status("Completed").percentComplete(100)
                .completeDate(Fixture.TODAY.minusDays(2)));

        f.cycle();

        assertThat(outlook("A1:1-1").completeDate()).isEqualTo(Fixture.TODAY.minusDays(2));
        assertThat(outlook("A1:1-1").percentComplete()).isEqualTo(100);
    }

    @Test
    void theCycleDateOfACompletionDoesNotMoveOnLaterCycles() {
        f.task("A1:1-1", "anna", b -> b.status("Completed"));
        f.cycle();

        f.later(Duration.ofDays(3));
        f.editTask("A1:1-1", b -> b.subject("Completed call, notes added"));
        f.cycle();

        assertThat(outlook("A1:1-1").subject()).isEqualTo("Completed call, notes added");
        assertThat(outlook("A1:1-1").completeDate()).isEqualTo(Fixture.TODAY);
    }

    @ParameterizedTest(name = "CRM {0} {1} % -> Outlook {2} %")
    @CsvSource({
            "Open, 0, 0",
            "Open, 40, 0",
            "In Progress, 0, 1",
            "In Progress, 40, 40",
            "In Progress, 99, 99",
            "In Progress, 100, 99",
            "Missed, 0, 0",
            "Missed, 100, 99"
    })
    void otherStatusesKeepThePercentCappedAt99AndHaveNoCompleteDate(String status, int percent, int expected) {
        f.task("A1:1-1", "anna", b -> b.status(status).percentComplete(percent)
                .completeDate(Fixture.TODAY.minusDays(1)));

        f.cycle();

        assertThat(outlook("A1:1-1").percentComplete()).isEqualTo(expected);
        assertThat(outlook("A1:1-1").completeDate()).isNull();
        assertThat(outlook("A1:1-1").status()).isNotEqualTo(ExchangeStatus.COMPLETED);
    }

    @Test
    void reopeningInTheCrmClearsTheCompleteDateAndCapsThePercent() {
        f.task("A1:1-1", "anna", b -> b.status("Completed").percentComplete(100));
        f.cycle();

        f.editTask("A1:1-1", b -> b.status("Open"));
        f.cycle();

        assertThat(outlook("A1:1-1").status()).isEqualTo(ExchangeStatus.NOT_STARTED);
        assertThat(outlook("A1:1-1").percentComplete()).as("NotStarted means 0 % (MS-OXOTASK 2.2.2.2.2)").isEqualTo(0);
        assertThat(outlook("A1:1-1").completeDate()).isNull();
    }

    @Test
    void completionInOutlookKeepsOutlooksDateAndIsNotRewritten() {
        f.task("A1:1-1", "anna", b -> b.percentComplete(20));
        f.cycle();
        f.later(Duration.ofDays(1));
        f.exchange.userSetStatus(MB, f.outlookTask(MB, "A1:1-1").itemId(), ExchangeStatus.COMPLETED);

        f.cycle();
        SyncReport after = f.cycle();

        assertThat(f.crm.task("A1:1-1").orElseThrow().status()).isEqualTo("Completed");
        assertThat(outlook("A1:1-1").completeDate()).isEqualTo(Fixture.TODAY.plusDays(1));
        assertThat(outlook("A1:1-1").percentComplete()).isEqualTo(100);
        assertThat(after.updated()).isZero();
    }

    @ParameterizedTest(name = "percent {0}")
    @CsvSource({"101", "-1", "250"})
    void percentOutsideZeroToHundredIsAPerTaskError(int percent) {
        f.task("A1:1-1", "anna", b -> b.percentComplete(percent));
        f.task("A1:1-2", "anna");

        SyncReport report = f.cycle();

        assertThat(report.allTaskErrors()).singleElement().satisfies(e -> {
            assertThat(e.taskId()).isEqualTo("A1:1-1");
            assertThat(e.field()).contains("#56");
            assertThat(e.value()).isEqualTo(Integer.toString(percent));
        });
        assertThat(f.outlook(MB)).extracting(ExchangeTask::crmId).containsExactly("A1:1-2");
    }
}

package org.tasksync.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.tasksync.core.SkipReason;
import org.tasksync.core.SyncReport;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Rep;

/** SPEC §5: the switch, the time frame (past 30, future 60 days here) and which reps take part. */
class TakingPartTest {

    private static final String ANNA = "anna@example.com";

    private final Fixture f = new Fixture();

    TakingPartTest() {
        f.rep("anna", ANNA);
    }

    @Test
    void taskEnteringTheTimeFrameIsCreated() {
        f.task("A1:2-1", "anna", b -> b.dueDate(Fixture.TODAY.plusDays(65)));
        f.task("A1:2-2", "anna", b -> b.dueDate(null).startDate(Fixture.TODAY.plusDays(62)));
        SyncReport first = f.cycle();
        assertThat(f.outlook(ANNA)).isEmpty();
        assertThat(first.allTaskErrors()).isEmpty();

        // nobody edits the tasks; the window moves one day a cycle
        for (int day = 1; day <= 4; day++) {
            f.later(Duration.ofDays(1));
            f.cycle();
            assertThat(f.outlook(ANNA)).as("day %d", day).extracting(ExchangeTask::crmId)
                    .containsExactlyElementsOf(day >= 2 ? java.util.List.of("A1:2-2") : java.util.List.of());
        }
        f.later(Duration.ofDays(1));
        SyncReport entered = f.cycle();

        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::crmId).containsExactlyInAnyOrder("A1:2-1", "A1:2-2");
        assertThat(entered.created()).isEqualTo(1);
    }

    @Test
    void tasksThatEnteredWhileNoCycleRanAreCreated() {
        f.task("A1:2-1", "anna", b -> b.dueDate(Fixture.TODAY.plusDays(70)));
        f.cycle();

        f.later(Duration.ofDays(12)); // e.g. the service was down for twelve days
        f.cycle();

        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::crmId).containsExactly("A1:2-1");
    }

    @Test
    void widenedTimeFrameBringsInTheTasksNowInside() {
        f.task("A1:2-1", "anna", b -> b.dueDate(Fixture.TODAY.minusDays(40)));
        f.task("A1:2-2", "anna", b -> b.dueDate(Fixture.TODAY.plusDays(80)));
        f.cycle();
        assertThat(f.outlook(ANNA)).isEmpty();

        f.settings(b -> b.pastDays(45).futureDays(90));
        f.cycle();

        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::crmId).containsExactlyInAnyOrder("A1:2-1", "A1:2-2");
    }

    @Test
    void taskLeavingTheTimeFrameIsNotDeleted() {
        f.task("A1:2-1", "anna", b -> b.dueDate(Fixture.TODAY.plusDays(1)));
        f.cycle();

        f.later(Duration.ofDays(40));
        SyncReport left = f.cycle();
        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::crmId).containsExactly("A1:2-1");
        assertThat(left.deleted()).isZero();

        // and it is no longer updated
        f.editTask("A1:2-1", b -> b.subject("edited after it left the window"));
        SyncReport edited = f.cycle();
        assertThat(f.outlookTask(ANNA, "A1:2-1").values().subject()).isEqualTo("Call customer A1:2-1");
        assertThat(edited.updated()).isZero();
        assertThat(edited.skipped(SkipReason.OUT_OF_TIME_FRAME)).isEqualTo(1);
    }

    @Test
    void undatedTaskTakesPart() {
        f.task("A1:2-1", "anna", b -> b.dueDate(null).startDate(null));
        f.cycle();
        assertThat(f.outlookTask(ANNA, "A1:2-1").values().dueDate()).isNull();

        f.later(Duration.ofDays(400));
        f.editTask("A1:2-1", b -> b.subject("still open-ended"));
        f.cycle();

        assertThat(f.outlookTask(ANNA, "A1:2-1").values().subject()).isEqualTo("still open-ended");
    }

    @Test
    void timeFrameCountsFromScheduledDayNotCreationDay() {
        // all created today; what counts is the due date, else the start date
        f.task("A1:2-1", "anna", b -> b.dueDate(Fixture.TODAY.minusDays(30)));
        f.task("A1:2-2", "anna", b -> b.dueDate(Fixture.TODAY.minusDays(31)));
        f.task("A1:2-3", "anna", b -> b.dueDate(Fixture.TODAY.plusDays(60)));
        f.task("A1:2-4", "anna", b -> b.dueDate(Fixture.TODAY.plusDays(61)));
        f.task("A1:2-5", "anna", b -> b.dueDate(null).startDate(Fixture.TODAY.plusDays(10)));
        f.task("A1:2-6", "anna", b -> b.startDate(Fixture.TODAY).dueDate(Fixture.TODAY.plusDays(90)));
        f.task("A1:2-7", "anna", b -> b.startDate(Fixture.TODAY.minusDays(90)).dueDate(Fixture.TODAY));

        f.cycle();

        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::crmId)
                .containsExactlyInAnyOrder("A1:2-1", "A1:2-3", "A1:2-5", "A1:2-7");
    }

    @Test
    void crmEditOfATaskOutsideTheTimeFrameCreatesNothing() {
        f.task("A1:2-1", "anna", b -> b.dueDate(Fixture.TODAY.plusDays(100)));
        f.cycle();

        f.editTask("A1:2-1", b -> b.subject("still far away"));
        SyncReport report = f.cycle();

        assertThat(f.outlook(ANNA)).isEmpty();
        assertThat(report.skipped(SkipReason.OUT_OF_TIME_FRAME)).isEqualTo(1);
    }

    @Test
    void disabledRepAndRepWithoutMailboxAreSkippedWithReason() {
        f.crm.putRep(new Rep("carl", "Carl", "carl@example.com", null, false));
        f.crm.putRep(new Rep("dora", "Dora", null, null, true));
        f.crm.putRep(new Rep("emil", "Emil", "  ", null, true));
        f.task("A1:2-1", "carl");
        f.task("A1:2-2", "dora");
        f.task("A1:2-3", "emil");
        f.task("A1:2-4", "anna");

        SyncReport report = f.cycle();

        assertThat(f.exchange.mailboxes()).containsExactly(ANNA);
        assertThat(f.outlook("carl@example.com")).isEmpty();
        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::crmId).containsExactly("A1:2-4");
        assertThat(report.skipped(SkipReason.REP_DISABLED)).isEqualTo(1);
        assertThat(report.skipped(SkipReason.REP_WITHOUT_MAILBOX)).isEqualTo(2);
        assertThat(report.toTable()).contains("rep disabled", "rep without mailbox");
        assertThat(report.allTaskErrors()).isEmpty();
    }

    @Test
    void repEnabledLaterReceivesTheTasksOfItsWindow() {
        f.crm.putRep(new Rep("carl", "Carl", "carl@example.com", null, false));
        f.task("A1:2-1", "carl");
        f.cycle();
        f.cycle();
        assertThat(f.outlook("carl@example.com")).isEmpty();

        f.crm.putRep(new Rep("carl", "Carl", "carl@example.com", null, true));
        f.cycle();

        assertThat(f.outlook("carl@example.com")).extracting(ExchangeTask::crmId).containsExactly("A1:2-1");
    }

    @Test
    void taskOfAnUnknownRepIsAPerTaskError() {
        f.task("A1:2-1", "nobody");
        f.task("A1:2-2", "anna");

        SyncReport report = f.cycle();

        assertThat(report.allTaskErrors()).singleElement().satisfies(e -> {
            assertThat(e.taskId()).isEqualTo("A1:2-1");
            assertThat(e.field()).contains("#4");
            assertThat(e.value()).isEqualTo("nobody");
        });
        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::crmId).containsExactly("A1:2-2");
    }

    @Test
    void synchronizeTasksSwitchOffDoesNothingAndSaysSo() {
        f.settings(b -> b.enabled(false));
        f.task("A1:2-1", "anna");
        int crmQueries = f.crm.queries();

        SyncReport report = f.cycle();

        assertThat(report.enabled()).isFalse();
        assertThat(report.toTable()).containsIgnoringCase("switched off");
        assertThat(f.exchange.totalRequests()).isZero();
        assertThat(f.exchange.mailboxes()).isEmpty();
        assertThat(f.crm.queries()).isEqualTo(crmQueries);
        assertThat(report.created()).isZero();

        f.settings(b -> b.enabled(true));
        f.cycle();
        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::crmId).containsExactly("A1:2-1");
    }
}

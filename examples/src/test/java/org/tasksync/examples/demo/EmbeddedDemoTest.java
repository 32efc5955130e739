package org.tasksync.examples.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tasksync.core.SkipReason;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.TaskError;
import org.tasksync.core.model.Rep;
import org.tasksync.examples.demo.EmbeddedDemo.StatusChange;

/** The demo's main flow, run once in process: what it prints is what happened in the CRM. */
class EmbeddedDemoTest {

    private static DatedRun ews;
    private static EmbeddedDemo.Result result;
    private static String text;

    /**
     * A run of the demo and the calendar days it ran on: in UTC (its CRM data's "today") and in every
     * rep's zone (each rep's time frame). The demo reads the real clock; some of its tasks lie on the
     * edges of the time frames, so how many it creates depends on these days.
     */
    private record DatedRun(EmbeddedDemo.Result result, String text, List<LocalDate> days) {
    }

    private static List<LocalDate> days() {
        Instant now = Instant.now();
        ZoneId defaultZone = SyncSettings.ofDefaults().defaultZone();
        List<LocalDate> days = new ArrayList<>();
        days.add(LocalDate.ofInstant(now, ZoneOffset.UTC));
        for (Rep rep : DemoCrm.REPS) {
            days.add(LocalDate.ofInstant(now, rep.timeZone() != null ? rep.timeZone() : defaultZone));
        }
        return days;
    }

    /** Runs the demo; again (a few times at most) if a day began in one of the zones while it ran. */
    private static DatedRun runDated(EmbeddedDemo.Exchange kind) {
        for (int attempt = 1; ; attempt++) {
            List<LocalDate> before = days();
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            EmbeddedDemo.Result r = EmbeddedDemo.run(new PrintStream(printed, true, UTF_8), kind);
            List<LocalDate> after = days();
            if (before.equals(after) || attempt == 3) {
                return new DatedRun(r, printed.toString(UTF_8), after);
            }
        }
    }

    @BeforeAll
    static void runTheDemo() {
        ews = runDated(EmbeddedDemo.Exchange.EWS);
        result = ews.result();
        text = ews.text();
    }

    private static String printed() {
        return text;
    }

    @Test
    void theRepsOutlookEditsChangeTheCrmStatusesAsPrinted() {
        assertThat(result.changedStatuses()).extracting(StatusChange::taskId, StatusChange::before, StatusChange::after)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(DemoCrm.COMPLETED_IN_OUTLOOK, "Open", "Completed"),
                        org.assertj.core.groups.Tuple.tuple(DemoCrm.DEFERRED_IN_OUTLOOK, "In Progress", "Missed"),
                        org.assertj.core.groups.Tuple.tuple(DemoCrm.WAITING_IN_OUTLOOK, "Open", "In Progress"));
        for (StatusChange c : result.changedStatuses()) {
            assertThat(printed()).containsPattern(java.util.regex.Pattern.quote(c.taskId()) + " .*"
                    + java.util.regex.Pattern.quote(c.before() + " -> " + c.after()));
        }
        assertThat(result.secondCycle().statusesWrittenBack()).isEqualTo(3);
    }

    @Test
    void theTaskDeletedInOutlookIsNotCreatedAgain() {
        assertThat(result.deletedTaskInOutlook()).isFalse();
        assertThat(result.secondCycle().created()).isZero();
        assertThat(result.secondCycle().skipped(SkipReason.DELETED_IN_OUTLOOK)).isEqualTo(1);
        assertThat(printed()).contains(DemoCrm.DELETED_IN_OUTLOOK).contains("not created again");
    }

    @Test
    void theBadTaskIsReportedInBothCyclesAndEverythingElseSyncs() {
        for (SyncReport r : java.util.List.of(result.firstCycle(), result.secondCycle())) {
            assertThat(r.allTaskErrors()).extracting(TaskError::taskId, TaskError::field, TaskError::value)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(DemoCrm.BAD_TASK, "#2 Status",
                            DemoCrm.BAD_STATUS_CODE));
            assertThat(r.failedMailboxes()).isEmpty();
            assertThat(r.cycleError()).isNull();
            assertThat(r.mailboxes()).hasSize(8);
        }
        SyncReport first = result.firstCycle();
        assertThat(first.created()).isGreaterThan(200);
        assertThat(first.skipped(SkipReason.REP_DISABLED)).isEqualTo(DemoCrm.TASKS_PER_REP);
        assertThat(first.skipped(SkipReason.OUT_OF_TIME_FRAME)).isPositive();
        assertThat(printed()).contains("task error: task " + DemoCrm.BAD_TASK + ": field #2 Status = '99'");
    }

    @Test
    void theOutputLeadsANewcomerThroughTheRun() {
        assertThat(text).startsWith("tasksync demo: ");
        assertThat(text).contains("Cycle 1:", "mailbox 1 of 8: ", "mailbox 8 of 8: ", "In Outlook:", "Cycle 2:",
                "TOTAL (8 mailboxes)", "CRM statuses that changed");
        assertThat(text).contains("\nNext:\n  the same against Microsoft 365 (Graph): add -Dexec.args=--graph\n");
        assertThat(text.strip()).endsWith("every test: mvn -B verify");
    }

    @Test
    void withGraphTheSameEditsInToDoChangeTheSameCrmStatuses() {
        DatedRun graphRun = runDated(EmbeddedDemo.Exchange.GRAPH);
        DatedRun ewsRun = ews;
        if (!graphRun.days().equals(ewsRun.days())) {
            // a day began in a rep's zone since the EWS run, and the time frames moved: compare runs of one day
            ewsRun = runDated(EmbeddedDemo.Exchange.EWS);
            if (!graphRun.days().equals(ewsRun.days())) {
                graphRun = runDated(EmbeddedDemo.Exchange.GRAPH);
            }
        }
        EmbeddedDemo.Result graph = graphRun.result();
        EmbeddedDemo.Result viaEws = ewsRun.result();

        assertThat(graph.changedStatuses()).extracting(StatusChange::taskId, StatusChange::before, StatusChange::after)
                .containsExactlyElementsOf(viaEws.changedStatuses().stream()
                        .map(c -> org.assertj.core.groups.Tuple.tuple(c.taskId(), c.before(), c.after())).toList());
        assertThat(graph.deletedTaskInOutlook()).isFalse();
        assertThat(graph.firstCycle().created()).isEqualTo(viaEws.firstCycle().created());
        assertThat(graph.secondCycle().allTaskErrors()).extracting(TaskError::taskId).containsExactly(DemoCrm.BAD_TASK);
        assertThat(graph.secondCycle().failedMailboxes()).isEmpty();
        assertThat(graphRun.text()).contains("Graph simulator", "In To Do:", "deleted in To Do: still Open");
    }

    @Test
    void anUnknownArgumentIsRefusedWithTheUsage() {
        ByteArrayOutputStream errors = new ByteArrayOutputStream();

        int exit = EmbeddedDemo.run(new String[] {"--grpah"}, new PrintStream(new ByteArrayOutputStream(), true, UTF_8), new PrintStream(errors, true, UTF_8));

        assertThat(exit).isEqualTo(2);
        assertThat(errors.toString(UTF_8)).contains("'--grpah'", "usage: EmbeddedDemo [--graph]");
    }
}

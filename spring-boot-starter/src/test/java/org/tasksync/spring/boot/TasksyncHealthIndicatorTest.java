package org.tasksync.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.tasksync.core.MailboxReport;
import org.tasksync.core.SyncReport;
import org.tasksync.spring.boot.actuate.TasksyncHealthIndicator;
import org.tasksync.testkit.MutableClock;

/** When the schedule is UP and DOWN, on a clock the test moves. */
class TasksyncHealthIndicatorTest {

    private static final Instant T0 = Instant.parse("2026-12-06T08:00:00Z");
    private static final Duration INTERVAL = Duration.ofMinutes(15);

    private final MutableClock clock = new MutableClock(T0);
    private final TasksyncRuns runs = new TasksyncRuns(clock, INTERVAL);
    private final TasksyncHealthIndicator indicator = new TasksyncHealthIndicator(runs);

    @Test
    void unknownBeforeTheScheduleStartsUpWhileTheFirstCycleRunsDownAfterTwoIntervalsWithoutOne() {
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UNKNOWN);
        runs.scheduleStarted();
        clock.advance(INTERVAL.multipliedBy(2));
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        clock.advance(Duration.ofSeconds(1));
        assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
    }

    @Test
    void aCleanCycleIsUpUntilTwoIntervalsPassWithoutAnother() {
        runs.scheduleStarted();
        runs.record(report(null, ok("a@example.com"), ok("b@example.com")));
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        clock.advance(INTERVAL.multipliedBy(2).plusSeconds(1));
        Health h = indicator.health();
        assertThat(h.getStatus()).isEqualTo(Status.DOWN);
        assertThat(h.getDetails()).containsKey("stale");
    }

    @Test
    void someFailingMailboxesAreUpWithTheirReasonsEveryMailboxFailingIsDown() {
        runs.scheduleStarted();
        runs.record(report(null, ok("a@example.com"), failed("b@example.com", "401 Unauthorized")));
        Health some = indicator.health();
        assertThat(some.getStatus()).isEqualTo(Status.UP);
        assertThat(some.getDetails()).containsEntry("failing", Map.of("b@example.com", "401 Unauthorized"));

        runs.record(report(null, failed("a@example.com", "unreachable"), failed("b@example.com", "401 Unauthorized")));
        Health all = indicator.health();
        assertThat(all.getStatus()).isEqualTo(Status.DOWN);
        assertThat(all.getDetails()).containsEntry("failing",
                Map.of("a@example.com", "unreachable", "b@example.com", "401 Unauthorized"));
    }

    @Test
    void aCycleThatFailedOutsideTheMailboxesIsDown() {
        runs.scheduleStarted();
        runs.record(report("reading reps from the CRM failed: connection refused"));
        Health h = indicator.health();
        assertThat(h.getStatus()).isEqualTo(Status.DOWN);
        assertThat(h.getDetails()).containsEntry("cycleError", "reading reps from the CRM failed: connection refused");
    }

    private SyncReport report(String cycleError, MailboxReport... mailboxes) {
        return new SyncReport(clock.instant(), Duration.ofSeconds(3), true, false, List.of(mailboxes), List.of(),
                Map.of(), cycleError, List.of());
    }

    private static MailboxReport ok(String mailbox) {
        return new MailboxReport(mailbox, 1, 0, 0, 0, 0, 0, 0, 0, Map.of(), List.of(), List.of(), null, 3);
    }

    private static MailboxReport failed(String mailbox, String error) {
        return new MailboxReport(mailbox, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), List.of(), List.of(), error, 1);
    }
}

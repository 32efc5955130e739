package org.tasksync.spring.boot;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.tasksync.core.SyncReport;

/**
 * What the application's schedule has done so far: when it started and the last finished cycle's
 * report. Read by the health indicator and the {@code tasksync} Actuator endpoint. Thread-safe.
 */
public class TasksyncRuns {

    /** The last finished cycle and when it finished. */
    public record Run(SyncReport report, Instant finishedAt) {
    }

    private final Clock clock;
    private final Duration interval;
    private final AtomicReference<Instant> startedAt = new AtomicReference<>();
    private final AtomicReference<Run> last = new AtomicReference<>();

    /** {@code interval}: the pause between cycles, {@code tasksync.tasks.interval-minutes}. */
    public TasksyncRuns(Clock clock, Duration interval) {
        this.clock = clock;
        this.interval = interval;
    }

    /** The schedule started now. */
    public void scheduleStarted() {
        startedAt.set(clock.instant());
    }

    /** A cycle finished now with {@code report}. */
    public void record(SyncReport report) {
        last.set(new Run(report, clock.instant()));
    }

    public Optional<Instant> startedAt() {
        return Optional.ofNullable(startedAt.get());
    }

    public Optional<Run> last() {
        return Optional.ofNullable(last.get());
    }

    public Duration interval() {
        return interval;
    }

    public Instant now() {
        return clock.instant();
    }
}

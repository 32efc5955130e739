package org.tasksync.core;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link SyncEngine#runOnce()} again and again with a fixed pause between the end of one
 * cycle and the start of the next (the interval of SPEC §5), never two cycles at once.
 * {@link #stop(Duration)} lets the cycle in flight finish and then stops.
 *
 * <p>Thread-safe. A cycle that throws is logged and the schedule goes on.
 */
public final class SyncScheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SyncScheduler.class);

    private final SyncEngine engine;
    private final ScheduledExecutorService executor;
    private final Consumer<SyncReport> onReport;

    private SyncScheduler(SyncEngine engine, Duration pause, Duration initialDelay, Consumer<SyncReport> onReport) {
        this.engine = engine;
        this.onReport = onReport;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tasksync-scheduler");
            t.setDaemon(false);
            return t;
        });
        executor.scheduleWithFixedDelay(this::cycle, initialDelay.toMillis(), pause.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts now, then pauses {@code tasksync.tasks.interval-minutes} between cycles. */
    public static SyncScheduler start(SyncEngine engine, Consumer<SyncReport> onReport) {
        return start(engine, Duration.ofMinutes(engine.settings().intervalMinutes()), onReport);
    }

    /**
     * Starts now with an explicit pause, for hosts that manage the interval themselves (and tests);
     * the pause must be positive.
     */
    public static SyncScheduler start(SyncEngine engine, Duration pause, Consumer<SyncReport> onReport) {
        Objects.requireNonNull(engine, "engine");
        if (pause.isNegative() || pause.isZero()) {
            throw new IllegalArgumentException("scheduler pause must be positive, was " + pause);
        }
        return new SyncScheduler(engine, pause, Duration.ZERO, onReport == null ? r -> { } : onReport);
    }

    private void cycle() {
        try {
            SyncReport report = engine.runOnce();
            onReport.accept(report);
        } catch (RuntimeException e) {
            log.error("sync cycle failed; the next one runs after the pause", e);
        }
    }

    /**
     * Stops scheduling, lets a running cycle finish for up to {@code grace}, and then interrupts it.
     *
     * @return true if no cycle was left running
     */
    public boolean stop(Duration grace) {
        executor.shutdown();
        try {
            if (executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            executor.shutdownNow();
            return executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public boolean isRunning() {
        return !executor.isShutdown();
    }

    @Override
    public void close() {
        stop(Duration.ofMinutes(1));
    }
}

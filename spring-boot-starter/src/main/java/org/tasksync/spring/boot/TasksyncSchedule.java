package org.tasksync.spring.boot;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.tasksync.core.LiveListener;
import org.tasksync.core.LiveSettings;
import org.tasksync.core.LiveSync;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncScheduler;

/**
 * The engine's {@link SyncScheduler}, started when the application has started and stopped when it
 * stops: the stop lets the cycle in flight finish for up to {@code tasksync.scheduler.stop-grace-seconds}
 * (then interrupts it; what it did not write is written next cycle), before the DataSources close.
 * With {@code tasksync.live.enabled=true} it runs {@link LiveSync} instead, which keeps the same
 * full cycles and runs changed mailboxes and CRM tasks within seconds in between (docs/live-sync.md).
 */
public class TasksyncSchedule implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TasksyncSchedule.class);

    private final SyncEngine engine;
    private final TasksyncRuns runs;
    private final Duration stopGrace;
    private final LiveSettings live;
    private final LiveListener liveListener;
    private volatile SyncScheduler scheduler;
    private volatile LiveSync liveSync;

    public TasksyncSchedule(SyncEngine engine, TasksyncRuns runs, Duration stopGrace) {
        this(engine, runs, stopGrace, LiveSettings.ofDefaults(), new LiveListener() { });
    }

    /** With {@code live} enabled, the schedule is {@link LiveSync}'s, reporting to {@code liveListener}. */
    public TasksyncSchedule(SyncEngine engine, TasksyncRuns runs, Duration stopGrace, LiveSettings live,
                            LiveListener liveListener) {
        this.engine = engine;
        this.runs = runs;
        this.stopGrace = stopGrace;
        this.live = live;
        this.liveListener = liveListener;
    }

    @Override
    public synchronized void start() {
        if (scheduler != null || liveSync != null) {
            return;
        }
        Duration pause = Duration.ofMinutes(engine.settings().intervalMinutes());
        log.info("tasksync schedule starting: a cycle now, then {} min after each cycle ends{}", pause.toMinutes(),
                live.enabled() ? ", live sync in between" : "");
        runs.scheduleStarted();
        if (live.enabled()) {
            liveSync = LiveSync.builder(engine).settings(live).listener(liveListener).onReport(this::finished)
                    .start();
        } else {
            scheduler = SyncScheduler.start(engine, pause, this::finished);
        }
    }

    /** The live sync this schedule runs, when {@code tasksync.live.enabled}; else empty. */
    public java.util.Optional<LiveSync> liveSync() {
        return java.util.Optional.ofNullable(liveSync);
    }

    private void finished(SyncReport report) {
        runs.record(report);
        if (!report.enabled()) {
            log.info("tasksync cycle: task synchronization is switched off (tasksync.tasks.enabled=false)");
        } else if (report.clean()) {
            log.info("tasksync cycle done in {} ms: {} created, {} updated, {} deleted, {} statuses written back",
                    report.duration().toMillis(), report.created(), report.updated(), report.deleted(),
                    report.statusesWrittenBack());
        } else {
            log.warn("tasksync cycle done with errors:\n{}", report.toTable());
        }
    }

    @Override
    public void stop() {
        SyncScheduler s;
        LiveSync l;
        synchronized (this) {
            s = scheduler;
            l = liveSync;
            scheduler = null;
            liveSync = null;
        }
        if (s == null && l == null) {
            return;
        }
        log.info("tasksync schedule stopping: waiting up to {} s for the cycle in flight", stopGrace.toSeconds());
        if (s != null ? s.stop(stopGrace) : l.stop(stopGrace)) {
            log.info("tasksync schedule stopped");
        } else {
            log.warn("tasksync schedule stopped; the cycle in flight did not finish within {} s and was interrupted",
                    stopGrace.toSeconds());
        }
    }

    @Override
    public void stop(Runnable callback) {
        // on a thread of its own, so that the stop of other lifecycle beans of this phase goes on meanwhile
        Thread t = new Thread(() -> {
            try {
                stop();
            } finally {
                callback.run();
            }
        }, "tasksync-schedule-stop");
        t.start();
    }

    @Override
    public boolean isRunning() {
        SyncScheduler s = scheduler;
        LiveSync l = liveSync;
        return (s != null && s.isRunning()) || (l != null && l.isRunning());
    }

    /** Starts after, and stops before, the web server and the other lifecycle beans of the default phase. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }
}

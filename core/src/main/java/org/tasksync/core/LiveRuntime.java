package org.tasksync.core;

import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The threads, counters and listener one {@link LiveSync} shares with its hint queues. */
final class LiveRuntime {

    // under LiveSync's name, as before the split: a host's log configuration for live sync still applies
    private static final Logger log = LoggerFactory.getLogger(LiveSync.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    final SyncEngine engine;
    final LiveListener listener;
    final long quietNanos;
    final long maxDelayNanos;
    final ScheduledThreadPoolExecutor timer;
    final ThreadPoolExecutor runs;
    /** Null when the host runs the full cycles. */
    final ScheduledExecutorService cycles;
    private volatile boolean closed;

    final LongAdder hints = new LongAdder();
    final LongAdder coalesced = new LongAdder();
    final LongAdder ignored = new LongAdder();
    final LongAdder echoes = new LongAdder();
    final LongAdder gaps = new LongAdder();
    final LongAdder mailboxRuns = new LongAdder();
    final LongAdder failedRuns = new LongAdder();
    final LongAdder deferredRuns = new LongAdder();
    final LongAdder crmHints = new LongAdder();
    final LongAdder crmRuns = new LongAdder();
    final LongAdder fullCycles = new LongAdder();

    LiveRuntime(SyncEngine engine, LiveSettings settings, LiveListener listener, boolean ownCycles) {
        this.engine = engine;
        this.listener = listener;
        this.quietNanos = settings.quietPeriod().toNanos();
        this.maxDelayNanos = settings.maxDelay().toNanos();
        String name = "tasksync-live-" + INSTANCES.incrementAndGet();
        this.timer = new ScheduledThreadPoolExecutor(1, threads(name + "-timer"));
        timer.setRemoveOnCancelPolicy(true);
        this.runs = new ThreadPoolExecutor(settings.threads(), settings.threads(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), threads(name + "-run"));
        runs.allowCoreThreadTimeOut(true);
        this.cycles = ownCycles ? Executors.newSingleThreadScheduledExecutor(threads(name + "-cycle")) : null;
    }

    boolean closed() {
        return closed;
    }

    void markClosed() {
        closed = true;
    }

    /** Calls the host's listener; what it throws never stops live sync. */
    void safe(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("a live sync listener threw; ignored", e);
        }
    }

    void schedule(Runnable r, long nanos) {
        try {
            timer.schedule(r, nanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            // closed meanwhile: nothing runs any more
        }
    }

    LiveSync.Stats stats(int watched, boolean exchangeFeed, boolean crmFeed) {
        return new LiveSync.Stats(hints.sum(), coalesced.sum(), ignored.sum(), echoes.sum(), gaps.sum(),
                mailboxRuns.sum(), failedRuns.sum(), deferredRuns.sum(), crmHints.sum(), crmRuns.sum(),
                fullCycles.sum(), watched, exchangeFeed, crmFeed);
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}

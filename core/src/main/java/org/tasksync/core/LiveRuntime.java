package org.tasksync.core;

import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The threads, counters and listener one {@link LiveSync} shares with its hint queues. */
final class LiveRuntime {

    // under LiveSync's name, as before the split: a host's log configuration for live sync still applies
    private static final Logger log = LoggerFactory.getLogger(LiveSync.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** Queue position of a run for a change a hint named (a mailbox's or the CRM's). */
    static final int HINTED = 0;
    /** Queue position of a run that only catches up after a gap: after every hinted run. */
    static final int CATCH_UP = 1;

    final SyncEngine engine;
    final LiveListener listener;
    final long quietNanos;
    final long maxDelayNanos;
    final ScheduledThreadPoolExecutor timer;
    /** Runs by priority, then in the order they became due. */
    final ThreadPoolExecutor runs;
    private final AtomicLong order = new AtomicLong();
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
                new PriorityBlockingQueue<>(), threads(name + "-run"));
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

    /** Queues a due run; false when live sync is closing and nothing runs any more. */
    boolean submit(QueuedRun run) {
        try {
            runs.execute(run.ordered(order.incrementAndGet()));
            return true;
        } catch (RejectedExecutionException closing) {
            return false;
        }
    }

    /**
     * A due run in the queue: lower {@code priority} first, then first come. {@code begin} is called when
     * a thread starts it and returns the run itself (what the slot holds by then).
     */
    static final class QueuedRun implements Runnable, Comparable<QueuedRun> {
        private final int priority;
        private final Supplier<Runnable> begin;
        private long seq;

        QueuedRun(int priority, Supplier<Runnable> begin) {
            this.priority = priority;
            this.begin = begin;
        }

        int priority() {
            return priority;
        }

        private QueuedRun ordered(long n) {
            seq = n;
            return this;
        }

        @Override
        public void run() {
            begin.get().run();
        }

        @Override
        public int compareTo(QueuedRun o) {
            int c = Integer.compare(priority, o.priority);
            return c != 0 ? c : Long.compare(seq, o.seq);
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

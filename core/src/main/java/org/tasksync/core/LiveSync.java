package org.tasksync.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.spi.CrmChangeFeed;
import org.tasksync.core.spi.ExchangeChangeFeed;

/**
 * Live sync (docs/live-sync.md): runs a mailbox within seconds of its adapter's hint that it changed,
 * and CRM tasks within seconds of the CRM's hint, with the full cycle on its normal interval as the
 * safety net.
 *
 * <p>Hints of one mailbox are coalesced: the mailbox runs ({@link SyncEngine#runMailbox}) once no
 * hint came for the quiet period, at the latest the maximum delay after the first one. A mailbox
 * runs once at a time; hints that come during its run make one more run after it. A gap (the feed
 * may have missed changes) runs the mailbox at once, through its durable cursor. Hints that name
 * only items at the change keys the engine holds are the engine's own writes coming back: dropped
 * without a run. CRM hints are coalesced the same way, over all tasks, and run through
 * {@link SyncEngine#runCrmTasks}; a CRM gap runs a full cycle at once, which reads the CRM's changes
 * through its change cursor. Adapters without a feed leave only the full cycle: polling, as before.
 *
 * <p>The watched mailboxes are those of the last full cycle's report (with a partition, only the
 * partition's). By default live sync runs the full cycles itself, every
 * {@code tasksync.tasks.interval-minutes} (use it instead of {@link SyncScheduler}); a host that runs
 * them itself (the Quartz cluster) chooses {@link Builder#externalCycles} and reports each cycle to
 * {@link #cycleFinished}.
 *
 * <p>Thread-safe. Threads are daemons named {@code tasksync-live-*}, at most
 * {@code tasksync.live.threads} of them run the engine; {@link #close()} stops the feeds and the
 * threads.
 */
public final class LiveSync implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LiveSync.class);

    /** What live sync did so far; counts since start. */
    public record Stats(long hints, long coalesced, long ignored, long echoesDropped, long gaps, long mailboxRuns,
                        long failedRuns, long deferredRuns, long crmHints, long crmRuns, long fullCycles,
                        int watched, boolean exchangeFeed, boolean crmFeed) {
    }

    private final SyncEngine engine;
    private final LiveSettings settings;
    private final MailboxPartition partition;
    private final LiveListener listener;
    private final Consumer<SyncReport> onReport;
    private final Duration fullCycleInterval;
    private final Duration ownership;
    private final Runnable crmGapHandler;
    private final LiveRuntime rt;
    private final ScheduledExecutorService cycles;
    private final Map<MailboxPartition, Seen> seen = new ConcurrentHashMap<>();
    private final AtomicBoolean fullCycleRequested = new AtomicBoolean();
    private volatile Set<String> watched = Set.of();
    // set once in start(); a feed may deliver hints from its own threads before that returns
    private volatile ExchangeChangeFeed exchangeFeed;
    private volatile CrmChangeFeed crmFeed;

    private record Seen(Set<String> mailboxes, long atNanos) {
    }

    private LiveSync(Builder b) {
        this.engine = b.engine;
        this.settings = b.settings;
        this.partition = b.partition;
        this.listener = b.listener;
        this.onReport = b.onReport;
        this.fullCycleInterval = b.fullCycleInterval != null ? b.fullCycleInterval
                : Duration.ofMinutes(engine.settings().intervalMinutes());
        this.ownership = b.ownership;
        this.crmGapHandler = b.crmGapHandler;
        this.rt = new LiveRuntime(engine, settings, listener, ownership == null);
        this.cycles = rt.cycles;
    }

    /** A live sync of {@code engine}; configure it and call {@link Builder#start()}. */
    public static Builder builder(SyncEngine engine) {
        return new Builder(Objects.requireNonNull(engine, "engine"));
    }

    private void start() {
        try {
            exchangeFeed = engine.exchangeAdapter()
                    .changeFeed(new MailboxHints(rt, () -> watched, () -> exchangeFeed)).orElse(null);
        } catch (RuntimeException e) {
            log.warn("the Exchange adapter {} could not open its change feed; its mailboxes are polled on the interval",
                    engine.exchangeAdapter().name(), e);
        }
        try {
            crmFeed = engine.crmAdapter().changeFeed(new CrmHints(rt, this::requestFullCycle)).orElse(null);
        } catch (RuntimeException e) {
            log.warn("the CRM adapter could not open its change feed; the CRM is polled on the interval", e);
        }
        log.info("live sync started: {}, Exchange feed {}, CRM feed {}, full cycle {}", settings,
                exchangeFeed == null ? "none (polling)" : "open", crmFeed == null ? "none (polling)" : "open",
                cycles == null ? "run by the host" : "every " + fullCycleInterval);
        if (cycles != null) {
            cycles.scheduleWithFixedDelay(this::fullCycle, 0, fullCycleInterval.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            long every = Math.max(1_000, ownership.toMillis() / 2);
            rt.timer.scheduleWithFixedDelay(this::refreshWatched, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A full cycle of {@code ran} ended with {@code report}: the mailboxes of its report are watched
     * from now on. Live sync calls it for the cycles it runs; a host that runs them itself
     * ({@link Builder#externalCycles}) calls it after each.
     */
    public void cycleFinished(MailboxPartition ran, SyncReport report) {
        Objects.requireNonNull(ran, "partition");
        Objects.requireNonNull(report, "report");
        rt.fullCycles.increment();
        if (!report.enabled()) {
            seen.clear();
        } else if (!(report.mailboxes().isEmpty() && report.cycleError() != null)) {
            // a cycle that failed before it reached a mailbox tells nothing about them: keep the old set
            Set<String> mine = new HashSet<>();
            for (MailboxReport m : report.mailboxes()) {
                if (ran.contains(m.mailbox()) && partition.contains(m.mailbox())) {
                    mine.add(m.mailbox());
                }
            }
            seen.put(ran, new Seen(Set.copyOf(mine), System.nanoTime()));
        }
        refreshWatched();
        safe(() -> listener.fullCycle(report));
    }

    private synchronized void refreshWatched() {
        if (rt.closed()) {
            return;
        }
        if (ownership != null) {
            long oldest = System.nanoTime() - ownership.toNanos();
            seen.values().removeIf(s -> s.atNanos() - oldest < 0);
        }
        Set<String> now = new TreeSet<>();
        seen.values().forEach(s -> now.addAll(s.mailboxes()));
        if (now.equals(watched)) {
            return;
        }
        // slots stay: one of a mailbox watched again may still have a run in flight (one run at a time)
        watched = Set.copyOf(now);
        if (exchangeFeed != null) {
            List<Mailbox> boxes = new ArrayList<>();
            for (String a : now) {
                boxes.add(new Mailbox(a, a, engine.settings().defaultZone()));
            }
            try {
                exchangeFeed.watch(boxes);
            } catch (RuntimeException e) {
                log.warn("the Exchange feed refused the {} mailboxes to watch; they are polled on the interval",
                        boxes.size(), e);
            }
        }
        log.debug("live sync watches {} mailboxes", now.size());
    }

    private void fullCycle() {
        fullCycleRequested.set(false);
        if (rt.closed()) {
            return;
        }
        try {
            SyncReport report = partition.isAll() ? engine.runOnce() : engine.runOnce(partition);
            cycleFinished(partition, report);
            onReport.accept(report);
        } catch (RuntimeException e) {
            log.error("full sync cycle failed; the next one runs after the interval", e);
        }
    }

    /** Runs a full cycle now (on live sync's cycle thread), unless one is already waiting to. */
    private void requestFullCycle(String why) {
        if (cycles == null) {
            if (crmGapHandler != null) {
                log.info("live sync: {}; asking the host for full cycles", why);
                safe(crmGapHandler);
            } else {
                log.info("live sync: {}; the next full cycle catches up", why);
            }
            return;
        }
        if (fullCycleRequested.compareAndSet(false, true)) {
            log.info("live sync: {}; running a full cycle now", why);
            try {
                cycles.execute(this::fullCycle);
            } catch (RejectedExecutionException closing) {
                fullCycleRequested.set(false);
            }
        }
    }

    public Stats stats() {
        return rt.stats(watched.size(), exchangeFeed != null, crmFeed != null);
    }

    /** The mailboxes watched now (normalized addresses). */
    public Set<String> watched() {
        return watched;
    }

    public LiveSettings settings() {
        return settings;
    }

    public boolean isRunning() {
        return !rt.closed();
    }

    /**
     * Stops the feeds (no hint is taken after this), lets runs in flight finish for up to
     * {@code grace}, then interrupts them.
     *
     * @return true if no run was left running
     */
    public boolean stop(Duration grace) {
        synchronized (this) {
            if (rt.closed()) {
                return rt.runs.isTerminated();
            }
            rt.markClosed();
        }
        closeQuietly(exchangeFeed);
        closeQuietly(crmFeed);
        rt.timer.shutdownNow();
        if (cycles != null) {
            cycles.shutdown();
        }
        rt.runs.shutdown();
        try {
            // as SyncScheduler.stop: up to grace for the work in flight, then interrupted, up to grace again
            boolean done = awaitRunsAndCycles(System.nanoTime() + grace.toNanos());
            if (!done) {
                rt.runs.shutdownNow();
                if (cycles != null) {
                    cycles.shutdownNow();
                }
                done = awaitRunsAndCycles(System.nanoTime() + grace.toNanos());
            }
            rt.timer.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
            log.info("live sync stopped: {}", stats());
            return done;
        } catch (InterruptedException e) {
            rt.runs.shutdownNow();
            if (cycles != null) {
                cycles.shutdownNow();
            }
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean awaitRunsAndCycles(long deadline) throws InterruptedException {
        boolean done = rt.runs.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (cycles != null) {
            done &= cycles.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        return done;
    }

    /** {@link #stop(Duration)} with a minute's grace. */
    @Override
    public void close() {
        stop(Duration.ofMinutes(1));
    }

    @Override
    public String toString() {
        return "LiveSync{" + settings + ", partition=" + (partition.isAll() ? "all" : partition.name()) + ", "
                + stats() + "}";
    }

    private static void closeQuietly(AutoCloseable feed) {
        if (feed == null) {
            return;
        }
        try {
            feed.close();
        } catch (Exception e) {
            log.warn("closing a change feed failed", e);
        }
    }

    private void safe(Runnable r) {
        rt.safe(r);
    }

    /** Configures and starts a {@link LiveSync}. */
    public static final class Builder {
        private final SyncEngine engine;
        private LiveSettings settings = LiveSettings.ofDefaults();
        private MailboxPartition partition = MailboxPartition.ALL;
        private LiveListener listener = new LiveListener() { };
        private Consumer<SyncReport> onReport = r -> { };
        private Duration fullCycleInterval;
        private Duration ownership;
        private Runnable crmGapHandler;

        private Builder(SyncEngine engine) {
            this.engine = engine;
        }

        public Builder settings(LiveSettings v) {
            settings = Objects.requireNonNull(v, "settings");
            return this;
        }

        /** Watches (and, running full cycles itself, syncs) only this partition's mailboxes. */
        public Builder partition(MailboxPartition v) {
            partition = Objects.requireNonNull(v, "partition");
            return this;
        }

        public Builder listener(LiveListener v) {
            listener = Objects.requireNonNull(v, "listener");
            return this;
        }

        /** Called on the cycle thread after each full cycle live sync runs itself. */
        public Builder onReport(Consumer<SyncReport> v) {
            onReport = Objects.requireNonNull(v, "onReport");
            return this;
        }

        /**
         * The pause between full cycles instead of {@code tasksync.tasks.interval-minutes} (tests, hosts
         * that manage the interval themselves); positive.
         */
        public Builder fullCycleInterval(Duration v) {
            if (v == null || v.isNegative() || v.isZero()) {
                throw new IllegalArgumentException("full cycle interval must be positive, was " + v);
            }
            fullCycleInterval = v;
            return this;
        }

        /**
         * The host runs the full cycles (the Quartz cluster runs partitions on whichever node) and
         * reports each to {@link #cycleFinished}; the mailboxes of a partition stay watched for
         * {@code ownership} after it last ran here, then another node is taken to run it.
         * {@code onCrmGap} (may be null) is asked for full cycles after a CRM gap.
         */
        public Builder externalCycles(Duration ownership, Runnable onCrmGap) {
            if (ownership == null || ownership.isNegative() || ownership.isZero()) {
                throw new IllegalArgumentException("ownership must be positive, was " + ownership);
            }
            this.ownership = ownership;
            this.crmGapHandler = onCrmGap;
            return this;
        }

        /** Opens the feeds and, unless the host runs them, starts the full cycles (the first one now). */
        public LiveSync start() {
            LiveSync live = new LiveSync(this);
            live.start();
            return live;
        }
    }
}

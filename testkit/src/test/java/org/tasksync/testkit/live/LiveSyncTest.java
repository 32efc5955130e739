package org.tasksync.testkit.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tasksync.core.LiveListener;
import org.tasksync.core.LiveSettings;
import org.tasksync.core.LiveSync;
import org.tasksync.core.MailboxPartition;
import org.tasksync.core.MailboxReport;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.testkit.inmemory.InMemoryCrm;
import org.tasksync.testkit.inmemory.InMemoryExchange;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.MailboxException;

/**
 * Live sync over the real engine and the in-memory CRM and Exchange, with feeds the test drives
 * (the seam under test): hints coalesce, one run per mailbox at a time, gaps catch up at once, the
 * engine's own writes are dropped as echoes, a failing mailbox does not stop others, close() leaves
 * no thread. Waits are bounded polls; nothing is asserted about how long anything took.
 */
class LiveSyncTest {

    static final String ANNA = "anna@example.com";
    static final String BEN = "ben@example.com";
    static final String CARL = "carl@example.com";
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final Clock clock = Clock.offset(Clock.systemUTC(),
            Duration.between(Instant.now(), Instant.parse("2026-03-02T09:00:00Z")));
    private final InMemoryCrm crm = new InMemoryCrm(clock);
    private final InMemoryExchange exchange = new InMemoryExchange(clock);
    private final FeedAdapters.Exchange feedExchange = new FeedAdapters.Exchange(exchange);
    private final FeedAdapters.Crm feedCrm = new FeedAdapters.Crm(crm);
    private final Runs runs = new Runs();
    private LiveSync live;

    LiveSyncTest() {
        for (String rep : List.of("anna", "ben", "carl")) {
            crm.putRep(new Rep(rep, rep, rep + "@example.com", null, true));
            crm.upsertTask(CrmTask.builder("A1:" + rep).repId(rep).subject("Call " + rep)
                    .dueDate(LocalDate.of(2026, 3, 3)).status("Open").build());
        }
    }

    @AfterEach
    void close() {
        if (live != null) {
            live.close();
        }
    }

    /** Counts runs per mailbox and how many of one mailbox were in flight at once. */
    static final class Runs implements LiveListener {
        final Map<String, AtomicInteger> finished = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final AtomicInteger echoes = new AtomicInteger();
        final List<Duration> waited = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> started = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile Runnable onRunStart = () -> { };

        @Override
        public void mailboxRunStarted(String mailbox) {
            started.add(mailbox);
            maxInFlight.accumulateAndGet(inFlight.computeIfAbsent(mailbox, m -> new AtomicInteger()).incrementAndGet(),
                    Math::max);
            onRunStart.run();
        }

        @Override
        public void mailboxRun(String mailbox, int hints, Duration w, MailboxReport report, String error) {
            inFlight.get(mailbox).decrementAndGet();
            waited.add(w);
            finished.computeIfAbsent(mailbox, m -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void echoDropped(String mailbox, int hints) {
            echoes.addAndGet(hints);
        }

        int of(String mailbox) {
            AtomicInteger n = finished.get(mailbox);
            return n == null ? 0 : n.get();
        }
    }

    private SyncEngine engine() {
        return SyncEngine.builder().crm(feedCrm).exchange(feedExchange).clock(clock).build();
    }

    /** Starts live sync and waits until the first full cycle and the catch-up of every newly watched mailbox ran. */
    private LiveSync start(LiveSettings settings) {
        live = LiveSync.builder(engine()).settings(settings).listener(runs).start();
        waitUntil(() -> runs.of(ANNA) == 1 && runs.of(BEN) == 1 && runs.of(CARL) == 1, "the catch-up runs after watch");
        return live;
    }

    private static LiveSettings timing(long quietMs, long maxDelayMs) {
        return new LiveSettings(true, Duration.ofMillis(quietMs), Duration.ofMillis(maxDelayMs), 4);
    }

    static void waitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + PATIENCE.toSeconds() + " s for " + what);
            }
            pause(20);
        }
    }

    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private ExchangeTask task(String mailbox) {
        return exchange.tasks(mailbox).get(0);
    }

    private String crmStatus(String rep) {
        return crm.task("A1:" + rep).orElseThrow().status();
    }

    @Test
    void watchesTheParticipantsAndCatchesUpEachNewlyWatchedMailbox() {
        start(timing(100, 500));

        assertThat(feedExchange.feed().watched()).containsExactlyInAnyOrder(ANNA, BEN, CARL);
        assertThat(live.stats().fullCycles()).isEqualTo(1);
        assertThat(live.stats().gaps()).isEqualTo(3);
        assertThat(live.stats().exchangeFeed()).isTrue();
        assertThat(live.stats().crmFeed()).isTrue();
    }

    @Test
    void tenHintsWithinTheQuietPeriodMakeOneRun() {
        start(timing(2_000, 60_000));

        for (int i = 0; i < 10; i++) {
            feedExchange.feed().hint(ANNA);
        }
        waitUntil(() -> runs.of(ANNA) == 2, "anna's run");
        pause(4_000); // two more quiet periods: a second run would have come by now

        assertThat(runs.of(ANNA)).isEqualTo(2);
        assertThat(runs.of(BEN)).isEqualTo(1);
        assertThat(live.stats().coalesced()).isEqualTo(9);
        assertThat(live.stats().hints()).isEqualTo(10);
    }

    @Test
    void aSteadyTrickleStillRunsWithinTheMaximumDelay() {
        start(timing(500, 1_000));

        int runsWhileTrickling = 0;
        for (int i = 0; i < 40; i++) {
            feedExchange.feed().hint(ANNA); // every 100 ms: never quiet for 500 ms
            pause(100);
            runsWhileTrickling = runs.of(ANNA) - 1;
        }

        assertThat(runsWhileTrickling).as("runs of anna while hints never stopped for the quiet period")
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void aHintDuringARunMakesExactlyOneMoreRunNeverTwoAtOnce() throws Exception {
        start(timing(100, 300));
        CountDownLatch inRun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        feedExchange.blockConnect(ANNA, inRun, release);

        feedExchange.feed().hint(ANNA);
        assertThat(inRun.await(30, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 5; i++) {
            feedExchange.feed().hint(ANNA);
            pause(150); // past the quiet period: without the one-at-a-time rule each would start a run
        }
        release.countDown();
        waitUntil(() -> runs.of(ANNA) == 3, "the run after the run");
        pause(1_000);

        assertThat(runs.of(ANNA)).isEqualTo(3);
        assertThat(runs.maxInFlight.get()).isEqualTo(1);
    }

    @Test
    void aGapRunsTheMailboxAtOnceAndCatchesUpThroughItsCursor() {
        start(timing(60_000, 60_000));
        exchange.userSetStatus(ANNA, task(ANNA).itemId(), ExchangeStatus.COMPLETED); // no hint: the feed missed it

        feedExchange.feed().gap(ANNA, "stream cut");

        // a run that waited for the quiet period (60 s) would come after the patience (30 s)
        waitUntil(() -> "Completed".equals(crmStatus("anna")), "anna's status in the CRM");
        assertThat(live.stats().fullCycles()).isEqualTo(1);
        assertThat(live.stats().gaps()).isEqualTo(4);
    }

    /** With one run thread, holds it in a run of carl's until the returned latch is released. */
    private CountDownLatch holdTheOnlyThread() throws InterruptedException {
        start(timing(100, 300).withThreads(1));
        CountDownLatch inRun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        feedExchange.blockConnect(CARL, inRun, release);
        feedExchange.feed().hint(CARL);
        assertThat(inRun.await(30, TimeUnit.SECONDS)).isTrue();
        runs.started.clear();
        return release;
    }

    @Test
    void aHintedRunGoesAheadOfCatchUpsWaitingBeforeIt() throws Exception {
        CountDownLatch release = holdTheOnlyThread();

        feedExchange.feed().gap(ANNA, "stream cut"); // waits for the thread first
        feedExchange.feed().hint(BEN);
        pause(600); // past ben's quiet period and maximum delay: his run waits in the queue too
        release.countDown();
        waitUntil(() -> runs.of(ANNA) >= 2 && runs.of(BEN) >= 2, "both runs");

        // after a cut every mailbox has a catch-up queued; a rep's known change must not wait behind them
        assertThat(runs.started).containsExactly(BEN, ANNA);
    }

    @Test
    void aHintForAMailboxWhoseCatchUpWaitsMovesItForwardAndRidesAlong() throws Exception {
        CountDownLatch release = holdTheOnlyThread();

        feedExchange.feed().gap(ANNA, "stream cut");
        feedExchange.feed().gap(BEN, "stream cut");
        feedExchange.feed().hint(BEN);
        pause(600);
        release.countDown();
        waitUntil(() -> runs.of(ANNA) >= 2 && runs.of(BEN) >= 2, "both runs");
        pause(1_000); // a second run of ben's, had the hint not gone with the first, would have come by now

        assertThat(runs.started).containsExactly(BEN, ANNA);
        assertThat(runs.of(BEN)).as("runs of ben after the first full cycle's catch-up").isEqualTo(2);
    }

    @Test
    void aRepsStatusReachesTheCrmWithoutAFullCycle() {
        start(timing(100, 500));
        exchange.userSetStatus(BEN, task(BEN).itemId(), ExchangeStatus.IN_PROGRESS);
        ExchangeTask changed = task(BEN);

        feedExchange.feed().hint(BEN, new ItemRef(changed.itemId(), changed.changeKey()));

        waitUntil(() -> "In Progress".equals(crmStatus("ben")), "ben's status in the CRM");
        assertThat(live.stats().fullCycles()).isEqualTo(1);
        assertThat(runs.waited).allSatisfy(w -> assertThat(w).isPositive());
    }

    @Test
    void aCrmEditReachesOutlookWithoutAFullCycle() {
        start(timing(100, 500));
        CrmTask t = crm.task("A1:carl").orElseThrow();
        crm.upsertTask(t.toBuilder().subject("Call carl back").build());

        feedCrm.feed().changed(List.of("A1:carl"));

        waitUntil(() -> "Call carl back".equals(task(CARL).values().subject()) && live.stats().crmRuns() == 1,
                "carl's new subject in Outlook");
        assertThat(live.stats().crmRuns()).isEqualTo(1);
        assertThat(live.stats().fullCycles()).isEqualTo(1);
    }

    @Test
    void aCrmGapRunsAFullCycleAtOnce() {
        start(timing(100, 500));
        CrmTask t = crm.task("A1:carl").orElseThrow();
        crm.upsertTask(t.toBuilder().subject("Missed notification").build());

        feedCrm.feed().gap("LISTEN connection lost");

        waitUntil(() -> "Missed notification".equals(task(CARL).values().subject()) && live.stats().fullCycles() == 2,
                "carl's subject in Outlook");
        assertThat(live.stats().fullCycles()).isEqualTo(2);
    }

    @Test
    void theEnginesOwnWritesComingBackAreDroppedWithoutARun() {
        start(timing(100, 300));
        ExchangeTask written = task(ANNA); // as the engine created it: the link holds this change key

        feedExchange.feed().hint(ANNA, new ItemRef(written.itemId(), written.changeKey()));
        waitUntil(() -> runs.echoes.get() == 1, "the echo to be dropped");
        pause(600);
        assertThat(runs.of(ANNA)).isEqualTo(1);
        assertThat(live.stats().echoesDropped()).isEqualTo(1);

        // the same item at another change key is somebody else's change: it runs
        feedExchange.feed().hint(ANNA, new ItemRef(written.itemId(), written.changeKey() + "-rep"));
        waitUntil(() -> runs.of(ANNA) == 2, "the run of a change nobody wrote");
        assertThat(runs.echoes.get()).isEqualTo(1);
    }

    @Test
    void aFailingMailboxDoesNotStopTheOthers() {
        start(timing(100, 300));
        exchange.failMailbox(BEN, MailboxException.Kind.UNAVAILABLE);
        runs.onRunStart = () -> {
            throw new IllegalStateException("a broken metrics listener");
        };

        feedExchange.feed().hint(BEN);
        waitUntil(() -> runs.of(BEN) == 2, "ben's failed run");
        exchange.userSetStatus(ANNA, task(ANNA).itemId(), ExchangeStatus.COMPLETED);
        feedExchange.feed().hint(ANNA);

        waitUntil(() -> "Completed".equals(crmStatus("anna")), "anna's status in the CRM");
        assertThat(live.stats().failedRuns()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void hintsOfMailboxesNotWatchedAreIgnored() {
        start(timing(100, 300));

        feedExchange.feed().hint("stranger@example.com");
        pause(600);

        assertThat(live.stats().ignored()).isEqualTo(1);
        assertThat(runs.finished).doesNotContainKey("stranger@example.com");
    }

    @Test
    void withAPartitionOnlyItsMailboxesAreWatched() {
        MailboxPartition p = MailboxPartition.of(MailboxPartition.partitionOf(ANNA, 2), 2);
        live = LiveSync.builder(engine()).settings(timing(100, 300)).partition(p).listener(runs).start();
        waitUntil(() -> runs.of(ANNA) == 1, "anna's catch-up");

        Set<String> expected = new java.util.TreeSet<>();
        for (String m : List.of(ANNA, BEN, CARL)) {
            if (p.contains(m)) {
                expected.add(m);
            }
        }
        assertThat(feedExchange.feed().watched()).isEqualTo(expected);
        assertThat(live.watched()).isEqualTo(expected);
    }

    @Test
    void withoutFeedsTheFullCycleStillRunsOnItsInterval() {
        List<SyncReport> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
        live = LiveSync.builder(SyncEngine.builder().crm(crm).exchange(exchange).clock(clock).build())
                .settings(timing(100, 300)).fullCycleInterval(Duration.ofMillis(200)).onReport(reports::add).start();

        waitUntil(() -> reports.size() >= 3, "three full cycles");

        assertThat(live.stats().exchangeFeed()).isFalse();
        assertThat(live.stats().crmFeed()).isFalse();
        assertThat(exchange.tasks(ANNA)).hasSize(1);
    }

    @Test
    void closeStopsTheFeedsAndLeavesNoThread() {
        start(timing(100, 300));
        feedExchange.feed().hint(ANNA);
        feedCrm.feed().changed(List.of("A1:anna"));

        assertThat(live.stop(Duration.ofSeconds(30))).isTrue();

        assertThat(feedExchange.feed().closed()).isTrue();
        assertThat(feedCrm.feed().closed()).isTrue();
        waitUntil(() -> liveThreads().isEmpty(), "live sync's threads to end");
        int before = runs.of(ANNA);
        feedExchange.feed().hint(ANNA);
        pause(500);
        assertThat(runs.of(ANNA)).isEqualTo(before);
        assertThat(live.isRunning()).isFalse();
    }

    @Test
    void itsThreadsAreNamedDaemonsAndBounded() throws Exception {
        start(timing(0, 0).withThreads(2));
        CountDownLatch inRun = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        feedExchange.blockConnect(ANNA, inRun, release);
        for (String m : List.of(ANNA, BEN, CARL)) {
            feedExchange.feed().hint(m);
        }
        assertThat(inRun.await(30, TimeUnit.SECONDS)).isTrue();

        List<Thread> threads = liveThreads();
        release.countDown();

        assertThat(threads).isNotEmpty().allSatisfy(t -> assertThat(t.isDaemon()).isTrue());
        assertThat(threads.stream().filter(t -> t.getName().contains("-run-"))).hasSizeLessThanOrEqualTo(2);
    }

    static List<Thread> liveThreads() {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("tasksync-live-") && t.isAlive()) {
                out.add(t);
            }
        }
        return out;
    }
}

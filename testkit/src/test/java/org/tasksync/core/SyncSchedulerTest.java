package org.tasksync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.core.spi.CrmPage;
import org.tasksync.core.spi.StatusWriteResult;
import org.tasksync.core.spi.TimeFrameQuery;
import org.tasksync.testkit.MutableClock;
import org.tasksync.testkit.inmemory.InMemoryCrm;
import org.tasksync.testkit.inmemory.InMemoryExchange;

/** SPEC §5 interval and §9 scheduler: cycles with a pause, never two at once, a clean stop. */
class SyncSchedulerTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T09:00:00Z"));
    private final InMemoryCrm crm = new InMemoryCrm(clock);
    private final InMemoryExchange exchange = new InMemoryExchange(clock);
    /** Runs at the start of every cycle, on the cycle's thread (the CRM's reps() call). */
    private volatile Runnable onCycleStart = () -> { };
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private SyncScheduler scheduler;

    /** The CRM seen through the start of each cycle, which counts cycles that run at the same time. */
    private final CrmAdapter countingCrm = new CrmAdapter() {
        @Override
        public List<Rep> reps() {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            onCycleStart.run();
            return crm.reps();
        }

        @Override public String currentChangeCursor() { return crm.currentChangeCursor(); }
        @Override public CrmPage changesSince(String cursor, int n) { return crm.changesSince(cursor, n); }
        @Override public CrmPage tasksInTimeFrame(TimeFrameQuery q, String t, int n) { return crm.tasksInTimeFrame(q, t, n); }
        @Override public CrmPage tasksById(Collection<String> ids) { return crm.tasksById(ids); }
        @Override public StatusWriteResult writeStatus(String id, String s, Instant at) { return crm.writeStatus(id, s, at); }
    };

    private final SyncListener endCounter = new SyncListener() {
        @Override
        public void cycleFinished(SyncReport report) {
            running.decrementAndGet();
            finished.incrementAndGet();
        }
    };

    private SyncEngine engine(SyncSettings settings) {
        crm.putRep(new Rep("anna", "Anna", "anna@example.com", null, true));
        crm.upsertTask(CrmTask.builder("A1:1-1").repId("anna").subject("Call").dueDate(java.time.LocalDate.of(2026, 3, 3))
                .build());
        return SyncEngine.builder().crm(countingCrm).exchange(exchange).settings(settings).clock(clock)
                .listener(endCounter).build();
    }

    @AfterEach
    void stopScheduler() {
        if (scheduler != null) {
            scheduler.stop(Duration.ofSeconds(10));
        }
    }

    @Test
    void runsCyclesOneAfterAnotherNeverTwoAtOnce() throws Exception {
        SyncEngine engine = engine(SyncSettings.ofDefaults());
        onCycleStart = () -> clock.advance(Duration.ofMinutes(1));
        CountDownLatch fiveCycles = new CountDownLatch(5);
        List<SyncReport> reports = new CopyOnWriteArrayList<>();

        scheduler = SyncScheduler.start(engine, Duration.ofMillis(5), r -> {
            reports.add(r);
            fiveCycles.countDown();
        });
        // a host calling runOnce() by hand meanwhile must not overlap with the schedule either
        CompletableFuture<Void> byHand = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 5; i++) {
                engine.runOnce();
            }
        });

        assertThat(fiveCycles.await(30, TimeUnit.SECONDS)).isTrue();
        byHand.get(30, TimeUnit.SECONDS);
        assertThat(scheduler.stop(Duration.ofSeconds(10))).isTrue();

        assertThat(maxRunning.get()).isEqualTo(1);
        assertThat(running.get()).isZero();
        assertThat(reports).hasSizeGreaterThanOrEqualTo(5).allSatisfy(r -> assertThat(r.cycleError()).isNull());
        assertThat(exchange.tasks("anna@example.com")).hasSize(1);
    }

    @Test
    void stopReturnsWithNoCycleRunning() throws Exception {
        SyncEngine engine = engine(SyncSettings.ofDefaults());
        AtomicReference<SyncScheduler> ref = new AtomicReference<>();
        CountDownLatch inCycle = new CountDownLatch(1);
        // the first cycle goes on only once stop() has been called (the deadline only keeps a broken
        // stop() from hanging the build: a cycle that went on without it would let a second one start)
        onCycleStart = () -> {
            inCycle.countDown();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while ((ref.get() == null || ref.get().isRunning()) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        };
        List<SyncReport> reports = new CopyOnWriteArrayList<>();
        scheduler = SyncScheduler.start(engine, Duration.ofMillis(5), reports::add);
        ref.set(scheduler);
        assertThat(inCycle.await(10, TimeUnit.SECONDS)).isTrue();

        boolean stopped = scheduler.stop(Duration.ofSeconds(10));

        assertThat(stopped).isTrue();
        assertThat(running.get()).as("no cycle running").isZero();
        assertThat(finished.get()).isEqualTo(1);
        assertThat(reports).hasSize(1);
        assertThat(scheduler.isRunning()).isFalse();
        assertThat(exchange.tasks("anna@example.com")).hasSize(1);
    }

    @Test
    void theIntervalSettingIsThePauseAfterAnImmediateFirstCycle() throws Exception {
        SyncEngine engine = engine(SyncSettings.builder().intervalMinutes(15).build());
        CountDownLatch first = new CountDownLatch(1);
        List<SyncReport> reports = new CopyOnWriteArrayList<>();

        scheduler = SyncScheduler.start(engine, r -> {
            reports.add(r);
            first.countDown();
        });

        assertThat(first.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(scheduler.stop(Duration.ofSeconds(10))).isTrue();
        assertThat(reports).hasSize(1);
    }

    @Test
    void aFailingReportConsumerDoesNotStopTheSchedule() throws Exception {
        SyncEngine engine = engine(SyncSettings.ofDefaults());
        CountDownLatch three = new CountDownLatch(3);

        scheduler = SyncScheduler.start(engine, Duration.ofMillis(5), r -> {
            three.countDown();
            throw new IllegalStateException("host bug");
        });

        assertThat(three.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(scheduler.stop(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void pauseMustBePositive() {
        SyncEngine engine = engine(SyncSettings.ofDefaults());

        assertThatThrownBy(() -> SyncScheduler.start(engine, Duration.ZERO, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
        assertThatThrownBy(() -> SyncScheduler.start(engine, Duration.ofSeconds(-1), null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

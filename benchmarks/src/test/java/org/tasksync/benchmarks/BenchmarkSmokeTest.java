package org.tasksync.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The harness on a tiny world, in this JVM and without latency: the engine's cycles and the naive
 * baseline do what the table will say they do. Counts requests and statements, never time.
 */
class BenchmarkSmokeTest {

    private static final int REPS = 3;
    private static final int TASKS = 30;

    @TempDir
    Path dir;

    private EngineConfig config(CrmDatabase crm, ExchangeWorld world, boolean naive) {
        return config(crm, world, naive, "state");
    }

    private EngineConfig config(CrmDatabase crm, ExchangeWorld world, boolean naive, String stateFile) {
        return new EngineConfig(crm.remoteUrl(), world.adapter(), world.url(), world.user(), world.secret(),
                "jdbc:h2:file:" + dir.resolve(stateFile), 2, 100, Suite.PAST_DAYS, Suite.FUTURE_DAYS, naive);
    }

    private static ExchangeWorld world() {
        ExchangeWorld world = new EwsWorld(Duration.ZERO);
        for (int r = 0; r < REPS; r++) {
            world.addMailbox(CrmDatabase.mailbox(r));
        }
        return world;
    }

    @Test
    void theEngineSyncsEveryTaskThenAnIdleCycleCostsOneRequestPerMailboxAndAtMostThreeCrmStatements() {
        try (CrmDatabase crm = CrmDatabase.start("smoke-engine"); ExchangeWorld world = world()) {
            crm.load(REPS, TASKS, LocalDate.now(ZoneOffset.UTC));
            EngineSide engine = new EngineSide(config(crm, world, false));

            CycleResult initial = engine.cycle("initial");
            assertThat(initial.created()).isEqualTo(TASKS);
            assertThat(initial.taskErrors() + initial.failedMailboxes()).isZero();
            assertThat(world.requestsByOperation()).containsEntry("Create", (long) REPS).containsEntry("Sync", (long) REPS);

            world.resetCounts();
            engine.cycle("idle-1st-echoes");
            // the engine's own creates are at the change keys it holds: not read back (issue 16)
            assertThat(world.requestsByOperation()).containsOnlyKeys("Sync").containsEntry("Sync", (long) REPS);
            world.resetCounts();
            CycleResult idle = engine.cycle("idle");
            assertThat(world.requestsByOperation()).containsOnlyKeys("Sync").containsEntry("Sync", (long) REPS);
            assertThat(idle.crmStatements()).isLessThanOrEqualTo(3);
            assertThat(idle.created() + idle.updated()).isZero();

            crm.edit(List.of(CrmDatabase.taskId(0), CrmDatabase.taskId(1)));
            world.completeInOutlook(CrmDatabase.mailbox(2), List.of(CrmDatabase.taskId(2)));
            world.resetCounts();
            CycleResult changed = engine.cycle("changed");
            assertThat(changed.updated()).isEqualTo(2);
            assertThat(changed.statusesWrittenBack()).isEqualTo(1);
            assertThat(crm.status(CrmDatabase.taskId(2))).isEqualTo(2);
            // tasks 0 and 1 belong to reps 0 and 1: one UpdateItem each; rep 2's change is read with one GetItem
            assertThat(world.requestsByOperation()).containsEntry("Update", 2L).containsEntry("Get", 1L)
                    .containsEntry("Sync", (long) REPS);
        }
    }

    @Test
    void onGraphTooAnIdleCycleIsOneDeltaRequestPerMailbox() {
        try (CrmDatabase crm = CrmDatabase.start("smoke-graph"); ExchangeWorld world = new GraphWorld(Duration.ZERO)) {
            for (int r = 0; r < REPS; r++) {
                world.addMailbox(CrmDatabase.mailbox(r));
            }
            crm.load(REPS, TASKS, LocalDate.now(ZoneOffset.UTC));
            EngineSide engine = new EngineSide(config(crm, world, false));
            assertThat(engine.cycle("initial").created()).isEqualTo(TASKS);
            world.resetCounts();
            engine.cycle("idle-1st-echoes");
            // the engine's own creates are at the etags it holds: no $batch reads them back (issue 16)
            assertThat(world.requestsByOperation()).containsOnlyKeys("Delta").containsEntry("Delta", (long) REPS);
            world.resetCounts();
            CycleResult idle = engine.cycle("idle");
            assertThat(world.requestsByOperation()).containsOnlyKeys("Delta").containsEntry("Delta", (long) REPS);
            assertThat(idle.crmStatements()).isLessThanOrEqualTo(3);

            world.completeInOutlook(CrmDatabase.mailbox(2), List.of(CrmDatabase.taskId(2)));
            assertThat(engine.cycle("changed").statusesWrittenBack()).isEqualTo(1);
        }
    }

    @Test
    void theNaiveBaselineLooksUpEveryTaskEachCycleAndCreatesOrOverwritesIt() {
        try (CrmDatabase crm = CrmDatabase.start("smoke-naive"); ExchangeWorld world = world()) {
            crm.load(REPS, TASKS, LocalDate.now(ZoneOffset.UTC));
            EngineSide naive = new EngineSide(config(crm, world, true));

            assertThat(naive.cycle("naive-initial").created()).isEqualTo(TASKS);
            assertThat(world.requestsByOperation()).containsEntry("Find", (long) TASKS).containsEntry("Create", (long) TASKS);
            world.resetCounts();
            assertThat(naive.cycle("naive-idle").updated()).isEqualTo(TASKS);
            assertThat(world.requestsByOperation()).containsEntry("Find", (long) TASKS).containsEntry("Get", (long) TASKS)
                    .containsEntry("Update", (long) TASKS);
        }
    }

    @Test
    void anEngineReplacedInItsJvmSyncsAFreshWorldFromTheStartAsTheWarmInitialRowSays() {
        try (CrmDatabase crm = CrmDatabase.start("smoke-warm"); ExchangeWorld first = world();
             ExchangeWorld fresh = world()) {
            crm.load(REPS, TASKS, LocalDate.now(ZoneOffset.UTC));
            try (EngineJvm jvm = EngineJvm.start(List.of("-Xmx256m"), config(crm, first, false))) {
                assertThat(jvm.cycle("initial").created()).isEqualTo(TASKS);

                jvm.replaceEngine(config(crm, fresh, false, "state-warm"));
                CycleResult again = jvm.cycle("initial-warm-jvm");

                assertThat(again.created()).as("every task created again, in the fresh world").isEqualTo(TASKS);
                assertThat(fresh.requestsByOperation()).containsEntry("Create", (long) REPS);
                assertThat(again.cpuMillis()).isPositive();
            }
        }
    }

    @Test
    void theLowerBoundSpreadsRequestsOverTheParallelismButNeverBelowTheLongestMailbox() {
        assertThat(Row.lowerBoundMillis(new long[] {2, 2, 2, 2}, 20, 2)).isEqualTo(80);
        assertThat(Row.lowerBoundMillis(new long[] {10, 1, 1}, 20, 4)).isEqualTo(200);
        assertThat(new EwsWorld(Duration.ZERO).fewestRequests(250, 0, 0, 100)).as("sync + 3 creates").isEqualTo(4);
    }

    @Test
    void theTableShowsTheEnginesCpuMicrosecondsPerTask() {
        CycleResult cycle = new CycleResult("initial", 1_000, 3, 3, 0, -1, 1L << 30, 200, 0, 0, 0, 0, 0, 0, 590,
                java.util.Map.of("workers", 300L, "jit", 200L, "gc+vm", 40L, "bench", 10L));
        Row row = new Row("initial", "ews", 1_000, 10, java.util.Map.of("Sync", 10L), 0, 10, 1_000, 200, 100, cycle);

        assertThat(row.engineCpuMicrosPerTask()).as("590 ms of engine CPU over 1,000 tasks").isEqualTo(590.0);
        String table = ResultTable.format(List.of(row));
        assertThat(table.lines().findFirst().orElseThrow()).contains("eng µs/task");
        assertThat(table.lines().skip(1).findFirst().orElseThrow()).contains("0.6/0.1         590");

        String threads = ResultTable.threads(List.of(row));
        assertThat(threads.lines().skip(1).findFirst().orElseThrow())
                .as("engine 0.59 s: workers 0.30, jit 0.20, gc 0.04, main 0, other 0.01 (bench), 0.04 s unread, 300 µs per task")
                .containsSubsequence("0.59", "0.30", "0.20", "0.04", "0.00", "0.01", "0.04", "300");
    }

    @Test
    void aCycleResultLineCarriesTheEnginesCpuByKindOfThread() {
        CycleResult sent = new CycleResult("initial", 1_000, 3, 3, 0, -1, 1L << 30, 200, 0, 0, 0, 0, 0, 0, 590,
                java.util.Map.of("workers", 300L, "jit", 200L));
        assertThat(CycleResult.parse(sent.toLine())).isEqualTo(sent);
    }

    @Test
    void theMappingBenchmarkRunsOnce() {
        MappingBenchmark b = new MappingBenchmark();
        b.setUp();
        Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        b.mapTaskToExchangeWrite(bh);
        b.differingFields(bh);
        bh.evaporate("Yes, I am Stephen Hawking, and know a thing or two about black holes.");
    }

    @Test
    void theStateStoreBenchmarkSavesEveryLinkAsTheEngineDoes() throws Exception {
        StateStoreBenchmark b = new StateStoreBenchmark();
        b.links = 2 * StateStoreBenchmark.REPS;
        b.h2Settings = EngineSide.STATE_H2_SETTINGS;
        b.setUp();
        try {
            String rep0 = CrmDatabase.mailbox(0);
            assertThat(b.store().countLinks(rep0)).isEqualTo(2);
            b.removeAdded();
            b.createSavedTwice();
            b.createSavedOnce();
            assertThat(b.store().countLinks(rep0)).isEqualTo(2 + StateStoreBenchmark.BATCH);
            // rep 0's new task next to its task 7000, saved as intent and then as result
            assertThat(b.store().findLinks(List.of("A1:00007000/1"))).hasEntrySatisfying("A1:00007000/1", l -> {
                assertThat(l.mailbox()).isEqualTo(rep0);
                assertThat(l.state()).isEqualTo(org.tasksync.core.spi.Link.State.LINKED);
                assertThat(l.changeKey()).isEqualTo("CQAAABYAAAA1:00007000/1");
            });
            assertThat(b.store().countLinks(CrmDatabase.mailbox(1))).isEqualTo(2 + StateStoreBenchmark.BATCH);
            b.removeAdded();
            assertThat(b.store().countLinks(rep0)).isEqualTo(2);
            assertThat(b.store().findLinks(List.of("A1:00001000"))).containsKey("A1:00001000");
        } finally {
            b.tearDown();
        }
    }
}

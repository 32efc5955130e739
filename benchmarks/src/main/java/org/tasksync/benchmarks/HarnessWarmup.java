package org.tasksync.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Warms the harness's JVM up before a simulator's first measured cycle: a throwaway engine JVM
 * syncs a small world of its own (its own CRM database and simulator, no latency) through an
 * initial, an idle and a changed cycle, and then the harness waits until its JIT compilers have
 * gone quiet. Without it the harness's JVM compiled the simulator's code during the measured
 * initial sync, on the two cores the engine runs on: half the harness's CPU of that cycle (3 of 6
 * CPU-seconds for EWS 10k, 5 of 8 for Graph), which a real Exchange server, a warm process, does
 * not spend. The engine's JVMs are not touched: the measured engine JVM is a new one, cold as
 * before, and the throwaway one gets the heap flag only (no {@code --engine-flag}, so no JFR
 * recording of it lands among the engine's). Once per adapter and harness JVM
 * ({@code --no-warmup} turns it off).
 */
final class HarnessWarmup {

    static final int TASKS = 2_000;
    static final int MAILBOXES = 20;
    /** The longest wait for the JIT compilers to go quiet; a busy machine must not stall the run. */
    private static final Duration MAX_QUIET_WAIT = Duration.ofSeconds(20);

    private static final Set<String> WARMED = new HashSet<>();

    private HarnessWarmup() {
    }

    /** Warms the harness up for this adapter unless done before in this JVM. */
    static synchronized void once(String adapter, Function<Duration, ExchangeWorld> worlds, Options options,
                                  List<String> jvmFlags) {
        if (!WARMED.add(adapter)) {
            return;
        }
        long t0 = System.nanoTime();
        ThreadCpu before = ThreadCpu.now();
        Path dir = Suite.tempDir("tasksync-bench-warmup-");
        try (CrmDatabase crm = CrmDatabase.start("warmup-" + adapter)) {
            crm.load(MAILBOXES, TASKS, LocalDate.now(ZoneOffset.UTC));
            try (ExchangeWorld world = worlds.apply(Duration.ZERO)) {
                for (int m = 0; m < MAILBOXES; m++) {
                    world.addMailbox(CrmDatabase.mailbox(m));
                }
                EngineConfig config = new EngineConfig(crm.remoteUrl(), world.adapter(), world.url(), world.user(),
                        world.secret(), "jdbc:h2:file:" + dir.resolve("state"), options.parallelism,
                        options.batchSize, Suite.PAST_DAYS, Suite.FUTURE_DAYS, false);
                try (EngineJvm engine = EngineJvm.start(jvmFlags, config)) {
                    engine.cycle("warmup-initial");
                    engine.cycle("warmup-idle");
                    // the paths of the changed cycle: updates, Outlook's changes read back
                    List<String> ids = Stream.iterate(0, i -> i + 7).limit(TASKS / 20).map(CrmDatabase::taskId)
                            .toList();
                    crm.edit(ids.subList(0, ids.size() / 2));
                    for (int m = 0; m < MAILBOXES; m++) {
                        String mailbox = CrmDatabase.mailbox(m);
                        world.completeInOutlook(mailbox, ids.subList(ids.size() / 2, ids.size()));
                    }
                    engine.cycle("warmup-changed");
                }
            }
        } finally {
            Suite.delete(dir);
        }
        long cycles = (System.nanoTime() - t0) / 1_000_000;
        double jitWait = waitForQuietJit();
        Suite.log("warmed the harness up for %s in %d ms (%d tasks, %d mailboxes, no latency), then %.1f s for its "
                        + "JIT to go quiet; harness CPU of the warm-up: %s", adapter, cycles, TASKS, MAILBOXES, jitWait,
                ThreadCpu.format(ThreadCpu.now().since(before)));
    }

    /**
     * Waits until the JIT compiler threads used no CPU for half a second (C2 works through its queue
     * after the warm-up's requests are answered); returns the seconds waited.
     */
    private static double waitForQuietJit() {
        long t0 = System.nanoTime();
        long deadline = t0 + MAX_QUIET_WAIT.toNanos();
        ThreadCpu last = ThreadCpu.now();
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            ThreadCpu now = ThreadCpu.now();
            if (now.since(last).getOrDefault("jit", 0.0) == 0.0) {
                break;
            }
            last = now;
        }
        return (System.nanoTime() - t0) / 1e9;
    }
}

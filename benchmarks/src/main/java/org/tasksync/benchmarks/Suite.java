package org.tasksync.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * One world (a CRM database and a simulator) and the cycles run against it: the initial sync, the
 * first idle cycle (which reads the engine's own writes back), a second idle cycle, and a cycle
 * after a share of the tasks changed in the CRM and a share of statuses in Outlook; then, on fresh
 * mailboxes, the naive baseline's initial and idle cycles.
 */
final class Suite {

    static final int PAST_DAYS = 60;
    static final int FUTURE_DAYS = 60;

    private final String name;
    private final Function<Duration, ExchangeWorld> worlds;
    private final int tasks;
    private final int mailboxes;
    private final long latencyMillis;
    private final Options options;
    private final List<String> jvmFlags;
    private final List<Row> rows = new ArrayList<>();

    Suite(String name, Function<Duration, ExchangeWorld> worlds, int tasks, int mailboxes, long latencyMillis,
          Options options, List<String> jvmFlags) {
        this.name = name;
        this.worlds = worlds;
        this.tasks = tasks;
        this.mailboxes = mailboxes;
        this.latencyMillis = latencyMillis;
        this.options = options;
        this.jvmFlags = jvmFlags;
    }

    /**
     * Runs the engine's scenarios, and the naive baseline's if asked; with {@code warmInitial}, then
     * the initial sync once more in the same engine JVM on a fresh world and state store. Returns the rows.
     */
    List<Row> run(boolean withChanges, boolean withNaive, boolean warmInitial) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Path stateDir = tempDir("tasksync-bench-");
        try (CrmDatabase crm = CrmDatabase.start("crm-" + name)) {
            long t0 = System.nanoTime();
            crm.load(mailboxes, tasks, today);
            log("loaded %d tasks of %d reps into the CRM in %d ms", tasks, mailboxes, (System.nanoTime() - t0) / 1_000_000);
            long[] perMailboxTasks = new long[mailboxes];
            for (int i = 0; i < tasks; i++) {
                perMailboxTasks[CrmDatabase.repOf(i, mailboxes)]++;
            }
            try (ExchangeWorld world = newWorld()) {
                EngineConfig config = config(crm, world, stateDir.resolve("state").toString(), false);
                try (EngineJvm engine = EngineJvm.start(jvmFlags, config)) {
                    long[] fewest = new long[mailboxes];
                    for (int m = 0; m < mailboxes; m++) {
                        fewest[m] = world.fewestRequests((int) perMailboxTasks[m], 0, 0, options.batchSize);
                    }
                    cycle(engine, world, "initial", fewest);
                    long[] idle = idle(world);
                    cycle(engine, world, "idle-1st-echoes", idle);
                    cycle(engine, world, "idle", idle);
                    if (withChanges) {
                        long[] changed = change(crm, world);
                        cycle(engine, world, pct() + "-changed", changed);
                    }
                    if (warmInitial) {
                        // the same first sync again, on empty mailboxes and an empty state store, by an engine
                        // built anew in this JVM: what it costs without a cold JVM's class loading and JIT
                        try (ExchangeWorld fresh = newWorld()) {
                            engine.replaceEngine(config(crm, fresh, stateDir.resolve("state-warm").toString(), false));
                            cycle(engine, fresh, "initial-warm-jvm", fewest);
                        }
                    }
                }
            }
            if (withNaive) {
                try (ExchangeWorld world = newWorld()) {
                    EngineConfig config = config(crm, world, null, true);
                    try (EngineJvm naive = EngineJvm.start(jvmFlags, config)) {
                        long[] fewest = new long[mailboxes];
                        for (int m = 0; m < mailboxes; m++) {
                            fewest[m] = world.fewestRequests((int) perMailboxTasks[m], 0, 0, options.batchSize);
                        }
                        cycle(naive, world, "naive-initial", fewest);
                        cycle(naive, world, "naive-idle", idle(world));
                    }
                }
            }
        } finally {
            delete(stateDir);
        }
        return rows;
    }

    private ExchangeWorld newWorld() {
        ExchangeWorld world = worlds.apply(Duration.ofMillis(latencyMillis));
        for (int m = 0; m < mailboxes; m++) {
            world.addMailbox(CrmDatabase.mailbox(m));
        }
        return world;
    }

    private EngineConfig config(CrmDatabase crm, ExchangeWorld world, String statePath, boolean naive) {
        return new EngineConfig(crm.remoteUrl(), world.adapter(), world.url(), world.user(), world.secret(),
                statePath == null ? "jdbc:h2:mem:unused" : "jdbc:h2:file:" + statePath, options.parallelism,
                options.batchSize, PAST_DAYS, FUTURE_DAYS, naive);
    }

    private long[] idle(ExchangeWorld world) {
        long[] fewest = new long[mailboxes];
        for (int m = 0; m < mailboxes; m++) {
            fewest[m] = world.fewestRequests(0, 0, 0, options.batchSize);
        }
        return fewest;
    }

    private String pct() {
        double p = options.changedPercent;
        return (p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p)) + "%";
    }

    /**
     * Edits a share of the tasks in the CRM and has the reps complete as many other (not yet
     * completed) tasks in Outlook; returns the fewest requests per mailbox for the next cycle.
     */
    private long[] change(CrmDatabase crm, ExchangeWorld world) {
        int n = (int) Math.round(tasks * options.changedPercent / 100.0);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(options.seed));
        List<String> crmEdits = new ArrayList<>();
        Map<Integer, List<String>> outlookEdits = new HashMap<>();
        int[] updated = new int[mailboxes];
        int[] read = new int[mailboxes];
        int outlook = 0;
        for (int i : order) {
            int m = CrmDatabase.repOf(i, mailboxes);
            if (crmEdits.size() < n) {
                crmEdits.add(CrmDatabase.taskId(i));
                updated[m]++;
            } else if (outlook < n && crm.status(CrmDatabase.taskId(i)) != 2) {
                outlookEdits.computeIfAbsent(m, k -> new ArrayList<>()).add(CrmDatabase.taskId(i));
                read[m]++;
                outlook++;
            } else if (outlook >= n) {
                break;
            }
        }
        crm.edit(crmEdits);
        outlookEdits.forEach((m, ids) -> world.completeInOutlook(CrmDatabase.mailbox(m), ids));
        log("changed %d tasks in the CRM and completed %d in Outlook", crmEdits.size(), outlook);
        long[] fewest = new long[mailboxes];
        for (int m = 0; m < mailboxes; m++) {
            fewest[m] = world.fewestRequests(0, updated[m], read[m], options.batchSize);
        }
        return fewest;
    }

    private void cycle(EngineJvm jvm, ExchangeWorld world, String label, long[] fewestPerMailbox) {
        world.resetCounts();
        log("%s: %s on %s ...", name, label, world.adapter());
        HarnessRecording jfr = HarnessRecording.start(options.harnessJfr, name, label);
        ThreadCpu threads0 = ThreadCpu.now();
        long cpu0 = EngineSide.processCpuMillis();
        CycleResult r = jvm.cycle(label);
        long worldCpu = EngineSide.processCpuMillis() - cpu0;
        ThreadCpu threads1 = ThreadCpu.now();
        if (jfr != null) {
            jfr.close();
        }
        long fewest = 0;
        for (long f : fewestPerMailbox) {
            fewest += f;
        }
        Row row = new Row(label, world.adapter(), tasks, mailboxes, world.requestsByOperation(), world.challenges(),
                fewest, r.wallMillis(), Row.lowerBoundMillis(fewestPerMailbox, latencyMillis, options.parallelism),
                worldCpu, r);
        rows.add(row);
        log("%s", ResultTable.format(List.of(row)).lines().skip(1).findFirst().orElse(""));
        log("%s %s: harness CPU by thread: %s", label, world.adapter(), ThreadCpu.format(threads1.since(threads0)));
        log("%s %s: engine CPU by thread: %s", label, world.adapter(),
                ResultTable.threads(List.of(row)).lines().skip(1).findFirst().orElse(""));
    }

    static void log(String format, Object... args) {
        System.err.printf("[bench] " + format + "%n", args);
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes {@code dir} and what is in it; what cannot be deleted stays behind in the temp folder. */
    static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind
        }
    }
}

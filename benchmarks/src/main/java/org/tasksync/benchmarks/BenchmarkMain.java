package org.tasksync.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark harness: runs the engine's cycles against the simulators with latency, the naive
 * baseline, the big run in a JVM capped at {@code --big-heap}, and the JMH benchmark of the mapping,
 * then prints the table. Run it with
 * {@code mvn -B -q -DskipTests -pl benchmarks -am package exec:exec@bench} (options through
 * {@code -Dbench.args="..."}, see {@link Options#USAGE}); see {@code docs/benchmarks.md}.
 */
public final class BenchmarkMain {

    private BenchmarkMain() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("--live")) {
            // the live-sync scenario is a suite of its own, with its own options (LiveScenario.main)
            LiveScenario.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Options o = Options.parse(args);
        long t0 = System.nanoTime();
        String machine = machine();
        Suite.log("%s", machine);
        Suite.log("options: %s", o);
        List<Row> rows = new ArrayList<>();
        for (String adapter : o.adapters) {
            if (o.warmup) {
                HarnessWarmup.once(adapter, Worlds.factory(adapter), o, List.of("-Xmx" + o.engineHeap));
            }
            Suite suite = new Suite("main-" + adapter, Worlds.factory(adapter), o.tasks, o.mailboxes, o.latencyMillis,
                    o, flags("-Xmx" + o.engineHeap, o));
            rows.addAll(suite.run(true, o.naive && adapter.equals("ews"), o.warmInitial));
        }
        if (o.big) {
            if (o.warmup) {
                HarnessWarmup.once("ews", Worlds.factory("ews"), o, List.of("-Xmx" + o.engineHeap));
            }
            Suite big = new Suite("big", Worlds.factory("ews"), o.bigTasks, o.bigMailboxes, o.bigLatency(), o,
                    flags("-Xmx" + o.bigHeap, o));
            rows.addAll(big.run(false, false, o.warmInitial));
        }
        List<String> jmh = o.jmh ? JmhRun.run(o.jmhQuick) : List.of();
        long total = (System.nanoTime() - t0) / 1_000_000_000L;

        StringBuilder out = new StringBuilder();
        out.append(machine).append('\n');
        out.append("options: ").append(o).append('\n');
        out.append('\n').append(ResultTable.format(rows));
        out.append("\nengine CPU s by kind of thread (from /proc/self/task of the engine's JVM)\n")
                .append(ResultTable.threads(rows));
        out.append('\n').append(factors(rows));
        if (!jmh.isEmpty()) {
            out.append('\n');
            jmh.forEach(l -> out.append(l).append('\n'));
        }
        out.append(String.format(Locale.ROOT, "%ntotal run time %d min %02d s; load average at the end %.2f%n",
                total / 60, total % 60, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        System.out.print(out);
    }

    private static List<String> flags(String heap, Options o) {
        List<String> out = new ArrayList<>(List.of(heap));
        out.addAll(o.engineFlags);
        return out;
    }

    /** The naive baseline against the engine, per cycle kind, where both ran. */
    static String factors(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        for (Row n : rows) {
            if (!n.scenario().startsWith("naive-")) {
                continue;
            }
            String kind = n.scenario().substring("naive-".length());
            rows.stream().filter(e -> e.adapter().equals(n.adapter()) && e.tasks() == n.tasks()
                            && e.scenario().equals(kind.equals("idle") ? "idle-1st-echoes" : kind))
                    .findFirst().ifPresent(e -> sb.append(String.format(Locale.ROOT,
                            "naive/engine %-8s %-4s: %.1fx the requests (%d vs %d, 401s not counted), %.1fx the time%n",
                            kind, n.adapter(), (double) n.totalRequests() / e.totalRequests(), n.totalRequests(),
                            e.totalRequests(), (double) n.wallMillis() / Math.max(1, e.wallMillis()))));
        }
        return sb.toString();
    }

    static String machine() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return String.format(Locale.ROOT, "machine: %d cores, %s %s (%s), %s %s, load average %.2f at start, %s",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), System.getProperty("java.vendor"), os.getName(),
                os.getArch(), os.getSystemLoadAverage(), Instant.now());
    }
}

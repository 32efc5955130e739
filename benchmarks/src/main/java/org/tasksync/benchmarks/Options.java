package org.tasksync.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * The harness's command-line options ({@code -Dbench.args="..."} through Maven). Every size, the
 * latency and the parallelism bound can be set, so that a quick run is possible; {@code --quick}
 * sets small sizes at once.
 */
final class Options {

    int tasks = 10_000;
    int mailboxes = 100;
    long latencyMillis = 20;
    int parallelism = 8;
    int batchSize = 100;
    double changedPercent = 1.0;
    boolean naive = true;
    boolean big = true;
    int bigTasks = 100_000;
    int bigMailboxes = 1_000;
    Long bigLatencyMillis;
    String bigHeap = "256m";
    String engineHeap = "1g";
    boolean jmh = true;
    boolean jmhQuick;
    List<String> adapters = new ArrayList<>(List.of("ews", "graph"));
    long seed = 42;
    List<String> engineFlags = new ArrayList<>();
    java.nio.file.Path harnessJfr;
    boolean warmup = true;
    boolean warmInitial = true;

    static final String USAGE = """
            options (defaults in brackets):
              --tasks N            tasks of the main suite [10000]
              --mailboxes N        mailboxes (reps) of the main suite [100]
              --latency-ms N       latency of every request to the simulators [20]
              --parallelism N      the engine's mailbox-parallelism bound, also the naive baseline's [8]
              --batch-size N       the engine's batch size [100]
              --changed-percent X  share of tasks changed in the CRM, and share of statuses changed in Outlook [1]
              --adapters a,b       Exchange adapters of the main suite: ews, graph [ews,graph]
              --engine-heap SIZE   -Xmx of the engine's JVM in the main suite [1g]
              --no-naive           skip the naive baseline
              --big-tasks N        tasks of the big run [100000]
              --big-mailboxes N    mailboxes of the big run [1000]
              --big-latency-ms N   latency of the big run [as --latency-ms]
              --big-heap SIZE      -Xmx of the engine's JVM in the big run [256m]
              --no-big             skip the big run
              --no-warm-initial    skip the second initial sync of each suite in its (by then warmed) engine JVM
              --no-jmh             skip the JMH benchmark of the mapping
              --jmh-quick          JMH with one short iteration (seconds instead of a minute)
              --seed N             which tasks change [42]
              --engine-flag F      one more JVM flag for the engine's JVMs (e.g. to record a profile), repeatable
              --no-warmup          measure with a cold harness JVM (no warm-up of the simulator before its first suite, see HarnessWarmup)
              --harness-jfr DIR    a JFR recording ("profile" settings) of the harness's JVM per cycle, DIR/<suite>-<cycle>.jfr
              --quick              1000 tasks / 10 mailboxes, big run 10000 / 100, JMH quick
              --live ...           (first) the live-sync scenario instead, see LiveScenario and docs/live-sync.md
            """;

    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--tasks" -> o.tasks = positive(a, args, ++i);
                case "--mailboxes" -> o.mailboxes = positive(a, args, ++i);
                case "--latency-ms" -> o.latencyMillis = nonNegative(a, args, ++i);
                case "--parallelism" -> o.parallelism = positive(a, args, ++i);
                case "--batch-size" -> o.batchSize = positive(a, args, ++i);
                case "--changed-percent" -> o.changedPercent = Double.parseDouble(value(a, args, ++i));
                case "--adapters" -> o.adapters = List.of(value(a, args, ++i).split(","));
                case "--engine-heap" -> o.engineHeap = value(a, args, ++i);
                case "--no-naive" -> o.naive = false;
                case "--big-tasks" -> o.bigTasks = positive(a, args, ++i);
                case "--big-mailboxes" -> o.bigMailboxes = positive(a, args, ++i);
                case "--big-latency-ms" -> o.bigLatencyMillis = (long) nonNegative(a, args, ++i);
                case "--big-heap" -> o.bigHeap = value(a, args, ++i);
                case "--no-big" -> o.big = false;
                case "--no-jmh" -> o.jmh = false;
                case "--jmh-quick" -> o.jmhQuick = true;
                case "--seed" -> o.seed = Long.parseLong(value(a, args, ++i));
                case "--engine-flag" -> o.engineFlags.add(value(a, args, ++i));
                case "--no-warmup" -> o.warmup = false;
                case "--no-warm-initial" -> o.warmInitial = false;
                case "--harness-jfr" -> o.harnessJfr = java.nio.file.Path.of(value(a, args, ++i));
                case "--quick" -> {
                    o.tasks = 1_000;
                    o.mailboxes = 10;
                    o.bigTasks = 10_000;
                    o.bigMailboxes = 100;
                    o.jmhQuick = true;
                }
                case "--help", "-h" -> {
                    System.out.print(USAGE);
                    System.exit(0);
                }
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        for (String adapter : o.adapters) {
            if (!List.of("ews", "graph").contains(adapter)) {
                throw new IllegalArgumentException("--adapters: no adapter '" + adapter + "' (ews, graph)");
            }
        }
        if (o.mailboxes > o.tasks || o.bigMailboxes > o.bigTasks) {
            throw new IllegalArgumentException("more mailboxes than tasks");
        }
        return o;
    }

    long bigLatency() {
        return bigLatencyMillis != null ? bigLatencyMillis : latencyMillis;
    }

    private static String value(String key, String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(key + " needs a value");
        }
        return args[i];
    }

    private static int positive(String key, String[] args, int i) {
        int n = Integer.parseInt(value(key, args, i));
        if (n < 1) {
            throw new IllegalArgumentException(key + " must be at least 1, not " + n);
        }
        return n;
    }

    private static int nonNegative(String key, String[] args, int i) {
        int n = Integer.parseInt(value(key, args, i));
        if (n < 0) {
            throw new IllegalArgumentException(key + " must not be negative, not " + n);
        }
        return n;
    }

    @Override
    public String toString() {
        return "tasks=" + tasks + " mailboxes=" + mailboxes + " latency=" + latencyMillis + "ms parallelism="
                + parallelism + " batch=" + batchSize + " changed=" + changedPercent + "% adapters=" + adapters
                + " engineHeap=" + engineHeap + " naive=" + naive + (big ? " big=" + bigTasks + "/" + bigMailboxes
                + " at " + bigLatency() + "ms with -Xmx" + bigHeap : " big=off") + " jmh=" + (jmh ? jmhQuick ? "quick" : "on" : "off")
                + (warmup ? "" : " warmup=off") + (warmInitial ? "" : " warmInitial=off") + (harnessJfr != null ? " harnessJfr=" + harnessJfr : "");
    }
}

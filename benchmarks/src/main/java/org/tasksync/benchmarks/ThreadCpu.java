package org.tasksync.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A JVM's CPU time by kind of thread (the harness's simulator and CRM database, the engine's mailbox
 * workers, JIT, GC, ...), read from Linux's {@code /proc/self/task}: every native thread of the JVM,
 * the JIT compilers and the collector included, which JFR's execution samples leave out. Elsewhere
 * it reads nothing and {@link #format} says so.
 */
final class ThreadCpu {

    private static final Path TASKS = Path.of("/proc/self/task");
    /** Clock ticks per second of {@code utime}/{@code stime}; 100 on every Linux the JDK supports. */
    private static final double TICKS = 100.0;

    private final Map<String, Long> ticksByThread;

    private ThreadCpu(Map<String, Long> ticksByThread) {
        this.ticksByThread = ticksByThread;
    }

    /** The CPU ticks of every live thread now, by thread id and name. */
    static ThreadCpu now() {
        Map<String, Long> out = new HashMap<>();
        if (!Files.isDirectory(TASKS)) {
            return new ThreadCpu(out);
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path t : tasks) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    // "tid (comm) state ..."; comm may hold spaces and parentheses, so split after the last ')'
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String name = stat.substring(open + 1, close);
                    String[] f = stat.substring(close + 2).split(" ");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
                    out.put(t.getFileName() + " " + name, ticks);
                } catch (IOException | RuntimeException gone) {
                    // the thread ended while being read
                }
            }
        } catch (IOException e) {
            return new ThreadCpu(out);
        }
        return new ThreadCpu(out);
    }

    /**
     * The later of two readings per thread: a thread that ended after {@code other} was read keeps the
     * CPU it had then, so a watch that reads now and then loses only what a thread used after its last
     * reading.
     */
    ThreadCpu latest(ThreadCpu other) {
        Map<String, Long> out = new HashMap<>(other.ticksByThread);
        ticksByThread.forEach((thread, ticks) -> out.merge(thread, ticks, Math::max));
        return new ThreadCpu(out);
    }

    /**
     * CPU seconds since {@code before}, by kind of thread, largest first. Threads that ended in
     * between are missing (their time is in the process total, not here).
     */
    Map<String, Double> since(ThreadCpu before) {
        Map<String, Long> byKind = new HashMap<>();
        ticksByThread.forEach((thread, ticks) -> {
            long delta = ticks - before.ticksByThread.getOrDefault(thread, 0L);
            if (delta > 0) {
                byKind.merge(kind(thread.substring(thread.indexOf(' ') + 1)), delta, Long::sum);
            }
        });
        return byKind.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue() / TICKS, (a, b) -> a,
                        LinkedHashMap::new));
    }

    /** Linux's thread names (15 characters at most) grouped into what the harness's threads do. */
    static String kind(String comm) {
        String n = comm.toLowerCase(Locale.ROOT);
        if (n.startsWith("ews-simulator")) {
            return "ews-simulator";
        }
        if (n.startsWith("graph-simulato")) {
            return "graph-simulator";
        }
        if (n.startsWith("h2 tcp")) {
            return "crm-h2";
        }
        if (n.startsWith("http-dispatch") || n.startsWith("server-timer") || n.startsWith("idle-timeout")) {
            return "jdk-httpserver";
        }
        if (n.startsWith("c1 compiler") || n.startsWith("c2 compiler")) {
            return "jit";
        }
        if (n.startsWith("gc ") || n.startsWith("g1 ") || n.startsWith("vm thread") || n.startsWith("vm periodic")) {
            return "gc+vm";
        }
        if (n.startsWith("tasksync-mailbo")) { // "tasksync-mailbox-N", cut to 15 characters by Linux
            return "workers";
        }
        if (n.equals("heap-watch") || n.equals("cpu-watch")) {
            return "bench";
        }
        if (n.startsWith("jfr ")) {
            return "jfr";
        }
        if (n.equals("main") || n.equals("java")) {
            return "main";
        }
        return "other";
    }

    static String format(Map<String, Double> byKind) {
        if (byKind.isEmpty()) {
            return "(no per-thread CPU: /proc/self/task not readable)";
        }
        double total = byKind.values().stream().mapToDouble(Double::doubleValue).sum();
        List<String> parts = byKind.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.2f s (%.0f %%)",
                e.getKey(), e.getValue(), 100 * e.getValue() / total)).toList();
        return String.join(", ", parts);
    }

    /**
     * Reads every thread's CPU at the start, every 250 ms and at the end of a stretch of work, so
     * that threads ending during it (the engine's mailbox workers end with each cycle) are counted up
     * to their last reading. Its own thread is named {@code cpu-watch} and counted as "bench".
     */
    static final class Watch {

        private final ThreadCpu start = now();
        private volatile ThreadCpu seen = start;
        private volatile boolean running = true;
        private final Thread reader;

        Watch() {
            reader = new Thread(() -> {
                while (running) {
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                    seen = now().latest(seen);
                }
            }, "cpu-watch");
            reader.setDaemon(true);
            reader.start();
        }

        /** Stops reading; CPU seconds by kind of thread since the start. */
        Map<String, Double> stop() {
            running = false;
            reader.interrupt();
            try {
                reader.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return now().latest(seen).since(start);
        }
    }
}

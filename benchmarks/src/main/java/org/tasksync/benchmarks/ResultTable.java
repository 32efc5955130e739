package org.tasksync.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** Prints rows as a fixed-width plain-text table. */
final class ResultTable {

    private static final String FORMAT = "%-16s %-5s %7s %6s %8s  %-38s %5s %7s %8s %8s %7s %11s %11s %6s %17s  %s%n";

    private ResultTable() {
    }

    static String format(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, FORMAT, "scenario", "adapt", "tasks", "mboxes", "requests",
                "by operation", "401s", "fewest", "wall s", "bound s", "ratio", "CPU s e/w", "eng µs/task", "CRM st", "heap MB used/gc",
                "done (created/updated/status back)"));
        for (Row r : rows) {
            CycleResult c = r.cycle();
            sb.append(String.format(Locale.ROOT, FORMAT, r.scenario(), r.adapter(), r.tasks(), r.mailboxes(),
                    r.totalRequests(), byOperation(r.requests()), r.challenges(), r.fewest(),
                    seconds(r.wallMillis()), seconds(r.lowerBoundMillis()),
                    Double.isNaN(r.ratio()) ? "-" : String.format(Locale.ROOT, "%.1f", r.ratio()),
                    String.format(Locale.ROOT, "%.1f/%.1f", c.cpuMillis() / 1000.0, r.worldCpuMillis() / 1000.0),
                    Double.isNaN(r.engineCpuMicrosPerTask()) ? "-"
                            : String.format(Locale.ROOT, "%.0f", r.engineCpuMicrosPerTask()),
                    c.crmStatements(), heap(c), c.created() + "/" + c.updated() + "/" + c.statusesWrittenBack()
                            + (c.taskErrors() + c.failedMailboxes() > 0 ? " ERR " + c.taskErrors() + " tasks, "
                            + c.failedMailboxes() + " mailboxes" : "")));
        }
        return sb.toString();
    }

    private static final String THREADS = "%-16s %-5s %7s %8s %8s %8s %8s %8s %8s %8s %16s%n";
    private static final List<String> KINDS = List.of("workers", "jit", "gc+vm", "main");

    /**
     * The engine JVM's CPU of each cycle by kind of thread: the mailbox workers (the engine, its
     * adapters and its state store at work), the JIT compilers, the collector and VM thread, the main
     * thread, the rest; "ended" is the process total less the threads read, i.e. what threads used
     * after their last reading before they ended.
     */
    static String threads(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, THREADS, "scenario", "adapt", "tasks", "engine", "workers", "jit",
                "gc+vm", "main", "other", "ended", "workers µs/task"));
        for (Row r : rows) {
            Map<String, Long> k = r.cycle().cpuByKind();
            if (k.isEmpty()) {
                sb.append(String.format(Locale.ROOT, THREADS, r.scenario(), r.adapter(), r.tasks(),
                        seconds(r.cycle().cpuMillis()), "-", "-", "-", "-", "-", "-", "-"));
                continue;
            }
            long read = k.values().stream().mapToLong(Long::longValue).sum();
            long other = read - KINDS.stream().mapToLong(x -> k.getOrDefault(x, 0L)).sum();
            long workers = k.getOrDefault("workers", 0L);
            sb.append(String.format(Locale.ROOT, THREADS, r.scenario(), r.adapter(), r.tasks(),
                    seconds(r.cycle().cpuMillis()), seconds(workers), seconds(k.getOrDefault("jit", 0L)),
                    seconds(k.getOrDefault("gc+vm", 0L)), seconds(k.getOrDefault("main", 0L)), seconds(other),
                    seconds(Math.max(0, r.cycle().cpuMillis() - read)),
                    r.tasks() == 0 ? "-" : String.format(Locale.ROOT, "%.0f", workers * 1000.0 / r.tasks())));
        }
        return sb.toString();
    }

    static String byOperation(Map<String, Long> requests) {
        StringJoiner j = new StringJoiner(" ");
        requests.forEach((op, n) -> j.add(op + " " + n));
        return j.length() == 0 ? "-" : j.toString();
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.2f", millis / 1000.0);
    }

    private static String heap(CycleResult c) {
        return mb(c.heapPeakUsed()) + "/" + (c.heapPeakAfterGc() < 0 ? "-" : mb(c.heapPeakAfterGc()))
                + " of " + mb(c.maxHeap());
    }

    private static String mb(long bytes) {
        return Long.toString(Math.round(bytes / 1048576.0));
    }
}

package org.tasksync.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the engine's JVM measured of one cycle: wall time, the CPU time its process used (in all and
 * by kind of thread), CRM statements, heap, and what the cycle reports it did. Sent to the harness as
 * one line of {@code key=value} pairs.
 *
 * @param cpuByKind CPU milliseconds by kind of thread ({@link ThreadCpu#kind}); empty where
 *                  {@code /proc/self/task} cannot be read
 */
record CycleResult(String label, long wallMillis, long crmStatements, long crmQueries, long heapPeakUsed,
                   long heapPeakAfterGc, long maxHeap, int created, int updated, int statusesWrittenBack,
                   int adopted, int taskErrors, int failedMailboxes, long reportedRequests, long cpuMillis,
                   Map<String, Long> cpuByKind) {

    CycleResult {
        cpuByKind = Map.copyOf(cpuByKind);
    }

    /** CPU seconds by kind of thread, as {@link ThreadCpu} gives them, in milliseconds. */
    static Map<String, Long> millis(Map<String, Double> seconds) {
        Map<String, Long> out = new LinkedHashMap<>();
        seconds.forEach((kind, s) -> out.put(kind, Math.round(s * 1000)));
        return out;
    }

    static final String PREFIX = "RESULT ";

    String toLine() {
        return PREFIX + "label=" + label + " wallMillis=" + wallMillis + " crmStatements=" + crmStatements
                + " crmQueries=" + crmQueries + " heapPeakUsed=" + heapPeakUsed + " heapPeakAfterGc=" + heapPeakAfterGc
                + " maxHeap=" + maxHeap + " created=" + created + " updated=" + updated + " statusesWrittenBack="
                + statusesWrittenBack + " adopted=" + adopted + " taskErrors=" + taskErrors + " failedMailboxes="
                + failedMailboxes + " reportedRequests=" + reportedRequests + " cpuMillis=" + cpuMillis + " cpuByKind=" + cpuByKind.entrySet().stream()
                .map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(","));
    }

    static CycleResult parse(String line) {
        Map<String, String> v = new LinkedHashMap<>();
        for (String pair : line.substring(PREFIX.length()).trim().split(" ")) {
            int eq = pair.indexOf('=');
            v.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return new CycleResult(v.get("label"), l(v, "wallMillis"), l(v, "crmStatements"), l(v, "crmQueries"),
                l(v, "heapPeakUsed"), l(v, "heapPeakAfterGc"), l(v, "maxHeap"), i(v, "created"), i(v, "updated"),
                i(v, "statusesWrittenBack"), i(v, "adopted"), i(v, "taskErrors"), i(v, "failedMailboxes"),
                l(v, "reportedRequests"), l(v, "cpuMillis"), byKind(v.getOrDefault("cpuByKind", "")));
    }

    private static Map<String, Long> byKind(String encoded) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String pair : encoded.split(",")) {
            int colon = pair.lastIndexOf(':');
            if (colon > 0) {
                out.put(pair.substring(0, colon), Long.parseLong(pair.substring(colon + 1)));
            }
        }
        return out;
    }

    private static long l(Map<String, String> v, String k) {
        return Long.parseLong(v.get(k));
    }

    private static int i(Map<String, String> v, String k) {
        return Integer.parseInt(v.get(k));
    }
}

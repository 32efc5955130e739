package org.tasksync.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the engine's JVM measured of one cycle: wall time, the CPU time its process used, CRM
 * statements, heap, and what the cycle reports it did. Sent to the harness as one line of {@code key=value} pairs.
 */
record CycleResult(String label, long wallMillis, long crmStatements, long crmQueries, long heapPeakUsed,
                   long heapPeakAfterGc, long maxHeap, int created, int updated, int statusesWrittenBack,
                   int adopted, int taskErrors, int failedMailboxes, long reportedRequests, long cpuMillis) {

    static final String PREFIX = "RESULT ";

    String toLine() {
        return PREFIX + "label=" + label + " wallMillis=" + wallMillis + " crmStatements=" + crmStatements
                + " crmQueries=" + crmQueries + " heapPeakUsed=" + heapPeakUsed + " heapPeakAfterGc=" + heapPeakAfterGc
                + " maxHeap=" + maxHeap + " created=" + created + " updated=" + updated + " statusesWrittenBack="
                + statusesWrittenBack + " adopted=" + adopted + " taskErrors=" + taskErrors + " failedMailboxes="
                + failedMailboxes + " reportedRequests=" + reportedRequests + " cpuMillis=" + cpuMillis;
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
                l(v, "reportedRequests"), l(v, "cpuMillis"));
    }

    private static long l(Map<String, String> v, String k) {
        return Long.parseLong(v.get(k));
    }

    private static int i(Map<String, String> v, String k) {
        return Integer.parseInt(v.get(k));
    }
}

package org.tasksync.benchmarks;

import java.util.Map;

/**
 * One line of the results table: a scenario on one adapter, what it sent against what the batching
 * limits allow, its time against the lower bound that latency and the parallelism bound allow, CRM
 * statements and heap.
 *
 * @param requests       served requests by operation (401 challenges not included)
 * @param challenges     requests refused with 401 (each an extra round trip)
 * @param fewest         the fewest requests the protocol's batching limits allow
 * @param lowerBoundMillis fewest requests per mailbox × latency, spread over the parallelism bound
 * @param worldCpuMillis CPU time the harness's JVM (simulator, CRM database) used during the cycle
 */
record Row(String scenario, String adapter, int tasks, int mailboxes, Map<String, Long> requests, long challenges,
           long fewest, long wallMillis, long lowerBoundMillis, long worldCpuMillis, CycleResult cycle) {

    long totalRequests() {
        return requests.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The engine JVM's CPU time of the cycle spread over the estate's tasks: what one task costs the
     * engine, whatever the wall time on a shared machine.
     */
    double engineCpuMicrosPerTask() {
        return tasks == 0 ? Double.NaN : cycle.cpuMillis() * 1000.0 / tasks;
    }

    double ratio() {
        return lowerBoundMillis == 0 ? Double.NaN : (double) wallMillis / lowerBoundMillis;
    }

    /**
     * The lower bound of a cycle's time: every mailbox's requests one after the other (a mailbox is
     * worked on by one thread), {@code parallelism} mailboxes at once, each request {@code latency}.
     */
    static long lowerBoundMillis(long[] fewestPerMailbox, long latencyMillis, int parallelism) {
        long sum = 0;
        long max = 0;
        for (long r : fewestPerMailbox) {
            sum += r;
            max = Math.max(max, r);
        }
        return Math.max(Math.round((double) sum * latencyMillis / parallelism), max * latencyMillis);
    }
}

package org.tasksync.benchmarks;

import java.util.Collection;
import java.util.Map;

/**
 * The simulated Exchange side of a benchmark suite, in the harness's JVM: a simulator with latency,
 * its request counts, the reps' Outlook, and what the protocol's batching limits allow.
 */
interface ExchangeWorld extends AutoCloseable {

    /** The adapter's name, as the engine's JVM selects it ({@code ews}, {@code graph}). */
    String adapter();

    String url();

    String user();

    String secret();

    void addMailbox(String address);

    /** Requests served since the last reset, by operation (short names). */
    Map<String, Long> requestsByOperation();

    /** Requests refused with 401 since the last reset (an authentication round trip each). */
    long challenges();

    void resetCounts();

    /** The reps mark these tasks (by CRM id) Completed in Outlook. */
    void completeInOutlook(String mailbox, Collection<String> crmIds);

    /**
     * The fewest requests one mailbox needs: {@code created}, {@code updated} tasks to write,
     * {@code changedInOutlook} items whose changes must be read.
     */
    long fewestRequests(int created, int updated, int changedInOutlook, int batchSize);

    @Override
    void close();
}

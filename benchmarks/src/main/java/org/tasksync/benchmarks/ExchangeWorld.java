package org.tasksync.benchmarks;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.tasksync.core.spi.ExchangeAdapter;

/**
 * The simulated Exchange side of a benchmark suite, in the harness's JVM: a simulator with latency,
 * its request counts, the reps' Outlook, and what the protocol's batching limits allow; for the live
 * scenario also its adapter in this JVM, the reps' status changes and the feed's connections to cut.
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

    /** Every request served since the last reset (a {@code $batch} counts once). */
    default long requests() {
        return requestsByOperation().values().stream().mapToLong(Long::longValue).sum();
    }

    /** Requests carried inside batch requests since the last reset, by operation; empty for a protocol without. */
    default Map<String, Long> subRequestsByOperation() {
        return Map.of();
    }

    // --- the live scenario (LiveScenario): the engine runs in this JVM ------------------------------

    /** The adapter, with its default settings, for an engine in this JVM. */
    ExchangeAdapter adapterHere();

    /** The rep sets the task with this CRM id to Completed, or back to in progress; false when the mailbox has none. */
    boolean setStatus(String mailbox, String crmId, boolean completed);

    /** The subject (To Do: title) of the rep's task with this CRM id; empty when the mailbox has none. */
    Optional<String> subject(String mailbox, String crmId);

    /** What the rep's item with this CRM id looks like, for the log of a lost change. */
    String describe(String mailbox, String crmId);

    /**
     * Cuts the connections the adapter's change feed holds open, as a network would; returns how many
     * were cut. A feed that polls holds none.
     */
    int cutFeedConnections();

    /**
     * True when the server side shows the feed watching all {@code mailboxes} (EWS: every subscription
     * carried by an open stream); a feed with nothing to see there (Graph's polling) is always ready.
     */
    default boolean feedWatchesAll(int mailboxes) {
        return true;
    }

    /** What the results table says of a cut, after the count (a feed without connections says so). */
    default String cutNote() {
        return "";
    }

    /** The adapter's change feed in the results table (live sync's stats only say there is one). */
    String feedName();

    @Override
    void close();
}

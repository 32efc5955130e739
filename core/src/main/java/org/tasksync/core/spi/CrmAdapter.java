package org.tasksync.core.spi;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.tasksync.core.model.Rep;

/**
 * The CRM side of a sync: reps, A1 tasks and the status write-back.
 *
 * <p>The engine calls these methods from one thread at a time per cycle, except
 * {@link #writeStatus}, which mailbox workers may call concurrently: implementations must be
 * thread-safe. Every method may throw a {@link RuntimeException} when the CRM cannot be reached;
 * the engine then fails the cycle's CRM part and tries again next cycle.
 *
 * <p>Rows that cannot be turned into a {@link org.tasksync.core.model.CrmTask} (an unknown catalog
 * code, a null subject where the schema allows it) come back in {@link CrmPage#errors()}, never as
 * an exception, so that one bad row does not stop the others.
 */
public interface CrmAdapter {

    /** All reps, enabled or not. */
    List<Rep> reps();

    /**
     * A cursor for "now": {@link #changesSince} with it returns every change made after this call
     * (and may return some made shortly before). The engine takes it before the first full read.
     */
    String currentChangeCursor();

    /**
     * Tasks created, modified or deleted after {@code cursor}, oldest first, at most
     * {@code pageSize} of them (deletions count). {@link CrmPage#next()} is the cursor after this
     * page; the engine calls again with it while {@link CrmPage#hasMore()}. Rows with equal
     * modification times and rows committed while a cycle runs must never be skipped.
     */
    CrmPage changesSince(String cursor, int pageSize);

    /**
     * Tasks (not deleted) whose scheduled day (due date, else start date) lies in the query's range,
     * plus tasks with neither date when the query asks for them. {@code pageToken} is null for the
     * first page and {@link CrmPage#next()} of the previous page after that.
     *
     * <p>The order is the adapter's choice, but returning one rep's tasks together (all of a rep's
     * tasks, then the next rep's) is recommended: the engine buffers tasks per mailbox and writes
     * them in batches, within a bound on the tasks it holds. Tasks that come rep by rep fill one
     * mailbox's batches at a time; tasks in another order (by day, say) spread over every mailbox,
     * so the engine must either hold nearly the whole time frame or send smaller batches, that is
     * more requests to Exchange.
     */
    CrmPage tasksInTimeFrame(TimeFrameQuery query, String pageToken, int pageSize);

    /** The tasks with these ids; ids of deleted tasks come back in {@link CrmPage#deletedTaskIds()}. */
    CrmPage tasksById(Collection<String> ids);

    /**
     * Writes a task's status, and only the status, if the task was not modified after
     * {@code expectedModifiedAt}; the CRM's modification time advances as the CRM itself would
     * advance it.
     */
    StatusWriteResult writeStatus(String taskId, String status, Instant expectedModifiedAt);

    /**
     * Starts a feed of hints that tasks changed, for live sync, or returns empty when this adapter
     * (or its database) cannot push: the engine then polls, as it always does on its interval.
     */
    default java.util.Optional<CrmChangeFeed> changeFeed(CrmChangeListener listener) {
        return java.util.Optional.empty();
    }
}

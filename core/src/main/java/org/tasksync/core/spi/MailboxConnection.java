package org.tasksync.core.spi;

import java.util.Collection;
import java.util.List;
import org.tasksync.core.model.ExchangeTask;

/**
 * One mailbox's tasks folder (or To Do list), used by one thread at a time, closed after use.
 *
 * <p>Batch methods take up to {@link #maxBatchSize()} items, send them in as few requests as the
 * protocol allows, and return one {@link WriteOutcome} per item in the same order: an item that
 * failed does not fail the others. They throw {@link MailboxException} only when the mailbox as a
 * whole fails (authentication, no rights, throttled past the adapter's bound).
 */
public interface MailboxConnection extends AutoCloseable {

    /**
     * Changes to the mailbox's tasks after {@code cursor}; a null cursor means "from the beginning",
     * which returns every task in the folder. Adapters return tasks with their values read.
     *
     * @throws CursorRejectedException when the server no longer accepts the cursor; the engine then
     *                                 starts again from null and adopts what it finds
     */
    ChangePage changes(String cursor) throws MailboxException;

    /**
     * As {@link #changes(String)}, but an item the server reports at the version {@code known}
     * holds for it may be left out of the page instead of being read: nobody changed it since the
     * engine last wrote or read it. The default ignores {@code known}.
     */
    default ChangePage changes(String cursor, KnownVersions known) throws MailboxException {
        return changes(cursor);
    }

    /** Creates tasks, each tagged with its CRM id so that it can be found again. */
    List<WriteOutcome> create(List<NewExchangeTask> tasks) throws MailboxException;

    /** Writes the named fields of existing tasks. */
    List<WriteOutcome> update(List<ExchangeTaskUpdate> updates) throws MailboxException;

    /** Deletes tasks (to Deleted Items where the server has one). An item already gone counts as deleted. */
    List<WriteOutcome> delete(List<ItemRef> items) throws MailboxException;

    /** The tasks in this mailbox tagged with any of these CRM ids (at most {@link #maxBatchSize()}). */
    List<ExchangeTask> findByCrmIds(Collection<String> crmIds) throws MailboxException;

    /**
     * Removes the CRM tag (the id {@link #create} stored) from these items and changes nothing else,
     * so that each becomes the rep's own task: the open series of a recurring task whose completed
     * occurrence now stands for the CRM task (docs/engine.md, "Recurring tasks"). An item already
     * gone counts as done. The default refuses every item: an adapter that never reports
     * {@link org.tasksync.core.model.ExchangeTask#recurring()} is never asked.
     */
    default List<WriteOutcome> removeTag(List<ItemRef> items) throws MailboxException {
        return items.stream().map(i -> WriteOutcome.failed(i.itemId(),
                "this adapter cannot remove a CRM tag (" + getClass().getSimpleName() + ")")).toList();
    }

    /** The most items one batch call takes. */
    default int maxBatchSize() {
        return 100;
    }

    /** Requests sent to the server through this connection so far, or -1 if the adapter does not count. */
    default long requestsSent() {
        return -1;
    }

    @Override
    void close();
}

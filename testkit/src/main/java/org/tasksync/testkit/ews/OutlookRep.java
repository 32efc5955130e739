package org.tasksync.testkit.ews;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A sales rep working in Outlook on one simulated mailbox: lists, edits, completes, assigns and
 * deletes tasks by hand. Every write gets a new change key and shows up in SyncFolderItems, as an
 * edit in Outlook does.
 *
 * <p>Thread-safe; each method is atomic with respect to the EWS requests the simulator serves.
 */
public final class OutlookRep {

    private final TaskMailbox mailbox;

    OutlookRep(TaskMailbox mailbox) {
        this.mailbox = mailbox;
    }

    public String mailbox() {
        return mailbox.address;
    }

    /** The Tasks folder in creation order. */
    public List<OutlookTask> tasks() {
        synchronized (mailbox) {
            List<OutlookTask> out = new ArrayList<>();
            for (StoredTask t : mailbox.items()) {
                out.add(OutlookTask.of(t));
            }
            return out;
        }
    }

    public Optional<OutlookTask> task(String itemId) {
        synchronized (mailbox) {
            StoredTask t = mailbox.get(itemId);
            return t == null ? Optional.empty() : Optional.of(OutlookTask.of(t));
        }
    }

    /** Whether the task has a recurrence pattern (EWS IsRecurring, PidLidTaskFRecurring). */
    public boolean isRecurring(String itemId) {
        synchronized (mailbox) {
            return existing(itemId).fields.get(TaskField.RECURRENCE) != null;
        }
    }

    /** The tasks whose extended property has this value (in text form). */
    public List<OutlookTask> tasksWith(ExtendedPropertyKey key, String value) {
        return tasks().stream().filter(t -> t.extended(key).filter(value::equals).isPresent()).toList();
    }

    /**
     * Sets the status as the rep does in Outlook: Completed also sets 100 % and today's complete
     * date; going back from Completed clears the complete date; Not Started sets 0 %.
     */
    public OutlookTask setStatus(String itemId, String status) {
        return edit(itemId, e -> e.status(status));
    }

    /** Saves one edit of an existing task. */
    public OutlookTask edit(String itemId, Consumer<TaskEdit> edits) {
        TaskEdit edit = new TaskEdit();
        edits.accept(edit);
        synchronized (mailbox) {
            StoredTask t = existing(itemId);
            mailbox.apply(t, edit.change);
            return OutlookTask.of(t);
        }
    }

    /**
     * Makes the task an assigned one, as when the rep assigns it to somebody else (ownership 1,
     * the assigner's copy) or it arrived as a task request (2, the assignee's copy).
     */
    public OutlookTask assign(String itemId, int ownership) {
        if (ownership != 1 && ownership != 2) {
            throw new IllegalArgumentException("an assigned task has ownership 1 or 2, not " + ownership);
        }
        return edit(itemId, e -> e.ownership(ownership));
    }

    /** Creates a task by hand. */
    public OutlookTask create(Consumer<TaskEdit> edits) {
        TaskEdit edit = new TaskEdit();
        edits.accept(edit);
        synchronized (mailbox) {
            return OutlookTask.of(mailbox.create(edit.change));
        }
    }

    /** Deletes a task, as the rep does with the Delete key. */
    public void delete(String itemId) {
        synchronized (mailbox) {
            existing(itemId);
            mailbox.delete(itemId);
        }
    }

    private StoredTask existing(String itemId) {
        StoredTask t = mailbox.get(itemId);
        if (t == null) {
            throw new NoSuchElementException("no task " + itemId + " in the Tasks folder of " + mailbox.address);
        }
        return t;
    }
}

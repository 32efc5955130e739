package org.tasksync.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * An Exchange task as an adapter read it.
 *
 * @param itemId       the item's id in its mailbox (EWS ItemId, Graph task id)
 * @param changeKey    the item's version (EWS ChangeKey, Graph etag); changes on every write
 * @param crmId        the CRM id the engine tagged the item with, or null for a task the user made
 * @param values       the item's current values
 * @param lastModified when Exchange last modified the item
 * @param delegated    true for a task assigned to somebody else or received as an assignment
 *                     (EWS PidLidTaskOwnership ≠ 0, an assigned To Do task); the engine ignores it
 * @param recurring    true for a task with a recurrence pattern (EWS {@code IsRecurring}, a To Do task with a
 *                     {@code recurrence}): completing one of its occurrences makes the server create a second
 *                     item (see docs/engine.md, "Recurring tasks"). Adapters that cannot tell report false.
 */
public record ExchangeTask(String itemId, String changeKey, String crmId, TaskValues values,
                           Instant lastModified, boolean delegated, boolean recurring) {
    public ExchangeTask {
        Objects.requireNonNull(itemId, "itemId");
        Objects.requireNonNull(values, "values");
    }

    /** A task without a recurrence pattern (or read by an adapter that cannot tell). */
    public ExchangeTask(String itemId, String changeKey, String crmId, TaskValues values, Instant lastModified,
                        boolean delegated) {
        this(itemId, changeKey, crmId, values, lastModified, delegated, false);
    }
}

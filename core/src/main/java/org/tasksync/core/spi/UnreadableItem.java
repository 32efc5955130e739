package org.tasksync.core.spi;

import java.util.Objects;

/**
 * A changed Exchange item that the adapter could not read (a value the client cannot parse, a
 * per-item error from the server). Reported in a {@link ChangePage} instead of failing the whole
 * mailbox, so that one bad item never stops the others.
 *
 * <p>The engine reports it as a per-task error and, when the item is one of its own (linked, or
 * tagged with a CRM id), leaves the task alone this cycle and keeps the mailbox's cursor before the
 * change, so the item is read again next cycle and no status change of the rep's is lost.
 *
 * @param itemId the item's id (never null)
 * @param crmId  the CRM id the item is tagged with, or null when it carries none or that could not be read
 * @param field  the field that could not be read, as the protocol names it (e.g. {@code Status}), or
 *               null when the adapter cannot tell
 * @param value  the raw value that could not be read, or null when there was none or it is unknown
 * @param reason what went wrong, without credentials
 */
public record UnreadableItem(String itemId, String crmId, String field, String value, String reason) {
    public UnreadableItem {
        Objects.requireNonNull(itemId, "itemId");
        Objects.requireNonNull(reason, "reason");
    }
}

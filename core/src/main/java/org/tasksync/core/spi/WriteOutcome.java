package org.tasksync.core.spi;

/**
 * The result of one item of a batch write.
 *
 * @param itemId    the item's id (for a create, the new id)
 * @param changeKey the item's version after the write
 * @param error     null on success, else what the server said, naming the field where it can
 * @param itemGone  the item no longer exists in the mailbox (EWS ErrorItemNotFound, Graph 404): for an
 *                  update this means the rep deleted it, even if the change read never said so
 */
public record WriteOutcome(String itemId, String changeKey, String error, boolean itemGone) {

    public static WriteOutcome ok(String itemId, String changeKey) {
        return new WriteOutcome(itemId, changeKey, null, false);
    }

    public static WriteOutcome failed(String itemId, String error) {
        return new WriteOutcome(itemId, null, error == null ? "failed" : error, false);
    }

    /** The item is not in the mailbox any more. */
    public static WriteOutcome gone(String itemId, String error) {
        return new WriteOutcome(itemId, null, error == null ? "item not found" : error, true);
    }

    public boolean succeeded() {
        return error == null;
    }
}

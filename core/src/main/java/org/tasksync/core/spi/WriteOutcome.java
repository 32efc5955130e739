package org.tasksync.core.spi;

/**
 * The result of one item of a batch write.
 *
 * @param itemId    the item's id (for a create, the new id)
 * @param changeKey the item's version after the write
 * @param error     null on success, else what the server said, naming the field where it can
 */
public record WriteOutcome(String itemId, String changeKey, String error) {

    public static WriteOutcome ok(String itemId, String changeKey) {
        return new WriteOutcome(itemId, changeKey, null);
    }

    public static WriteOutcome failed(String itemId, String error) {
        return new WriteOutcome(itemId, null, error == null ? "failed" : error);
    }

    public boolean succeeded() {
        return error == null;
    }
}

package org.tasksync.adapter.ews.internal;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the tasks the adapter created that were deleted before the server ever reported them.
 *
 * <p>An EWS sync state names the items the client was told about. A task created after the state
 * the engine holds and deleted before the next SyncFolderItems is in neither the old state nor the
 * folder, so Exchange reports nothing at all for it, while the engine has linked it and expects to
 * hear of its deletion (SPEC §6.5). This happens whenever a rep deletes a task within one interval
 * of its creation. So, per mailbox, the adapter remembers the tasks it created since the last
 * complete read of changes; the next read that starts at that read's final state must report each
 * of them as created, changed or deleted, and every one it does not report is gone from the Tasks
 * folder and is added to the read's deletions.
 *
 * <p>Memory only: after a restart, or when the engine reads from another cursor than the one this
 * tracker handed out last (a rejected cursor, a mailbox that failed), tracking starts afresh and
 * nothing is reported that was not seen. Thread-safe.
 */
final class VanishedItems {

    private static final class Box {
        /** The cursor the next read must start from for the tracking to hold; null before a complete read. */
        String expectedCursor;
        /** Whether a read that started at the expected cursor is under way (more pages follow). */
        boolean reading;
        final Set<String> created = new HashSet<>();
        final Set<String> seen = new HashSet<>();
    }

    private final Map<String, Box> boxes = new HashMap<>();

    /** Tasks just created in the mailbox. */
    synchronized void created(String mailbox, Collection<String> itemIds) {
        Box b = boxes.get(mailbox);
        if (b != null && b.expectedCursor != null && !b.reading) {
            b.created.addAll(itemIds);
        }
    }

    /**
     * One page of changes read from {@code cursor}, with the item ids it reported; returns the ids of
     * tasks created since the previous complete read that this complete read did not report.
     */
    synchronized List<String> page(String mailbox, String cursor, Collection<String> reported, String next,
                                   boolean hasMore) {
        Box b = boxes.computeIfAbsent(mailbox, m -> new Box());
        boolean continues = cursor != null && cursor.equals(b.expectedCursor);
        if (!continues) {
            // not the read we prepared for: start afresh, claim nothing
            b.created.clear();
            b.seen.clear();
            b.reading = false;
        }
        b.seen.addAll(reported);
        b.expectedCursor = next;
        if (hasMore) {
            b.reading = true;
            return List.of();
        }
        List<String> vanished = continues ? b.created.stream().filter(id -> !b.seen.contains(id)).sorted().toList()
                : List.of();
        b.created.clear();
        b.seen.clear();
        b.reading = false;
        return vanished;
    }
}

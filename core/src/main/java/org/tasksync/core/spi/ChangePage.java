package org.tasksync.core.spi;

import java.util.List;
import org.tasksync.core.model.ExchangeTask;

/**
 * One answer to {@link MailboxConnection#changes}.
 *
 * @param changed        tasks created or modified since the cursor, with their current values
 * @param deletedItemIds item ids of tasks deleted since the cursor
 * @param next           the cursor after this page
 * @param hasMore        whether more changes are waiting behind {@code next}
 * @param unreadable     changed items the adapter could not read; each is in neither of the other lists
 */
public record ChangePage(List<ExchangeTask> changed, List<String> deletedItemIds, String next, boolean hasMore,
                         List<UnreadableItem> unreadable) {
    public ChangePage {
        changed = List.copyOf(changed);
        deletedItemIds = List.copyOf(deletedItemIds);
        unreadable = List.copyOf(unreadable);
    }

    /** A page in which every changed item could be read. */
    public ChangePage(List<ExchangeTask> changed, List<String> deletedItemIds, String next, boolean hasMore) {
        this(changed, deletedItemIds, next, hasMore, List.of());
    }
}

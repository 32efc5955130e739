package org.tasksync.core.internal.cycle;

import org.tasksync.core.spi.ItemRef;

/**
 * An Exchange item to delete; {@code item} null means "look it up by CRM id first"; {@code movedKey}
 * names the stored intent to delete the old copy of a moved task, cleared once it is gone.
 */
public record Deletion(String crmTaskId, ItemRef item, boolean dropLink, String movedKey) {

    public Deletion(String crmTaskId, ItemRef item, boolean dropLink) {
        this(crmTaskId, item, dropLink, null);
    }
}

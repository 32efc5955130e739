package org.tasksync.core.spi;

import java.util.Objects;

/** An item in a mailbox: its id and the change key last seen (may be null). */
public record ItemRef(String itemId, String changeKey) {
    public ItemRef {
        Objects.requireNonNull(itemId, "itemId");
    }
}

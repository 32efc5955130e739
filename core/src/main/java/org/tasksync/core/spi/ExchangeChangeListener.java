package org.tasksync.core.spi;

import java.util.Collection;

/**
 * Receives an {@link ExchangeChangeFeed}'s hints. Called from the feed's threads: implementations
 * return quickly and never throw.
 */
public interface ExchangeChangeListener {

    /**
     * Items of this mailbox changed. {@code items} holds what the notification named (item id and
     * change key) and may be empty when the server does not say; the engine compares the change
     * keys with {@link KnownVersions} to recognise its own writes coming back.
     */
    void changed(String mailbox, Collection<ItemRef> items);

    /** Changes of this mailbox may have been missed (disconnect, expiry, error): catch up through its cursor. */
    void gap(String mailbox, String reason);
}

package org.tasksync.core.spi;

import java.util.Collection;

/**
 * Receives a {@link CrmChangeFeed}'s hints. Called from the feed's threads: implementations return
 * quickly and never throw.
 */
public interface CrmChangeListener {

    /**
     * These CRM tasks were created, modified or deleted by somebody other than the engine (a feed
     * leaves out the engine's own status write-backs where it can tell them apart).
     */
    void changed(Collection<String> crmTaskIds);

    /** Changes may have been missed (disconnect, error): catch up through the CRM change cursor. */
    void gap(String reason);
}

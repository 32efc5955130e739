package org.tasksync.core.spi;

/**
 * Hints from a CRM adapter that tasks changed, for live sync (docs/live-sync.md). A hint names task
 * ids only; the engine reads the tasks through {@link CrmAdapter#tasksById}. Hints may come late,
 * twice or for nothing; after a disconnect or any error the feed reports a
 * {@link CrmChangeListener#gap gap}, since notifications sent meanwhile are lost.
 *
 * <p>Opened by {@link CrmAdapter#changeFeed}; thread-safe; closed by its owner.
 */
public interface CrmChangeFeed extends AutoCloseable {

    /** Stops listening and releases threads and connections; no hint is delivered after it returns. */
    @Override
    void close();
}

package org.tasksync.core.spi;

import java.util.Collection;

import org.tasksync.core.model.Mailbox;

/**
 * Hints from an Exchange adapter that a mailbox changed, for live sync (docs/live-sync.md). A hint
 * says only <em>which</em> mailbox; {@link MailboxConnection#changes} stays the truth for
 * <em>what</em>. Hints may come late, twice or for nothing; after a disconnect, an expired
 * subscription or any error the feed reports a {@link ExchangeChangeListener#gap gap} for each
 * mailbox it may have missed changes of.
 *
 * <p>Opened by {@link ExchangeAdapter#changeFeed}; thread-safe; closed by its owner.
 */
public interface ExchangeChangeFeed extends AutoCloseable {

    /**
     * The mailboxes to watch from now on (replaces the previous set). A mailbox newly added is
     * reported as a gap once it is watched, since changes before that were not seen: at once by a
     * feed that pushes; by a feed that polls only the mailboxes with {@link #activity} (Graph's hot
     * set, docs/graph.md), when the mailbox becomes active.
     */
    void watch(Collection<Mailbox> mailboxes);

    /**
     * The engine saw a change in this mailbox (a change read found something, or it wrote to it).
     * A feed that polls may watch such a mailbox more closely for a while; others ignore it.
     */
    default void activity(String mailbox) {
    }

    /** Stops watching and releases threads and connections; no hint is delivered after it returns. */
    @Override
    void close();
}

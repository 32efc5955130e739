package org.tasksync.core.spi;

import org.tasksync.core.model.Mailbox;

/**
 * The Exchange side of a sync (EWS, Graph, or a test double).
 *
 * <p>The adapter itself must be thread-safe; each {@link MailboxConnection} it opens is used by one
 * thread only, so a client that is not thread-safe (ews-java-api's {@code ExchangeService}) lives
 * in the connection.
 */
public interface ExchangeAdapter {

    /**
     * Opens a connection to one mailbox. It may contact the server (to check rights) or not; a
     * mailbox that does not exist or cannot be accessed fails here or on first use with a
     * {@link MailboxException}.
     */
    MailboxConnection connect(Mailbox mailbox) throws MailboxException;

    /** A short name for reports and logs, e.g. {@code "ews"}; never contains credentials. */
    default String name() {
        return getClass().getSimpleName();
    }

    /**
     * Starts a feed of hints that mailboxes changed, for live sync, or returns empty when this
     * adapter cannot push: the engine then polls, as it always does on its interval. The feed
     * watches no mailbox until {@link ExchangeChangeFeed#watch} is called.
     */
    default java.util.Optional<ExchangeChangeFeed> changeFeed(ExchangeChangeListener listener) {
        return java.util.Optional.empty();
    }
}

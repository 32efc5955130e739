package org.tasksync.core.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the engine keeps what it knows between cycles: the links between CRM tasks and Exchange
 * tasks, the cursors (per mailbox, for the CRM, per rep's time frame) and the ids of tasks to try
 * again.
 *
 * <p>Implementations must be thread-safe: mailbox workers call them concurrently. Each method is
 * atomic on its own; a call that returns has made its writes durable (a crash after it loses
 * nothing), which is what the engine's crash safety builds on.
 *
 * <p>Mailbox leases ({@link #tryLease}, {@link #releaseLeases}) let engines on several nodes share
 * one store without working on the same mailbox at once. They are optional: a store that does not
 * override them grants every lease, which is right for a single node.
 */
public interface SyncStateStore {

    /** The links of these CRM tasks, keyed by CRM task id; ids without a link are absent. */
    Map<String, Link> findLinks(Collection<String> crmTaskIds);

    /** The links to these items of one mailbox, keyed by item id. */
    Map<String, Link> findLinksByItems(String mailbox, Collection<String> itemIds);

    /** Inserts or replaces links, keyed by CRM task id. */
    void saveLinks(Collection<Link> links);

    /** Drops the links of these CRM tasks. */
    void deleteLinks(Collection<String> crmTaskIds);

    /** How many links in state {@link Link.State#LINKED} point into this mailbox. */
    int countLinks(String mailbox);

    /** A cursor's value. */
    Optional<String> cursor(String key);

    /** All cursors whose key starts with {@code prefix}. */
    Map<String, String> cursors(String prefix);

    /** Writes cursors together; a null value removes the key. */
    void saveCursors(Map<String, String> values);

    /** CRM task ids the engine must look at again next cycle (failed writes, guarded deletions). */
    Set<String> pendingTaskIds();

    void addPending(Collection<String> crmTaskIds);

    void removePending(Collection<String> crmTaskIds);

    /**
     * Takes or renews the lease on a mailbox for {@code owner} until {@code now + ttl}. Granted when
     * nobody holds the mailbox, when {@code owner} already holds it (a renewal, which moves the
     * expiry), or when another owner's lease expired at or before {@code now}; refused while another
     * owner holds an unexpired lease. Atomic: of several owners asking at once for a free or expired
     * mailbox, exactly one gets it.
     *
     * <p>Times come from the callers' clocks, so nodes sharing a store need clocks that agree to
     * well within {@code ttl}. The default grants every lease: one node, nobody to exclude.
     *
     * @return true if {@code owner} now holds the lease
     */
    default boolean tryLease(String mailbox, String owner, Instant now, Duration ttl) {
        return true;
    }

    /**
     * Gives up the leases {@code owner} holds on these mailboxes, so that another owner may take
     * them at once instead of after the expiry; leases of other owners are left alone. The default
     * does nothing.
     */
    default void releaseLeases(String owner, Collection<String> mailboxes) {
    }
}

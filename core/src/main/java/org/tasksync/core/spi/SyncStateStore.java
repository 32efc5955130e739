package org.tasksync.core.spi;

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
}

package org.tasksync.core.internal.state;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.SyncStateStore;

/**
 * The engine's state store: the host's store, with the results of creates held until the store's
 * next write so that they share its commit (issue 16: one commit per created batch instead of two).
 *
 * <p>Why it is safe: a create's intent is durable before the create is sent ({@code WriteToExchange});
 * the result (item id, change key, {@code LINKED}) only spares the next run a look-up. A crash while a
 * result is held leaves the intent, as a crash between the create and its save always could, and the
 * intent is adopted (SPEC §7). The order of everything else is kept: the held results go into the
 * store with the next {@link #saveLinks} (in its one call, so one transaction), and before any other
 * write ({@code deleteLinks}, cursors, pending ids, leases), so what the store holds is always what the
 * engine wrote before, less some results at the end. A run writes what is still held when it ends.
 *
 * <p>Readers in this engine (every run, live sync's echo check) see a held result in place of its
 * intent, so nothing looks the item up again. Thread-safe; the store calls are made outside the lock.
 */
public final class HeldResultsStore implements SyncStateStore {

    private final SyncStateStore store;
    private final Object lock = new Object();
    /** Results not yet handed to the store, by CRM id. */
    private final Map<String, Link> held = new LinkedHashMap<>();
    /** Results a save is writing now, by CRM id: still shown to readers, and not overtaken. */
    private final Map<String, Link> writing = new HashMap<>();

    private HeldResultsStore(SyncStateStore store) {
        this.store = store;
    }

    /** The engine's view of {@code store}. */
    public static HeldResultsStore of(SyncStateStore store) {
        return store instanceof HeldResultsStore h ? h : new HeldResultsStore(store);
    }

    /** The host's store. */
    public SyncStateStore store() {
        return store;
    }

    /**
     * Holds results of creates until the next write. Only for links whose {@code CREATE_INTENDED}
     * intent the store already holds durably.
     */
    public void hold(Collection<Link> results) {
        if (results.isEmpty()) {
            return;
        }
        synchronized (lock) {
            for (Link l : results) {
                held.put(l.crmTaskId(), l);
            }
        }
    }

    /** Writes what is held (one save); nothing when nothing is. */
    public void flush() {
        synchronized (lock) {
            if (held.isEmpty()) {
                return;
            }
        }
        save(List.of());
    }

    /** How many results are held (for tests). */
    int heldCount() {
        synchronized (lock) {
            return held.size();
        }
    }

    @Override
    public void saveLinks(Collection<Link> links) {
        save(links);
    }

    /** Saves {@code links} with every held result in one call of the store; a link saved now replaces a held one. */
    private void save(Collection<Link> links) {
        Map<String, Link> carried;
        synchronized (lock) {
            Set<String> ids = new HashSet<>();
            for (Link l : links) {
                ids.add(l.crmTaskId());
            }
            // an older result being written must reach the store before this newer link does
            awaitNotWriting(ids);
            held.keySet().removeAll(ids);
            carried = new LinkedHashMap<>(held);
            held.clear();
            writing.putAll(carried);
        }
        if (carried.isEmpty()) {
            if (!links.isEmpty()) {
                store.saveLinks(links);
            }
            return;
        }
        List<Link> all = new ArrayList<>(carried.size() + links.size());
        all.addAll(carried.values());
        all.addAll(links);
        boolean saved = false;
        try {
            store.saveLinks(all);
            saved = true;
        } finally {
            synchronized (lock) {
                carried.forEach(writing::remove);
                if (!saved) {
                    // tried again with the next write; a result held since is newer
                    carried.forEach(held::putIfAbsent);
                }
                lock.notifyAll();
            }
        }
    }

    private void awaitNotWriting(Set<String> ids) {
        boolean interrupted = false;
        while (!writing.isEmpty() && ids.stream().anyMatch(writing::containsKey)) {
            try {
                lock.wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The held and written-now results of these CRM ids (held ones are newer). */
    private Map<String, Link> shown(Collection<String> crmTaskIds) {
        synchronized (lock) {
            if (held.isEmpty() && writing.isEmpty()) {
                return Map.of();
            }
            Map<String, Link> out = new HashMap<>();
            for (String id : crmTaskIds) {
                Link l = held.get(id);
                if (l == null) {
                    l = writing.get(id);
                }
                if (l != null) {
                    out.put(id, l);
                }
            }
            return out;
        }
    }

    @Override
    public Map<String, Link> findLinks(Collection<String> crmTaskIds) {
        Map<String, Link> shown = shown(crmTaskIds); // before the read: a result written meanwhile is then in both
        Map<String, Link> found = store.findLinks(crmTaskIds);
        if (shown.isEmpty()) {
            return found;
        }
        Map<String, Link> out = new HashMap<>(found);
        shown.forEach((id, result) -> {
            Link stored = out.get(id);
            // only in place of its own intent: anything else in the store was written after it
            if (stored != null && stored.state() == Link.State.CREATE_INTENDED
                    && stored.mailbox().equals(result.mailbox())) {
                out.put(id, result);
            }
        });
        return out;
    }

    @Override
    public Map<String, Link> findLinksByItems(String mailbox, Collection<String> itemIds) {
        Map<String, Link> shown = new HashMap<>();
        synchronized (lock) {
            if (!held.isEmpty() || !writing.isEmpty()) {
                Set<String> wanted = new HashSet<>(itemIds);
                for (Map<String, Link> m : List.of(writing, held)) { // held last: it is newer
                    for (Link l : m.values()) {
                        if (l.mailbox().equals(mailbox) && wanted.contains(l.itemId())) {
                            shown.put(l.itemId(), l);
                        }
                    }
                }
            }
        }
        Map<String, Link> found = store.findLinksByItems(mailbox, itemIds);
        if (shown.isEmpty()) {
            return found;
        }
        // a result's intent has no item id, so the store has no other link to these items
        Map<String, Link> out = new HashMap<>(found);
        shown.forEach(out::putIfAbsent);
        return out;
    }

    @Override
    public void deleteLinks(Collection<String> crmTaskIds) {
        synchronized (lock) {
            Set<String> ids = new HashSet<>(crmTaskIds);
            awaitNotWriting(ids);
            held.keySet().removeAll(ids);
        }
        flush();
        store.deleteLinks(crmTaskIds);
    }

    @Override
    public int countLinks(String mailbox) {
        flush();
        return store.countLinks(mailbox);
    }

    @Override
    public Optional<String> cursor(String key) {
        return store.cursor(key);
    }

    @Override
    public Map<String, String> cursors(String prefix) {
        return store.cursors(prefix);
    }

    @Override
    public void saveCursors(Map<String, String> values) {
        flush(); // a cursor may cover the creates: their results first
        store.saveCursors(values);
    }

    @Override
    public Set<String> pendingTaskIds() {
        return store.pendingTaskIds();
    }

    @Override
    public void addPending(Collection<String> crmTaskIds) {
        flush();
        store.addPending(crmTaskIds);
    }

    @Override
    public void removePending(Collection<String> crmTaskIds) {
        flush();
        store.removePending(crmTaskIds);
    }

    @Override
    public boolean tryLease(String mailbox, String owner, Instant now, Duration ttl) {
        return store.tryLease(mailbox, owner, now, ttl);
    }

    @Override
    public void releaseLeases(String owner, Collection<String> mailboxes) {
        flush(); // the next holder reads the results
        store.releaseLeases(owner, mailboxes);
    }

    @Override
    public String toString() {
        return store.toString();
    }
}

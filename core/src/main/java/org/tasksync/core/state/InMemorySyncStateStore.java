package org.tasksync.core.state;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.SyncStateStore;

/**
 * A {@link SyncStateStore} in memory: for tests, demos and hosts that accept a full resync (with
 * adoption, so without duplicates) after every restart.
 *
 * <p>Thread-safe: every method holds the store's lock, which keeps each call atomic.
 */
public final class InMemorySyncStateStore implements SyncStateStore {

    private final Map<String, Link> links = new HashMap<>();
    private final Map<String, String> cursors = new TreeMap<>();
    private final Set<String> pending = new HashSet<>();
    private final Map<String, Lease> leases = new HashMap<>();

    private record Lease(String owner, Instant expiresAt) {
    }

    @Override
    public synchronized Map<String, Link> findLinks(Collection<String> crmTaskIds) {
        Map<String, Link> out = new HashMap<>();
        for (String id : crmTaskIds) {
            Link l = links.get(id);
            if (l != null) {
                out.put(id, l);
            }
        }
        return out;
    }

    @Override
    public synchronized Map<String, Link> findLinksByItems(String mailbox, Collection<String> itemIds) {
        Set<String> wanted = new HashSet<>(itemIds);
        Map<String, Link> out = new HashMap<>();
        for (Link l : links.values()) {
            if (l.mailbox().equals(mailbox) && l.itemId() != null && wanted.contains(l.itemId())) {
                out.put(l.itemId(), l);
            }
        }
        return out;
    }

    @Override
    public synchronized void saveLinks(Collection<Link> toSave) {
        for (Link l : toSave) {
            links.put(l.crmTaskId(), l);
        }
    }

    @Override
    public synchronized void deleteLinks(Collection<String> crmTaskIds) {
        crmTaskIds.forEach(links::remove);
    }

    @Override
    public synchronized int countLinks(String mailbox) {
        int n = 0;
        for (Link l : links.values()) {
            if (l.mailbox().equals(mailbox) && l.state() == Link.State.LINKED) {
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized Optional<String> cursor(String key) {
        return Optional.ofNullable(cursors.get(key));
    }

    @Override
    public synchronized Map<String, String> cursors(String prefix) {
        Map<String, String> out = new TreeMap<>();
        cursors.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k, v);
            }
        });
        return out;
    }

    @Override
    public synchronized void saveCursors(Map<String, String> values) {
        values.forEach((k, v) -> {
            if (v == null) {
                cursors.remove(k);
            } else {
                cursors.put(k, v);
            }
        });
    }

    @Override
    public synchronized Set<String> pendingTaskIds() {
        return Set.copyOf(pending);
    }

    @Override
    public synchronized void addPending(Collection<String> crmTaskIds) {
        pending.addAll(crmTaskIds);
    }

    @Override
    public synchronized void removePending(Collection<String> crmTaskIds) {
        pending.removeAll(crmTaskIds);
    }

    @Override
    public synchronized boolean tryLease(String mailbox, String owner, Instant now, Duration ttl) {
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(owner, "owner");
        Lease held = leases.get(mailbox);
        if (held != null && !held.owner().equals(owner) && held.expiresAt().isAfter(now)) {
            return false;
        }
        leases.put(mailbox, new Lease(owner, now.plus(ttl)));
        return true;
    }

    @Override
    public synchronized void releaseLeases(String owner, Collection<String> mailboxes) {
        Objects.requireNonNull(owner, "owner");
        for (String mailbox : mailboxes) {
            Lease held = leases.get(mailbox);
            if (held != null && held.owner().equals(owner)) {
                leases.remove(mailbox);
            }
        }
    }

    /** All links, for tests and diagnostics. */
    public synchronized Map<String, Link> allLinks() {
        return Map.copyOf(links);
    }

    @Override
    public String toString() {
        return "InMemorySyncStateStore";
    }
}

package org.tasksync.core.internal.lease;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.MailboxPartition;
import org.tasksync.core.internal.EngineParts;

/** Leases kept in the shared state store, owned by this node (and partition). */
final class StoreLeases implements MailboxLeases {

    /** How long a cycle's end waits for another cycle of its partition to finish its own end. */
    private static final Duration END_LOCK_WAIT = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(StoreLeases.class);

    private final EngineParts parts;
    private final MailboxPartition partition;
    private final String owner;
    /** Mailboxes this run holds the lease of, released at its end. */
    private final Set<String> leased = ConcurrentHashMap.newKeySet();

    StoreLeases(EngineParts parts, MailboxPartition partition, String owner) {
        this.parts = parts;
        this.partition = partition;
        this.owner = owner;
    }

    @Override
    public Hold hold(String mailbox) {
        if (parts.store().tryLease(mailbox, owner, parts.clock().instant(), parts.leaseDuration())) {
            leased.add(mailbox);
            return Hold.HELD;
        }
        return leased.remove(mailbox) ? Hold.LOST : Hold.TAKEN;
    }

    /**
     * Two cycles of one partition run at once only when Quartz takes a live node for dead (or two
     * engines with node ids share a store); their mailbox leases keep them off each other's
     * mailboxes, but they share the partition's CRM cursor and pending set. Their ends (pending set,
     * then cursor) must not interleave, or a change one cycle deferred could be dropped from the
     * pending set by the other while the cursor moves past it.
     */
    @Override
    public boolean lockPartitionEnd() {
        long deadline = System.nanoTime() + END_LOCK_WAIT.toNanos();
        while (true) {
            try {
                if (parts.store().tryLease(partitionKey(), owner, parts.clock().instant(), parts.leaseDuration())) {
                    return true;
                }
            } catch (RuntimeException e) {
                log.warn("taking the end-of-cycle lease of partition {} failed: {}", label(), e.toString());
                return false;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    @Override
    public void unlockPartitionEnd() {
        try {
            parts.store().releaseLeases(owner, List.of(partitionKey()));
        } catch (RuntimeException e) {
            log.warn("releasing the end-of-cycle lease of partition {} failed; it expires by itself: {}", label(),
                    e.toString());
        }
    }

    @Override
    public void releaseAll() {
        if (leased.isEmpty()) {
            return;
        }
        try {
            parts.store().releaseLeases(owner, List.copyOf(leased));
        } catch (RuntimeException e) {
            log.warn("releasing {} mailbox leases failed; they expire by themselves: {}", leased.size(), e.toString());
        }
    }

    /** The partition's lease key: never an e-mail address, so it cannot meet a mailbox's. */
    private String partitionKey() {
        return "partition:" + (partition.isAll() ? "all" : partition.name());
    }

    private String label() {
        return partition.isAll() ? "(all mailboxes)" : partition.name();
    }
}

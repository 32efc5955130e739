package org.tasksync.core.internal.lease;

import org.tasksync.core.MailboxPartition;
import org.tasksync.core.internal.EngineParts;

/**
 * Scale-out in one place: the leases that keep two nodes (or two partitions' cycles) off one mailbox
 * and off one partition's end of cycle. On a single node, and in a dry run (which must not hold up a
 * real cycle elsewhere), every lease is granted and nothing is asked of the store.
 */
public interface MailboxLeases {

    /** What became of a request to hold a mailbox. */
    enum Hold {
        /** Held by this run (taken or renewed). */
        HELD,
        /** Another owner holds it. */
        TAKEN,
        /** This run held it and another owner took it over since (the run was slower than the lease). */
        LOST
    }

    /** Leases for a run of the engine over {@code partition}; {@code dryRun} takes none. */
    static MailboxLeases of(EngineParts parts, MailboxPartition partition, boolean dryRun) {
        if (parts.node() == null || dryRun) {
            return SingleNode.INSTANCE;
        }
        // The owner names the partition too, so that two partitions' cycles on one node (which may both
        // reach a mailbox, e.g. to delete a reassigned task's old copy) also keep apart.
        String owner = partition.isAll() ? parts.node() : parts.node() + "/" + partition.name();
        return new StoreLeases(parts, partition, owner);
    }

    /** Takes or renews the lease of the mailbox before the run touches it. */
    Hold hold(String mailbox);

    /**
     * Takes the partition's end-of-cycle lease, waiting a little for another owner's end; false when
     * it is still held after the wait (the end is then left out).
     */
    boolean lockPartitionEnd();

    void unlockPartitionEnd();

    /** Lets other nodes have the run's mailboxes at once instead of after the leases expire. */
    void releaseAll();

    /** Always granted: a single node has nobody to exclude. */
    final class SingleNode implements MailboxLeases {
        static final SingleNode INSTANCE = new SingleNode();

        private SingleNode() {
        }

        @Override
        public Hold hold(String mailbox) {
            return Hold.HELD;
        }

        @Override
        public boolean lockPartitionEnd() {
            return true;
        }

        @Override
        public void unlockPartitionEnd() {
        }

        @Override
        public void releaseAll() {
        }
    }
}

package org.tasksync.core;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.zip.CRC32;
import org.tasksync.core.model.Mailbox;

/**
 * A share of the mailboxes, for running cycles on several nodes (scale-out): partition
 * {@code index} of {@code count} holds the mailboxes whose address hashes to {@code index}. A
 * cycle for a partition reads and writes only its mailboxes and keeps a CRM change cursor of its
 * own, so partitions may run at different paces without losing a change.
 *
 * <p>The hash is CRC-32 of the normalized address: stable across JVMs and versions.
 */
public record MailboxPartition(int index, int count) {

    /** All mailboxes: what {@link SyncEngine#runOnce()} uses. */
    public static final MailboxPartition ALL = new MailboxPartition(0, 1);

    public MailboxPartition {
        if (count < 1 || count > 100_000) {
            throw new IllegalArgumentException("partition count must be between 1 and 100000, was " + count);
        }
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException("partition index must be between 0 and " + (count - 1) + ", was " + index);
        }
    }

    public static MailboxPartition of(int index, int count) {
        return new MailboxPartition(index, count);
    }

    public boolean isAll() {
        return count == 1;
    }

    public boolean contains(String mailboxAddress) {
        return count == 1 || partitionOf(mailboxAddress, count) == index;
    }

    /** The partition of a mailbox address among {@code count}. */
    public static int partitionOf(String mailboxAddress, int count) {
        CRC32 crc = new CRC32();
        crc.update(Mailbox.normalize(Objects.requireNonNull(mailboxAddress)).getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % count);
    }

    /** A name for keys and logs, e.g. {@code 3of8}; empty for {@link #ALL}. */
    public String name() {
        return isAll() ? "" : index + "of" + count;
    }
}

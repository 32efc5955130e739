package org.tasksync.core.internal.cycle;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Per-mailbox mutual exclusion within one engine (one JVM): a full cycle's unit of work on a mailbox
 * (its change read, one batch, its deletions) and a live run of that mailbox never overlap, while
 * other mailboxes go on. Across nodes the mailbox leases do the same.
 */
public final class MailboxLanes {

    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    /** A unit of work on one mailbox. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run() throws E;
    }

    /** Runs {@code work} while no other work on {@code mailbox} runs; waits for the one that does. */
    public <T, E extends Exception> T inLane(String mailbox, Work<T, E> work) throws E {
        ReentrantLock lock = locks.computeIfAbsent(mailbox, m -> new ReentrantLock());
        lock.lock();
        try {
            return work.run();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} in the mailbox's lane. */
    public void inLane(String mailbox, Runnable work) {
        inLane(mailbox, () -> {
            work.run();
            return null;
        });
    }
}

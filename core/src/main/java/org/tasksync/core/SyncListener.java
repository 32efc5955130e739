package org.tasksync.core;

/**
 * Progress and metrics of cycles, for hosts (a progress line, a metrics registry). Every method has
 * an empty default. Methods may be called from mailbox worker threads, concurrently for different
 * mailboxes; an exception thrown by a listener is logged and otherwise ignored.
 */
public interface SyncListener {

    default void cycleStarted(int mailboxes) {
    }

    /** A mailbox's work began; {@code index} counts from 1 in the order mailboxes started. */
    default void mailboxStarted(String mailbox, int index, int total) {
    }

    default void taskError(String mailbox, TaskError error) {
    }

    default void mailboxFailed(String mailbox, String reason) {
    }

    /**
     * A cycle ended, also one that failed before it reached a mailbox (its report has a
     * {@link SyncReport#cycleError()}); not called when synchronization is switched off.
     */
    default void cycleFinished(SyncReport report) {
    }
}

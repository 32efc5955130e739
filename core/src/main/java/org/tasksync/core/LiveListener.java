package org.tasksync.core;

import java.time.Duration;
import java.util.Collection;

/**
 * Metrics hooks of {@link LiveSync}: hints, echoes, gaps, runs and how long a change waited. Every
 * method has an empty default. Called from live sync's threads (and the feeds' threads for
 * {@link #hint} and {@link #gap}), concurrently: implementations return quickly; an exception is
 * logged and otherwise ignored.
 */
public interface LiveListener {

    /** A feed said this mailbox changed ({@code mailbox} null: the CRM said these tasks changed). */
    default void hint(String mailbox, int items) {
    }

    /** A feed reported a gap for this mailbox ({@code mailbox} null: the CRM feed). */
    default void gap(String mailbox, String reason) {
    }

    /** Hints of this mailbox named only items at the versions the engine holds: its own writes; no run. */
    default void echoDropped(String mailbox, int hints) {
    }

    /** A run of one mailbox starts (on a live sync thread); {@link #mailboxRun} follows when it ends. */
    default void mailboxRunStarted(String mailbox) {
    }

    /**
     * A run of one mailbox ended. {@code waited} runs from the first hint it covers to its end (the
     * "hint to done" latency); {@code report} is the mailbox's part of the run's report, or null when
     * the run threw (then {@code error} says why).
     */
    default void mailboxRun(String mailbox, int hints, Duration waited, MailboxReport report, String error) {
    }

    /** A run of CRM tasks ended; {@code waited} from the first hint it covers to its end. */
    default void crmRun(Collection<String> crmTaskIds, Duration waited, SyncReport report, String error) {
    }

    /** A full cycle that live sync ran or was told of ended; the watched mailboxes follow its report. */
    default void fullCycle(SyncReport report) {
    }
}

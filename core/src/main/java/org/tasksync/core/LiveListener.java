package org.tasksync.core;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

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

    /** One listener that calls each of these in turn (one that throws does not keep the others from it). */
    static LiveListener all(List<? extends LiveListener> listeners) {
        List<LiveListener> each = List.copyOf(listeners);
        if (each.size() == 1) {
            return each.get(0);
        }
        return new LiveListener() {
            private void forEach(java.util.function.Consumer<LiveListener> call) {
                for (LiveListener l : each) {
                    try {
                        call.accept(l);
                    } catch (RuntimeException e) {
                        org.slf4j.LoggerFactory.getLogger(LiveListener.class).warn("a live sync listener threw; ignored", e);
                    }
                }
            }

            @Override public void hint(String mailbox, int items) { forEach(l -> l.hint(mailbox, items)); }
            @Override public void gap(String mailbox, String reason) { forEach(l -> l.gap(mailbox, reason)); }
            @Override public void echoDropped(String mailbox, int hints) { forEach(l -> l.echoDropped(mailbox, hints)); }
            @Override public void mailboxRunStarted(String mailbox) { forEach(l -> l.mailboxRunStarted(mailbox)); }
            @Override public void mailboxRun(String mailbox, int hints, Duration waited, MailboxReport report, String error) {
                forEach(l -> l.mailboxRun(mailbox, hints, waited, report, error));
            }
            @Override public void crmRun(Collection<String> ids, Duration waited, SyncReport report, String error) {
                forEach(l -> l.crmRun(ids, waited, report, error));
            }
            @Override public void fullCycle(SyncReport report) { forEach(l -> l.fullCycle(report)); }
        };
    }
}

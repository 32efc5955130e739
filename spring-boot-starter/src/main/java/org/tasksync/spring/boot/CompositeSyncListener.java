package org.tasksync.spring.boot;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.SyncListener;
import org.tasksync.core.SyncReport;
import org.tasksync.core.TaskError;

/**
 * Every {@link SyncListener} bean of the application as the engine's one listener; a listener that
 * throws is logged and the others still hear of the event.
 */
final class CompositeSyncListener implements SyncListener {

    private static final Logger log = LoggerFactory.getLogger(CompositeSyncListener.class);

    private final List<SyncListener> listeners;

    CompositeSyncListener(List<SyncListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void cycleStarted(int mailboxes) {
        each(l -> l.cycleStarted(mailboxes));
    }

    @Override
    public void mailboxStarted(String mailbox, int index, int total) {
        each(l -> l.mailboxStarted(mailbox, index, total));
    }

    @Override
    public void taskError(String mailbox, TaskError error) {
        each(l -> l.taskError(mailbox, error));
    }

    @Override
    public void mailboxFailed(String mailbox, String reason) {
        each(l -> l.mailboxFailed(mailbox, reason));
    }

    @Override
    public void cycleFinished(SyncReport report) {
        each(l -> l.cycleFinished(report));
    }

    private void each(java.util.function.Consumer<SyncListener> call) {
        for (SyncListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                log.warn("the SyncListener {} failed; the others were called", l.getClass().getName(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "CompositeSyncListener" + listeners.stream().map(l -> l.getClass().getSimpleName()).toList();
    }
}

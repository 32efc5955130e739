package org.tasksync.examples.service;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.SyncListener;

/**
 * Logs a cycle's progress, one line per mailbox ("mailbox 12 of 80: ..."), so that an operator
 * watching a long first cycle sees it move. Failures and task errors are logged by the engine
 * itself and summed up per cycle by {@link SyncService}; they are not repeated here.
 */
final class LoggingProgress implements SyncListener {

    private static final Logger log = LoggerFactory.getLogger("org.tasksync.examples.service.progress");

    @Override
    public void cycleStarted(int mailboxes) {
        log.info("cycle started: {} mailboxes", mailboxes);
    }

    @Override
    public void mailboxStarted(String mailbox, int index, int total) {
        log.info("mailbox {} of {}: {}", index, total, mailbox);
    }
}

package org.tasksync.core.spi;

/**
 * The server no longer accepts a mailbox's change cursor (EWS invalid sync state, Graph 410 Gone).
 * The engine reads the mailbox again from the beginning and adopts the tagged tasks it finds.
 */
public class CursorRejectedException extends MailboxException {
    public CursorRejectedException(String mailbox, String message) {
        super(mailbox, Kind.PROTOCOL, "change cursor rejected: " + message);
    }
}

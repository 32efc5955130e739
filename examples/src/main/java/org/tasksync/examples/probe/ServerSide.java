package org.tasksync.examples.probe;

import java.time.LocalDate;
import org.tasksync.core.model.ExchangeStatus;

/**
 * The server as the probe reaches it besides the adapter: raw calls that check the rights, read a
 * task the way the rep's app shows it, and act as the rep would. Each failure carries the server's
 * own words (status or error code and text), never a credential.
 */
interface ServerSide extends AutoCloseable {

    /** The rep's app whose view is checked: "Outlook" or "To Do". */
    String app();

    /** One line on what is probed (endpoint, no credential). */
    String describe();

    /** Checks that the account may work in the mailbox's tasks; returns what the server answered. */
    String checkRights() throws ServerFailure;

    /** The start and due date of a task as the rep's app shows them, read without the adapter. */
    Shown shown(String itemId) throws ServerFailure;

    /** Sets the status of a task as the rep would in the app, without the adapter. */
    void setStatusAsRep(String itemId, ExchangeStatus status) throws ServerFailure;

    @Override
    void close();

    /** What the app shows for a task's start and due date. */
    record Shown(ShownDate start, ShownDate due) {
    }

    /**
     * One date as the app shows it.
     *
     * @param date     the date shown, or null when the server returned no value
     * @param wire     the value as the server sent it (null when none)
     * @param source   where the date comes from and the rule that says so, e.g. "PidLidTaskDueDate (MS-OXOTASK)"
     * @param problem  where the value breaks the documented shape (e.g. not at 00:00), else null
     */
    record ShownDate(LocalDate date, String wire, String source, String problem) {
    }

    /** A raw call failed; the message is the server's words. */
    final class ServerFailure extends Exception {
        ServerFailure(String message) {
            super(message);
        }
    }
}

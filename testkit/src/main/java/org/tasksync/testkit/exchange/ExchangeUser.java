package org.tasksync.testkit.exchange;

import org.tasksync.core.model.ExchangeStatus;

/**
 * The rep's hand in Outlook (or To Do), as a simulator offers it: what the compatibility kit needs
 * to change a mailbox behind the adapter's back.
 */
public interface ExchangeUser {

    /** Sets the status as Outlook does (Completed ⇒ 100 % and a completion date). */
    void setStatus(String mailbox, String itemId, ExchangeStatus status);

    void setSubject(String mailbox, String itemId, String subject);

    void delete(String mailbox, String itemId);

    /** Turns the task into one assigned to somebody else (EWS PidLidTaskOwnership, an assigned To Do task). */
    void delegate(String mailbox, String itemId);
}

package org.tasksync.core.spi;

import java.time.Instant;
import java.util.Objects;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.TaskValues;

/**
 * The stored pairing of one CRM task with one Exchange task in one mailbox, with what was last
 * synchronized on each side.
 *
 * @param crmTaskId          the CRM task
 * @param mailbox            the mailbox address (normalized)
 * @param itemId             the Exchange item, null while {@link State#CREATE_INTENDED}
 * @param changeKey          the item's version after the engine's last write or read
 * @param state              see {@link State}
 * @param lastWritten        the values Exchange holds as far as the engine knows (what it wrote,
 *                           updated by what it read back)
 * @param lastCrmStatus      the CRM status at the last sync
 * @param lastCrmModifiedAt  the CRM modification time at the last sync
 * @param lastExchangeStatus the Exchange status at the last sync
 * @param delegated          the rep assigned the task to somebody else in Outlook; it is ignored
 */
public record Link(String crmTaskId, String mailbox, String itemId, String changeKey, State state,
                   TaskValues lastWritten, String lastCrmStatus, Instant lastCrmModifiedAt,
                   ExchangeStatus lastExchangeStatus, boolean delegated) {

    public enum State {
        /** The engine is about to create the item; after a crash the next cycle looks for it by CRM id. */
        CREATE_INTENDED,
        LINKED,
        /** The user deleted the item in Outlook; not created again unless the CRM task changes. */
        DELETED_IN_OUTLOOK
    }

    public Link {
        Objects.requireNonNull(crmTaskId, "crmTaskId");
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(lastWritten, "lastWritten");
        if (state == State.LINKED && itemId == null) {
            throw new IllegalArgumentException("a linked task needs an item id: " + crmTaskId);
        }
    }

    public Link withState(State s) {
        return new Link(crmTaskId, mailbox, itemId, changeKey, s, lastWritten, lastCrmStatus, lastCrmModifiedAt,
                lastExchangeStatus, delegated);
    }

    public Link withItem(String newItemId, String newChangeKey) {
        return new Link(crmTaskId, mailbox, newItemId, newChangeKey, state, lastWritten, lastCrmStatus,
                lastCrmModifiedAt, lastExchangeStatus, delegated);
    }

    public Link withLastWritten(TaskValues values) {
        return new Link(crmTaskId, mailbox, itemId, changeKey, state, values, lastCrmStatus, lastCrmModifiedAt,
                lastExchangeStatus, delegated);
    }

    public Link withCrm(String status, Instant modifiedAt) {
        return new Link(crmTaskId, mailbox, itemId, changeKey, state, lastWritten, status, modifiedAt,
                lastExchangeStatus, delegated);
    }

    public Link withExchangeStatus(ExchangeStatus status) {
        return new Link(crmTaskId, mailbox, itemId, changeKey, state, lastWritten, lastCrmStatus, lastCrmModifiedAt,
                status, delegated);
    }

    public Link withDelegated(boolean d) {
        return new Link(crmTaskId, mailbox, itemId, changeKey, state, lastWritten, lastCrmStatus, lastCrmModifiedAt,
                lastExchangeStatus, d);
    }
}

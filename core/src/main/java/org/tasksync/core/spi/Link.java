package org.tasksync.core.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
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
 *
 * <p>The engine builds links through the named transitions below ({@link #intent}, {@link #linked},
 * {@link #adopted}, {@link #afterRead}, {@link #afterUpdate}, {@link #deletedInOutlook}, ...), so that
 * no call site passes the two status fields, which are easy to swap, by position; the canonical
 * constructor is for state stores that read links back.
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

    // ------------------------------------------------------------------ named transitions

    /**
     * The intent to create a task, stored before the item exists, so that a crash in between leaves
     * a record the next cycle finds the item by.
     */
    public static Link intent(String crmTaskId, String mailbox, TaskValues written, String crmStatus,
                              Instant crmModifiedAt) {
        return new Link(crmTaskId, mailbox, null, null, State.CREATE_INTENDED, written, crmStatus, crmModifiedAt,
                written.status(), false);
    }

    /** This intent linked to the item the server created (or that a later read found). */
    public Link linked(String newItemId, String newChangeKey) {
        return new Link(crmTaskId, mailbox, newItemId, newChangeKey, State.LINKED, lastWritten, lastCrmStatus,
                lastCrmModifiedAt, lastExchangeStatus, false);
    }

    /**
     * A tagged item found in the mailbox without a usable link (lost state store, crash, a task moved
     * back), linked with what it holds now and the CRM status it was synchronized with.
     */
    public static Link adopted(String crmTaskId, String mailbox, ExchangeTask item, String crmStatus,
                               Instant crmModifiedAt) {
        return new Link(crmTaskId, mailbox, item.itemId(), item.changeKey(), State.LINKED, item.values(), crmStatus,
                crmModifiedAt, item.values().status(), false);
    }

    /** What a change read showed of the linked item: its values of the managed fields and its version. */
    public Link afterRead(ExchangeTask item, Set<ExchangeField> managed) {
        return new Link(crmTaskId, mailbox, itemId, item.changeKey(), state,
                lastWritten.withFieldsFrom(item.values(), managed), lastCrmStatus, lastCrmModifiedAt,
                lastExchangeStatus, false);
    }

    /** The rep assigned the task to somebody else: ignored from now on (SPEC §6.2). */
    public Link delegatedAt(String newChangeKey) {
        return new Link(crmTaskId, mailbox, itemId, newChangeKey, state, lastWritten, lastCrmStatus,
                lastCrmModifiedAt, lastExchangeStatus, true);
    }

    /** The rep's status, read from Exchange, is the one last synchronized now. */
    public Link exchangeStatusSynced(ExchangeStatus status) {
        return withExchangeStatus(status);
    }

    /** The CRM task's status and modification time are the ones last synchronized now. */
    public Link crmSynced(String status, Instant modifiedAt) {
        return withCrm(status, modifiedAt);
    }

    /**
     * After the engine wrote {@code fields} of {@code values} to the item, synchronized from the CRM
     * task's {@code crmStatus} and {@code crmModifiedAt}; a server that returns no new version keeps
     * the one known.
     */
    public Link afterUpdate(String newChangeKey, TaskValues values, Set<ExchangeField> fields, String crmStatus,
                            Instant crmModifiedAt) {
        return new Link(crmTaskId, mailbox, itemId, newChangeKey != null ? newChangeKey : changeKey, State.LINKED,
                lastWritten.withFieldsFrom(values, fields), crmStatus, crmModifiedAt,
                fields.contains(ExchangeField.STATUS) ? values.status() : lastExchangeStatus, false);
    }

    /**
     * The rep deleted the item in Outlook; {@code seenDeleted} stands for the CRM modification time
     * a later CRM change must pass to bring the task back (SPEC §6.5).
     */
    public Link deletedInOutlook(Instant seenDeleted) {
        return new Link(crmTaskId, mailbox, itemId, changeKey, State.DELETED_IN_OUTLOOK, lastWritten, lastCrmStatus,
                seenDeleted, lastExchangeStatus, delegated);
    }
}

package org.tasksync.core.internal.rules;

import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.spi.Link;

/**
 * SPEC §6.3 "the CRM task was deleted": what happens to its link and its Exchange task. A task
 * Completed in Exchange is kept (only the link goes), a delegated one is never written (SPEC §6.2), a
 * mailbox whose rep no longer takes part is left alone.
 */
public final class DeletionPlan {

    public enum Action {
        /** Another partition holds the mailbox: it deletes. */
        OTHER_PARTITION,
        /** The mailbox's rep takes no part any more: drop the link, leave the mailbox alone. */
        DROP_REP_GONE,
        /** Delegated in Outlook: drop the link, never write the item. */
        DROP_DELEGATED,
        /** Completed in Exchange: drop the link, keep the item. */
        DROP_COMPLETED_KEPT,
        /** Delete the linked item, then drop the link. */
        DELETE_ITEM,
        /** A create was intended: look the item up by CRM id, delete what is found, drop the link. */
        LOOKUP_AND_DELETE,
        /** Nothing in Exchange (deleted in Outlook): drop the link. */
        DROP
    }

    private DeletionPlan() {
    }

    /**
     * @param inPartition   this run's partition holds the link's mailbox
     * @param mailboxActive an enabled rep has the link's mailbox
     */
    public static Action of(Link link, boolean inPartition, boolean mailboxActive) {
        if (!inPartition) {
            return Action.OTHER_PARTITION;
        }
        if (!mailboxActive) {
            return Action.DROP_REP_GONE;
        }
        return switch (link.state()) {
            case LINKED -> link.delegated() ? Action.DROP_DELEGATED
                    : link.lastExchangeStatus() == ExchangeStatus.COMPLETED ? Action.DROP_COMPLETED_KEPT
                    : Action.DELETE_ITEM;
            case CREATE_INTENDED -> Action.LOOKUP_AND_DELETE;
            case DELETED_IN_OUTLOOK -> Action.DROP;
        };
    }

    /**
     * True when an unclaimed tagged item of a task the CRM no longer has is deleted: not when it is
     * Completed (kept, as for any deletion) or when the task is linked in its mailbox (deleted through
     * the link).
     */
    public static boolean deletesOrphan(boolean crmTaskExists, ExchangeStatus itemStatus, boolean linkHere) {
        return !crmTaskExists && itemStatus != ExchangeStatus.COMPLETED && !linkHere;
    }
}

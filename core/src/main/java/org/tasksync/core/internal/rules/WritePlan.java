package org.tasksync.core.internal.rules;

import java.time.Instant;
import org.tasksync.core.spi.Link;

/**
 * SPEC §6.3 and §7, what to do with a CRM task routed to a mailbox, given its link: create it, adopt
 * or look up an item that may exist, follow a reassignment, update it, or leave it.
 */
public final class WritePlan {

    public enum Kind {
        /** No link: adopt a tagged item read this run, else create (SPEC §7: never a duplicate). */
        ADOPT_OR_CREATE,
        /** Linked in another mailbox: the rep changed (SPEC §6.3); then adopt an old copy here, or look one up. */
        REASSIGN,
        /** A create was intended and not confirmed (a crash): adopt or look the item up by CRM id first. */
        ADOPT_OR_LOOKUP,
        /** Deleted in Outlook and changed in the CRM since (SPEC §6.5): created again. */
        CREATE_AGAIN,
        /** Deleted in Outlook and not changed in the CRM since: left alone. */
        KEEP_DELETED,
        /** Delegated in Outlook (SPEC §6.2): never written. */
        DELEGATED,
        /** Linked: write the fields that differ. */
        UPDATE
    }

    private WritePlan() {
    }

    public static Kind of(Link link, String mailbox, Instant crmModifiedAt) {
        if (link == null) {
            return Kind.ADOPT_OR_CREATE;
        }
        if (!link.mailbox().equals(mailbox)) {
            return Kind.REASSIGN;
        }
        return switch (link.state()) {
            case CREATE_INTENDED -> Kind.ADOPT_OR_LOOKUP;
            case DELETED_IN_OUTLOOK -> DeletedInOutlook.createAgain(link, crmModifiedAt)
                    ? Kind.CREATE_AGAIN : Kind.KEEP_DELETED;
            case LINKED -> link.delegated() ? Kind.DELEGATED : Kind.UPDATE;
        };
    }
}

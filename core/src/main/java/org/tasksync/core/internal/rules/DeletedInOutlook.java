package org.tasksync.core.internal.rules;

import java.time.Instant;
import org.tasksync.core.spi.Link;

/**
 * SPEC §6.5, the single copy: a linked task the rep deleted in Outlook is marked so, and only a CRM
 * change after the cycle that saw the deletion brings it back.
 */
public final class DeletedInOutlook {

    private DeletedInOutlook() {
    }

    /**
     * The link of a task seen deleted in Outlook by the cycle that began at {@code cycleStart}. The rep
     * deleted it before that cycle began (or during it): a CRM edit up to then does not bring it back.
     */
    public static Link mark(Link link, Instant cycleStart) {
        Instant seenDeleted = link.lastCrmModifiedAt() != null && link.lastCrmModifiedAt().isAfter(cycleStart)
                ? link.lastCrmModifiedAt() : cycleStart;
        return link.deletedInOutlook(seenDeleted);
    }

    /** True when a CRM task whose link is marked deleted in Outlook is to be created again. */
    public static boolean createAgain(Link link, Instant crmModifiedAt) {
        return link.lastCrmModifiedAt() == null || crmModifiedAt.isAfter(link.lastCrmModifiedAt());
    }
}

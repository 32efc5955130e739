package org.tasksync.core.internal.rules;

import java.time.Instant;
import org.tasksync.core.SyncSettings;

/**
 * SPEC §7, adopting a tagged item instead of creating a duplicate: how the item's status is judged
 * without a record of the last sync, and what becomes of a tagged item nobody claimed in a run
 * (docs/engine.md, "Lost state store").
 */
public final class Adoption {

    /** A tagged item nobody claimed in a run, whose CRM task exists. */
    public enum Orphan {
        /** This mailbox's task: linked without writing the CRM's values (it may be outside the time frame). */
        ADOPT,
        /** An old copy of a task that belongs to another rep now, under {@code reassignment=move}. */
        DELETE,
        LEAVE
    }

    private Adoption() {
    }

    /**
     * True when the item's status goes to the CRM. With no record of the last sync the CRM counts as
     * changed, so only a later Exchange modification wins (SPEC §6.1 through {@link StatusConflict}).
     *
     * @param crmHasIt the CRM status already maps to the item's
     */
    public static boolean repStatusWins(boolean crmHasIt, Instant exchangeModified, Instant crmModified) {
        return StatusConflict.decide(true, crmHasIt, exchangeModified, crmModified)
                == StatusConflict.Outcome.EXCHANGE_WINS;
    }

    /**
     * What becomes of an unclaimed tagged item whose CRM task exists.
     *
     * @param owner    the mailbox the task belongs in now, null when its rep takes no part
     * @param mailbox  the mailbox the item is in
     * @param linkHere the task is linked in this mailbox (to another item)
     * @param linked   the task is linked anywhere
     */
    public static Orphan orphan(String owner, String mailbox, boolean linkHere, boolean linked,
                                SyncSettings.Reassignment setting) {
        if (linkHere) {
            return Orphan.LEAVE; // linked here to another item: not this item's to decide
        }
        if (mailbox.equals(owner)) {
            return linked ? Orphan.LEAVE : Orphan.ADOPT;
        }
        return owner != null && setting == SyncSettings.Reassignment.MOVE ? Orphan.DELETE : Orphan.LEAVE;
    }
}

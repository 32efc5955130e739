package org.tasksync.core.internal.rules;

import org.tasksync.core.SyncSettings;
import org.tasksync.core.spi.Link;

/**
 * SPEC §6.3, the rep changed: the task is created in the new rep's mailbox; the old copy stays under
 * {@code reassignment=keep-original}, and is deleted under {@code move} when it is a linked,
 * undelegated item in a mailbox the engine writes to.
 */
public final class Reassignment {

    private Reassignment() {
    }

    /**
     * True when the old copy is to be deleted.
     *
     * @param old              the link in the old mailbox
     * @param oldMailboxActive an enabled rep has the old mailbox (the engine writes only to those)
     */
    public static boolean deletesOldCopy(Link old, boolean oldMailboxActive, SyncSettings.Reassignment setting) {
        return setting == SyncSettings.Reassignment.MOVE && old.state() == Link.State.LINKED && !old.delegated()
                && oldMailboxActive;
    }
}

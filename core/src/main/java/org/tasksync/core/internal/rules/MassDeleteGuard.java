package org.tasksync.core.internal.rules;

import java.util.Optional;

/**
 * SPEC §7, the mass-delete guard: a run that would delete more than a share of one mailbox's linked
 * tasks, and more than a count, deletes nothing there.
 */
public final class MassDeleteGuard {

    private MassDeleteGuard() {
    }

    /**
     * Why the deletions are held, or empty when they may go.
     *
     * @param deletions the deletions planned in the mailbox
     * @param linked    the mailbox's linked tasks
     * @param minCount  more than this many deletions are needed to trip the guard
     * @param maxShare  and more than this share of the linked tasks
     */
    public static Optional<String> refuses(int deletions, int linked, int minCount, double maxShare) {
        if (deletions > minCount && deletions > maxShare * linked) {
            return Optional.of("mass-delete guard: " + deletions + " of " + linked + " linked tasks would be deleted"
                    + " (more than " + Math.round(maxShare * 100) + " % and more than " + minCount + "); nothing"
                    + " deleted in this mailbox, held for the next cycle");
        }
        return Optional.empty();
    }
}

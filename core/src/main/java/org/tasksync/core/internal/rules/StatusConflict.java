package org.tasksync.core.internal.rules;

import java.time.Instant;

/**
 * The status conflict rule of SPEC §6.1, the single copy: a status the rep set in Outlook against
 * the CRM task's status, decided without I/O.
 */
public final class StatusConflict {

    /** What to do with a status read from Exchange. */
    public enum Outcome {
        /** The CRM has that status already (unchanged, or set there as well): nothing to write to the CRM. */
        CRM_HAS_IT,
        /** Only Exchange changed: write the status to the CRM. */
        WRITE_TO_CRM,
        /** Both changed and Exchange's change is later: write the status to the CRM. */
        EXCHANGE_WINS,
        /** Both changed and the CRM's change is later, or at the same time: the CRM status goes to Exchange. */
        CRM_WINS;

        /** True when the status read from Exchange is to be written to the CRM. */
        public boolean writesToCrm() {
            return this == WRITE_TO_CRM || this == EXCHANGE_WINS;
        }

        /** True when both sides changed the status differently. */
        public boolean isConflict() {
            return this == EXCHANGE_WINS || this == CRM_WINS;
        }
    }

    private StatusConflict() {
    }

    /**
     * Decides a status change read from Exchange.
     *
     * @param crmChanged       the CRM status differs from the one last synchronized (true when there is
     *                         no record of it, as when an untracked item is adopted)
     * @param crmHasIt         the CRM status already maps to what the rep set
     * @param exchangeModified when Exchange last modified the item; null when unknown (the CRM wins)
     * @param crmModified      when the CRM task was last modified
     */
    public static Outcome decide(boolean crmChanged, boolean crmHasIt, Instant exchangeModified, Instant crmModified) {
        if (crmHasIt) {
            return Outcome.CRM_HAS_IT;
        }
        if (!crmChanged) {
            return Outcome.WRITE_TO_CRM;
        }
        return exchangeWins(exchangeModified, crmModified) ? Outcome.EXCHANGE_WINS : Outcome.CRM_WINS;
    }

    /** The later modification wins; a tie, or a time Exchange did not give, goes to the CRM. */
    public static boolean exchangeWins(Instant exchangeModified, Instant crmModified) {
        return exchangeModified != null && (crmModified == null || exchangeModified.isAfter(crmModified));
    }
}

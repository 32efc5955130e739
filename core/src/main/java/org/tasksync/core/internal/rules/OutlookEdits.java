package org.tasksync.core.internal.rules;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import org.tasksync.core.model.ExchangeField;

/**
 * SPEC §6.4 under {@code tasksync.outlook-edits=keep-until-crm-changes}: which of the fields that
 * differ from Exchange the engine may write to a linked task, decided without I/O.
 *
 * <p>"Did the CRM change?" compares the CRM task with what was last synchronized <em>from</em> the
 * CRM (the link's CRM status and modification time), never with what Exchange holds now: a CRM row
 * read again unchanged (the JDBC adapter's change-safety lag) or changed only by the engine's own
 * status write-back (whose new modification time the link records) is not a CRM change.
 */
public final class OutlookEdits {

    /** The fields that follow a status: Outlook moves them with it. */
    public static final Set<ExchangeField> STATUS_FIELDS = Set.of(ExchangeField.STATUS,
            ExchangeField.PERCENT_COMPLETE, ExchangeField.COMPLETE_DATE);

    private OutlookEdits() {
    }

    /**
     * True when the CRM task changed since the link last synchronized it: another status, a later
     * modification time, or no record of either.
     */
    public static boolean crmChangedSince(boolean sameStatus, Instant lastCrmModifiedAt, Instant crmModifiedAt) {
        return !sameStatus || lastCrmModifiedAt == null || crmModifiedAt == null
                || crmModifiedAt.isAfter(lastCrmModifiedAt);
    }

    /**
     * The fields to write under keep-until-crm-changes.
     *
     * @param differing     the fields whose CRM value differs from what Exchange holds
     * @param crmChanged    the CRM task changed since the last sync (see {@link #crmChangedSince}), or this
     *                      cycle saw it change while reading Exchange's statuses
     * @param statusRefresh this cycle's status write-back asked for the task to be written again (the CRM
     *                      had the rep's status already and Outlook may have moved percent and dates with it)
     */
    public static Set<ExchangeField> keepUntilCrmChanges(Set<ExchangeField> differing, boolean crmChanged,
                                                         boolean statusRefresh) {
        if (crmChanged) {
            return differing; // "until the CRM task changes again": then the CRM is the master for every field
        }
        Set<ExchangeField> out = new LinkedHashSet<>();
        if (statusRefresh) {
            for (ExchangeField f : differing) {
                if (STATUS_FIELDS.contains(f)) {
                    out.add(f);
                }
            }
        }
        return out;
    }
}

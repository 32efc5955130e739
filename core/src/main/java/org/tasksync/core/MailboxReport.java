package org.tasksync.core;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What one cycle did in one mailbox (SPEC §9). Immutable.
 *
 * @param mailbox              the address
 * @param created              Exchange tasks created
 * @param updated              Exchange tasks updated (only changed fields sent)
 * @param deleted              Exchange tasks deleted
 * @param adopted              tagged Exchange tasks linked again instead of created (after a crash or a lost store)
 * @param statusesWrittenBack  Outlook status changes written to the CRM
 * @param conflictsCrmWon      both sides changed the status; the CRM's was later or equal
 * @param conflictsExchangeWon both sides changed the status; Outlook's was later
 * @param deletedInOutlook     links marked deleted because the rep deleted the task in Outlook
 * @param skipped              tasks left alone, by reason
 * @param taskErrors           per-task errors
 * @param warnings             repairs made (characters XML cannot carry) and held deletions
 * @param mailboxError         why the mailbox failed, or null
 * @param requests             requests sent to Exchange for this mailbox
 * @param deferredReason       why the cycle left the mailbox to a later cycle without it failing
 *                             (another node holds its lease, see {@code docs/scale-out.md}), or null
 */
public record MailboxReport(String mailbox, int created, int updated, int deleted, int adopted,
                            int statusesWrittenBack, int conflictsCrmWon, int conflictsExchangeWon,
                            int deletedInOutlook, Map<SkipReason, Integer> skipped, List<TaskError> taskErrors,
                            List<String> warnings, String mailboxError, long requests, String deferredReason) {

    /** A report of a mailbox that was not deferred. */
    public MailboxReport(String mailbox, int created, int updated, int deleted, int adopted,
                         int statusesWrittenBack, int conflictsCrmWon, int conflictsExchangeWon,
                         int deletedInOutlook, Map<SkipReason, Integer> skipped, List<TaskError> taskErrors,
                         List<String> warnings, String mailboxError, long requests) {
        this(mailbox, created, updated, deleted, adopted, statusesWrittenBack, conflictsCrmWon, conflictsExchangeWon,
                deletedInOutlook, skipped, taskErrors, warnings, mailboxError, requests, null);
    }

    public MailboxReport {
        EnumMap<SkipReason, Integer> s = new EnumMap<>(SkipReason.class);
        s.putAll(skipped);
        skipped = java.util.Collections.unmodifiableMap(s);
        taskErrors = List.copyOf(taskErrors);
        warnings = List.copyOf(warnings);
    }

    public int skipped(SkipReason reason) {
        return skipped.getOrDefault(reason, 0);
    }

    public int skippedTotal() {
        return skipped.values().stream().mapToInt(Integer::intValue).sum();
    }

    public boolean failed() {
        return mailboxError != null;
    }

    /**
     * True when the cycle left this mailbox (or, after losing its lease, the rest of its work) to a
     * later cycle because another node holds it: not an error; its tasks are in the pending set.
     */
    public boolean deferred() {
        return deferredReason != null;
    }
}

package org.tasksync.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one cycle did (SPEC §9): per mailbox and in total. Immutable; {@link #toTable()} prints it
 * as a plain-text table.
 *
 * @param startedAt    when the cycle began (the engine's clock)
 * @param duration     how long it took
 * @param enabled      false when task synchronization is switched off (then nothing else is set)
 * @param dryRun       whether this was a dry run (nothing written; {@link #plannedWrites()} lists what would be)
 * @param mailboxes    per mailbox, in address order
 * @param taskErrors   per-task errors that belong to no mailbox (unreadable CRM rows, tasks of unknown reps)
 * @param unassignedSkips tasks left alone that belong to no mailbox (rep disabled, rep without mailbox)
 * @param cycleError   why the cycle failed outside a mailbox's work (the CRM part, the state store), or null
 * @param plannedWrites the writes made (or, in a dry run, planned), in order
 */
public record SyncReport(Instant startedAt, Duration duration, boolean enabled, boolean dryRun,
                         List<MailboxReport> mailboxes, List<TaskError> taskErrors,
                         Map<SkipReason, Integer> unassignedSkips, String cycleError,
                         List<PlannedWrite> plannedWrites) {

    public SyncReport {
        mailboxes = List.copyOf(mailboxes);
        taskErrors = List.copyOf(taskErrors);
        EnumMap<SkipReason, Integer> u = new EnumMap<>(SkipReason.class);
        u.putAll(unassignedSkips);
        unassignedSkips = java.util.Collections.unmodifiableMap(u);
        plannedWrites = List.copyOf(plannedWrites);
    }

    public Optional<MailboxReport> mailbox(String address) {
        String key = org.tasksync.core.model.Mailbox.normalize(address);
        return mailboxes.stream().filter(m -> m.mailbox().equals(key)).findFirst();
    }

    public int created() { return mailboxes.stream().mapToInt(MailboxReport::created).sum(); }
    public int updated() { return mailboxes.stream().mapToInt(MailboxReport::updated).sum(); }
    public int deleted() { return mailboxes.stream().mapToInt(MailboxReport::deleted).sum(); }
    public int adopted() { return mailboxes.stream().mapToInt(MailboxReport::adopted).sum(); }
    public int statusesWrittenBack() { return mailboxes.stream().mapToInt(MailboxReport::statusesWrittenBack).sum(); }
    public int conflictsCrmWon() { return mailboxes.stream().mapToInt(MailboxReport::conflictsCrmWon).sum(); }
    public int conflictsExchangeWon() { return mailboxes.stream().mapToInt(MailboxReport::conflictsExchangeWon).sum(); }
    public int deletedInOutlook() { return mailboxes.stream().mapToInt(MailboxReport::deletedInOutlook).sum(); }
    public long requests() { return mailboxes.stream().mapToLong(MailboxReport::requests).sum(); }

    public int skipped(SkipReason reason) {
        return mailboxes.stream().mapToInt(m -> m.skipped(reason)).sum() + unassignedSkips.getOrDefault(reason, 0);
    }

    public Map<SkipReason, Integer> skipped() {
        Map<SkipReason, Integer> out = new EnumMap<>(SkipReason.class);
        out.putAll(unassignedSkips);
        for (MailboxReport m : mailboxes) {
            m.skipped().forEach((k, v) -> out.merge(k, v, Integer::sum));
        }
        return out;
    }

    /** Every per-task error, of mailboxes and of the CRM. */
    public List<TaskError> allTaskErrors() {
        List<TaskError> out = new ArrayList<>(taskErrors);
        mailboxes.forEach(m -> out.addAll(m.taskErrors()));
        return out;
    }

    public List<MailboxReport> failedMailboxes() {
        return mailboxes.stream().filter(MailboxReport::failed).toList();
    }

    /** Mailboxes left to a later cycle because another node holds them (scale-out); not errors. */
    public List<MailboxReport> deferredMailboxes() {
        return mailboxes.stream().filter(MailboxReport::deferred).toList();
    }

    /** True when nothing failed: no cycle error, no mailbox error, no per-task error. */
    public boolean clean() {
        return enabled && cycleError == null && failedMailboxes().isEmpty() && allTaskErrors().isEmpty();
    }

    /** The report as a plain-text table: one row per mailbox, a total row, then errors and warnings. */
    public String toTable() {
        StringBuilder sb = new StringBuilder();
        if (!enabled) {
            return "Task synchronization is switched off (tasksync.tasks.enabled=false): nothing was done.\n";
        }
        sb.append(dryRun ? "DRY RUN (nothing written) " : "").append("cycle at ").append(startedAt)
                .append(", ").append(duration.toMillis()).append(" ms\n");
        String fmt = "%-32s %7s %7s %7s %7s %7s %9s %7s %7s %8s  %s%n";
        sb.append(String.format(fmt, "mailbox", "created", "updated", "deleted", "adopted", "status<-",
                "conflicts", "skipped", "errors", "requests", "state"));
        for (MailboxReport m : mailboxes) {
            sb.append(String.format(fmt, shorten(m.mailbox(), 32), m.created(), m.updated(), m.deleted(), m.adopted(),
                    m.statusesWrittenBack(), m.conflictsCrmWon() + m.conflictsExchangeWon(), m.skippedTotal(),
                    m.taskErrors().size(), m.requests(), m.failed() ? "FAILED" : m.deferred() ? "deferred" : "ok"));
        }
        sb.append(String.format(fmt, "TOTAL (" + mailboxes.size() + " mailboxes)", created(), updated(), deleted(),
                adopted(), statusesWrittenBack(), conflictsCrmWon() + conflictsExchangeWon(),
                skipped().values().stream().mapToInt(Integer::intValue).sum(), allTaskErrors().size(), requests(),
                cycleError != null ? "FAILED" : failedMailboxes().isEmpty() ? "ok" : failedMailboxes().size() + " failed"));
        if (conflictsCrmWon() + conflictsExchangeWon() > 0) {
            sb.append("conflicts: CRM won ").append(conflictsCrmWon()).append(", Outlook won ")
                    .append(conflictsExchangeWon()).append('\n');
        }
        Map<SkipReason, Integer> skipped = skipped();
        if (!skipped.isEmpty()) {
            sb.append("skipped:");
            skipped.forEach((k, v) -> sb.append(' ').append(k.text()).append(' ').append(v).append(';'));
            sb.setLength(sb.length() - 1);
            sb.append('\n');
        }
        if (cycleError != null) {
            sb.append("cycle error: ").append(cycleError).append('\n');
        }
        for (MailboxReport m : mailboxes) {
            if (m.failed()) {
                sb.append("mailbox error: ").append(m.mailboxError()).append('\n');
            }
        }
        for (MailboxReport m : mailboxes) {
            if (m.deferred()) {
                sb.append("deferred (").append(m.mailbox()).append("): ").append(m.deferredReason()).append('\n');
            }
        }
        for (TaskError e : allTaskErrors()) {
            sb.append("task error: ").append(e).append('\n');
        }
        for (MailboxReport m : mailboxes) {
            for (String w : m.warnings()) {
                sb.append("warning (").append(m.mailbox()).append("): ").append(w).append('\n');
            }
        }
        return sb.toString();
    }

    private static String shorten(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    @Override
    public String toString() {
        return toTable();
    }
}

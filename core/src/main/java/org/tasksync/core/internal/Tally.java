package org.tasksync.core.internal;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.tasksync.core.MailboxReport;
import org.tasksync.core.SkipReason;
import org.tasksync.core.TaskError;

/** The counters of one mailbox during a cycle. Thread-safe: every method holds the tally's lock. */
final class Tally {
    private int created;
    private int updated;
    private int deleted;
    private int adopted;
    private int statusesWrittenBack;
    private int conflictsCrmWon;
    private int conflictsExchangeWon;
    private int deletedInOutlook;
    private final Map<SkipReason, Integer> skipped = new EnumMap<>(SkipReason.class);
    private final List<TaskError> taskErrors = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private String mailboxError;
    private String deferredReason;
    private long requests;

    synchronized void created() { created++; }
    synchronized void updated() { updated++; }
    synchronized void deleted() { deleted++; }
    synchronized void adopted() { adopted++; }
    synchronized void statusWrittenBack() { statusesWrittenBack++; }
    synchronized void conflict(boolean exchangeWon) {
        if (exchangeWon) conflictsExchangeWon++; else conflictsCrmWon++;
    }
    synchronized void deletedInOutlook() { deletedInOutlook++; }
    synchronized void skip(SkipReason r) { skipped.merge(r, 1, Integer::sum); }
    synchronized void error(TaskError e) { taskErrors.add(e); }
    synchronized void warn(String w) { warnings.add(w); }
    synchronized void requests(long n) { requests += n; }

    synchronized boolean fail(String reason) {
        if (mailboxError != null) {
            return false;
        }
        mailboxError = reason;
        return true;
    }

    synchronized boolean failed() { return mailboxError != null; }

    /** Leaves the mailbox to a later cycle (its lease is another node's); false if it already was. */
    synchronized boolean defer(String reason) {
        if (deferredReason != null) {
            return false;
        }
        deferredReason = reason;
        return true;
    }

    synchronized boolean deferred() { return deferredReason != null; }

    synchronized MailboxReport toReport(String mailbox) {
        return new MailboxReport(mailbox, created, updated, deleted, adopted, statusesWrittenBack, conflictsCrmWon,
                conflictsExchangeWon, deletedInOutlook, skipped, taskErrors, warnings, mailboxError, requests,
                deferredReason);
    }
}

package org.tasksync.core.internal.report;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.tasksync.core.MailboxReport;
import org.tasksync.core.SkipReason;
import org.tasksync.core.TaskError;

/** The counters of one mailbox during a cycle. Thread-safe: every method holds the tally's lock. */
public final class Tally {
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

    public synchronized void created() { created++; }
    public synchronized void updated() { updated++; }
    public synchronized void deleted() { deleted++; }
    public synchronized void adopted() { adopted++; }
    public synchronized void statusWrittenBack() { statusesWrittenBack++; }
    public synchronized void conflict(boolean exchangeWon) {
        if (exchangeWon) conflictsExchangeWon++; else conflictsCrmWon++;
    }
    public synchronized void deletedInOutlook() { deletedInOutlook++; }
    public synchronized void skip(SkipReason r) { skipped.merge(r, 1, Integer::sum); }
    public synchronized void error(TaskError e) { taskErrors.add(e); }
    public synchronized void warn(String w) { warnings.add(w); }
    public synchronized void requests(long n) { requests += n; }

    public synchronized boolean fail(String reason) {
        if (mailboxError != null) {
            return false;
        }
        mailboxError = reason;
        return true;
    }

    public synchronized boolean failed() { return mailboxError != null; }

    /** Leaves the mailbox to a later cycle (its lease is another node's); false if it already was. */
    public synchronized boolean defer(String reason) {
        if (deferredReason != null) {
            return false;
        }
        deferredReason = reason;
        return true;
    }

    public synchronized boolean deferred() { return deferredReason != null; }

    public synchronized MailboxReport toReport(String mailbox) {
        return new MailboxReport(mailbox, created, updated, deleted, adopted, statusesWrittenBack, conflictsCrmWon,
                conflictsExchangeWon, deletedInOutlook, skipped, taskErrors, warnings, mailboxError, requests,
                deferredReason);
    }
}

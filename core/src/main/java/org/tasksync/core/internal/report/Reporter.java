package org.tasksync.core.internal.report;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.MailboxReport;
import org.tasksync.core.PlannedWrite;
import org.tasksync.core.SkipReason;
import org.tasksync.core.SyncListener;
import org.tasksync.core.SyncReport;
import org.tasksync.core.TaskError;

/**
 * The one way a run reports (SPEC §8): a per-task error goes to the report, to the SLF4J log and to
 * the {@link SyncListener}, whichever part of the engine finds it; so do failed mailboxes. Collects
 * what is not a mailbox's (CRM row errors, tasks skipped for their rep, planned writes) and builds
 * the {@link SyncReport}. Thread-safe.
 */
public final class Reporter {

    private static final Logger log = LoggerFactory.getLogger(Reporter.class);

    private final SyncListener listener;
    private final List<TaskError> crmErrors = Collections.synchronizedList(new ArrayList<>());
    private final Map<SkipReason, Integer> unassignedSkips = Collections.synchronizedMap(new EnumMap<>(SkipReason.class));
    private final List<PlannedWrite> planned = Collections.synchronizedList(new ArrayList<>());

    public Reporter(SyncListener listener) {
        this.listener = listener;
    }

    /** A per-task error of a mailbox. */
    public void taskError(String mailbox, Tally tally, TaskError e) {
        tally.error(e);
        log.warn("{} in {}", e, mailbox);
        listen(l -> l.taskError(mailbox, e));
    }

    /** A per-task error of a CRM row (no mailbox): reported once per run however often the row is read. */
    public void crmTaskError(TaskError e) {
        synchronized (crmErrors) {
            if (crmErrors.contains(e)) {
                return; // the same bad row read twice in a cycle (time frame, then changes): one error
            }
            crmErrors.add(e);
        }
        log.warn("CRM row skipped: {}", e);
        listen(l -> l.taskError(null, e));
    }

    /** A mailbox that failed as a whole (SPEC §8), reported once. */
    public void mailboxFailed(String mailbox, Tally tally, String reason) {
        if (tally.fail(reason)) {
            log.warn("mailbox {} failed: {}", mailbox, reason);
            listen(l -> l.mailboxFailed(mailbox, reason));
        }
    }

    /** A CRM task skipped for its rep (disabled, no mailbox), counted outside any mailbox. */
    public void skipUnassigned(SkipReason reason) {
        unassignedSkips.merge(reason, 1, Integer::sum);
    }

    public void planned(PlannedWrite write) {
        planned.add(write);
    }

    /** Tells the listener; a listener that throws is logged and ignored. */
    public void listen(Consumer<SyncListener> call) {
        try {
            call.accept(listener);
        } catch (RuntimeException e) {
            log.warn("sync listener threw; ignored", e);
        }
    }

    public SyncReport report(Instant start, Instant end, boolean dryRun, Map<String, Tally> tallies, String cycleError) {
        List<MailboxReport> reports = new ArrayList<>();
        new TreeMap<>(tallies).forEach((address, t) -> reports.add(t.toReport(address)));
        return new SyncReport(start, Duration.between(start, end), true, dryRun, reports, crmErrors, unassignedSkips,
                cycleError, planned);
    }
}

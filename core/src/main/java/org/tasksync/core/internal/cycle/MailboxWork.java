package org.tasksync.core.internal.cycle;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.SkipReason;
import org.tasksync.core.TaskError;
import org.tasksync.core.internal.lease.MailboxLeases;
import org.tasksync.core.internal.report.Tally;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;

/** A run's state for one mailbox: its tally, what its change read found, its buffer and its connection. */
public final class MailboxWork {

    private static final Logger log = LoggerFactory.getLogger(MailboxWork.class);

    private final CycleContext ctx;
    public final Mailbox mailbox;
    public final Tally tally = new Tally();
    /** Untracked tagged items read this run, by CRM id: adopted instead of creating a duplicate. */
    public final Map<String, ExchangeTask> adoptable = new ConcurrentHashMap<>();
    /** Recurring series passed over for adoption in favour of another item with the same CRM id. */
    public final Map<String, ExchangeTask> passedSeries = new ConcurrentHashMap<>();
    /** CRM ids to look at again in this run's CRM part (an Outlook edit to overwrite, a conflict the CRM won). */
    public final Set<String> refresh = ConcurrentHashMap.newKeySet();
    private final Set<String> delegatedSeen = ConcurrentHashMap.newKeySet();
    /** CRM ids of this mailbox's tasks whose items could not be read: left alone for the run. */
    public final Set<String> unreadable = ConcurrentHashMap.newKeySet();
    public final List<Deletion> deletions = Collections.synchronizedList(new ArrayList<>());
    /** A cursor held back until the tagged items it passed have been adopted (end of the cycle). */
    public volatile String deferredCursor;
    /** An adoption failed: the held-back cursor is not saved, so the item is read and adopted again next cycle. */
    public volatile boolean keepCursor;
    /** CRM ids whose CRM status this run saw changed while writing statuses back (SPEC §6.4 keep). */
    public final Set<String> crmChangedSeen = ConcurrentHashMap.newKeySet();
    /** CRM tasks waiting for a full batch (the CRM part's reading thread only). */
    public Map<String, CrmTask> buffer = new LinkedHashMap<>();
    /** The mailbox's batches, one after another. */
    public CompletableFuture<Void> lane = CompletableFuture.completedFuture(null);
    /** Batches submitted to the lane and not yet done: when it drops to 0 the connection is closed. */
    public final AtomicInteger queued = new AtomicInteger();
    private CountingConnection connection;

    MailboxWork(CycleContext ctx, Mailbox mailbox) {
        this.ctx = ctx;
        this.mailbox = mailbox;
    }

    public String address() {
        return mailbox.address();
    }

    /** Counts a delegated task once per run, however often the run meets it. */
    public void countDelegated(String crmTaskId) {
        if (delegatedSeen.add(crmTaskId)) {
            tally.skip(SkipReason.DELEGATED);
        }
    }

    /** The mailbox failed as a whole (SPEC §8): other mailboxes go on. */
    public void fail(String reason) {
        ctx.reporter().mailboxFailed(address(), tally, reason);
    }

    /**
     * The mailbox failed in the middle of work (SPEC §8): its connection may be broken and is closed,
     * and the tasks of that work go into the pending set, to be tried again next cycle.
     */
    public void failDuring(String reason, java.util.Collection<String> crmTaskIds) {
        closeConnection();
        fail(reason);
        ctx.failedTaskIds.addAll(crmTaskIds);
    }

    /** A per-task error of this mailbox (SPEC §8), the one way. */
    public void taskError(TaskError e) {
        ctx.reporter().taskError(address(), tally, e);
    }

    /** The skip reason of a task this run cannot write to the mailbox (failed or deferred). */
    public SkipReason leftAloneReason() {
        return tally.failed() ? SkipReason.MAILBOX_FAILED : SkipReason.MAILBOX_LEASED;
    }

    /**
     * Takes this run's lease on the mailbox, or renews it, before the run touches it. False when another
     * node holds it, or took it over since the last renewal: the mailbox is then deferred for the rest of
     * the run (writing without having read first could undo an Outlook edit), and what was meant for it
     * goes to the pending set.
     */
    public boolean hold() {
        if (tally.deferred()) {
            return false;
        }
        MailboxLeases.Hold h = ctx.leases().hold(address());
        if (h == MailboxLeases.Hold.HELD) {
            return true;
        }
        String why = h == MailboxLeases.Hold.LOST
                ? "lease lost to another node during the cycle (longer than the lease duration "
                        + ctx.parts().leaseDuration() + "); left to the node that holds it, its tasks tried again next cycle"
                : "leased by another node; left to it, its tasks tried again next cycle";
        if (tally.defer(why)) {
            log.info("mailbox {} deferred: {}", address(), why);
        }
        return false;
    }

    /** True when the run must leave the mailbox alone: it failed, or {@link #hold} could not hold it. */
    public boolean leftAlone() {
        if (tally.failed()) {
            return true;
        }
        try {
            return !hold();
        } catch (RuntimeException e) {
            fail("taking the mailbox lease failed: " + e);
            return true;
        }
    }

    /**
     * The mailbox's connection, opened on first use: for the change read (closed after it), for a run of
     * batches (closed when the lane has no more queued), for the deletions (closed at the end of the run).
     * So at most about twice the parallelism bound are open at once, whatever the number of mailboxes,
     * and none is left idle for long. Used by one thread at a time.
     */
    public MailboxConnection connection() throws MailboxException {
        if (connection == null) {
            connection = new CountingConnection(ctx.parts().exchange().connect(mailbox));
        }
        return connection;
    }

    /** Closes the connection (after a failure, it may be broken; at the end of the run). */
    public void closeConnection() {
        CountingConnection c = connection;
        connection = null;
        if (c != null) {
            tally.requests(c.requestsSent());
            try {
                c.close();
            } catch (RuntimeException e) {
                log.debug("closing the connection to {} failed", address(), e);
            }
        }
    }
}

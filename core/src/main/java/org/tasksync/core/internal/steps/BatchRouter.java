package org.tasksync.core.internal.steps;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.SkipReason;
import org.tasksync.core.TaskError;
import org.tasksync.core.internal.cycle.CycleContext;
import org.tasksync.core.internal.cycle.MailboxWork;
import org.tasksync.core.internal.rules.Participants;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.spi.CrmPage;

/**
 * SPEC §5 and §6.6, routes the CRM tasks a run reads to their rep's mailbox, within the rep's time
 * frame, and batches them: per-mailbox buffers go out in batches of {@code tasksync.batch-size}, one
 * batch at a time per mailbox, mailboxes in parallel; memory stays bounded by
 * {@code tasksync.buffer.max-tasks} (SPEC §10). Used by one reading thread.
 */
public final class BatchRouter {

    private static final Logger log = LoggerFactory.getLogger(BatchRouter.class);

    private final CycleContext ctx;
    private final WriteToExchange writer;
    /** When each task was last routed this run: a task read twice is routed again only when newer. */
    private final Map<String, Instant> seen = new java.util.HashMap<>();
    /** Tasks the CRM reported deleted. */
    private final Set<String> deletedIds = new java.util.LinkedHashSet<>();
    /** CRM tasks in the mailboxes' buffers, not yet submitted. */
    private int buffered;

    public BatchRouter(CycleContext ctx, WriteToExchange writer) {
        this.ctx = ctx;
        this.writer = writer;
    }

    public Set<String> deletedIds() {
        return deletedIds;
    }

    /**
     * Routes a page of CRM tasks. A task read twice in a run (by id, then among the changes) is routed
     * again only when the later read is newer, so no source can hide a later edit.
     */
    public void dispatch(CrmPage page) {
        ctx.checkFatal();
        page.errors().forEach(ctx.reporter()::crmTaskError);
        for (String id : page.deletedTaskIds()) {
            seen.put(id, Instant.MAX);
            deletedIds.add(id);
        }
        for (CrmTask task : page.tasks()) {
            Instant before = seen.get(task.id());
            if (before == null || task.modifiedAt().isAfter(before)) {
                seen.put(task.id(), task.modifiedAt());
                route(task);
            }
        }
    }

    private void route(CrmTask task) {
        Participants.Destination d = ctx.participants().destinationOf(task);
        switch (d) {
            case PARTICIPANT -> { }
            case OTHER_PARTITION -> {
                ctx.foreignTaskIds.add(task.id());
                return;
            }
            case NO_SUCH_REP -> {
                ctx.reporter().crmTaskError(new TaskError(task.id(), "#4 Rep", task.repId(), "no such rep in the CRM"));
                return;
            }
            case REP_DISABLED, REP_WITHOUT_MAILBOX -> {
                ctx.reporter().skipUnassigned(Participants.skipReason(d));
                return;
            }
        }
        Participants.Participant p = ctx.participants().of(task.repId());
        MailboxWork w = ctx.workFor(p.mailbox().address());
        if (!p.inWindow(task.scheduledDay())) {
            w.tally.skip(SkipReason.OUT_OF_TIME_FRAME);
            return;
        }
        if (w.tally.failed() || w.tally.deferred()) {
            w.tally.skip(w.leftAloneReason());
            ctx.failedTaskIds.add(task.id());
            return;
        }
        if (w.unreadable.contains(task.id())) {
            w.tally.skip(SkipReason.UNREADABLE_IN_EXCHANGE);
            ctx.failedTaskIds.add(task.id());
            return;
        }
        int before = w.buffer.size();
        w.buffer.put(task.id(), task); // a newer version read later in the run replaces an unsent one
        buffered += w.buffer.size() - before;
        if (w.buffer.size() >= ctx.settings().batchSize()) {
            submit(w);
        } else if (buffered > ctx.settings().maxBufferedTasks()) {
            relieve();
        }
    }

    /**
     * Memory stays bounded (SPEC §10) when tasks come spread over many mailboxes, as a time frame read by
     * day does: the fullest buffers go out as smaller batches until half the bound is left.
     */
    private void relieve() {
        int held = buffered;
        List<MailboxWork> fullest = new ArrayList<>();
        for (MailboxWork m : ctx.mailboxes().values()) {
            if (!m.buffer.isEmpty()) {
                fullest.add(m);
            }
        }
        fullest.sort(Comparator.comparingInt((MailboxWork m) -> m.buffer.size()).reversed());
        int sent = 0;
        for (MailboxWork m : fullest) {
            if (buffered <= ctx.settings().maxBufferedTasks() / 2) {
                break;
            }
            submit(m);
            sent++;
        }
        log.debug("{} CRM tasks waited for fuller batches (tasksync.buffer.max-tasks {}): sent {} mailboxes' batches early",
                held, ctx.settings().maxBufferedTasks(), sent);
    }

    /** Sends every buffer and waits until every mailbox's batches are written. */
    public void flushAndAwait() {
        for (MailboxWork w : ctx.mailboxes().values()) {
            if (!w.buffer.isEmpty()) {
                submit(w);
            }
        }
        for (MailboxWork w : ctx.mailboxes().values()) {
            w.lane.join();
        }
        ctx.checkFatal();
    }

    private void submit(MailboxWork w) {
        List<CrmTask> batch = new ArrayList<>(w.buffer.values());
        buffered -= batch.size();
        w.buffer = new LinkedHashMap<>();
        ctx.inFlight().acquireUninterruptibly();
        w.queued.incrementAndGet();
        w.lane = w.lane.thenRunAsync(() -> {
            try {
                if (!ctx.isFatal()) {
                    writer.write(w, batch);
                }
            } catch (Error e) {
                ctx.fatal(e);
            } finally {
                if (w.queued.decrementAndGet() == 0) {
                    w.closeConnection(); // the next batch, if any comes, opens one again
                }
                ctx.inFlight().release();
            }
        }, ctx.pool());
    }
}

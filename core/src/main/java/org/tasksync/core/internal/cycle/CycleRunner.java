package org.tasksync.core.internal.cycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.MailboxPartition;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.internal.EngineParts;
import org.tasksync.core.internal.rules.Participants;
import org.tasksync.core.internal.state.EngineState.RepWindow;
import org.tasksync.core.internal.steps.BatchRouter;
import org.tasksync.core.internal.steps.DeleteInExchange;
import org.tasksync.core.internal.steps.EndOfCycle;
import org.tasksync.core.internal.steps.Orphans;
import org.tasksync.core.internal.steps.ReadCrmTasks;
import org.tasksync.core.internal.steps.ReadExchangeChanges;
import org.tasksync.core.internal.steps.ReleaseSeries;
import org.tasksync.core.internal.steps.WriteStatusBack;
import org.tasksync.core.internal.steps.WriteToExchange;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.SyncStateStore;
import org.tasksync.core.state.StateStoreException;

/**
 * One run of the engine in the order of SPEC §6: who takes part (§5); Exchange → CRM per mailbox in
 * parallel (§6.1, §6.2, §6.5); CRM → Exchange from the pending tasks, the CRM's changes and the days
 * that entered the time frames, batched per mailbox (§6.3); orphans and deletions last, behind the
 * mass-delete guard (§7); cursors saved only after what they cover has been applied.
 *
 * <p>Used once, by one thread; mailbox work runs on a pool of its own, each unit in its mailbox's
 * {@link MailboxLanes lane}. A {@link RuntimeException} from an adapter fails a task, a mailbox or the
 * CRM part, never the run; an {@link Error} ends it at once (leases then expire by themselves).
 */
public final class CycleRunner {

    private static final Logger log = LoggerFactory.getLogger(CycleRunner.class);

    private final CycleContext ctx;
    private final WriteStatusBack statusBack;
    private final ReleaseSeries series;
    private final ReadExchangeChanges exchangeReader;
    private final DeleteInExchange deleter;
    private final WriteToExchange writer;
    private final BatchRouter router;
    private final ReadCrmTasks crmReader;

    public CycleRunner(EngineParts parts, boolean dryRun, MailboxPartition partition, MailboxLanes lanes) {
        this.ctx = new CycleContext(parts, dryRun, partition, lanes);
        this.statusBack = new WriteStatusBack(ctx);
        this.series = new ReleaseSeries(ctx);
        this.exchangeReader = new ReadExchangeChanges(ctx, statusBack, series);
        this.deleter = new DeleteInExchange(ctx);
        this.writer = new WriteToExchange(ctx, deleter, false);
        this.router = new BatchRouter(ctx, writer);
        this.crmReader = new ReadCrmTasks(ctx, router);
    }

    CycleContext context() {
        return ctx;
    }

    /** A full cycle. */
    public SyncReport run() {
        if (!ctx.settings().enabled()) {
            log.info("task synchronization is switched off (tasksync.tasks.enabled=false); nothing done");
            return new SyncReport(ctx.start(), Duration.ZERO, false, ctx.effects().dryRun(), List.of(), List.of(),
                    Map.of(), null, List.of());
        }
        if (!selectParticipants()) {
            return finish(false);
        }
        ctx.reporter().listen(l -> l.cycleStarted(ctx.mailboxes().size()));
        startPool();
        try {
            exchangeToCrm();
            crmToExchange();
        } catch (RuntimeException e) {
            // the state store (or a bug) failed outside a mailbox's work, e.g. reading the pending ids or
            // saving the cursors: what was not recorded as done is done again next cycle
            ctx.cycleError((e instanceof StateStoreException ? "the state store failed: " : "the cycle failed: ") + e
                    + "; what this cycle did not record is done again next cycle");
            log.error("cycle cut short: {}", ctx.cycleError(), e);
        } finally {
            stopPool();
        }
        return finish(true);
    }

    /** §5: the reps, and from them the participants and their time frames; false when the CRM failed. */
    boolean selectParticipants() {
        return selectParticipants(mailbox -> true);
    }

    /** As {@link #selectParticipants()}; only the mailboxes {@code work} accepts get work up front. */
    boolean selectParticipants(java.util.function.Predicate<String> work) {
        List<Rep> reps;
        try {
            reps = ctx.parts().crm().reps();
        } catch (RuntimeException e) {
            ctx.cycleError("reading reps from the CRM failed: " + e);
            log.error("cycle aborted: {}", ctx.cycleError(), e);
            return false;
        }
        SyncSettings s = ctx.settings();
        ctx.participants(Participants.select(reps, ctx.partition(), s.defaultZone(), s.pastDays(), s.futureDays(),
                ctx.parts().clock().instant()), work);
        return true;
    }

    /** §6.1, §6.2, §6.5: every mailbox's changes, in parallel. */
    private void exchangeToCrm() {
        List<Future<?>> futures = new ArrayList<>();
        int total = ctx.mailboxes().size();
        AtomicInteger index = new AtomicInteger();
        for (MailboxWork w : new TreeMap<>(ctx.mailboxes()).values()) {
            futures.add(ctx.pool().submit(() -> {
                ctx.reporter().listen(l -> l.mailboxStarted(w.address(), index.incrementAndGet(), total));
                ctx.lanes().inLane(w.address(), () -> exchangeReader.read(w, true));
            }));
        }
        ctx.awaitAll(futures);
    }

    /** §6.3 and §7: the CRM's tasks to Exchange, then orphans and deletions, then the end of the cycle. */
    private void crmToExchange() {
        SyncStateStore store = ctx.store();
        Set<String> pendingBefore = store.pendingTaskIds();
        deleter.scheduleMovedCopies();
        Map<String, RepWindow> windows = ctx.state().repWindows();
        String crmCursor = ctx.state().crmCursor().orElse(null);
        String newCursor = null;
        boolean crmOk = true;
        try {
            Set<String> again = new LinkedHashSet<>(pendingBefore);
            ctx.mailboxes().values().forEach(w -> again.addAll(w.refresh));
            crmReader.byId(again);
            newCursor = crmReader.changesAndWindows(crmCursor, windows);
        } catch (RuntimeException e) {
            crmOk = false;
            ctx.cycleError("reading CRM tasks failed: " + e);
            log.error("CRM part of the cycle failed; cursors stay where they were", e);
        }
        router.flushAndAwait();
        if (crmOk) {
            try {
                new Orphans(ctx, writer, series).collect();
                deleter.apply(router.deletedIds());
            } catch (RuntimeException e) {
                crmOk = false;
                ctx.cycleError("applying CRM deletions failed: " + e);
                log.error("applying CRM deletions failed", e);
            }
        }
        ctx.checkFatal();
        new EndOfCycle(ctx).finish(pendingBefore, crmOk, windows, newCursor);
    }

    void startPool() {
        int threads = Math.max(1, Math.min(ctx.settings().mailboxParallelism(), ctx.mailboxes().size()));
        ctx.pool(Executors.newFixedThreadPool(threads, daemonThreads()), new Semaphore(threads * 2));
    }

    void stopPool() {
        ctx.pool().shutdownNow();
        ctx.mailboxes().values().forEach(MailboxWork::closeConnection);
    }

    /** Releases the leases (not reached when the run dies: they expire) and reports. */
    SyncReport finish(boolean started) {
        if (started) {
            ctx.leases().releaseAll();
        }
        SyncReport report = ctx.reporter().report(ctx.start(), ctx.parts().clock().instant(), ctx.effects().dryRun(),
                tallies(), ctx.cycleError());
        if (started) {
            log.info("cycle done: {} created, {} updated, {} deleted, {} statuses written back, {} task errors, {} mailbox"
                    + " errors{}", report.created(), report.updated(), report.deleted(), report.statusesWrittenBack(),
                    report.allTaskErrors().size(), report.failedMailboxes().size(),
                    ctx.cycleError() == null ? "" : ", cycle error: " + ctx.cycleError());
        }
        // a listener counts failed cycles too (metrics, health), not only the ones that got going
        ctx.reporter().listen(l -> l.cycleFinished(report));
        return report;
    }

    private Map<String, org.tasksync.core.internal.report.Tally> tallies() {
        Map<String, org.tasksync.core.internal.report.Tally> out = new TreeMap<>();
        ctx.mailboxes().forEach((address, w) -> out.put(address, w.tally));
        return out;
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "tasksync-mailbox-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}

package org.tasksync.core.internal.cycle;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.MailboxPartition;
import org.tasksync.core.SyncReport;
import org.tasksync.core.internal.EngineParts;
import org.tasksync.core.internal.report.Tally;
import org.tasksync.core.internal.steps.BatchRouter;
import org.tasksync.core.internal.steps.DeleteInExchange;
import org.tasksync.core.internal.steps.ReadCrmTasks;
import org.tasksync.core.internal.steps.ReadExchangeChanges;
import org.tasksync.core.internal.steps.ReleaseSeries;
import org.tasksync.core.internal.steps.WriteStatusBack;
import org.tasksync.core.internal.steps.WriteToExchange;
import org.tasksync.core.model.Mailbox;

/**
 * A run narrower than a cycle, for live sync: one mailbox's Exchange → CRM work, or CRM → Exchange for
 * a few CRM tasks. The same steps as a cycle, without its end: the CRM change cursor, the reps' time
 * frames and the pending set's done tasks stay as they are, so the next full cycle reads those changes
 * again and finds nothing to do. Each unit of work runs in its mailbox's {@link MailboxLanes lane};
 * failed tasks go into the pending set. Tells the listener of task and mailbox errors, not of cycles.
 */
public final class TargetedRun {

    private static final Logger log = LoggerFactory.getLogger(TargetedRun.class);

    private final CycleContext ctx;
    private final ReadExchangeChanges exchangeReader;
    private final DeleteInExchange deleter;
    private final BatchRouter router;
    private final ReadCrmTasks crmReader;
    private final CycleRunner runner;

    public TargetedRun(EngineParts parts, MailboxLanes lanes) {
        this.runner = new CycleRunner(parts, parts.settings().dryRun(), MailboxPartition.ALL, lanes);
        this.ctx = runner.context();
        this.exchangeReader = new ReadExchangeChanges(ctx, new WriteStatusBack(ctx), new ReleaseSeries(ctx));
        this.deleter = new DeleteInExchange(ctx);
        this.router = new BatchRouter(ctx, new WriteToExchange(ctx, deleter, true));
        this.crmReader = new ReadCrmTasks(ctx, router);
    }

    /**
     * The Exchange → CRM work of one participant's mailbox through its durable cursor; Outlook edits to
     * overwrite and statuses the CRM won are written back at once. No participant: nothing done.
     */
    public SyncReport mailbox(String address) {
        String key = Mailbox.normalize(address);
        if (!start(key::equals)) {
            return report();
        }
        MailboxWork w = ctx.mailboxes().get(key);
        if (w == null) {
            log.debug("{} is no participant's mailbox; nothing done", key);
            return report();
        }
        return run(() -> {
            ctx.lanes().inLane(key, () -> exchangeReader.read(w, false));
            if (!w.refresh.isEmpty() && !w.tally.failed() && !w.tally.deferred()) {
                crmToExchange(Set.copyOf(w.refresh));
            }
        });
    }

    /** CRM → Exchange for exactly these CRM tasks, routed as a cycle routes them, deletions included. */
    public SyncReport crmTasks(Collection<String> crmTaskIds) {
        if (!start(mailbox -> false)) {
            return report();
        }
        return run(() -> crmToExchange(crmTaskIds));
    }

    private void crmToExchange(Collection<String> crmTaskIds) {
        crmReader.byId(crmTaskIds);
        router.flushAndAwait();
        deleter.apply(router.deletedIds());
    }

    private boolean start(Predicate<String> work) {
        if (!ctx.settings().enabled()) {
            return false;
        }
        return runner.selectParticipants(work);
    }

    private SyncReport run(Runnable work) {
        runner.startPool();
        try {
            work.run();
            ctx.effects().addPending(ctx.failedTaskIds); // tried again by the next run or cycle
        } catch (RuntimeException e) {
            ctx.cycleError("the run failed: " + e + "; what it did not record is done again by the next cycle");
            log.error("run cut short: {}", ctx.cycleError(), e);
        } finally {
            runner.stopPool();
        }
        ctx.leases().releaseAll();
        return report();
    }

    private SyncReport report() {
        if (!ctx.settings().enabled()) {
            return new SyncReport(ctx.start(), Duration.ZERO, false, ctx.effects().dryRun(), List.of(), List.of(),
                    Map.of(), null, List.of());
        }
        Map<String, Tally> tallies = new TreeMap<>();
        ctx.mailboxes().forEach((address, w) -> tallies.put(address, w.tally));
        return ctx.reporter().report(ctx.start(), ctx.parts().clock().instant(), ctx.effects().dryRun(), tallies,
                ctx.cycleError());
    }
}

package org.tasksync.core.internal.steps;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.PlannedWrite;
import org.tasksync.core.SkipReason;
import org.tasksync.core.internal.cycle.CycleContext;
import org.tasksync.core.internal.cycle.Deletion;
import org.tasksync.core.internal.cycle.MailboxWork;
import org.tasksync.core.internal.rules.DeletionPlan;
import org.tasksync.core.internal.rules.MassDeleteGuard;
import org.tasksync.core.internal.rules.Reassignment;
import org.tasksync.core.internal.state.EngineState.MovedCopy;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.WriteOutcome;

/**
 * SPEC §6.3 deletions and §7 the mass-delete guard, last in a run, per mailbox: tasks deleted in the
 * CRM ({@link DeletionPlan}), old copies of moved tasks ({@link Reassignment}), orphans of deleted
 * tasks; an unconfirmed create is looked up by CRM id first, never touching a delegated item.
 */
public final class DeleteInExchange {

    private static final Logger log = LoggerFactory.getLogger(DeleteInExchange.class);

    private final CycleContext ctx;

    public DeleteInExchange(CycleContext ctx) {
        this.ctx = ctx;
    }

    /** Old copies of moved tasks whose deletion failed before: tried again (a mailbox no longer synced is left alone). */
    public void scheduleMovedCopies() {
        Map<String, String> forgotten = new HashMap<>();
        ctx.state().movedCopies().forEach((key, copy) -> {
            if (!ctx.partition().contains(copy.mailbox())) {
                return;
            }
            if (!ctx.participants().isActive(copy.mailbox())) {
                forgotten.put(key, null);
                return;
            }
            ctx.workFor(copy.mailbox()).deletions.add(new Deletion(copy.crmTaskId(), new ItemRef(copy.itemId(), null),
                    false, key));
        });
        ctx.effects().saveCursors(forgotten);
    }

    /** A task linked in another mailbox was routed to a new one: its old copy goes under reassignment=move. */
    void reassigned(Link old) {
        if (Reassignment.deletesOldCopy(old, ctx.participants().isActive(old.mailbox()), ctx.settings().reassignment())) {
            // stored before the new link replaces this one, so that a deletion that fails (or a crash) is
            // tried again in later cycles, when no link remembers the old copy any more
            MovedCopy copy = new MovedCopy(old.mailbox(), old.itemId(), old.crmTaskId());
            ctx.effects().saveCursors(Map.of(copy.key(), copy.encode()));
            ctx.workFor(old.mailbox()).deletions.add(new Deletion(old.crmTaskId(),
                    new ItemRef(old.itemId(), old.changeKey()), false, copy.key()));
        }
        // keep-original: the old copy stays in the old mailbox; the new link replaces the old one
    }

    /** Plans the deletions of tasks deleted in the CRM, then runs every mailbox's deletions in parallel. */
    public void apply(Collection<String> deletedIds) {
        plan(deletedIds);
        List<Future<?>> futures = new ArrayList<>();
        for (MailboxWork w : ctx.mailboxes().values()) {
            if (!w.deletions.isEmpty()) {
                futures.add(ctx.pool().submit(() -> ctx.lanes().inLane(w.address(), () -> deleteIn(w))));
            }
        }
        ctx.awaitAll(futures);
    }

    /** Plans the deletions of tasks deleted in the CRM (without running them). */
    public void plan(Collection<String> deletedIds) {
        List<String> dropNow = new ArrayList<>();
        for (List<String> chunk : CycleContext.chunks(new ArrayList<>(deletedIds), ctx.settings().crmPageSize())) {
            for (Link link : ctx.store().findLinks(chunk).values()) {
                DeletionPlan.Action action = DeletionPlan.of(link, ctx.partition().contains(link.mailbox()),
                        ctx.participants().isActive(link.mailbox()));
                switch (action) {
                    case OTHER_PARTITION -> ctx.foreignTaskIds.add(link.crmTaskId());
                    case DROP_REP_GONE -> {
                        dropNow.add(link.crmTaskId());
                        ctx.reporter().skipUnassigned(SkipReason.REP_DISABLED);
                    }
                    case DROP_DELEGATED -> {
                        dropNow.add(link.crmTaskId());
                        ctx.workFor(link.mailbox()).countDelegated(link.crmTaskId());
                    }
                    case DROP_COMPLETED_KEPT -> {
                        dropNow.add(link.crmTaskId());
                        ctx.workFor(link.mailbox()).tally.skip(SkipReason.COMPLETED_KEPT);
                    }
                    case DELETE_ITEM -> ctx.workFor(link.mailbox()).deletions.add(new Deletion(link.crmTaskId(),
                            new ItemRef(link.itemId(), link.changeKey()), true));
                    case LOOKUP_AND_DELETE -> ctx.workFor(link.mailbox()).deletions.add(
                            new Deletion(link.crmTaskId(), null, true));
                    case DROP -> dropNow.add(link.crmTaskId());
                }
            }
        }
        ctx.effects().deleteLinks(dropNow);
    }

    /** Runs one mailbox's deletions, behind the mass-delete guard. */
    public void deleteIn(MailboxWork w) {
        List<Deletion> deletions = new ArrayList<>(w.deletions);
        w.deletions.clear();
        if (w.leftAlone()) {
            deletions.forEach(d -> ctx.failedTaskIds.add(d.crmTaskId()));
            return;
        }
        for (Deletion d : List.copyOf(deletions)) {
            if (w.unreadable.contains(d.crmTaskId())) {
                // completed there or not, nobody can tell: kept until it reads well
                deletions.remove(d);
                w.tally.skip(SkipReason.UNREADABLE_IN_EXCHANGE);
                ctx.failedTaskIds.add(d.crmTaskId());
            }
        }
        Map<String, String> movedDone = new HashMap<>();
        List<Deletion> moved = deletions.stream().filter(d -> d.movedKey() != null).toList();
        if (!moved.isEmpty()) {
            // a task moved back before its old copy went has that copy linked again: it stays
            Map<String, Link> now = ctx.store().findLinks(moved.stream().map(Deletion::crmTaskId).toList());
            for (Deletion d : moved) {
                Link l = now.get(d.crmTaskId());
                if (l != null && l.mailbox().equals(w.address()) && d.item().itemId().equals(l.itemId())) {
                    deletions.remove(d);
                    movedDone.put(d.movedKey(), null);
                }
            }
        }
        Optional<String> held = MassDeleteGuard.refuses(deletions.size(), ctx.store().countLinks(w.address()),
                ctx.settings().massDeleteMinCount(), ctx.settings().massDeleteMaxShare());
        if (held.isPresent()) {
            w.tally.warn(held.get());
            log.warn("{}: {}", w.address(), held.get());
            deletions.forEach(d -> ctx.failedTaskIds.add(d.crmTaskId()));
            return;
        }
        try {
            delete(w, w.connection(), deletions, movedDone);
        } catch (MailboxException e) {
            w.failDuring(e.getMessage(), deletions.stream().map(Deletion::crmTaskId).toList());
        } catch (RuntimeException e) {
            w.failDuring("deleting tasks failed: " + e, deletions.stream().map(Deletion::crmTaskId).toList());
        }
    }

    private void delete(MailboxWork w, MailboxConnection conn, List<Deletion> deletions, Map<String, String> movedDone)
            throws MailboxException {
        List<Deletion> resolved = new ArrayList<>();
        List<String> dropLinks = new ArrayList<>();
        List<Deletion> unknown = deletions.stream().filter(d -> d.item() == null).toList();
        for (List<Deletion> chunk : CycleContext.chunks(unknown, conn.maxBatchSize())) {
            TaggedLookup found = TaggedLookup.find(conn, chunk.stream().map(Deletion::crmTaskId).toList());
            for (Deletion d : chunk) {
                ExchangeTask t = found.usable().get(d.crmTaskId());
                if (t == null && found.delegatedOnly().contains(d.crmTaskId())) {
                    w.countDelegated(d.crmTaskId()); // SPEC §6.2: never written, deleting included
                    dropLinks.add(d.crmTaskId());
                } else if (t == null) {
                    dropLinks.add(d.crmTaskId());
                } else {
                    resolved.add(new Deletion(d.crmTaskId(), new ItemRef(t.itemId(), t.changeKey()), d.dropLink(),
                            d.movedKey()));
                }
            }
        }
        deletions.stream().filter(d -> d.item() != null).forEach(resolved::add);
        for (List<Deletion> chunk : CycleContext.chunks(resolved,
                Math.min(ctx.settings().batchSize(), conn.maxBatchSize()))) {
            ctx.checkFatal();
            chunk.forEach(d -> ctx.reporter().planned(new PlannedWrite(PlannedWrite.Kind.DELETE, w.address(),
                    d.crmTaskId(), Set.of(), null)));
            List<WriteOutcome> outcomes = ctx.effects().delete(conn, chunk.stream().map(Deletion::item).toList());
            for (int i = 0; i < chunk.size(); i++) {
                Deletion d = chunk.get(i);
                if (outcomes.get(i).succeeded()) {
                    w.tally.deleted();
                    if (d.dropLink()) {
                        dropLinks.add(d.crmTaskId());
                    }
                    if (d.movedKey() != null) {
                        movedDone.put(d.movedKey(), null);
                    }
                } else {
                    w.tally.warn("deleting the task of CRM task " + d.crmTaskId() + " failed (tried again next cycle): "
                            + outcomes.get(i).error());
                    ctx.failedTaskIds.add(d.crmTaskId());
                }
            }
        }
        ctx.effects().deleteLinks(dropLinks);
        ctx.effects().saveCursors(movedDone);
    }
}

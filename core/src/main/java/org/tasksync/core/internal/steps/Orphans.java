package org.tasksync.core.internal.steps;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tasksync.core.internal.cycle.CycleContext;
import org.tasksync.core.internal.cycle.Deletion;
import org.tasksync.core.internal.cycle.MailboxWork;
import org.tasksync.core.internal.rules.Adoption;
import org.tasksync.core.internal.rules.DeletionPlan;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.spi.CrmPage;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.MailboxException;

/**
 * SPEC §7, tagged items read from Exchange that no CRM task of the run claimed (after a lost state
 * store, a crash before a link was saved, an item that could not be read before): decided by
 * {@link Adoption#orphan} and {@link DeletionPlan#deletesOrphan}: adopted without writing the CRM's
 * values, deleted as an old copy under {@code reassignment=move} or as a task deleted in the CRM, or
 * left alone.
 */
public final class Orphans {

    private final CycleContext ctx;
    private final WriteToExchange writer;
    private final ReleaseSeries series;

    public Orphans(CycleContext ctx, WriteToExchange writer, ReleaseSeries series) {
        this.ctx = ctx;
        this.writer = writer;
        this.series = series;
    }

    public void collect() {
        for (MailboxWork w : ctx.mailboxes().values()) {
            if (w.tally.failed() || w.tally.deferred()) {
                continue;
            }
            ctx.lanes().inLane(w.address(), () -> collect(w));
        }
    }

    private void collect(MailboxWork w) {
        if (!w.passedSeries.isEmpty() && !w.leftAlone()) { // leftAlone renews the lease before a write
            series.releasePassed(w);
        }
        List<String> leftovers = new ArrayList<>(w.adoptable.keySet());
        for (List<String> chunk : CycleContext.chunks(leftovers, ctx.settings().crmPageSize())) {
            CrmPage page = ctx.parts().crm().tasksById(chunk);
            Set<String> alive = new HashSet<>();
            page.errors().forEach(e -> alive.add(e.taskId()));
            Map<String, Link> links = ctx.store().findLinks(chunk);
            List<Link> adopted = new ArrayList<>();
            List<WriteToExchange.Work> updates = new ArrayList<>();
            for (CrmTask t : page.tasks()) {
                alive.add(t.id());
                ExchangeTask item = w.adoptable.get(t.id());
                if (item == null) {
                    continue;
                }
                Link link = links.get(t.id());
                boolean linkHere = link != null && link.mailbox().equals(w.address());
                switch (Adoption.orphan(ctx.participants().ownerMailbox(t.repId()), w.address(), linkHere,
                        link != null, ctx.settings().reassignment())) {
                    // linked without writing the CRM's values (it may be outside the time frame): adopt is
                    // given the item's own, so it asks only for what its status rule needs
                    case ADOPT -> writer.adopt(w, t, item.values(), item, adopted, updates);
                    case DELETE -> w.deletions.add(new Deletion(t.id(), new ItemRef(item.itemId(), item.changeKey()),
                            false));
                    case LEAVE -> { }
                }
            }
            ctx.effects().saveLinks(adopted);
            writeUpdates(w, updates);
            for (String id : chunk) {
                ExchangeTask item = w.adoptable.get(id);
                Link link = links.get(id);
                if (item != null && DeletionPlan.deletesOrphan(alive.contains(id), item.values().status(),
                        link != null && link.mailbox().equals(w.address()))) {
                    w.deletions.add(new Deletion(id, new ItemRef(item.itemId(), item.changeKey()), false));
                }
            }
        }
    }

    /** The updates an adoption of an orphan asks for, written like a batch's (none are dropped). */
    private void writeUpdates(MailboxWork w, List<WriteToExchange.Work> updates) {
        if (updates.isEmpty() || w.leftAlone()) { // leftAlone renews the lease before a write
            updates.forEach(x -> ctx.failedTaskIds.add(x.task().id()));
            return;
        }
        try {
            writer.update(w, w.connection(), updates);
        } catch (MailboxException e) {
            w.failDuring(e.getMessage(), updates.stream().map(x -> x.task().id()).toList());
        } catch (RuntimeException e) {
            w.failDuring("writing tasks failed: " + e, updates.stream().map(x -> x.task().id()).toList());
        }
    }
}

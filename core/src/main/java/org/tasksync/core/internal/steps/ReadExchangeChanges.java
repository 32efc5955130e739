package org.tasksync.core.internal.steps;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.TaskError;
import org.tasksync.core.internal.cycle.CycleContext;
import org.tasksync.core.internal.cycle.MailboxWork;
import org.tasksync.core.internal.rules.DeletedInOutlook;
import org.tasksync.core.internal.rules.ExchangeChange;
import org.tasksync.core.internal.state.EngineState;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.spi.ChangePage;
import org.tasksync.core.spi.CursorRejectedException;
import org.tasksync.core.spi.KnownVersions;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.UnreadableItem;

/**
 * SPEC §6.1, §6.2 and §6.5, Exchange → CRM for one mailbox: reads its changes since its cursor, page by
 * page, and applies each (echoes passed over, delegated tasks marked, edits remembered, deletions in
 * Outlook marked, statuses handed to {@link WriteStatusBack}); the cursor is saved after each page
 * whose changes were all applied, or held back to the end of the cycle while untracked tagged items
 * wait for adoption.
 */
public final class ReadExchangeChanges {

    private static final Logger log = LoggerFactory.getLogger(ReadExchangeChanges.class);

    private final CycleContext ctx;
    private final WriteStatusBack statusBack;
    private final ReleaseSeries series;

    public ReadExchangeChanges(CycleContext ctx, WriteStatusBack statusBack, ReleaseSeries series) {
        this.ctx = ctx;
        this.statusBack = statusBack;
        this.series = series;
    }

    /**
     * Reads the mailbox's changes through its durable cursor.
     *
     * @param holdBack when untracked tagged items were read, keep the cursor before them for the end of a
     *                 full cycle ({@link MailboxWork#deferredCursor}); a run without that end leaves the
     *                 cursor where it was, so the next full cycle reads and adopts them
     */
    public void read(MailboxWork w, boolean holdBack) {
        if (w.leftAlone()) {
            return; // another node holds it: its changes stay behind its cursor for the holder
        }
        String key = EngineState.mailboxCursorKey(w.address());
        try {
            MailboxConnection conn = w.connection();
            String cursor = ctx.state().mailboxCursor(w.address()).orElse(null);
            KnownVersions known = EngineState.knownVersions(ctx.store(), w.address());
            boolean applied = true;
            boolean first = true;
            while (true) {
                if (!first && !w.hold()) {
                    break; // lease lost: the rest is read by the node that took it over
                }
                first = false;
                ChangePage page;
                try {
                    page = conn.changes(cursor, known);
                } catch (CursorRejectedException e) {
                    w.tally.warn("change cursor rejected by the server; read the mailbox again and adopted tagged tasks");
                    log.warn("{}; reading the mailbox again", e.getMessage());
                    cursor = null;
                    page = conn.changes(null, known);
                }
                applied &= apply(w, page);
                ctx.checkFatal();
                if (applied && page.next() != null) {
                    if (w.adoptable.isEmpty()) {
                        ctx.effects().saveCursors(Map.of(key, page.next()));
                    } else if (holdBack) {
                        w.deferredCursor = page.next();
                    } else {
                        applied = false; // left before the untracked items for the next full cycle
                    }
                }
                cursor = page.next();
                if (!page.hasMore()) {
                    break;
                }
            }
        } catch (MailboxException e) {
            w.fail(e.getMessage());
        } catch (RuntimeException e) {
            w.fail("reading changes failed: " + e);
        } finally {
            w.closeConnection(); // the CRM part opens one again if the mailbox has writes
        }
    }

    /** Applies one page of Exchange changes; false when something must be read again next cycle. */
    private boolean apply(MailboxWork w, ChangePage page) throws MailboxException {
        List<String> ids = new ArrayList<>(page.changed().size() + page.deletedItemIds().size()
                + page.unreadable().size());
        page.changed().forEach(t -> ids.add(t.itemId()));
        ids.addAll(page.deletedItemIds());
        page.unreadable().forEach(u -> ids.add(u.itemId()));
        if (ids.isEmpty()) {
            return true;
        }
        Map<String, Link> links = new HashMap<>(ctx.store().findLinksByItems(w.address(), ids));
        boolean complete = passOverUnreadable(w, page, links);
        RecurringSeries.Plan plan = series.follow(w, page, links);
        complete &= series.release(w, plan);
        List<Link> toSave = new ArrayList<>();
        List<WriteStatusBack.StatusChange> statusChanges = new ArrayList<>();
        List<String> refresh = new ArrayList<>();
        Map<String, Link> intended = intendedCreates(w, page, links);
        for (ExchangeTask item : page.changed()) {
            if (plan.releases(item.itemId())) {
                continue; // a recurring task's open series: the rep's own from now on
            }
            Link link = links.get(item.itemId());
            if (link == null && item.crmId() != null && intended.containsKey(item.crmId())) {
                // created just before a crash: link it now, so that an edit the rep made since counts
                link = intended.remove(item.crmId()).linked(item.itemId(), null);
                w.tally.adopted();
                ctx.effects().saveLinks(List.of(link));
            }
            ExchangeChange change = ExchangeChange.of(item, link, ctx.managed());
            switch (change.kind()) {
                case UNTRACKED -> {
                    if (ExchangeChange.adoptable(item)) {
                        w.adoptable.merge(item.crmId(), item, (before, now) -> {
                            ExchangeTask keep = RecurringSeries.preferred(now, before); // else the later read
                            ExchangeTask passed = keep == now ? before : now;
                            if (passed.recurring()) {
                                w.passedSeries.put(passed.itemId(), passed);
                            }
                            return keep;
                        });
                    }
                }
                case NOT_LINKED, ECHO -> { }
                case DELEGATED -> {
                    w.countDelegated(link.crmTaskId());
                    if (!link.delegated()) {
                        toSave.add(link.delegatedAt(item.changeKey()));
                    }
                }
                case CHANGE -> {
                    Link updated = link.afterRead(item, ctx.managed());
                    if (!change.edited().isEmpty()
                            && ctx.settings().outlookEdits() == SyncSettings.OutlookEdits.OVERWRITE) {
                        refresh.add(link.crmTaskId());
                    }
                    if (change.statusChanged()) {
                        // even when it maps to the CRM status last seen (InProgress → WaitingOnOthers: both
                        // "In Progress"), the CRM may have changed since: the conflict rule decides
                        statusChanges.add(new WriteStatusBack.StatusChange(
                                updated.exchangeStatusSynced(item.values().status()), item,
                                ctx.statusMapping().toCrm(item.values().status())));
                    } else {
                        toSave.add(updated);
                    }
                }
            }
        }
        for (String deletedId : page.deletedItemIds()) {
            Link link = links.get(deletedId);
            if (link != null && link.state() == Link.State.LINKED) {
                toSave.add(DeletedInOutlook.mark(link, ctx.start()));
                w.tally.deletedInOutlook();
            }
        }
        statusBack.refresh(w, refresh);
        ctx.effects().saveLinks(toSave);
        return statusBack.write(w, statusChanges) && complete;
    }

    /**
     * Items the adapter could not read. One of the engine's own (linked, or tagged with a CRM id) is a
     * per-task error: its task is left alone this run (no write could then undo a status the rep set
     * and nobody can read yet), and the page counts as not applied, so the mailbox's cursor stays
     * before it; every other item of the page is applied. An untagged item that is not linked is the
     * rep's own task: a warning, and the cursor goes on.
     */
    private boolean passOverUnreadable(MailboxWork w, ChangePage page, Map<String, Link> links) {
        boolean complete = true;
        for (UnreadableItem u : page.unreadable()) {
            Link link = links.get(u.itemId());
            String crmTaskId = link != null ? link.crmTaskId() : u.crmId();
            if (crmTaskId == null) {
                w.tally.warn("an item in the tasks folder cannot be read and carries no CRM id, so it is not the "
                        + "connector's; passed over: item " + u.itemId()
                        + (u.field() == null ? "" : ", field " + u.field() + " = "
                                + (u.value() == null ? "(empty)" : "'" + u.value() + "'")) + ": " + u.reason());
                continue;
            }
            complete = false;
            w.unreadable.add(crmTaskId);
            w.taskError(new TaskError(crmTaskId, u.field() == null ? null : "Exchange " + u.field(), u.value(),
                    "its Exchange item " + u.itemId() + " cannot be read (" + u.reason() + "); the task is left alone"
                            + " and its item read again next cycle"));
        }
        return complete;
    }

    /** Links of tasks the engine meant to create in this mailbox whose items appear here untracked. */
    private Map<String, Link> intendedCreates(MailboxWork w, ChangePage page, Map<String, Link> byItem) {
        List<String> crmIds = new ArrayList<>();
        for (ExchangeTask item : page.changed()) {
            if (item.crmId() != null && !byItem.containsKey(item.itemId())) {
                crmIds.add(item.crmId());
            }
        }
        Map<String, Link> out = new HashMap<>();
        if (crmIds.isEmpty()) {
            return out;
        }
        ctx.store().findLinks(crmIds).forEach((id, l) -> {
            if (l.state() == Link.State.CREATE_INTENDED && l.mailbox().equals(w.address())) {
                out.put(id, l);
            }
        });
        return out;
    }
}

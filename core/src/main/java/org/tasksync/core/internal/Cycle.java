package org.tasksync.core.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.MailboxPartition;
import org.tasksync.core.MailboxReport;
import org.tasksync.core.PlannedWrite;
import org.tasksync.core.SkipReason;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.TaskError;
import org.tasksync.core.internal.rules.DeletedInOutlook;
import org.tasksync.core.internal.rules.OutlookEdits;
import org.tasksync.core.internal.rules.StatusConflict;
import org.tasksync.core.mapping.StatusMapping;
import org.tasksync.core.mapping.TaskMapper;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.Rep;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.ChangePage;
import org.tasksync.core.spi.CrmPage;
import org.tasksync.core.spi.CursorRejectedException;
import org.tasksync.core.spi.ExchangeTaskUpdate;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.StatusWriteResult;
import org.tasksync.core.spi.SyncStateStore;
import org.tasksync.core.spi.TimeFrameQuery;
import org.tasksync.core.spi.UnreadableItem;
import org.tasksync.core.state.StateStoreException;
import org.tasksync.core.spi.WriteOutcome;

/**
 * One run of the engine (SPEC §6): first Exchange → CRM (statuses, deletions, edits) for every
 * mailbox in parallel, then CRM → Exchange from the CRM's changes, the tasks that entered the time
 * frame and the tasks to look at again, batched per mailbox; deletions last, behind the mass-delete
 * guard; cursors saved only after what they cover has been applied.
 *
 * <p>Used once, by one thread (the engine's); it runs mailbox work on a pool of its own. A
 * {@link RuntimeException} from an adapter fails a task, a mailbox or the CRM part, never the cycle;
 * an {@link Error} ends the cycle at once (that is how tests stop it "as a process would die").
 *
 * <p>Scale-out: when the engine has a node id, the cycle takes a lease on each mailbox before it
 * first touches it and renews it before each later batch ({@link #hold}); a mailbox that another
 * node holds is left to a later cycle, its CRM tasks go to the pending set. The leases are released
 * at the end; a cycle that dies (an {@link Error}) leaves them to expire.
 */
public final class Cycle {

    public static final String CRM_CURSOR = "crm.changes";
    public static final String MAILBOX_CURSOR_PREFIX = "mailbox.";
    public static final String REP_WINDOW_PREFIX = "rep.";
    /** Old copies of moved tasks still to delete (reassignment = move): value "mailbox\nitem id\nCRM id". */
    public static final String MOVED_PREFIX = "moved.";
    private static final String START_SUFFIX = ".start";
    /** How long a cycle's end waits for another cycle of its partition to finish its own end. */
    private static final Duration END_LOCK_WAIT = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(Cycle.class);
    /** The fields Exchange keeps together: a status written with another's percent or complete date is undone. */
    private static final List<ExchangeField> STATUS_TRIPLE = List.of(ExchangeField.STATUS,
            ExchangeField.PERCENT_COMPLETE, ExchangeField.COMPLETE_DATE);

    private final EngineParts parts;
    private final SyncSettings settings;
    private final SyncStateStore store;
    private final StatusMapping statusMapping;
    private final TaskMapper mapper;
    private final Set<ExchangeField> managed;
    private final boolean dryRun;
    private final Instant start;
    private final MailboxPartition partition;
    private final String crmCursorKey;
    /** Who this cycle's mailbox leases belong to; null when the engine takes no leases (one node, dry run). */
    private final String leaseOwner;
    /** Mailboxes this cycle holds the lease of, released at its end. */
    private final Set<String> leased = ConcurrentHashMap.newKeySet();

    private final Map<String, Rep> reps = new HashMap<>();
    private final Map<String, Participant> participants = new HashMap<>();
    /** Mailboxes of enabled reps, in any partition: the only ones the engine writes to. */
    private final Set<String> activeMailboxes = new HashSet<>();
    private final Map<String, MailboxWork> mailboxes = new ConcurrentHashMap<>();
    private final List<TaskError> crmErrors = Collections.synchronizedList(new ArrayList<>());
    private final Map<SkipReason, Integer> unassignedSkips = Collections.synchronizedMap(new EnumMap<>(SkipReason.class));
    private final List<PlannedWrite> planned = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> failedTaskIds = ConcurrentHashMap.newKeySet();
    private final Set<String> foreignTaskIds = ConcurrentHashMap.newKeySet();
    private final AtomicInteger mailboxIndex = new AtomicInteger();
    private volatile Error fatal;
    private String cycleError;
    private ExecutorService pool;
    private Semaphore inFlight;
    /** CRM tasks in the mailboxes' buffers, not yet submitted (phase B's reading thread only). */
    private int buffered;

    public Cycle(EngineParts parts, boolean dryRun) {
        this(parts, dryRun, MailboxPartition.ALL);
    }

    /** A cycle over one partition of the mailboxes; its CRM cursor is its own. */
    public Cycle(EngineParts parts, boolean dryRun, MailboxPartition partition) {
        this.parts = parts;
        this.settings = parts.settings();
        this.store = parts.store();
        this.statusMapping = settings.mapping().status();
        this.mapper = new TaskMapper(settings.mapping());
        this.managed = settings.mapping().fields().managedFields();
        this.dryRun = dryRun;
        this.start = parts.clock().instant();
        this.partition = partition;
        this.crmCursorKey = partition.isAll() ? CRM_CURSOR : CRM_CURSOR + "." + partition.name();
        // The owner names the partition too, so that two partitions' cycles on one node (which may
        // both reach a mailbox, e.g. to delete a reassigned task's old copy) also keep apart. A dry
        // run writes nothing, leases included: it must not hold up a real cycle on another node.
        this.leaseOwner = parts.node() == null || dryRun ? null
                : partition.isAll() ? parts.node() : parts.node() + "/" + partition.name();
    }

    /** A rep that takes part, with its mailbox and its time frame for this cycle. */
    private record Participant(Rep rep, Mailbox mailbox, LocalDate from, LocalDate to) {
        boolean inWindow(LocalDate day) {
            return day == null || (!day.isBefore(from) && !day.isAfter(to));
        }

        String windowState() {
            return mailbox.address() + "|" + from + "|" + to;
        }
    }

    /** A CRM task, its mapped values and what to write. */
    private record Work(CrmTask task, TaskValues values, Link link, Set<ExchangeField> fields) {
    }

    /**
     * An Exchange item to delete; {@code item} null means "look it up by CRM id first"; {@code movedKey}
     * names the stored intent to delete the old copy of a moved task, cleared once it is gone.
     */
    private record Deletion(String crmTaskId, ItemRef item, boolean dropLink, String movedKey) {
        Deletion(String crmTaskId, ItemRef item, boolean dropLink) {
            this(crmTaskId, item, dropLink, null);
        }
    }

    /** A status change read from Exchange, to write to the CRM. */
    private record StatusChange(Link updated, ExchangeTask item, String crmStatus) {
    }

    /** The cycle's state for one mailbox. */
    private final class MailboxWork {
        final Mailbox mailbox;
        final Tally tally = new Tally();
        final Map<String, ExchangeTask> adoptable = new ConcurrentHashMap<>();
        /** Recurring series passed over for adoption in favour of another item with the same CRM id. */
        final Map<String, ExchangeTask> passedSeries = new ConcurrentHashMap<>();
        final Set<String> refresh = ConcurrentHashMap.newKeySet();
        final Set<String> delegatedSeen = ConcurrentHashMap.newKeySet();
        /** CRM ids of this mailbox's tasks whose items could not be read: left alone for the cycle. */
        final Set<String> unreadable = ConcurrentHashMap.newKeySet();
        final List<Deletion> deletions = Collections.synchronizedList(new ArrayList<>());
        /** A cursor held back until the tagged items it passed have been adopted (end of the cycle). */
        volatile String deferredCursor;
        /** An adoption failed: the held-back cursor is not saved, so the item is read and adopted again next cycle. */
        volatile boolean keepCursor;
        /** CRM ids whose CRM status this cycle saw changed while writing statuses back (SPEC §6.4 keep). */
        final Set<String> crmChangedSeen = ConcurrentHashMap.newKeySet();
        Map<String, CrmTask> buffer = new LinkedHashMap<>();
        CompletableFuture<Void> lane = CompletableFuture.completedFuture(null);
        /** Batches submitted to the lane and not yet done: when it drops to 0 the connection is closed. */
        final AtomicInteger queued = new AtomicInteger();

        MailboxWork(Mailbox mailbox) {
            this.mailbox = mailbox;
        }

        String address() {
            return mailbox.address();
        }

        /** Counts a delegated task once per cycle, however often the cycle meets it. */
        void countDelegated(String crmTaskId) {
            if (delegatedSeen.add(crmTaskId)) {
                tally.skip(SkipReason.DELEGATED);
            }
        }

        void fail(String reason) {
            if (tally.fail(reason)) {
                log.warn("mailbox {} failed: {}", address(), reason);
                safeListener(() -> parts.listener().mailboxFailed(address(), reason));
            }
        }

        private CountingConnection connection;

        /**
         * The mailbox's connection, opened on first use: for the change read (closed after it), for a
         * run of batches (closed when the lane has no more queued), for the deletions (closed at the
         * end of the cycle). So at most about twice the parallelism bound are open at once, whatever
         * the number of mailboxes, and none is left idle for long (servers, proxies and load
         * balancers drop idle connections). Used by one thread at a time: reading, the mailbox's
         * batches and its deletions never overlap.
         */
        MailboxConnection connection() throws MailboxException {
            if (connection == null) {
                connection = new CountingConnection(parts.exchange().connect(mailbox));
            }
            return connection;
        }

        /** Closes the connection (after a failure, it may be broken; at the end of the cycle). */
        void closeConnection() {
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

    public SyncReport run() {
        if (!settings.enabled()) {
            log.info("task synchronization is switched off (tasksync.tasks.enabled=false); nothing done");
            return new SyncReport(start, Duration.ZERO, false, dryRun, List.of(), List.of(), Map.of(), null, List.of());
        }
        List<Rep> repList;
        try {
            repList = parts.crm().reps();
        } catch (RuntimeException e) {
            cycleError = "reading reps from the CRM failed: " + e;
            log.error("cycle aborted: {}", cycleError, e);
            // a listener counts failed cycles too (metrics, health), not only the ones that got going
            SyncReport report = report();
            safeListener(() -> parts.listener().cycleFinished(report));
            return report;
        }
        selectParticipants(repList);
        safeListener(() -> parts.listener().cycleStarted(mailboxes.size()));

        int threads = Math.max(1, Math.min(settings.mailboxParallelism(), mailboxes.size()));
        pool = Executors.newFixedThreadPool(threads, daemonThreads());
        inFlight = new Semaphore(threads * 2);
        try {
            exchangeToCrm();
            crmToExchange();
        } catch (RuntimeException e) {
            // the state store (or a bug) failed outside a mailbox's work, e.g. reading the pending ids or
            // saving the cursors: what was not recorded as done is done again next cycle
            cycleError = (e instanceof StateStoreException ? "the state store failed: " : "the cycle failed: ") + e
                    + "; what this cycle did not record is done again next cycle";
            log.error("cycle cut short: {}", cycleError, e);
        } finally {
            pool.shutdownNow();
            mailboxes.values().forEach(MailboxWork::closeConnection);
        }
        releaseLeases(); // not reached when the cycle dies: its leases then expire
        SyncReport report = report();
        log.info("cycle done: {} created, {} updated, {} deleted, {} statuses written back, {} task errors, {} mailbox errors{}",
                report.created(), report.updated(), report.deleted(), report.statusesWrittenBack(),
                report.allTaskErrors().size(), report.failedMailboxes().size(),
                cycleError == null ? "" : ", cycle error: " + cycleError);
        safeListener(() -> parts.listener().cycleFinished(report));
        return report;
    }

    // ------------------------------------------------------------------ participants and windows

    private void selectParticipants(List<Rep> repList) {
        Instant now = parts.clock().instant();
        for (Rep rep : repList) {
            reps.put(rep.id(), rep);
            if (!rep.enabled() || !rep.hasMailbox()) {
                continue;
            }
            activeMailboxes.add(rep.mailboxKey());
            if (!partition.contains(rep.mailbox())) {
                continue; // another partition's rep
            }
            ZoneId zone = rep.timeZone() != null ? rep.timeZone() : settings.defaultZone();
            LocalDate today = now.atZone(zone).toLocalDate();
            Mailbox mb = new Mailbox(rep.mailbox(), rep.displayName() == null ? rep.id() : rep.displayName(), zone);
            participants.put(rep.id(), new Participant(rep, mb, today.minusDays(settings.pastDays()),
                    today.plusDays(settings.futureDays())));
            mailboxes.computeIfAbsent(mb.address(), a -> new MailboxWork(mb));
        }
    }

    private MailboxWork workFor(String address) {
        return mailboxes.computeIfAbsent(address, a -> new MailboxWork(new Mailbox(a, a, settings.defaultZone())));
    }

    // ------------------------------------------------------------------ phase A: Exchange → CRM

    private void exchangeToCrm() {
        List<Future<?>> futures = new ArrayList<>();
        int total = mailboxes.size();
        for (MailboxWork w : new TreeMap<>(mailboxes).values()) {
            futures.add(pool.submit(() -> {
                safeListener(() -> parts.listener().mailboxStarted(w.address(), mailboxIndex.incrementAndGet(), total));
                readMailbox(w);
            }));
        }
        awaitAll(futures);
    }

    private void readMailbox(MailboxWork w) {
        if (leftAlone(w)) {
            return; // another node holds it: its changes stay behind its cursor for the holder
        }
        String key = MAILBOX_CURSOR_PREFIX + w.address();
        try {
            MailboxConnection conn = w.connection();
            {
                String cursor = store.cursor(key).orElse(null);
                boolean applied = true;
                boolean first = true;
                while (true) {
                    if (!first && !hold(w)) {
                        break; // lease lost: the rest is read by the node that took it over
                    }
                    first = false;
                    ChangePage page;
                    try {
                        // TEMP wiring (issue 16 measurements): the engine helper wires this in the new engine
                        page = conn.changes(cursor, ids -> {
                            Map<String, String> held = new HashMap<>();
                            store.findLinksByItems(w.address(), ids).forEach((id, l) -> {
                                if (l.state() == Link.State.LINKED && l.changeKey() != null) {
                                    held.put(id, l.changeKey());
                                }
                            });
                            return held;
                        });
                    } catch (CursorRejectedException e) {
                        w.tally.warn("change cursor rejected by the server; read the mailbox again and adopted tagged tasks");
                        log.warn("{}; reading the mailbox again", e.getMessage());
                        cursor = null;
                        page = conn.changes(null);
                    }
                    applied &= applyExchangeChanges(w, page);
                    checkFatal();
                    if (applied && !dryRun && page.next() != null) {
                        if (w.adoptable.isEmpty()) {
                            store.saveCursors(Map.of(key, page.next()));
                        } else {
                            w.deferredCursor = page.next();
                        }
                    }
                    cursor = page.next();
                    if (!page.hasMore()) {
                        break;
                    }
                }
            }
        } catch (MailboxException e) {
            w.fail(e.getMessage());
        } catch (RuntimeException e) {
            w.fail("reading changes failed: " + e);
        } finally {
            w.closeConnection(); // phase B opens one again if the mailbox has writes
        }
    }

    /** Applies one page of Exchange changes; false when something must be read again next cycle. */
    private boolean applyExchangeChanges(MailboxWork w, ChangePage page) throws MailboxException {
        List<String> ids = new ArrayList<>(page.changed().size() + page.deletedItemIds().size()
                + page.unreadable().size());
        page.changed().forEach(t -> ids.add(t.itemId()));
        ids.addAll(page.deletedItemIds());
        page.unreadable().forEach(u -> ids.add(u.itemId()));
        if (ids.isEmpty()) {
            return true;
        }
        Map<String, Link> links = new HashMap<>(store.findLinksByItems(w.address(), ids));
        boolean complete = passOverUnreadable(w, page, links);
        RecurringSeries.Plan series = followRecurringSeries(w, page, links);
        complete &= releaseSeries(w, series);
        List<Link> toSave = new ArrayList<>();
        List<StatusChange> statusChanges = new ArrayList<>();
        Set<ExchangeField> edits = new LinkedHashSet<>(managed);
        edits.remove(ExchangeField.STATUS);
        List<String> refresh = new ArrayList<>();
        Map<String, Link> intended = intendedCreates(w, page, links);
        for (ExchangeTask item : page.changed()) {
            if (series.releases(item.itemId())) {
                continue; // a recurring task's open series: the rep's own from now on
            }
            Link link = links.get(item.itemId());
            if (link == null && item.crmId() != null && intended.containsKey(item.crmId())) {
                // created just before a crash: link it now, so that an edit the rep made since counts
                link = intended.remove(item.crmId()).withItem(item.itemId(), null).withState(Link.State.LINKED);
                w.tally.adopted();
                if (!dryRun) {
                    store.saveLinks(List.of(link));
                }
            }
            if (link == null) {
                if (item.crmId() != null && !item.delegated()) {
                    w.adoptable.merge(item.crmId(), item, (before, now) -> {
                        ExchangeTask keep = RecurringSeries.preferred(now, before); // else the later read, as before
                        ExchangeTask passed = keep == now ? before : now;
                        if (passed.recurring()) {
                            w.passedSeries.put(passed.itemId(), passed);
                        }
                        return keep;
                    });
                }
                continue;
            }
            if (link.state() != Link.State.LINKED) {
                continue;
            }
            if (item.delegated()) {
                w.countDelegated(link.crmTaskId());
                if (!link.delegated()) {
                    toSave.add(link.withDelegated(true).withItem(link.itemId(), item.changeKey()));
                }
                continue;
            }
            TaskValues seen = item.values();
            boolean statusChanged = managed.contains(ExchangeField.STATUS) && seen.status() != null
                    && seen.status() != link.lastExchangeStatus();
            boolean ownWrite = !link.delegated() && Objects.equals(item.changeKey(), link.changeKey());
            if (ownWrite && !statusChanged) {
                // The engine's own write coming back. Its status still counts: a rep who changed the
                // status while the engine updated other fields gets a change key that covers both.
                continue;
            }
            Set<ExchangeField> edited = ownWrite ? new LinkedHashSet<>() : seen.differingFields(link.lastWritten(), edits);
            if (statusChanged) {
                edited.remove(ExchangeField.PERCENT_COMPLETE);
                edited.remove(ExchangeField.COMPLETE_DATE);
            }
            Link updated = link.withDelegated(false)
                    .withLastWritten(link.lastWritten().withFieldsFrom(seen, managed))
                    .withItem(link.itemId(), item.changeKey());
            if (!edited.isEmpty() && settings.outlookEdits() == SyncSettings.OutlookEdits.OVERWRITE) {
                refresh.add(link.crmTaskId());
            }
            if (!statusChanged) {
                toSave.add(updated);
                continue;
            }
            Link withStatus = updated.withExchangeStatus(seen.status());
            // even when it maps to the CRM status last seen (InProgress → WaitingOnOthers: both "In
            // Progress"), the CRM may have changed since: the conflict rule decides in writeStatuses
            statusChanges.add(new StatusChange(withStatus, item, statusMapping.toCrm(seen.status())));
        }
        for (String deletedId : page.deletedItemIds()) {
            Link link = links.get(deletedId);
            if (link != null && link.state() == Link.State.LINKED) {
                toSave.add(DeletedInOutlook.mark(link, start));
                w.tally.deletedInOutlook();
            }
        }
        refresh(w, refresh);
        if (!dryRun && !toSave.isEmpty()) {
            store.saveLinks(toSave);
        }
        return writeStatuses(w, statusChanges) && complete;
    }

    /**
     * A recurring task whose completed occurrence the server made a second item (docs/engine.md,
     * "Recurring tasks"): the link moves to the completed occurrence at once (durable before the open
     * series loses its tag, so a crash in between cannot lose the rep's completion), and the page's
     * links are changed to match, so that the occurrence's Completed is read as the rep's status change.
     */
    private RecurringSeries.Plan followRecurringSeries(MailboxWork w, ChangePage page, Map<String, Link> links)
            throws MailboxException {
        RecurringSeries.Plan plan = RecurringSeries.plan(w.address(), page, links, store::findLinks,
                crmIds -> {
                    MailboxConnection conn = w.connection();
                    List<ExchangeTask> found = new ArrayList<>();
                    for (List<String> chunk : chunks(new ArrayList<>(crmIds), conn.maxBatchSize())) {
                        found.addAll(conn.findByCrmIds(chunk));
                    }
                    return found;
                });
        if (plan.isEmpty()) {
            return plan;
        }
        links.values().removeIf(l -> plan.relinked().values().stream()
                .anyMatch(r -> r.crmTaskId().equals(l.crmTaskId())));
        links.putAll(plan.relinked());
        if (!dryRun && !plan.relinked().isEmpty()) {
            store.saveLinks(plan.relinked().values());
        }
        plan.notes().forEach(n -> {
            w.tally.warn(n);
            log.info("{}: {}", w.address(), n);
        });
        return plan;
    }

    /** Removes the CRM tag from the open series; false when one failed (the page is read again next cycle). */
    private boolean releaseSeries(MailboxWork w, RecurringSeries.Plan plan) throws MailboxException {
        if (plan.release().isEmpty()) {
            return true;
        }
        plan.release().forEach(r -> planned.add(new PlannedWrite(PlannedWrite.Kind.UPDATE, w.address(), r.crmId(),
                Set.of(), "remove the CRM tag of recurring series item " + r.item().itemId())));
        if (dryRun) {
            return true;
        }
        List<WriteOutcome> outcomes = w.connection().removeTag(
                plan.release().stream().map(RecurringSeries.Release::item).toList());
        boolean ok = true;
        for (int i = 0; i < outcomes.size(); i++) {
            if (!outcomes.get(i).succeeded()) {
                ok = false;
                RecurringSeries.Release r = plan.release().get(i);
                w.tally.warn("CRM task " + r.crmId() + ": removing the CRM tag of recurring series item "
                        + r.item().itemId() + " failed (tried again next cycle): " + outcomes.get(i).error());
            }
        }
        return ok;
    }

    /**
     * Items the adapter could not read. One of the engine's own (linked, or tagged with a CRM id) is a
     * per-task error: its task is left alone this cycle (no write could then undo a status the rep set
     * and nobody can read yet), and the page counts as not applied, so the mailbox's cursor stays
     * before it and the item is read again next cycle; every other item of the page is applied. An
     * untagged item that is not linked is the rep's own task: a warning, and the cursor goes on.
     *
     * @return false when an item of the engine's own must be read again
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
            taskError(w, new TaskError(crmTaskId, u.field() == null ? null : "Exchange " + u.field(), u.value(),
                    "its Exchange item " + u.itemId() + " cannot be read (" + u.reason() + "); the task is left alone"
                            + " and its item read again next cycle"));
        }
        return complete;
    }

    /**
     * Marks CRM tasks whose values must be written again (an Outlook edit to overwrite, a conflict
     * the CRM won); durable before the link that forgets the difference is saved.
     */
    private void refresh(MailboxWork w, Collection<String> crmTaskIds) {
        if (crmTaskIds.isEmpty()) {
            return;
        }
        w.refresh.addAll(crmTaskIds);
        if (!dryRun) {
            store.addPending(crmTaskIds);
        }
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
        store.findLinks(crmIds).forEach((id, l) -> {
            if (l.state() == Link.State.CREATE_INTENDED && l.mailbox().equals(w.address())) {
                out.put(id, l);
            }
        });
        return out;
    }

    private boolean writeStatuses(MailboxWork w, List<StatusChange> changes) {
        boolean ok = true;
        for (List<StatusChange> chunk : chunks(changes, settings.crmPageSize())) {
            List<String> ids = chunk.stream().map(c -> c.updated().crmTaskId()).toList();
            CrmPage current;
            try {
                current = parts.crm().tasksById(ids);
            } catch (RuntimeException e) {
                w.tally.warn("reading " + ids.size() + " CRM tasks for status write-back failed; tried again next cycle: " + e);
                ok = false;
                continue;
            }
            Map<String, CrmTask> byId = new HashMap<>();
            current.tasks().forEach(t -> byId.put(t.id(), t));
            List<Link> toSave = new ArrayList<>();
            for (StatusChange c : chunk) {
                checkFatal();
                Link link = c.updated();
                CrmTask task = byId.get(link.crmTaskId());
                if (task == null) {
                    toSave.add(link); // deleted in the CRM: the CRM → Exchange part decides
                    continue;
                }
                boolean crmChanged = !statusMapping.sameCrmStatus(task.status(), link.lastCrmStatus());
                boolean crmHasIt = statusMapping.sameCrmStatus(task.status(), c.crmStatus());
                if (crmChanged) {
                    w.crmChangedSeen.add(link.crmTaskId()); // a CRM change: under keep the CRM is the master again
                }
                StatusConflict.Outcome outcome = StatusConflict.decide(crmChanged, crmHasIt, c.item().lastModified(),
                        task.modifiedAt());
                if (outcome.isConflict()) {
                    w.tally.conflict(outcome == StatusConflict.Outcome.EXCHANGE_WINS);
                }
                if (outcome == StatusConflict.Outcome.CRM_WINS) {
                    refresh(w, List.of(link.crmTaskId()));
                    toSave.add(link);
                    continue;
                }
                if (outcome == StatusConflict.Outcome.CRM_HAS_IT) {
                    // nothing to write: the CRM has this status already (unchanged, or set there as well).
                    // Outlook may have moved the percent with the status (leaving Completed resets it to 0):
                    // the CRM task is looked at again in this cycle's CRM part, which writes back what differs
                    toSave.add(crmChanged ? link.withCrm(task.status(), task.modifiedAt()) : link);
                    refresh(w, List.of(link.crmTaskId()));
                    continue;
                }
                planned.add(new PlannedWrite(PlannedWrite.Kind.CRM_STATUS, w.address(), task.id(), Set.of(),
                        task.status() + " -> " + c.crmStatus()));
                if (dryRun) {
                    w.tally.statusWrittenBack();
                    continue;
                }
                StatusWriteResult r;
                try {
                    r = parts.crm().writeStatus(task.id(), c.crmStatus(), task.modifiedAt());
                } catch (RuntimeException e) {
                    taskError(w, statusWriteFailed(task.id(), c.crmStatus(), e));
                    ok = false;
                    continue;
                }
                switch (r.outcome()) {
                    case WRITTEN -> {
                        toSave.add(link.withCrm(c.crmStatus(), r.newModifiedAt()));
                        w.tally.statusWrittenBack();
                    }
                    case CONFLICT -> ok = false; // changed meanwhile: decided again on the next read
                    case NOT_FOUND -> toSave.add(link);
                }
            }
            if (!dryRun && !toSave.isEmpty()) {
                store.saveLinks(toSave);
            }
        }
        return ok;
    }

    // ------------------------------------------------------------------ phase B: CRM → Exchange

    private void crmToExchange() {
        Set<String> pendingBefore = store.pendingTaskIds();
        scheduleMovedCopies();
        Set<String> deletedIds = new LinkedHashSet<>();
        Map<String, Instant> seen = new HashMap<>();
        Map<String, String> windowStates = store.cursors(REP_WINDOW_PREFIX);
        String crmCursor = store.cursor(crmCursorKey).orElse(null);
        String newCursor = null;
        boolean crmOk = true;
        try {
            Set<String> again = new LinkedHashSet<>(pendingBefore);
            mailboxes.values().forEach(w -> again.addAll(w.refresh));
            for (List<String> chunk : chunks(new ArrayList<>(again), settings.crmPageSize())) {
                dispatch(parts.crm().tasksById(chunk), seen, deletedIds);
            }
            String c = crmCursor;
            if (crmCursor == null) {
                // First cycle: the whole time frame, then the changes made since it began. The start
                // is stored first, so a cycle that dies here does not lose a deletion made meanwhile.
                c = store.cursor(crmCursorKey + START_SUFFIX).orElse(null);
                if (c == null) {
                    c = parts.crm().currentChangeCursor();
                    if (!dryRun) {
                        store.saveCursors(Map.of(crmCursorKey + START_SUFFIX, c));
                    }
                }
                if (!participants.isEmpty()) {
                    readTimeFrame(new TimeFrameQuery(minFrom(participants.values()), maxTo(participants.values()),
                            true, partition.isAll() ? null : participants.keySet()), seen, deletedIds);
                }
            }
            {
                CrmPage page;
                do {
                    page = parts.crm().changesSince(c, settings.crmPageSize());
                    dispatch(page, seen, deletedIds);
                    if (page.next() != null) {
                        c = page.next();
                    }
                } while (page.hasMore());
                newCursor = c;
                if (crmCursor != null) {
                    readEnteredWindows(windowStates, seen, deletedIds);
                }
            }
        } catch (RuntimeException e) {
            crmOk = false;
            cycleError = "reading CRM tasks failed: " + e;
            log.error("CRM part of the cycle failed; cursors stay where they were", e);
        }
        flushAll();
        awaitLanes();
        if (crmOk) {
            try {
                collectOrphans();
                applyDeletions(deletedIds);
            } catch (RuntimeException e) {
                crmOk = false;
                cycleError = "applying CRM deletions failed: " + e;
                log.error("applying CRM deletions failed", e);
            }
        }
        checkFatal();
        if (dryRun) {
            return;
        }
        Set<String> done = new HashSet<>(pendingBefore);
        done.removeAll(failedTaskIds);
        done.removeAll(foreignTaskIds);
        boolean endHeld = crmOk && lockPartitionEnd();
        try {
            endOfCycle(done, crmOk && endHeld, windowStates, newCursor);
        } finally {
            if (endHeld) {
                unlockPartitionEnd();
            }
        }
        if (crmOk && !endHeld) {
            cycleError = "another node's cycle of partition " + partitionLabel() + " held the partition's end-of-cycle "
                    + "lease; this cycle's CRM cursor and pending set were left as they were (what it read is read again)";
            log.warn("{}", cycleError);
        }
    }

    /** The end of a cycle: pending set and CRM cursors, written only with the partition's end-of-cycle lease. */
    private void endOfCycle(Set<String> done, boolean crmOk, Map<String, String> windowStates, String newCursor) {
        if (!failedTaskIds.isEmpty()) {
            store.addPending(failedTaskIds); // always safe: at worst a task is looked at once more
        }
        if (!done.isEmpty() && crmOk) {
            store.removePending(done);
        }
        if (crmOk) {
            Map<String, String> cursors = new HashMap<>();
            for (Participant p : participants.values()) {
                String key = REP_WINDOW_PREFIX + p.rep().id();
                if (!p.windowState().equals(windowStates.get(key))) {
                    cursors.put(key, p.windowState());
                }
            }
            for (String key : windowStates.keySet()) {
                Rep rep = reps.get(key.substring(REP_WINDOW_PREFIX.length()));
                if (rep == null || !rep.enabled() || !rep.hasMailbox()) {
                    cursors.put(key, null); // a rep that returns gets its whole time frame again
                }
            }
            cursors.put(crmCursorKey, newCursor);
            cursors.put(crmCursorKey + START_SUFFIX, null);
            for (MailboxWork w : mailboxes.values()) {
                // leftAlone renews the lease: a cursor must not overwrite that of a node which took the mailbox over
                if (w.deferredCursor != null && !w.keepCursor && !leftAlone(w)) {
                    cursors.put(MAILBOX_CURSOR_PREFIX + w.address(), w.deferredCursor);
                }
            }
            store.saveCursors(cursors);
        }
    }

    /** Old copies of moved tasks whose deletion failed before: tried again (a mailbox no longer synced is left alone). */
    private void scheduleMovedCopies() {
        Map<String, String> forgotten = new HashMap<>();
        store.cursors(MOVED_PREFIX).forEach((key, value) -> {
            String[] p = value.split("\n", 3);
            if (!partition.contains(p[0])) {
                return;
            }
            if (!activeMailboxes.contains(p[0])) {
                forgotten.put(key, null);
                return;
            }
            workFor(p[0]).deletions.add(new Deletion(p[2], new ItemRef(p[1], null), false, key));
        });
        if (!dryRun && !forgotten.isEmpty()) {
            store.saveCursors(forgotten);
        }
    }

    /** Reps new to the engine get their whole window; reps whose window moved get the days that entered. */
    private void readEnteredWindows(Map<String, String> windowStates, Map<String, Instant> seen, Set<String> deletedIds) {
        List<Participant> full = new ArrayList<>();
        Map<List<LocalDate>, Set<String>> entered = new LinkedHashMap<>();
        for (Participant p : participants.values()) {
            String state = windowStates.get(REP_WINDOW_PREFIX + p.rep().id());
            String[] parts = state == null ? null : state.split("\\|");
            if (parts == null || parts.length != 3 || !parts[0].equals(p.mailbox().address())) {
                full.add(p);
                continue;
            }
            LocalDate oldFrom = LocalDate.parse(parts[1]);
            LocalDate oldTo = LocalDate.parse(parts[2]);
            if (p.to().isAfter(oldTo)) {
                LocalDate from = oldTo.plusDays(1).isBefore(p.from()) ? p.from() : oldTo.plusDays(1);
                entered.computeIfAbsent(List.of(from, p.to()), k -> new HashSet<>()).add(p.rep().id());
            }
            if (p.from().isBefore(oldFrom)) {
                LocalDate to = oldFrom.minusDays(1).isAfter(p.to()) ? p.to() : oldFrom.minusDays(1);
                entered.computeIfAbsent(List.of(p.from(), to), k -> new HashSet<>()).add(p.rep().id());
            }
        }
        if (!full.isEmpty()) {
            Set<String> ids = new HashSet<>();
            full.forEach(p -> ids.add(p.rep().id()));
            readTimeFrame(new TimeFrameQuery(minFrom(full), maxTo(full), true, ids), seen, deletedIds);
        }
        for (Map.Entry<List<LocalDate>, Set<String>> e : entered.entrySet()) {
            readTimeFrame(new TimeFrameQuery(e.getKey().get(0), e.getKey().get(1), false, e.getValue()), seen,
                    deletedIds);
        }
    }

    private void readTimeFrame(TimeFrameQuery q, Map<String, Instant> seen, Set<String> deletedIds) {
        String token = null;
        CrmPage page;
        do {
            page = parts.crm().tasksInTimeFrame(q, token, settings.crmPageSize());
            dispatch(page, seen, deletedIds);
            token = page.next();
        } while (page.hasMore());
    }

    private static LocalDate minFrom(Collection<Participant> ps) {
        return ps.stream().map(Participant::from).min(LocalDate::compareTo).orElseThrow();
    }

    private static LocalDate maxTo(Collection<Participant> ps) {
        return ps.stream().map(Participant::to).max(LocalDate::compareTo).orElseThrow();
    }

    /**
     * Routes a page of CRM tasks. A task read twice in a cycle (by id, then among the changes) is
     * routed again only when the later read is newer, so no source can hide a later edit.
     */
    private void dispatch(CrmPage page, Map<String, Instant> seen, Set<String> deletedIds) {
        checkFatal();
        page.errors().forEach(this::crmTaskError);
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
        Participant p = task.repId() == null ? null : participants.get(task.repId());
        if (p == null) {
            Rep rep = task.repId() == null ? null : reps.get(task.repId());
            if (rep != null && rep.enabled() && rep.hasMailbox()) {
                foreignTaskIds.add(task.id()); // another partition's
            } else if (rep == null) {
                crmTaskError(new TaskError(task.id(), "#4 Rep", task.repId(), "no such rep in the CRM"));
            } else {
                unassignedSkips.merge(rep.enabled() ? SkipReason.REP_WITHOUT_MAILBOX : SkipReason.REP_DISABLED, 1,
                        Integer::sum);
            }
            return;
        }
        MailboxWork w = mailboxes.get(p.mailbox().address());
        if (!p.inWindow(task.scheduledDay())) {
            w.tally.skip(SkipReason.OUT_OF_TIME_FRAME);
            return;
        }
        if (w.tally.failed() || w.tally.deferred()) {
            w.tally.skip(w.tally.failed() ? SkipReason.MAILBOX_FAILED : SkipReason.MAILBOX_LEASED);
            failedTaskIds.add(task.id());
            return;
        }
        if (w.unreadable.contains(task.id())) {
            w.tally.skip(SkipReason.UNREADABLE_IN_EXCHANGE);
            failedTaskIds.add(task.id());
            return;
        }
        int before = w.buffer.size();
        w.buffer.put(task.id(), task); // a newer version read later in the cycle replaces an unsent one
        buffered += w.buffer.size() - before;
        if (w.buffer.size() >= settings.batchSize()) {
            submit(w);
        } else if (buffered > settings.maxBufferedTasks()) {
            relieve();
        }
    }

    /**
     * Memory stays bounded (SPEC §10) when tasks come spread over many mailboxes, as a time frame read
     * by day does: the fullest buffers go out as smaller batches until half the bound is left.
     */
    private void relieve() {
        int held = buffered;
        List<MailboxWork> fullest = new ArrayList<>();
        for (MailboxWork m : mailboxes.values()) {
            if (!m.buffer.isEmpty()) {
                fullest.add(m);
            }
        }
        fullest.sort(Comparator.comparingInt((MailboxWork m) -> m.buffer.size()).reversed());
        int sent = 0;
        for (MailboxWork m : fullest) {
            if (buffered <= settings.maxBufferedTasks() / 2) {
                break;
            }
            submit(m);
            sent++;
        }
        log.debug("{} CRM tasks waited for fuller batches (tasksync.buffer.max-tasks {}): sent {} mailboxes' batches early",
                held, settings.maxBufferedTasks(), sent);
    }

    private void flushAll() {
        for (MailboxWork w : mailboxes.values()) {
            if (!w.buffer.isEmpty()) {
                submit(w);
            }
        }
    }

    private void submit(MailboxWork w) {
        List<CrmTask> batch = new ArrayList<>(w.buffer.values());
        buffered -= batch.size();
        w.buffer = new LinkedHashMap<>();
        inFlight.acquireUninterruptibly();
        w.queued.incrementAndGet();
        w.lane = w.lane.thenRunAsync(() -> {
            try {
                if (fatal == null) {
                    processBatch(w, batch);
                }
            } catch (Error e) {
                fatal = e;
            } finally {
                if (w.queued.decrementAndGet() == 0) {
                    w.closeConnection(); // the next batch, if any comes, opens one again
                }
                inFlight.release();
            }
        }, pool);
    }

    private void awaitLanes() {
        for (MailboxWork w : mailboxes.values()) {
            w.lane.join();
        }
        checkFatal();
    }

    private void processBatch(MailboxWork w, List<CrmTask> batch) {
        if (leftAlone(w)) { // renews the lease before each batch
            SkipReason why = w.tally.failed() ? SkipReason.MAILBOX_FAILED : SkipReason.MAILBOX_LEASED;
            batch.forEach(t -> {
                w.tally.skip(why);
                failedTaskIds.add(t.id());
            });
            return;
        }
        try {
            writeBatch(w, w.connection(), batch);
        } catch (MailboxException e) {
            w.closeConnection();
            w.fail(e.getMessage());
            batch.forEach(t -> failedTaskIds.add(t.id()));
        } catch (RuntimeException e) {
            w.closeConnection();
            w.fail("writing tasks failed: " + e);
            batch.forEach(t -> failedTaskIds.add(t.id()));
        }
    }

    private void writeBatch(MailboxWork w, MailboxConnection conn, List<CrmTask> batch) throws MailboxException {
        Map<String, Link> links = store.findLinks(batch.stream().map(CrmTask::id).toList());
        List<Work> creates = new ArrayList<>();
        List<Work> updates = new ArrayList<>();
        List<Work> lookups = new ArrayList<>();
        List<Link> adopted = new ArrayList<>();
        for (CrmTask task : batch) {
            Link link = links.get(task.id());
            Participant p = participants.get(task.repId());
            LocalDate known = link != null && link.lastWritten().status() == ExchangeStatus.COMPLETED
                    ? link.lastWritten().completeDate() : null;
            Rep creator = task.createdByRepId() == null ? null : reps.get(task.createdByRepId());
            TaskMapper.Context ctx = new TaskMapper.Context(p.mailbox().ownerName(),
                    creator == null ? null : creator.displayName() != null ? creator.displayName() : creator.id(),
                    p.mailbox().zone(), start.atZone(p.mailbox().zone()).toLocalDate(), known);
            TaskMapper.Result r = mapper.map(task, ctx);
            r.warnings().forEach(e -> w.tally.warn(e.toString()));
            if (!r.ok()) {
                r.errors().forEach(e -> taskError(w, e));
                continue;
            }
            TaskValues values = r.values();
            if (link != null && !link.mailbox().equals(w.address())) {
                reassign(link);
                // the task may have lived in this mailbox before (keep-original): find its old copy
                ExchangeTask found = w.adoptable.remove(task.id());
                if (found != null) {
                    adopt(w, task, values, found, adopted, updates);
                } else {
                    lookups.add(new Work(task, values, null, Set.of()));
                }
                continue;
            }
            if (link == null) {
                ExchangeTask found = w.adoptable.remove(task.id());
                if (found != null) {
                    adopt(w, task, values, found, adopted, updates);
                } else {
                    creates.add(new Work(task, values, null, Set.of()));
                }
                continue;
            }
            switch (link.state()) {
                case CREATE_INTENDED -> {
                    ExchangeTask found = w.adoptable.remove(task.id());
                    if (found != null) {
                        adopt(w, task, values, found, adopted, updates);
                    } else {
                        lookups.add(new Work(task, values, link, Set.of()));
                    }
                }
                case DELETED_IN_OUTLOOK -> {
                    if (DeletedInOutlook.createAgain(link, task.modifiedAt())) {
                        creates.add(new Work(task, values, null, Set.of()));
                    } else {
                        w.tally.skip(SkipReason.DELETED_IN_OUTLOOK);
                    }
                }
                case LINKED -> {
                    if (link.delegated()) {
                        w.countDelegated(task.id());
                        continue;
                    }
                    Set<ExchangeField> fields = changedFields(link.lastWritten(), values, task);
                    if (!fields.isEmpty() && settings.outlookEdits() == SyncSettings.OutlookEdits.KEEP_UNTIL_CRM_CHANGES) {
                        // what differs from Exchange is the rep's edit unless the CRM task changed since the last sync
                        boolean crmChanged = w.crmChangedSeen.contains(task.id()) || OutlookEdits.crmChangedSince(
                                statusMapping.sameCrmStatus(task.status(), link.lastCrmStatus()),
                                link.lastCrmModifiedAt(), task.modifiedAt());
                        fields = OutlookEdits.keepUntilCrmChanges(fields, crmChanged, w.refresh.contains(task.id()));
                    }
                    if (!fields.isEmpty()) {
                        updates.add(new Work(task, values, link, fields));
                    } else if (!statusMapping.sameCrmStatus(task.status(), link.lastCrmStatus()) && !dryRun) {
                        adopted.add(link.withCrm(task.status(), task.modifiedAt()));
                    }
                }
            }
        }
        if (!lookups.isEmpty()) {
            for (List<Work> chunk : chunks(lookups, conn.maxBatchSize())) {
                Map<String, ExchangeTask> found = findTagged(conn, chunk.stream().map(x -> x.task().id()).toList())
                        .usable();
                for (Work x : chunk) {
                    ExchangeTask t = found.get(x.task().id());
                    if (t != null) {
                        adopt(w, x.task(), x.values(), t, adopted, updates);
                    } else {
                        creates.add(new Work(x.task(), x.values(), null, Set.of()));
                    }
                }
            }
        }
        if (!dryRun && !adopted.isEmpty()) {
            store.saveLinks(adopted);
        }
        create(w, conn, creates);
        update(w, conn, updates);
    }

    /**
     * Links a tagged item found in the mailbox. Without a record of what was written, a status that
     * differs is a conflict like any other: the later modification wins, a tie goes to the CRM.
     */
    private void adopt(MailboxWork w, CrmTask task, TaskValues values, ExchangeTask found, List<Link> adopted,
                       List<Work> updates) {
        ExchangeStatus seen = found.values().status();
        String crmStatus = task.status();
        Instant crmModified = task.modifiedAt();
        if (managed.contains(ExchangeField.STATUS) && seen != null) {
            String wanted = statusMapping.toCrm(seen);
            // no record of the last sync: the CRM counts as changed, so only a later Exchange change wins
            StatusConflict.Outcome outcome = StatusConflict.decide(true,
                    statusMapping.sameCrmStatus(wanted, task.status()), found.lastModified(), task.modifiedAt());
            if (outcome == StatusConflict.Outcome.EXCHANGE_WINS) {
                w.tally.conflict(true);
                planned.add(new PlannedWrite(PlannedWrite.Kind.CRM_STATUS, w.address(), task.id(), Set.of(),
                        task.status() + " -> " + wanted));
                if (!dryRun) {
                    StatusWriteResult r;
                    try {
                        r = parts.crm().writeStatus(task.id(), wanted, task.modifiedAt());
                    } catch (RuntimeException e) {
                        // SPEC §8: a per-task error, as in writeStatuses. Not linked now, so the CRM status
                        // cannot overwrite the rep's; the item is read and adopted again next cycle
                        taskError(w, statusWriteFailed(task.id(), wanted, e));
                        failedTaskIds.add(task.id());
                        w.keepCursor = true;
                        return;
                    }
                    if (r.outcome() == StatusWriteResult.Outcome.WRITTEN) {
                        w.tally.statusWrittenBack();
                        crmStatus = wanted;
                        crmModified = r.newModifiedAt();
                    } else {
                        failedTaskIds.add(task.id()); // changed meanwhile: decided again next cycle
                    }
                }
                if (Objects.equals(crmStatus, wanted)) {
                    task = task.toBuilder().status(wanted).modifiedAt(crmModified).build();
                    // The rep's status wins together with what Exchange keeps tied to it: the percent and
                    // complete date were mapped from the CRM's old status, and writing them beside the won
                    // status (Completed with 0 % and no complete date) would undo the rep's status, the
                    // last one the server applies deciding (SPEC §6.1: the status the CRM now has stays)
                    values = values.withFieldsFrom(found.values(), STATUS_TRIPLE);
                }
            }
        }
        Link link = new Link(task.id(), w.address(), found.itemId(), found.changeKey(), Link.State.LINKED,
                found.values(), crmStatus, crmModified, seen, false);
        w.tally.adopted();
        adopted.add(link);
        Set<ExchangeField> fields = changedFields(found.values(), values, task);
        if (!fields.isEmpty()) {
            updates.add(new Work(task, values, link, fields));
        }
    }

    private void reassign(Link old) {
        if (old.state() == Link.State.LINKED && !old.delegated() && activeMailboxes.contains(old.mailbox())
                && settings.reassignment() == SyncSettings.Reassignment.MOVE) {
            // stored before the new link replaces this one, so that a deletion that fails (or a crash) is
            // tried again in later cycles, when no link remembers the old copy any more
            String key = MOVED_PREFIX + old.mailbox() + "/" + old.crmTaskId();
            if (!dryRun) {
                store.saveCursors(Map.of(key, old.mailbox() + "\n" + old.itemId() + "\n" + old.crmTaskId()));
            }
            workFor(old.mailbox()).deletions.add(new Deletion(old.crmTaskId(), new ItemRef(old.itemId(), old.changeKey()),
                    false, key));
        }
        // keep-original: the old copy stays in the old mailbox; the new link replaces the old one
    }

    /** The fields to write: those that differ, the status only when the CRM status really differs. */
    private Set<ExchangeField> changedFields(TaskValues current, TaskValues wanted, CrmTask task) {
        Set<ExchangeField> fields = wanted.differingFields(current, managed);
        if (fields.contains(ExchangeField.STATUS) && current.status() != null
                && statusMapping.sameCrmStatus(statusMapping.toCrm(current.status()), task.status())) {
            fields.remove(ExchangeField.STATUS); // e.g. WaitingOnOthers in Outlook, In Progress in the CRM
            // the percent goes with the status Exchange keeps, not with the one the CRM status maps to
            // (InProgress needs at least 1 %, WaitingOnOthers does not)
            int crmPercent = task.percentComplete() == null ? 0 : task.percentComplete();
            if (fields.contains(ExchangeField.PERCENT_COMPLETE) && current.percentComplete() != null
                    && current.percentComplete() == TaskMapper.percentFor(current.status(), crmPercent)) {
                fields.remove(ExchangeField.PERCENT_COMPLETE);
            }
        }
        if (fields.contains(ExchangeField.STATUS)) {
            if (managed.contains(ExchangeField.PERCENT_COMPLETE)) fields.add(ExchangeField.PERCENT_COMPLETE);
            if (managed.contains(ExchangeField.COMPLETE_DATE)) fields.add(ExchangeField.COMPLETE_DATE);
        } else if ((fields.contains(ExchangeField.PERCENT_COMPLETE) || fields.contains(ExchangeField.COMPLETE_DATE))
                && managed.contains(ExchangeField.STATUS) && wanted.status() != null
                && wanted.status() == current.status()) {
            // Exchange derives the status from a percent written alone (Not Started with 40 % becomes In
            // Progress), which the next read would take for the rep's change: send the unchanged status along
            fields.add(ExchangeField.STATUS);
        }
        return fields;
    }

    private void create(MailboxWork w, MailboxConnection conn, List<Work> creates) throws MailboxException {
        for (List<Work> chunk : chunks(creates, Math.min(settings.batchSize(), conn.maxBatchSize()))) {
            checkFatal();
            List<Link> intents = new ArrayList<>();
            List<NewExchangeTask> news = new ArrayList<>();
            for (Work x : chunk) {
                intents.add(new Link(x.task().id(), w.address(), null, null, Link.State.CREATE_INTENDED, x.values(),
                        x.task().status(), x.task().modifiedAt(), x.values().status(), false));
                news.add(new NewExchangeTask(x.task().id(), x.values()));
                planned.add(new PlannedWrite(PlannedWrite.Kind.CREATE, w.address(), x.task().id(), Set.of(), null));
            }
            if (dryRun) {
                chunk.forEach(x -> w.tally.created());
                continue;
            }
            store.saveLinks(intents);
            List<WriteOutcome> outcomes = conn.create(news);
            List<Link> linked = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                WriteOutcome o = outcomes.get(i);
                Link intent = intents.get(i);
                if (o.succeeded()) {
                    linked.add(new Link(intent.crmTaskId(), w.address(), o.itemId(), o.changeKey(), Link.State.LINKED,
                            intent.lastWritten(), intent.lastCrmStatus(), intent.lastCrmModifiedAt(),
                            intent.lastExchangeStatus(), false));
                    w.tally.created();
                } else {
                    writeFailed(w, chunk.get(i).task(), "create", o.error());
                }
            }
            if (!linked.isEmpty()) {
                store.saveLinks(linked);
            }
        }
    }

    private void update(MailboxWork w, MailboxConnection conn, List<Work> updates) throws MailboxException {
        for (List<Work> chunk : chunks(updates, Math.min(settings.batchSize(), conn.maxBatchSize()))) {
            checkFatal();
            List<ExchangeTaskUpdate> requests = new ArrayList<>();
            for (Work x : chunk) {
                requests.add(new ExchangeTaskUpdate(new ItemRef(x.link().itemId(), x.link().changeKey()), x.task().id(),
                        x.values(), x.fields()));
                planned.add(new PlannedWrite(PlannedWrite.Kind.UPDATE, w.address(), x.task().id(), x.fields(), null));
            }
            if (dryRun) {
                chunk.forEach(x -> w.tally.updated());
                continue;
            }
            List<WriteOutcome> outcomes = conn.update(requests);
            List<Link> saved = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                WriteOutcome o = outcomes.get(i);
                Work x = chunk.get(i);
                if (o.succeeded()) {
                    Link l = x.link();
                    saved.add(new Link(l.crmTaskId(), l.mailbox(), l.itemId(),
                            o.changeKey() != null ? o.changeKey() : l.changeKey(), Link.State.LINKED,
                            l.lastWritten().withFieldsFrom(x.values(), x.fields()), x.task().status(),
                            x.task().modifiedAt(),
                            x.fields().contains(ExchangeField.STATUS) ? x.values().status() : l.lastExchangeStatus(),
                            false));
                    w.tally.updated();
                } else if (o.itemGone()) {
                    // deleted in Outlook although no change read said so (created and deleted between
                    // two reads): treat it as SPEC 6.5 says, not as a failure to retry forever
                    saved.add(DeletedInOutlook.mark(x.link(), start));
                    w.tally.deletedInOutlook();
                } else {
                    writeFailed(w, x.task(), "update", o.error());
                }
            }
            if (!saved.isEmpty()) {
                store.saveLinks(saved);
            }
        }
    }

    private void writeFailed(MailboxWork w, CrmTask task, String op, String error) {
        failedTaskIds.add(task.id());
        taskError(w, new TaskError(task.id(), null, null, "Exchange refused the " + op + " (tried again next cycle): "
                + error));
    }

    /** A per-task error of a mailbox (SPEC §8), the one way: in the report, in the log, to the listener. */
    private void taskError(MailboxWork w, TaskError e) {
        w.tally.error(e);
        log.warn("{} in {}", e, w.address());
        safeListener(() -> parts.listener().taskError(w.address(), e));
    }

    /** A per-task error of a CRM row (no mailbox), the one way: in the report once, in the log, to the listener. */
    private void crmTaskError(TaskError e) {
        synchronized (crmErrors) {
            if (crmErrors.contains(e)) {
                return; // the same bad row read twice in a cycle (time frame, then changes): one error
            }
            crmErrors.add(e);
        }
        log.warn("CRM row skipped: {}", e);
        safeListener(() -> parts.listener().taskError(null, e));
    }

    private static TaskError statusWriteFailed(String crmTaskId, String status, RuntimeException e) {
        return new TaskError(crmTaskId, "#2 Status", status, "writing the status to the CRM failed; tried again next cycle: "
                + e);
    }

    // ------------------------------------------------------------------ deletions

    /**
     * Tagged items read from Exchange that no CRM task of this cycle claimed (after a lost state
     * store, a crash before a link was saved, or an item that could not be read before): when their
     * CRM task is gone they are deleted like any task deleted in the CRM; when it is this mailbox's
     * but was not written this cycle (outside the time frame, say) they are linked without writing,
     * so that the rep's status still counts; when it belongs to another rep now, they are an old copy,
     * deleted under {@code reassignment=move} and left alone under keep-original.
     */
    private void collectOrphans() {
        for (MailboxWork w : mailboxes.values()) {
            if (w.tally.failed() || w.tally.deferred()) {
                continue;
            }
            if (!w.passedSeries.isEmpty() && !leftAlone(w)) { // leftAlone renews the lease before a write
                releasePassedSeries(w);
            }
            List<String> leftovers = new ArrayList<>(w.adoptable.keySet());
            for (List<String> chunk : chunks(leftovers, settings.crmPageSize())) {
                CrmPage page = parts.crm().tasksById(chunk);
                Set<String> alive = new HashSet<>();
                page.errors().forEach(e -> alive.add(e.taskId()));
                Map<String, Link> links = store.findLinks(chunk);
                List<Link> adopted = new ArrayList<>();
                List<Work> updates = new ArrayList<>();
                for (CrmTask t : page.tasks()) {
                    alive.add(t.id());
                    ExchangeTask item = w.adoptable.get(t.id());
                    Link link = links.get(t.id());
                    if (item == null || (link != null && link.mailbox().equals(w.address()))) {
                        continue; // linked here to another item: not this item's to decide
                    }
                    Rep rep = t.repId() == null ? null : reps.get(t.repId());
                    String owner = rep != null && rep.enabled() && rep.hasMailbox() ? rep.mailboxKey() : null;
                    if (w.address().equals(owner)) {
                        if (link == null) {
                            // linked without writing the CRM's values (it may be outside the time frame):
                            // adopt is given the item's own, so it asks only for what its status rule needs
                            adopt(w, t, item.values(), item, adopted, updates);
                        }
                    } else if (owner != null && settings.reassignment() == SyncSettings.Reassignment.MOVE) {
                        w.deletions.add(new Deletion(t.id(), new ItemRef(item.itemId(), item.changeKey()), false));
                    }
                }
                if (!dryRun && !adopted.isEmpty()) {
                    store.saveLinks(adopted);
                }
                writeOrphanUpdates(w, updates);
                for (String id : chunk) {
                    ExchangeTask item = w.adoptable.get(id);
                    Link link = links.get(id);
                    if (alive.contains(id) || item == null || item.values().status() == ExchangeStatus.COMPLETED
                            || (link != null && link.mailbox().equals(w.address()))) {
                        continue; // a link in this mailbox is deleted through the link
                    }
                    w.deletions.add(new Deletion(id, new ItemRef(item.itemId(), item.changeKey()), false));
                }
            }
        }
    }

    /**
     * Tagged items looked up by CRM id, the one lookup of the cycle: per CRM id the item to use (never a
     * delegated one, SPEC §6.2; of a recurring series and its occurrence, the preferred), and the CRM ids
     * found only on delegated items.
     */
    private record Tagged(Map<String, ExchangeTask> usable, Set<String> delegatedOnly) {
    }

    private static Tagged findTagged(MailboxConnection conn, List<String> crmIds) throws MailboxException {
        Map<String, ExchangeTask> usable = new HashMap<>();
        Set<String> delegated = new HashSet<>();
        for (ExchangeTask t : conn.findByCrmIds(crmIds)) {
            if (t.crmId() == null) {
                continue;
            }
            if (t.delegated()) {
                delegated.add(t.crmId());
            } else {
                usable.merge(t.crmId(), t, RecurringSeries::preferred);
            }
        }
        delegated.removeAll(usable.keySet());
        return new Tagged(usable, delegated);
    }

    /** The updates an adoption of an orphan asks for, written like a batch's (none are dropped). */
    private void writeOrphanUpdates(MailboxWork w, List<Work> updates) {
        if (updates.isEmpty() || leftAlone(w)) { // leftAlone renews the lease before a write
            updates.forEach(x -> failedTaskIds.add(x.task().id()));
            return;
        }
        try {
            update(w, w.connection(), updates);
        } catch (MailboxException e) {
            w.closeConnection();
            w.fail(e.getMessage());
            updates.forEach(x -> failedTaskIds.add(x.task().id()));
        } catch (RuntimeException e) {
            w.closeConnection();
            w.fail("writing tasks failed: " + e);
            updates.forEach(x -> failedTaskIds.add(x.task().id()));
        }
    }

    /**
     * A recurring series that carries a CRM id while another item of this mailbox is linked to that
     * task (both were read untracked, after a lost state store, and the other was adopted): released
     * as the rep's own, as a regeneration seen as it happens would have released it.
     */
    private void releasePassedSeries(MailboxWork w) {
        if (w.passedSeries.isEmpty()) {
            return;
        }
        Map<String, Link> links = store.findLinks(w.passedSeries.values().stream().map(ExchangeTask::crmId).toList());
        List<RecurringSeries.Release> release = new ArrayList<>();
        for (ExchangeTask series : w.passedSeries.values()) {
            Link l = links.get(series.crmId());
            if (l != null && l.state() == Link.State.LINKED && l.mailbox().equals(w.address())
                    && !series.itemId().equals(l.itemId())) {
                release.add(new RecurringSeries.Release(new ItemRef(series.itemId(), series.changeKey()), series.crmId()));
                w.tally.warn("CRM task " + series.crmId() + " is linked to item " + l.itemId() + "; the recurring series "
                        + "that also carried its CRM id (item " + series.itemId() + ") is the rep's own task, CRM tag removed");
            }
        }
        if (release.isEmpty()) {
            return;
        }
        try {
            releaseSeries(w, new RecurringSeries.Plan(Map.of(), release, List.of()));
        } catch (MailboxException | RuntimeException e) {
            w.tally.warn("removing the CRM tag of " + release.size() + " recurring series failed; left tagged: " + e);
        }
    }

    private void applyDeletions(Set<String> deletedIds) {
        List<String> dropNow = new ArrayList<>();
        for (List<String> chunk : chunks(new ArrayList<>(deletedIds), settings.crmPageSize())) {
            for (Link link : store.findLinks(chunk).values()) {
                if (!partition.contains(link.mailbox())) {
                    foreignTaskIds.add(link.crmTaskId()); // the partition that holds the mailbox deletes it
                    continue;
                }
                if (!activeMailboxes.contains(link.mailbox())) {
                    // its rep no longer takes part (disabled, new address): the connector leaves that mailbox alone
                    dropNow.add(link.crmTaskId());
                    unassignedSkips.merge(SkipReason.REP_DISABLED, 1, Integer::sum);
                    continue;
                }
                switch (link.state()) {
                    case LINKED -> {
                        if (link.delegated()) {
                            dropNow.add(link.crmTaskId()); // SPEC §6.2: a delegated task is never written
                            workFor(link.mailbox()).countDelegated(link.crmTaskId());
                        } else if (link.lastExchangeStatus() == ExchangeStatus.COMPLETED) {
                            dropNow.add(link.crmTaskId());
                            workFor(link.mailbox()).tally.skip(SkipReason.COMPLETED_KEPT);
                        } else {
                            workFor(link.mailbox()).deletions.add(new Deletion(link.crmTaskId(),
                                    new ItemRef(link.itemId(), link.changeKey()), true));
                        }
                    }
                    case CREATE_INTENDED -> workFor(link.mailbox()).deletions.add(new Deletion(link.crmTaskId(), null, true));
                    case DELETED_IN_OUTLOOK -> dropNow.add(link.crmTaskId());
                }
            }
        }
        if (!dryRun && !dropNow.isEmpty()) {
            store.deleteLinks(dropNow);
        }
        List<Future<?>> futures = new ArrayList<>();
        for (MailboxWork w : mailboxes.values()) {
            if (!w.deletions.isEmpty()) {
                futures.add(pool.submit(() -> deleteInMailbox(w)));
            }
        }
        awaitAll(futures);
    }

    private void deleteInMailbox(MailboxWork w) {
        List<Deletion> deletions = new ArrayList<>(w.deletions);
        if (leftAlone(w)) {
            deletions.forEach(d -> failedTaskIds.add(d.crmTaskId()));
            return;
        }
        for (Deletion d : List.copyOf(deletions)) {
            if (w.unreadable.contains(d.crmTaskId())) {
                // completed there or not, nobody can tell: kept until it reads well
                deletions.remove(d);
                w.tally.skip(SkipReason.UNREADABLE_IN_EXCHANGE);
                failedTaskIds.add(d.crmTaskId());
            }
        }
        Map<String, String> movedDone = new HashMap<>();
        List<Deletion> moved = deletions.stream().filter(d -> d.movedKey() != null).toList();
        if (!moved.isEmpty()) {
            // a task moved back before its old copy went has that copy linked again: it stays
            Map<String, Link> now = store.findLinks(moved.stream().map(Deletion::crmTaskId).toList());
            for (Deletion d : moved) {
                Link l = now.get(d.crmTaskId());
                if (l != null && l.mailbox().equals(w.address()) && d.item().itemId().equals(l.itemId())) {
                    deletions.remove(d);
                    movedDone.put(d.movedKey(), null);
                }
            }
        }
        int linked = store.countLinks(w.address());
        int n = deletions.size();
        if (n > settings.massDeleteMinCount() && n > settings.massDeleteMaxShare() * linked) {
            String why = "mass-delete guard: " + n + " of " + linked + " linked tasks would be deleted (more than "
                    + Math.round(settings.massDeleteMaxShare() * 100) + " % and more than "
                    + settings.massDeleteMinCount() + "); nothing deleted in this mailbox, held for the next cycle";
            w.tally.warn(why);
            log.warn("{}: {}", w.address(), why);
            deletions.forEach(d -> failedTaskIds.add(d.crmTaskId()));
            return;
        }
        try {
            MailboxConnection conn = w.connection();
            {
                List<Deletion> resolved = new ArrayList<>();
                List<String> dropLinks = new ArrayList<>();
                List<Deletion> unknown = deletions.stream().filter(d -> d.item() == null).toList();
                for (List<Deletion> chunk : chunks(unknown, conn.maxBatchSize())) {
                    Tagged found = findTagged(conn, chunk.stream().map(Deletion::crmTaskId).toList());
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
                for (List<Deletion> chunk : chunks(resolved, Math.min(settings.batchSize(), conn.maxBatchSize()))) {
                    checkFatal();
                    chunk.forEach(d -> planned.add(new PlannedWrite(PlannedWrite.Kind.DELETE, w.address(),
                            d.crmTaskId(), Set.of(), null)));
                    if (dryRun) {
                        chunk.forEach(d -> w.tally.deleted());
                        continue;
                    }
                    List<WriteOutcome> outcomes = conn.delete(chunk.stream().map(Deletion::item).toList());
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
                            failedTaskIds.add(d.crmTaskId());
                        }
                    }
                }
                if (!dryRun && !dropLinks.isEmpty()) {
                    store.deleteLinks(dropLinks);
                }
                if (!dryRun && !movedDone.isEmpty()) {
                    store.saveCursors(movedDone);
                }
            }
        } catch (MailboxException e) {
            w.closeConnection();
            w.fail(e.getMessage());
            deletions.forEach(d -> failedTaskIds.add(d.crmTaskId()));
        } catch (RuntimeException e) {
            w.closeConnection();
            w.fail("deleting tasks failed: " + e);
            deletions.forEach(d -> failedTaskIds.add(d.crmTaskId()));
        }
    }

    // ------------------------------------------------------------------ mailbox leases (scale-out)

    /**
     * Takes this cycle's lease on the mailbox, or renews it, before the cycle touches the mailbox.
     * False when another node holds it, or took it over since the last renewal (this cycle was
     * slower than the lease duration): the mailbox is then deferred for the rest of the cycle, so
     * that two nodes never work on it at once; what was meant for it goes to the pending set.
     * Without a node id there is nobody to exclude and nothing is asked of the store.
     */
    private boolean hold(MailboxWork w) {
        if (w.tally.deferred()) {
            return false; // once deferred, for the whole cycle: writing without having read first could undo an Outlook edit
        }
        if (leaseOwner == null) {
            return true;
        }
        if (store.tryLease(w.address(), leaseOwner, parts.clock().instant(), parts.leaseDuration())) {
            leased.add(w.address());
            return true;
        }
        String why = leased.remove(w.address())
                ? "lease lost to another node during the cycle (longer than the lease duration " + parts.leaseDuration()
                        + "); left to the node that holds it, its tasks tried again next cycle"
                : "leased by another node; left to it, its tasks tried again next cycle";
        if (w.tally.defer(why)) {
            log.info("mailbox {} deferred: {}", w.address(), why);
        }
        return false;
    }

    /**
     * Two cycles of one partition run at once only when Quartz takes a live node for dead (or two
     * engines with node ids share a store); their mailbox leases keep them off each other's
     * mailboxes, but they share the partition's CRM cursor and pending set. Their ends (pending set,
     * then cursor) must not interleave, or a change one cycle deferred could be dropped from the
     * pending set by the other while the cursor moves past it: so each takes the partition's lease
     * for its end, waiting a little for the other's. Without a node id, nobody to exclude.
     *
     * @return false when another owner holds it still after the wait: the end is then left out
     */
    private boolean lockPartitionEnd() {
        if (leaseOwner == null) {
            return true;
        }
        long deadline = System.nanoTime() + END_LOCK_WAIT.toNanos();
        while (true) {
            try {
                if (store.tryLease(partitionLeaseKey(), leaseOwner, parts.clock().instant(), parts.leaseDuration())) {
                    return true;
                }
            } catch (RuntimeException e) {
                log.warn("taking the end-of-cycle lease of partition {} failed: {}", partitionLabel(), e.toString());
                return false;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private void unlockPartitionEnd() {
        if (leaseOwner == null) {
            return;
        }
        try {
            store.releaseLeases(leaseOwner, List.of(partitionLeaseKey()));
        } catch (RuntimeException e) {
            log.warn("releasing the end-of-cycle lease of partition {} failed; it expires by itself: {}",
                    partitionLabel(), e.toString());
        }
    }

    /** The partition's lease key: never an e-mail address, so it cannot meet a mailbox's. */
    private String partitionLeaseKey() {
        return "partition:" + (partition.isAll() ? "all" : partition.name());
    }

    private String partitionLabel() {
        return partition.isAll() ? "(all mailboxes)" : partition.name();
    }

    /** True when the cycle must leave the mailbox alone: it failed, or {@link #hold} could not hold it. */
    private boolean leftAlone(MailboxWork w) {
        if (w.tally.failed()) {
            return true;
        }
        try {
            return !hold(w);
        } catch (RuntimeException e) {
            w.fail("taking the mailbox lease failed: " + e);
            return true;
        }
    }

    /** Lets other nodes have this cycle's mailboxes at once instead of after the lease expires. */
    private void releaseLeases() {
        if (leaseOwner == null || leased.isEmpty()) {
            return;
        }
        try {
            store.releaseLeases(leaseOwner, List.copyOf(leased));
        } catch (RuntimeException e) {
            log.warn("releasing {} mailbox leases failed; they expire by themselves: {}", leased.size(), e.toString());
        }
    }

    // ------------------------------------------------------------------ plumbing

    private SyncReport report() {
        List<MailboxReport> reports = new ArrayList<>();
        new TreeMap<>(mailboxes).forEach((address, w) -> reports.add(w.tally.toReport(address)));
        return new SyncReport(start, Duration.between(start, parts.clock().instant()), true, dryRun, reports,
                crmErrors, unassignedSkips, cycleError, planned);
    }

    private void checkFatal() {
        Error e = fatal;
        if (e != null) {
            throw e;
        }
    }

    private void awaitAll(List<Future<?>> futures) {
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for mailbox work", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Error err) {
                    fatal = err;
                } else {
                    throw new IllegalStateException("mailbox work failed unexpectedly", cause);
                }
            }
        }
        checkFatal();
    }

    private void safeListener(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("sync listener threw; ignored", e);
        }
    }

    private static <T> List<List<T>> chunks(List<T> list, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i += size) {
            out.add(list.subList(i, Math.min(list.size(), i + size)));
        }
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

package org.tasksync.adapter.ews.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import microsoft.exchange.webservices.data.core.ExchangeService;
import microsoft.exchange.webservices.data.core.PropertySet;
import microsoft.exchange.webservices.data.core.enumeration.misc.TraceFlags;
import microsoft.exchange.webservices.data.core.enumeration.misc.error.ServiceError;
import microsoft.exchange.webservices.data.core.enumeration.property.WellKnownFolderName;
import microsoft.exchange.webservices.data.core.enumeration.search.LogicalOperator;
import microsoft.exchange.webservices.data.core.enumeration.search.OffsetBasePoint;
import microsoft.exchange.webservices.data.core.enumeration.service.ConflictResolutionMode;
import microsoft.exchange.webservices.data.core.enumeration.service.DeleteMode;
import microsoft.exchange.webservices.data.core.enumeration.service.MessageDisposition;
import microsoft.exchange.webservices.data.core.enumeration.service.ServiceResult;
import microsoft.exchange.webservices.data.core.enumeration.service.SyncFolderItemsScope;
import microsoft.exchange.webservices.data.core.enumeration.service.calendar.AffectedTaskOccurrence;
import microsoft.exchange.webservices.data.core.enumeration.sync.ChangeType;
import microsoft.exchange.webservices.data.core.response.GetItemResponse;
import microsoft.exchange.webservices.data.core.response.ServiceResponse;
import microsoft.exchange.webservices.data.core.response.ServiceResponseCollection;
import microsoft.exchange.webservices.data.core.service.item.Item;
import microsoft.exchange.webservices.data.core.service.item.Task;
import microsoft.exchange.webservices.data.misc.ITraceListener;
import microsoft.exchange.webservices.data.property.complex.FolderId;
import microsoft.exchange.webservices.data.property.complex.ItemId;
import microsoft.exchange.webservices.data.search.FindItemsResults;
import microsoft.exchange.webservices.data.search.ItemView;
import microsoft.exchange.webservices.data.search.filter.SearchFilter;
import microsoft.exchange.webservices.data.sync.ChangeCollection;
import microsoft.exchange.webservices.data.sync.ItemChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.spi.ChangePage;
import org.tasksync.core.spi.ExchangeTaskUpdate;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.KnownVersions;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.UnreadableItem;
import org.tasksync.core.spi.WriteOutcome;

/**
 * One mailbox's Tasks folder through one ews-java-api {@link ExchangeService} that impersonates the
 * mailbox's owner. Reads changes with SyncFolderItems (ids only) and GetItem (values, in batches),
 * writes with CreateItem/UpdateItem/DeleteItem carrying many items each, finds tagged tasks with
 * FindItem on the CRM id property; every request is retried through throttling and transient
 * failures within the configured bound.
 *
 * <p>Not thread-safe, like the {@code ExchangeService} it owns: one thread uses it, then closes it.
 */
public final class EwsMailboxConnection implements MailboxConnection {

    private static final Logger log = LoggerFactory.getLogger(EwsMailboxConnection.class);

    /** What the connection needs of the adapter's configuration. */
    public record Limits(int batchSize, int syncPageSize, long maxWaitMillis, long initialBackoffMillis,
                         int maxRetries) {
    }

    private final ExchangeService service;
    private final Mailbox mailbox;
    private final FolderId tasksFolder;
    private final Limits limits;
    private final Shared shared;
    private long requests;
    private boolean closed;

    /**
     * What the connections of one adapter share: the extended fields to read (the configured ones and
     * every one written through the adapter) and the tasks created since the last read of changes.
     * Thread-safe.
     */
    public static final class Shared {
        private final Set<String> extendedFields = ConcurrentHashMap.newKeySet();
        private final VanishedItems vanished = new VanishedItems();

        public Shared(Collection<String> configuredExtendedFields) {
            extendedFields.addAll(configuredExtendedFields);
        }

        List<String> extendedFields() {
            return List.copyOf(extendedFields);
        }
    }

    /** A connection through {@code service}, which it closes when it is closed. */
    public EwsMailboxConnection(ExchangeService service, Mailbox mailbox, Limits limits, Shared shared)
            throws Exception {
        this.service = service;
        this.mailbox = mailbox;
        this.limits = limits;
        this.shared = shared;
        this.tasksFolder = new FolderId(WellKnownFolderName.Tasks,
                new microsoft.exchange.webservices.data.property.complex.Mailbox(mailbox.address()));
    }

    // ------------------------------------------------------------------ reading

    @Override
    public ChangePage changes(String cursor) throws MailboxException {
        return changes(cursor, KnownVersions.NONE);
    }

    /**
     * SyncFolderItems reports each created or updated item with its current ChangeKey; an item whose
     * key is the one {@code known} holds is unchanged since the engine wrote or read it, so it is left
     * out of the page instead of being read with GetItem (the read-back of the engine's own writes).
     */
    @Override
    public ChangePage changes(String cursor, KnownVersions known) throws MailboxException {
        Objects.requireNonNull(known, "known");
        open();
        ChangeCollection<ItemChange> changes = call("SyncFolderItems", () -> service.syncFolderItems(tasksFolder,
                TaskProperties.idsOnly(), null, limits.syncPageSize(), SyncFolderItemsScope.NormalItems, cursor));
        Map<String, ItemId> toRead = new LinkedHashMap<>();
        Map<String, String> reportedKeys = new HashMap<>();
        Set<String> deleted = new LinkedHashSet<>();
        Set<String> reported = new HashSet<>();
        try {
            for (ItemChange c : changes) {
                ChangeType type = c.getChangeType();
                String id = c.getItemId().getUniqueId();
                reported.add(id);
                if (type == ChangeType.Create || type == ChangeType.Update) {
                    deleted.remove(id);
                    toRead.put(id, new ItemId(id));
                    reportedKeys.put(id, c.getItemId().getChangeKey());
                } else if (type == ChangeType.Delete) {
                    toRead.remove(id);
                    deleted.add(id);
                }
                // ReadFlagChange: tasks have no read flag that matters here
            }
        } catch (Exception e) {
            throw new MailboxException(mailbox.address(), MailboxException.Kind.PROTOCOL,
                    "SyncFolderItems: unreadable change: " + e);
        }
        int unchanged = leaveOutKnown(toRead, reportedKeys, known);
        List<ExchangeTask> changed = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        List<UnreadableItem> unreadable = new ArrayList<>();
        read(new ArrayList<>(toRead.values()), changed, gone, unreadable);
        deleted.addAll(gone); // deleted between SyncFolderItems and GetItem: the next sync says so too
        deleted.addAll(shared.vanished.page(mailbox.address(), cursor, reported, changes.getSyncState(),
                changes.getMoreChangesAvailable()));
        log.debug("mailbox {}: {} changed, {} deleted, {} unreadable, {} at the version the engine holds since {}",
                mailbox.address(), changed.size(), deleted.size(), unreadable.size(), unchanged,
                cursor == null ? "the beginning" : "the last sync state");
        return new ChangePage(changed, new ArrayList<>(deleted), changes.getSyncState(),
                changes.getMoreChangesAvailable(), unreadable);
    }

    /** Drops from {@code toRead} the items reported at the change key {@code known} holds; returns how many. */
    private static int leaveOutKnown(Map<String, ItemId> toRead, Map<String, String> reportedKeys,
                                     KnownVersions known) {
        if (toRead.isEmpty() || known == KnownVersions.NONE) {
            return 0;
        }
        Map<String, String> held = known.of(List.copyOf(toRead.keySet()));
        int before = toRead.size();
        // a missing key on either side proves nothing, so the item is read
        toRead.keySet().removeIf(id -> {
            String key = reportedKeys.get(id);
            return key != null && !key.isEmpty() && key.equals(held.get(id));
        });
        return before - toRead.size();
    }

    @Override
    public List<ExchangeTask> findByCrmIds(Collection<String> crmIds) throws MailboxException {
        open();
        Set<String> wanted = new LinkedHashSet<>(crmIds);
        if (wanted.isEmpty()) {
            return List.of();
        }
        List<ItemId> ids = findIdsByCrmIds(wanted).stream().map(Tagged::id).toList();
        List<ExchangeTask> found = new ArrayList<>();
        // an item found but not read fails the mailbox: passing it over would make the engine create
        // the task again
        read(ids, found, new ArrayList<>(), null);
        found.removeIf(t -> t.crmId() == null || !wanted.contains(t.crmId()));
        return found;
    }

    /** A task found by its CRM id: the id and its item id with the change key. */
    private record Tagged(String crmId, ItemId id) {
    }

    /** The tasks tagged with any of these CRM ids, in the server's order. */
    private List<Tagged> findIdsByCrmIds(Set<String> wanted) throws MailboxException {
        List<Tagged> out = new ArrayList<>();
        // one restriction of at most a batch of ids: Exchange limits how complex a restriction may be
        for (List<String> chunk : chunks(new ArrayList<>(wanted), limits.batchSize())) {
            List<SearchFilter> terms = new ArrayList<>();
            for (String id : chunk) {
                terms.add(new SearchFilter.IsEqualTo(TaskProperties.CRM_ID, id));
            }
            SearchFilter filter = terms.size() == 1 ? terms.get(0)
                    : new SearchFilter.SearchFilterCollection(LogicalOperator.Or, terms.toArray(new SearchFilter[0]));
            int offset = 0;
            while (true) {
                ItemView view = new ItemView(limits.batchSize(), offset, OffsetBasePoint.Beginning);
                view.setPropertySet(TaskProperties.idsWithCrmId());
                FindItemsResults<Item> page = call("FindItem", () -> service.findItems(tasksFolder, filter, view));
                try {
                    for (Item item : page.getItems()) {
                        // Exchange compares strings without regard to case; CRM ids are exact
                        String crmId = TaskItems.crmId(item);
                        if (crmId != null && wanted.contains(crmId)) {
                            out.add(new Tagged(crmId, item.getId()));
                        }
                    }
                } catch (Exception e) {
                    throw new MailboxException(mailbox.address(), MailboxException.Kind.PROTOCOL,
                            "FindItem: unreadable item: " + e);
                }
                if (!page.isMoreAvailable() || page.getNextPageOffset() == null || page.getItems().isEmpty()) {
                    break;
                }
                offset = page.getNextPageOffset();
            }
        }
        return out;
    }

    /**
     * GetItem for these ids in batches; tasks read go to {@code out}, ids no longer there to {@code gone}.
     * An item that cannot be read goes to {@code unreadable}, or fails the mailbox when that is null.
     */
    private void read(List<ItemId> ids, List<ExchangeTask> out, List<String> gone, List<UnreadableItem> unreadable)
            throws MailboxException {
        if (ids.isEmpty()) {
            return;
        }
        List<String> fields = shared.extendedFields();
        PropertySet properties = TaskProperties.full(fields);
        for (List<ItemId> chunk : chunks(ids, limits.batchSize())) {
            Map<ItemId, ExchangeTask> got = new HashMap<>();
            List<Unread> bad = new ArrayList<>();
            try {
                getItems(chunk, properties, fields, got, gone, unreadable == null ? null : bad, null);
            } catch (UnreadableAnswer e) {
                if (unreadable == null) {
                    throw e;
                }
                // ews-java-api fails the whole response for one value it cannot parse: read the items
                // one by one, so that only the bad ones are unreadable
                log.info("mailbox {}: {}; reading its {} item(s) one by one", mailbox.address(), e.description(),
                        chunk.size());
                for (ItemId id : chunk) {
                    if (got.containsKey(id) || gone.contains(id.getUniqueId())
                            || bad.stream().anyMatch(u -> u.id().equals(id))) {
                        continue; // answered before a retry of the busy items failed
                    }
                    StringBuilder xml = new StringBuilder();
                    try {
                        getItems(List.of(id), properties, fields, got, gone, bad, xml);
                    } catch (UnreadableAnswer one) {
                        RawXml.Located at = RawXml.locate(xml, one.thrown());
                        bad.add(new Unread(id, null, false, at == null ? null : at.field(),
                                at == null ? null : at.value(), "GetItem: " + one.description()));
                    }
                }
            }
            if (!bad.isEmpty()) {
                learnCrmIds(bad);
                for (Unread u : bad) {
                    log.debug("mailbox {}: item {} (CRM task {}) cannot be read: field {} = {}: {}", mailbox.address(),
                            u.id().getUniqueId(), u.crmId(), u.field(), u.value(), u.reason());
                    unreadable.add(new UnreadableItem(u.id().getUniqueId(), u.crmId(), u.field(), u.value(),
                            u.reason()));
                }
            }
            for (ItemId id : chunk) {
                ExchangeTask t = got.get(id);
                if (t != null) {
                    out.add(t);
                }
            }
        }
    }

    /**
     * One GetItem (retried through throttling) for {@code ids}: tasks read go to {@code got}, ids no
     * longer there to {@code gone}, items that cannot be read to {@code bad}, or fail the mailbox when
     * {@code bad} is null. With {@code trace} the response's text is caught there (never logged).
     *
     * @throws UnreadableAnswer when the client could not read the answer as a whole
     */
    private void getItems(List<ItemId> ids, PropertySet properties, List<String> fields, Map<ItemId, ExchangeTask> got,
                          List<String> gone, List<Unread> bad, StringBuilder trace) throws MailboxException {
        batch("GetItem", ids, pending -> trace == null ? service.bindToItems(pending, properties)
                        : withResponseTrace(trace, () -> service.bindToItems(pending, properties)),
                (id, r) -> {
                    if (r.getResult() != ServiceResult.Error) {
                        ExchangeTask t;
                        try {
                            t = TaskItems.read(((GetItemResponse) r).getItem(), fields);
                        } catch (TaskItems.UnreadableValue e) {
                            String raw = rawValue(id, e.field());
                            if (bad != null) {
                                bad.add(new Unread(id, e.crmId(), true, e.field(), raw, e.getMessage()));
                                return;
                            }
                            throw new MailboxException(mailbox.address(), MailboxException.Kind.PROTOCOL,
                                    "GetItem: cannot read item " + id.getUniqueId() + " (the task of CRM task "
                                    + e.crmId() + "): field " + e.field() + " = "
                                    + (raw == null ? "(missing)" : "'" + raw + "'") + ": " + e.getMessage());
                        } catch (Exception e) {
                            if (bad != null) {
                                bad.add(new Unread(id, null, false, null, null, "the client cannot read the item: " + e));
                                return;
                            }
                            throw new MailboxException(mailbox.address(), MailboxException.Kind.PROTOCOL,
                                    "GetItem: cannot read item " + id.getUniqueId() + ": " + e);
                        }
                        if (t != null) {
                            got.put(id, t);
                        }
                    } else if (r.getErrorCode() == ServiceError.ErrorItemNotFound) {
                        gone.add(id.getUniqueId());
                    } else if (bad != null) {
                        // not passed over: the engine holds the cursor, so the change is read again
                        bad.add(new Unread(id, null, false, null, null, "GetItem answered " + describe(r)));
                    } else {
                        throw new MailboxException(mailbox.address(), MailboxException.Kind.PROTOCOL,
                                "GetItem of item " + id.getUniqueId() + " failed: " + describe(r));
                    }
                }, null);
    }

    /** An item that could not be read; its CRM id is looked up afterwards when it is not known. */
    private record Unread(ItemId id, String crmId, boolean crmIdKnown, String field, String value, String reason) {
        Unread withCrmId(String crmId) {
            return new Unread(id, crmId, true, field, value, reason);
        }
    }

    /**
     * The CRM ids of unreadable items not read with them, with one cheap GetItem (ids and the CRM id
     * only, tried once), so that the engine can tell its own tasks; those it cannot learn stay null.
     */
    private void learnCrmIds(List<Unread> bad) {
        List<ItemId> ask = new ArrayList<>();
        for (Unread u : bad) {
            if (!u.crmIdKnown()) {
                ask.add(u.id());
            }
        }
        if (ask.isEmpty()) {
            return;
        }
        Map<ItemId, String> crmIds = new HashMap<>();
        try {
            requests++;
            ServiceResponseCollection<GetItemResponse> responses = CoalescedText.read(() -> service.bindToItems(ask,
                    TaskProperties.idsWithCrmId()));
            for (int i = 0; i < ask.size() && i < responses.getCount(); i++) {
                GetItemResponse r = responses.getResponseAtIndex(i);
                if (r.getResult() != ServiceResult.Error) {
                    crmIds.put(ask.get(i), TaskItems.crmId(r.getItem()));
                }
            }
        } catch (Exception e) {
            log.debug("mailbox {}: reading the CRM ids of {} unreadable item(s) failed: {}", mailbox.address(),
                    ask.size(), e.toString());
        }
        bad.replaceAll(u -> u.crmIdKnown() || !crmIds.containsKey(u.id()) ? u : u.withCrmId(crmIds.get(u.id())));
    }

    /**
     * The text Exchange sent for {@code element} of one item, or null when it sent none: ews-java-api
     * drops values it does not know before the adapter sees them, so the item is read once more with
     * the client's response trace caught here (never logged). Only on the error path.
     */
    private String rawValue(ItemId id, String element) {
        StringBuilder xml = new StringBuilder();
        try {
            requests++;
            withResponseTrace(xml, () -> service.bindToItems(List.of(id), TaskProperties.full(shared.extendedFields())));
        } catch (Exception e) {
            log.debug("mailbox {}: reading item {} again for its raw {} failed: {}", mailbox.address(),
                    id.getUniqueId(), element, e.toString());
        }
        return RawXml.valueOf(xml, element);
    }

    /**
     * Sends {@code request} with the client's response trace caught in {@code xml} (emptied first),
     * then puts the service's tracing back as it was (off). The trace is never logged.
     */
    private <T> T withResponseTrace(StringBuilder xml, Request<T> request) throws Exception {
        xml.setLength(0);
        ITraceListener listener = service.getTraceListener();
        EnumSet<TraceFlags> flags = service.getTraceFlags();
        try {
            service.setTraceListener((type, message) -> xml.append(message));
            service.setTraceFlags(EnumSet.of(TraceFlags.EwsResponse));
            service.setTraceEnabled(true);
            return request.send();
        } finally {
            service.setTraceEnabled(false);
            service.setTraceFlags(flags);
            service.setTraceListener(listener);
        }
    }

    // ------------------------------------------------------------------ writing

    /** One task of a create batch, by its position in the caller's list, with its {@code t:Task} element. */
    private record NewItem(int index, String crmId, String xml) {
    }

    /**
     * Creates the tasks with CreateItem requests whose SOAP text the adapter writes and whose answers it
     * reads itself ({@link CreateItemXml}, {@link CreateTasksRequest}): the same text ews-java-api writes
     * for the items {@link TaskItems#newTask} builds, sent through the service's transport, without
     * ews-java-api's per-item cost of property bags and of reading each answer into the item it sent
     * (docs/ews-adapter.md, "How CreateItem is written"). Each task's element is written once, and sent
     * again as it is when its batch is retried.
     */
    @Override
    public List<WriteOutcome> create(List<NewExchangeTask> tasks) throws MailboxException {
        open();
        WriteOutcome[] out = new WriteOutcome[tasks.size()];
        List<NewItem> items = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            NewExchangeTask t = tasks.get(i);
            try {
                items.add(new NewItem(i, t.crmId(), CreateItemXml.task(t.crmId(), t.values())));
                shared.extendedFields.addAll(t.values().extended().keySet());
            } catch (Exception e) {
                out[i] = WriteOutcome.failed(null, "cannot build the task of CRM task " + t.crmId() + ": " + e);
            }
        }
        for (List<NewItem> chunk : chunks(items, limits.batchSize())) {
            batch("CreateItem", chunk,
                    pending -> new CreateTasksRequest(service, mailbox.address(),
                            pending.stream().map(NewItem::xml).toList()).send(),
                    (n, r) -> {
                        if (r.getResult() == ServiceResult.Error) {
                            out[n.index()] = WriteOutcome.failed(null, describe(r));
                        } else {
                            CreateTasksRequest.Created c = (CreateTasksRequest.Created) r;
                            if (c.itemId() == null) {
                                throw new MailboxException(mailbox.address(), MailboxException.Kind.PROTOCOL,
                                        "CreateItem: Exchange answered " + r.getResult() + " for the task of CRM task "
                                        + n.crmId() + " without the new item's id");
                            }
                            out[n.index()] = WriteOutcome.ok(c.itemId(), c.changeKey());
                        }
                    },
                    alreadyCreated(out));
        }
        List<String> createdIds = new ArrayList<>();
        for (WriteOutcome o : out) {
            if (o != null && o.succeeded()) {
                createdIds.add(o.itemId());
            }
        }
        shared.vanished.created(mailbox.address(), createdIds);
        log.debug("mailbox {}: created {} of {} tasks", mailbox.address(), createdIds.size(), tasks.size());
        return outcomes(out);
    }

    /**
     * After a create whose answer was lost (the connection dropped, the request timed out), the
     * server may have created some items: those found by their CRM id count as created, and only the
     * rest are sent again, so that a retry never makes a second copy.
     */
    private Reconciler<NewItem> alreadyCreated(WriteOutcome[] out) {
        return pending -> {
            Set<String> crmIds = new LinkedHashSet<>();
            pending.forEach(n -> crmIds.add(n.crmId()));
            Map<String, ItemId> byCrmId = new HashMap<>();
            for (Tagged t : findIdsByCrmIds(crmIds)) {
                byCrmId.putIfAbsent(t.crmId(), t.id());
            }
            List<NewItem> rest = new ArrayList<>();
            for (NewItem n : pending) {
                ItemId id = byCrmId.get(n.crmId());
                if (id != null) {
                    log.info("mailbox {}: the lost CreateItem answer had created the task of CRM task {}; not sent again",
                            mailbox.address(), n.crmId());
                    out[n.index()] = WriteOutcome.ok(id.getUniqueId(), id.getChangeKey());
                } else {
                    rest.add(n);
                }
            }
            return rest;
        };
    }

    /** One update of a batch, by its position in the caller's list; heldKey is the engine's version, or null. */
    private record Change(int index, String itemId, String heldKey, Task task) {
    }

    /** What ErrorIrresolvableConflict means for the engine, in the failed outcome's message. */
    static final String CONFLICT = "conflict with a change made in Outlook since the connector last read the item"
            + " (the update was not written; the change is read and decided again next cycle)";

    /**
     * Writes each update with the change key the engine holds and ConflictResolution NeverOverwrite, so
     * that Exchange refuses it when anybody changed the item since the engine's last read or write
     * (UpdateItem, ConflictResolution attribute): a rep's change is then read by the next cycle instead
     * of being silently undone, and the change key a successful write returns covers only what the
     * engine wrote on the version it had read, which the read-back skip relies on (see docs/ews-adapter.md,
     * "Writing updates"). An update without a held key is written as before, AlwaysOverwrite.
     */
    @Override
    public List<WriteOutcome> update(List<ExchangeTaskUpdate> updates) throws MailboxException {
        open();
        WriteOutcome[] out = new WriteOutcome[updates.size()];
        List<Change> guarded = new ArrayList<>();
        List<Change> unguarded = new ArrayList<>();
        for (int i = 0; i < updates.size(); i++) {
            ExchangeTaskUpdate u = updates.get(i);
            String held = u.item().changeKey() == null || u.item().changeKey().isEmpty() ? null : u.item().changeKey();
            try {
                Task task = TaskItems.updateOf(service, u.item().itemId(), u.values(), u.fields());
                if (held != null) {
                    itemId(task).setChangeKey(held);
                }
                (held != null ? guarded : unguarded).add(new Change(i, u.item().itemId(), held, task));
                u.fields().stream().filter(f -> f.isExtended()).forEach(f -> shared.extendedFields.add(f.name()));
            } catch (Exception e) {
                out[i] = WriteOutcome.failed(u.item().itemId(), "cannot build the update of fields " + u.fields()
                        + ": " + e);
            }
        }
        Set<Integer> resent = new HashSet<>();
        Map<Change, ExchangeTaskUpdate> conflicts = new LinkedHashMap<>();
        sendUpdates(guarded, ConflictResolutionMode.NeverOverwrite, out, resent,
                c -> conflicts.put(c, updates.get(c.index())));
        sendUpdates(unguarded, ConflictResolutionMode.AlwaysOverwrite, out, resent, c -> { });
        if (!conflicts.isEmpty()) {
            ownWritesAfterLostAnswers(conflicts, out);
        }
        log.debug("mailbox {}: updated {} of {} tasks", mailbox.address(), count(out), updates.size());
        return outcomes(out);
    }

    private void sendUpdates(List<Change> changes, ConflictResolutionMode mode, WriteOutcome[] out, Set<Integer> resent,
                             Consumer<Change> resentConflict) throws MailboxException {
        for (List<Change> chunk : chunks(changes, limits.batchSize())) {
            batch("UpdateItem", chunk,
                    pending -> service.updateItems(pending.stream().map(c -> (Item) c.task()).toList(), null,
                            mode, MessageDisposition.SaveOnly, null),
                    (c, r) -> {
                        if (r.getResult() != ServiceResult.Error) {
                            out[c.index()] = WriteOutcome.ok(c.itemId(), itemId(c.task()).getChangeKey());
                        } else if (r.getErrorCode() == ServiceError.ErrorItemNotFound) {
                            out[c.index()] = WriteOutcome.gone(c.itemId(), describe(r));
                        } else if (r.getErrorCode() == ServiceError.ErrorIrresolvableConflict) {
                            out[c.index()] = WriteOutcome.failed(c.itemId(), CONFLICT + ": " + describe(r));
                            if (resent.contains(c.index())) {
                                resentConflict.accept(c);
                            }
                        } else {
                            out[c.index()] = WriteOutcome.failed(c.itemId(), describe(r));
                        }
                    },
                    // An update sent twice writes the same values twice; but the first may have been
                    // written, and then the second meets the change key of the engine's own write.
                    pending -> {
                        pending.forEach(c -> resent.add(c.index()));
                        return pending;
                    });
        }
    }

    /**
     * A guarded update sent again after a lost answer may be refused because the lost one was written:
     * the item is read, and when every field the update names holds the value it wrote, the update counts
     * as written. Its outcome then carries no change key, so the engine keeps the key it held and the
     * next change read reads the item and compares it with what was written: a change the rep made after
     * the lost write is still seen. Otherwise the conflict stands.
     */
    private void ownWritesAfterLostAnswers(Map<Change, ExchangeTaskUpdate> conflicts, WriteOutcome[] out)
            throws MailboxException {
        List<ExchangeTask> found = new ArrayList<>();
        read(conflicts.keySet().stream().map(c -> idOf(c.itemId())).toList(), found, new ArrayList<>(),
                new ArrayList<>());
        Map<String, ExchangeTask> byId = new HashMap<>();
        found.forEach(t -> byId.put(t.itemId(), t));
        conflicts.forEach((c, u) -> {
            ExchangeTask now = byId.get(c.itemId());
            if (now != null && u.fields().stream().allMatch(f -> Objects.equals(now.values().get(f), u.values().get(f)))) {
                log.info("mailbox {}: the lost UpdateItem answer had written item {}; its retry's conflict is its own",
                        mailbox.address(), c.itemId());
                out[c.index()] = WriteOutcome.ok(c.itemId(), null);
            }
        });
    }

    /**
     * Removes the CRM id tag with AlwaysOverwrite: the tag is the connector's own property, which no rep
     * edits, so overwriting cannot undo a rep's change, and a release must not fail because the rep
     * edited the series meanwhile (the engine lets go of the item and keeps no change key of it).
     */
    @Override
    public List<WriteOutcome> removeTag(List<ItemRef> items) throws MailboxException {
        open();
        WriteOutcome[] out = new WriteOutcome[items.size()];
        List<Change> all = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String id = items.get(i).itemId();
            try {
                all.add(new Change(i, id, null, TaskItems.untagOf(service, id)));
            } catch (Exception e) {
                out[i] = WriteOutcome.failed(id, "cannot build the removal of the CRM tag: " + e);
            }
        }
        for (List<Change> chunk : chunks(all, limits.batchSize())) {
            batch("UpdateItem", chunk,
                    pending -> service.updateItems(pending.stream().map(c -> (Item) c.task()).toList(), null,
                            ConflictResolutionMode.AlwaysOverwrite, MessageDisposition.SaveOnly, null),
                    (c, r) -> out[c.index()] = r.getResult() != ServiceResult.Error
                            || r.getErrorCode() == ServiceError.ErrorItemNotFound
                            ? WriteOutcome.ok(c.itemId(), null) // gone: nothing tagged is left
                            : WriteOutcome.failed(c.itemId(), describe(r)),
                    null); // removing twice is harmless
        }
        return outcomes(out);
    }

    private record Deletion(int index, ItemId id) {
    }

    @Override
    public List<WriteOutcome> delete(List<ItemRef> items) throws MailboxException {
        open();
        WriteOutcome[] out = new WriteOutcome[items.size()];
        List<Deletion> all = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            all.add(new Deletion(i, idOf(items.get(i).itemId())));
        }
        for (List<Deletion> chunk : chunks(all, limits.batchSize())) {
            batch("DeleteItem", chunk,
                    pending -> service.deleteItems(pending.stream().map(Deletion::id).toList(),
                            DeleteMode.MoveToDeletedItems, null, AffectedTaskOccurrence.AllOccurrences),
                    (d, r) -> {
                        String id = d.id().getUniqueId();
                        if (r.getResult() != ServiceResult.Error || r.getErrorCode() == ServiceError.ErrorItemNotFound) {
                            out[d.index()] = WriteOutcome.ok(id, null); // already gone counts as deleted
                        } else {
                            out[d.index()] = WriteOutcome.failed(id, describe(r));
                        }
                    },
                    null); // deleting twice is harmless: the second finds the item gone
        }
        log.debug("mailbox {}: deleted {} of {} tasks", mailbox.address(), count(out), items.size());
        return outcomes(out);
    }

    @Override
    public int maxBatchSize() {
        return limits.batchSize();
    }

    @Override
    public long requestsSent() {
        return requests;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            service.close();
        }
    }

    @Override
    public String toString() {
        return "EwsMailboxConnection{mailbox=" + mailbox.address() + ", requests=" + requests
                + (closed ? ", closed" : "") + "}";
    }

    // ------------------------------------------------------------------ requests and retries

    /** A request with a single answer (SyncFolderItems, FindItem). */
    private interface Request<T> {
        T send() throws Exception;
    }

    /** Sends a batch request for the items still pending. */
    private interface BatchRequest<T, R extends ServiceResponse> {
        ServiceResponseCollection<R> send(List<T> pending) throws Exception;
    }

    /** Takes the answer for one item (any answer but ErrorServerBusy, which is retried). */
    private interface ItemAnswer<T> {
        void accept(T item, ServiceResponse response) throws MailboxException;
    }

    /** After a request whose answer was lost: which items still need to be sent. */
    private interface Reconciler<T> {
        List<T> stillPending(List<T> pending) throws MailboxException;
    }

    private <T> T call(String operation, Request<T> request) throws MailboxException {
        RetryBudget budget = budget(operation);
        while (true) {
            requests++;
            try {
                // read with a coalescing reader: ews-java-api's own drops blanks from texts (CoalescedText)
                return CoalescedText.read(request::send);
            } catch (Exception e) {
                budget.pause(EwsFailure.of(e));
            }
        }
    }

    /**
     * Sends the items in one request and takes each answer; items answered ErrorServerBusy are sent
     * again after the server's back-off, the whole request again after a throttled, dropped or timed
     * out request, within one budget.
     */
    private <T, R extends ServiceResponse> void batch(String operation, List<T> items, BatchRequest<T, R> request,
                                                      ItemAnswer<T> answer, Reconciler<T> afterLostAnswer)
            throws MailboxException {
        RetryBudget budget = budget(operation);
        List<T> pending = items;
        while (!pending.isEmpty()) {
            ServiceResponseCollection<R> responses;
            requests++;
            try {
                List<T> sending = pending;
                responses = CoalescedText.read(() -> request.send(sending));
            } catch (Exception e) {
                EwsFailure failure = EwsFailure.of(e);
                if (failure.kind() == EwsFailure.Kind.UNREADABLE_ANSWER) {
                    throw new UnreadableAnswer(mailbox.address(), operation + ": " + failure.description(),
                            failure.description(), e);
                }
                budget.pause(failure);
                if (failure.ambiguous() && afterLostAnswer != null) {
                    pending = afterLostAnswer.stillPending(pending);
                }
                continue;
            }
            if (responses.getCount() != pending.size()) {
                throw new MailboxException(mailbox.address(), MailboxException.Kind.PROTOCOL, operation + ": "
                        + responses.getCount() + " answers for " + pending.size() + " items");
            }
            List<T> busy = new ArrayList<>();
            EwsFailure busyFailure = null;
            for (int i = 0; i < pending.size(); i++) {
                R r = responses.getResponseAtIndex(i);
                EwsFailure f = EwsFailure.ofResponse(r);
                if (f != null && f.kind() == EwsFailure.Kind.BUSY) {
                    busy.add(pending.get(i));
                    busyFailure = f;
                } else if (f != null && EwsFailure.concernsMailbox(r.getErrorCode())) {
                    throw f.toMailboxException(mailbox.address(), operation, null);
                } else {
                    answer.accept(pending.get(i), r);
                }
            }
            if (busyFailure != null) {
                budget.pause(busyFailure);
            }
            pending = busy;
        }
    }

    /**
     * The client received an answer to a batch request but could not read it as a whole (see
     * {@link EwsFailure.Kind#UNREADABLE_ANSWER}); as a {@link MailboxException} it fails the mailbox
     * unless the caller isolates the items.
     */
    private static final class UnreadableAnswer extends MailboxException {
        private static final long serialVersionUID = 1L;
        private final transient String description;
        private final transient Exception thrown;

        UnreadableAnswer(String mailbox, String message, String description, Exception thrown) {
            super(mailbox, Kind.PROTOCOL, message);
            this.description = description;
            this.thrown = thrown;
        }

        String description() {
            return description;
        }

        Exception thrown() {
            return thrown;
        }
    }

    private RetryBudget budget(String operation) {
        return new RetryBudget(mailbox.address(), operation, limits.maxWaitMillis(), limits.initialBackoffMillis(),
                limits.maxRetries());
    }

    // ------------------------------------------------------------------ helpers

    private void open() {
        if (closed) {
            throw new IllegalStateException("the connection to mailbox " + mailbox.address() + " is closed");
        }
    }

    private static ItemId idOf(String itemId) {
        try {
            return new ItemId(itemId);
        } catch (Exception e) {
            throw new IllegalArgumentException("not an item id: '" + itemId + "'", e);
        }
    }

    private static ItemId itemId(Task task) {
        try {
            return task.getId();
        } catch (Exception e) {
            throw new IllegalStateException("ews-java-api gave no id for a written task", e);
        }
    }

    private static String describe(ServiceResponse r) {
        String message = r.getErrorMessage();
        return r.getErrorCode() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    private static List<WriteOutcome> outcomes(WriteOutcome[] out) {
        List<WriteOutcome> list = new ArrayList<>(out.length);
        for (WriteOutcome o : out) {
            list.add(o != null ? o : WriteOutcome.failed(null, "no answer from Exchange"));
        }
        return list;
    }

    private static int count(WriteOutcome[] out) {
        int n = 0;
        for (WriteOutcome o : out) {
            if (o != null && o.succeeded()) {
                n++;
            }
        }
        return n;
    }

    private static <T> List<List<T>> chunks(List<T> list, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i += size) {
            out.add(list.subList(i, Math.min(list.size(), i + size)));
        }
        return out;
    }
}

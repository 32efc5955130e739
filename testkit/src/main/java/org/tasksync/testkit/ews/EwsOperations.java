package org.tasksync.testkit.ews;

import static org.tasksync.testkit.ews.Xml.M;
import static org.tasksync.testkit.ews.Xml.T;
import static org.tasksync.testkit.ews.Xml.add;
import static org.tasksync.testkit.ews.Xml.attr;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.w3c.dom.Element;

/**
 * The EWS operations the simulator serves, each turning a validated request element into an
 * answer. Errors that concern one item or folder become error response messages; errors that
 * concern the whole request are thrown as SOAP faults ({@link EwsError#soapFault}).
 */
final class EwsOperations {

    /**
     * A parsed request: its SOAP header, the operation element, who it acts as, and the zone its
     * task dates are scoped to (the {@code TimeZoneContext} header's, else UTC).
     */
    record SoapCall(Element header, Element operation, String impersonated, String version, ZoneId zone) {
        String name() {
            return operation.getLocalName();
        }

        /** This call with the zone of its {@code TimeZoneContext} header, if it has one. */
        SoapCall scoped() throws EwsError {
            Element context = header == null ? null : Xml.child(header, Xml.T, "TimeZoneContext").orElse(null);
            return context == null ? this
                    : new SoapCall(header, operation, impersonated, version, WindowsZones.zoneOf(context));
        }
    }

    interface Mailboxes {
        /** The mailbox of an address; impersonation says whether it comes from the SOAP header. */
        TaskMailbox resolve(String address, boolean impersonation) throws EwsError;

        /** Every mailbox, for item ids in requests without impersonation. */
        List<TaskMailbox> all();
    }

    private final Mailboxes mailboxes;

    EwsOperations(Mailboxes mailboxes) {
        this.mailboxes = mailboxes;
    }

    static boolean supports(String operation) {
        return switch (operation) {
            case "CreateItem", "GetItem", "UpdateItem", "DeleteItem", "FindItem", "SyncFolderItems", "GetFolder",
                    "Subscribe", "GetStreamingEvents", "Unsubscribe" -> true;
            default -> false;
        };
    }

    SoapResponse handle(SoapCall call) throws EwsError {
        if (call.impersonated() != null) {
            mailboxes.resolve(call.impersonated(), true); // unknown or denied: a SOAP fault, as Exchange does
        }
        SoapResponse r = new SoapResponse(call.name(), call.version());
        switch (call.name()) {
            case "CreateItem" -> createItem(call, r);
            case "GetItem" -> getItem(call, r);
            case "UpdateItem" -> updateItem(call, r);
            case "DeleteItem" -> deleteItem(call, r);
            case "FindItem" -> findItem(call, r);
            case "SyncFolderItems" -> syncFolderItems(call, r);
            case "GetFolder" -> getFolder(call, r);
            default -> throw EwsError.fault("ErrorInvalidRequest",
                    "The EWS simulator does not implement the operation " + call.name() + ".");
        }
        return r;
    }

    /** How many response messages a request expects: one per item, id or folder it names. */
    static int expectedMessages(Element operation) {
        String listName = switch (operation.getLocalName()) {
            case "CreateItem" -> "Items";
            case "GetItem", "DeleteItem" -> "ItemIds";
            case "UpdateItem" -> "ItemChanges";
            case "FindItem" -> "ParentFolderIds";
            case "GetFolder" -> "FolderIds";
            default -> null;
        };
        if (listName == null) {
            return 1;
        }
        return Xml.child(operation, M, listName).map(l -> Xml.children(l).size()).orElse(1);
    }

    // ------------------------------------------------------------------ mailboxes and folders

    private TaskMailbox acting(SoapCall call) throws EwsError {
        if (call.impersonated() == null) {
            throw new EwsError("ErrorMissingEmailAddress", "The simulator needs an ExchangeImpersonation header or "
                    + "a Mailbox in the folder id to know which mailbox to use.");
        }
        return mailboxes.resolve(call.impersonated(), true);
    }

    /** The mailbox of a DistinguishedFolderId (its Mailbox, else the impersonated one) or FolderId. */
    TaskMailbox folder(SoapCall call, Element folderId) throws EwsError {
        if (Xml.is(folderId, T, "DistinguishedFolderId")) {
            String id = folderId.getAttribute("Id");
            if (!id.equals("tasks")) {
                throw new EwsError("ErrorFolderNotFound",
                        "The EWS simulator has only the Tasks folder, not '" + id + "'.");
            }
            Element mailbox = Xml.child(folderId, T, "Mailbox").orElse(null);
            if (mailbox != null) {
                String address = Xml.childText(mailbox, T, "EmailAddress").orElse("").trim();
                if (!address.isEmpty()) {
                    return mailboxes.resolve(address, false);
                }
            }
            return acting(call);
        }
        if (Xml.is(folderId, T, "FolderId")) {
            String id = folderId.getAttribute("Id");
            for (TaskMailbox mb : mailboxes.all()) {
                if (mb.folderId.equals(id)) {
                    return mb;
                }
            }
            throw new EwsError("ErrorFolderNotFound", "The specified folder could not be found in the store.");
        }
        throw new EwsError("ErrorFolderNotFound", "Unsupported folder id " + folderId.getLocalName());
    }

    /** Finds an item: in the impersonated mailbox, or in any mailbox when the request impersonates nobody. */
    private Found item(SoapCall call, Element itemId) throws EwsError {
        if (!Xml.is(itemId, T, "ItemId")) {
            throw new EwsError("ErrorInvalidRequest",
                    "The EWS simulator supports only t:ItemId, not " + itemId.getLocalName() + ".");
        }
        String id = itemId.getAttribute("Id");
        List<TaskMailbox> where = call.impersonated() != null ? List.of(acting(call)) : mailboxes.all();
        for (TaskMailbox mb : where) {
            StoredTask t = mb.get(id);
            if (t != null) {
                return new Found(mb, id, attr(itemId, "ChangeKey"));
            }
        }
        throw EwsError.itemNotFound(id);
    }

    private record Found(TaskMailbox mailbox, String id, String changeKey) {
        /** The item, re-read under the mailbox's lock; it may have gone since it was found. */
        StoredTask task() throws EwsError {
            StoredTask t = mailbox.get(id);
            if (t == null) {
                throw EwsError.itemNotFound(id);
            }
            return t;
        }
    }

    // ------------------------------------------------------------------ CreateItem

    private void createItem(SoapCall call, SoapResponse r) throws EwsError {
        Element op = call.operation();
        List<Element> items = Xml.children(Xml.child(op, M, "Items").orElseThrow());
        TaskMailbox target = null;
        EwsError targetError = null;
        try {
            Element saved = Xml.child(op, M, "SavedItemFolderId").orElse(null);
            target = saved == null ? acting(call) : folder(call, Xml.firstChild(saved).orElseThrow());
        } catch (EwsError e) {
            if (e.soapFault) {
                throw e;
            }
            targetError = e;
        }
        for (Element item : items) {
            try {
                if (targetError != null) {
                    throw targetError;
                }
                if (!Xml.is(item, T, "Task")) {
                    throw new EwsError("ErrorInvalidRequest", "The EWS simulator stores only tasks (t:Task), not "
                            + item.getLocalName() + ".");
                }
                TaskChange change = TaskXml.parseTask(item, call.zone());
                synchronized (target) {
                    target.checkStatusPercent(null, change);
                    StoredTask t = target.create(change, call.zone());
                    Element msg = r.success();
                    Element task = add(add(msg, M, "Items"), T, "Task");
                    TaskXml.writeItemId(task, t);
                }
            } catch (EwsError e) {
                if (e.soapFault) {
                    throw e;
                }
                r.error(e);
            }
        }
    }

    // ------------------------------------------------------------------ GetItem

    private void getItem(SoapCall call, SoapResponse r) throws EwsError {
        Element op = call.operation();
        TaskXml.ItemShape shape = TaskXml.parseShape(Xml.child(op, M, "ItemShape").orElseThrow());
        for (Element itemId : Xml.children(Xml.child(op, M, "ItemIds").orElseThrow())) {
            try {
                Found f = item(call, itemId);
                synchronized (f.mailbox()) {
                    StoredTask t = f.task();
                    Element msg = r.success();
                    TaskXml.writeTask(add(msg, M, "Items"), t, f.mailbox(), shape, call.zone());
                }
            } catch (EwsError e) {
                if (e.soapFault) {
                    throw e;
                }
                r.error(e);
            }
        }
    }

    // ------------------------------------------------------------------ UpdateItem

    private void updateItem(SoapCall call, SoapResponse r) throws EwsError {
        Element op = call.operation();
        String resolution = op.getAttribute("ConflictResolution");
        for (Element itemChange : Xml.children(Xml.child(op, M, "ItemChanges").orElseThrow(), T, "ItemChange")) {
            try {
                Element itemId = Xml.firstChild(itemChange).orElseThrow();
                Found f = item(call, itemId);
                synchronized (f.mailbox()) {
                    StoredTask t = f.task();
                    TaskChange change = new TaskChange();
                    for (Element update : Xml.children(Xml.child(itemChange, T, "Updates").orElseThrow())) {
                        readUpdate(update, t, change, call.zone());
                    }
                    checkConflict(resolution, f.changeKey(), t, change);
                    f.mailbox().checkStatusPercent(t, change);
                    f.mailbox().apply(t, change, call.zone());
                    Element msg = r.success();
                    TaskXml.writeItemId(add(add(msg, M, "Items"), T, "Task"), t);
                    add(add(msg, M, "ConflictResults"), T, "Count", "0");
                }
            } catch (EwsError e) {
                if (e.soapFault) {
                    throw e;
                }
                r.error(e);
            }
        }
    }

    /**
     * Exchange's conflict rules: AlwaysOverwrite writes whatever the change key; NeverOverwrite
     * refuses a stale change key; AutoResolve refuses it only when a field being written was
     * written by somebody else since that change key.
     */
    private static void checkConflict(String resolution, String changeKey, StoredTask t, TaskChange change)
            throws EwsError {
        if (changeKey == null || changeKey.equals(t.changeKey) || resolution.equals("AlwaysOverwrite")) {
            return;
        }
        Long seen = t.changeKeyVersions.get(changeKey);
        if (seen == null) {
            throw new EwsError("ErrorInvalidChangeKey", "The change key '" + changeKey + "' is invalid.");
        }
        if (resolution.equals("NeverOverwrite")) {
            throw new EwsError("ErrorIrresolvableConflict",
                    "The send or update operation could not be performed because the change key passed in the "
                            + "request does not match the current change key for the item.");
        }
        for (var e : t.fieldVersions.entrySet()) {
            if (e.getValue() > seen && change.touches(e.getKey())) {
                throw new EwsError("ErrorIrresolvableConflict", "The property " + e.getKey()
                        + " was changed since the change key given; AutoResolve cannot merge the update.");
            }
        }
    }

    private static void readUpdate(Element update, StoredTask t, TaskChange change, ZoneId zone)
            throws EwsError {
        Element pathElement = null;
        Element itemElement = null;
        for (Element c : Xml.children(update)) {
            if (TaskXml.isPath(c)) {
                pathElement = c;
            } else {
                itemElement = c;
            }
        }
        if (pathElement == null) {
            throw new EwsError("ErrorInvalidRequest", update.getLocalName() + " without a property path");
        }
        TaskXml.PropertyPath path = TaskXml.parsePath(pathElement);
        String kind = update.getLocalName();
        if (path instanceof TaskXml.UnsupportedPath u) {
            if (kind.equals("DeleteItemField") && Xml.is(pathElement, T, "FieldURI")
                    && (u.description().startsWith("item:") || u.description().startsWith("task:"))) {
                // Every item has the properties of t:ItemType; clearing one the task does not carry
                // (item:InReplyTo) leaves it without it, and Exchange answers success.
                return;
            }
            throw new EwsError("ErrorInvalidPropertySet", "A task has no property " + u.description() + ".");
        }
        TaskField datePath = path instanceof TaskXml.ExtendedPath ep
                ? TaskXml.DATE_PROPERTIES.get(ep.key()) : null;
        if (datePath != null && !((TaskXml.ExtendedPath) path).type().equals("SystemTime")) {
            datePath = null; // another MAPI type is another property
        }
        if (kind.equals("DeleteItemField")) {
            if (datePath != null) {
                change.set(datePath, null);
            } else if (path instanceof TaskXml.FieldPath fp) {
                if (!fp.field().writable()) {
                    throw new EwsError("ErrorInvalidPropertyDelete", "The property " + fp.field().uri
                            + " cannot be deleted.");
                }
                change.set(fp.field(), null);
            } else {
                change.setExtended(((TaskXml.ExtendedPath) path).key(), null);
            }
            return;
        }
        if (itemElement == null || !(Xml.is(itemElement, T, "Task") || Xml.is(itemElement, T, "Item"))) {
            throw new EwsError("ErrorObjectTypeChanged", kind + " on a task needs a t:Task or t:Item element.");
        }
        List<Element> props = Xml.children(itemElement);
        if (props.size() != 1) {
            throw new EwsError("ErrorIncorrectUpdatePropertyCount",
                    kind + " must carry exactly one property, not " + props.size() + ".");
        }
        Element prop = props.get(0);
        TaskChange single = new TaskChange();
        TaskXml.readProperty(prop, single, zone);
        boolean matches = path instanceof TaskXml.FieldPath fp
                ? single.fields.containsKey(fp.field())
                : datePath != null ? single.fields.containsKey(datePath)
                : single.extended.containsKey(((TaskXml.ExtendedPath) path).key());
        if (!matches) {
            throw new EwsError("ErrorUpdatePropertyMismatch",
                    "The property in the item does not match the path " + pathElement.getAttributes() + ".");
        }
        if (kind.equals("SetItemField")) {
            change.fields.putAll(single.fields);
            change.extended.putAll(single.extended);
        } else if (kind.equals("AppendToItemField")) {
            if (datePath != null) {
                throw new EwsError("ErrorInvalidPropertyAppend", "Cannot append to the date " + datePath.uri + ".");
            }
            append(path, single, t, change);
        } else {
            throw new EwsError("ErrorInvalidRequest", "Unknown update " + kind);
        }
    }

    private static void append(TaskXml.PropertyPath path, TaskChange single, StoredTask t, TaskChange change)
            throws EwsError {
        if (path instanceof TaskXml.FieldPath fp) {
            TaskField f = fp.field();
            Object current = change.fields.containsKey(f) ? change.fields.get(f) : t.fields.get(f);
            Object added = single.fields.get(f);
            Object result;
            if (current == null) {
                result = added;
            } else if (f.kind == TaskField.Kind.BODY) {
                StoredTask.Body b = (StoredTask.Body) current;
                result = new StoredTask.Body(b.type(), b.text() + ((StoredTask.Body) added).text());
            } else if (f.kind == TaskField.Kind.STRING) {
                result = current + (String) added;
            } else if (f.kind == TaskField.Kind.STRINGS) {
                List<Object> all = new ArrayList<>((List<?>) current);
                all.addAll((List<?>) added);
                result = List.copyOf(all);
            } else {
                throw new EwsError("ErrorInvalidPropertyAppend", "Cannot append to " + f.uri + ".");
            }
            change.set(f, result);
            return;
        }
        ExtendedPropertyKey key = ((TaskXml.ExtendedPath) path).key();
        StoredTask.ExtendedValue added = single.extended.get(key);
        StoredTask.ExtendedValue current = change.extended.containsKey(key) ? change.extended.get(key)
                : t.extended.get(key);
        if (!added.isArray()) {
            throw new EwsError("ErrorInvalidPropertyAppend", "Cannot append to the single-valued " + key + ".");
        }
        List<String> all = new ArrayList<>();
        if (current != null && current.type().equals(added.type())) {
            all.addAll(current.values());
        }
        all.addAll(added.values());
        change.setExtended(key, new StoredTask.ExtendedValue(added.type(), all));
    }

    // ------------------------------------------------------------------ DeleteItem

    private void deleteItem(SoapCall call, SoapResponse r) throws EwsError {
        boolean occurrencesNamed = call.operation().hasAttribute("AffectedTaskOccurrences");
        for (Element itemId : Xml.children(Xml.child(call.operation(), M, "ItemIds").orElseThrow())) {
            try {
                Found f = item(call, itemId);
                if (!occurrencesNamed) {
                    // DeleteItemType.AffectedTaskOccurrences: "required when tasks are deleted"; every
                    // item here is a task
                    throw new EwsError("ErrorAffectedTaskOccurrencesRequired",
                            "AffectedTaskOccurrences is required when tasks are deleted.");
                }
                synchronized (f.mailbox()) {
                    f.task();
                    f.mailbox().delete(f.id());
                }
                r.success();
            } catch (EwsError e) {
                if (e.soapFault) {
                    throw e;
                }
                r.error(e);
            }
        }
    }

    // ------------------------------------------------------------------ FindItem

    private void findItem(SoapCall call, SoapResponse r) throws EwsError {
        Element op = call.operation();
        List<Element> folders = Xml.children(Xml.child(op, M, "ParentFolderIds").orElseThrow());
        for (Element folderId : folders) {
            try {
                TaskXml.ItemShape shape = TaskXml.parseShape(Xml.child(op, M, "ItemShape").orElseThrow());
                refuseBody(shape, "FindItem");
                if (Xml.child(op, M, "GroupBy").isPresent() || Xml.child(op, M, "DistinguishedGroupBy").isPresent()) {
                    throw new EwsError("ErrorInvalidRequest", "The EWS simulator does not group FindItem results.");
                }
                for (String view : List.of("FractionalPageItemView", "SeekToConditionPageItemView", "CalendarView",
                        "ContactsView")) {
                    if (Xml.child(op, M, view).isPresent()) {
                        throw new EwsError("ErrorInvalidRequest", "The EWS simulator supports only "
                                + "IndexedPageItemView, not " + view + ".");
                    }
                }
                if (Xml.child(op, M, "QueryString").isPresent()) {
                    throw new EwsError("ErrorInvalidRequest", "The EWS simulator does not support QueryString.");
                }
                Predicate<StoredTask> filter = t -> true;
                Element restriction = Xml.child(op, M, "Restriction").orElse(null);
                if (restriction != null) {
                    filter = TaskQuery.restriction(restriction, call.zone());
                }
                Element sortOrder = Xml.child(op, M, "SortOrder").orElse(null);
                Comparator<StoredTask> order = sortOrder != null ? TaskQuery.sortOrder(sortOrder)
                        : Comparator.comparingLong(t -> t.createdSeq);
                Element view = Xml.child(op, M, "IndexedPageItemView").orElse(null);
                int max = Integer.MAX_VALUE;
                int offset = 0;
                boolean fromEnd = false;
                if (view != null) {
                    offset = Integer.parseInt(view.getAttribute("Offset").trim());
                    fromEnd = "End".equals(view.getAttribute("BasePoint"));
                    if (view.hasAttribute("MaxEntriesReturned")) {
                        max = Integer.parseInt(view.getAttribute("MaxEntriesReturned").trim());
                    }
                    if (max < 1) {
                        throw new EwsError("ErrorInvalidPagingMaxRows", "MaxEntriesReturned must be at least 1.");
                    }
                    if (offset < 0) {
                        throw new EwsError("ErrorInvalidIndexedPagingParameters", "Offset must not be negative.");
                    }
                }
                TaskMailbox mb = folder(call, folderId);
                boolean shallow = "Shallow".equals(op.getAttribute("Traversal"));
                synchronized (mb) {
                    List<StoredTask> hits = new ArrayList<>();
                    if (shallow) {
                        for (StoredTask t : mb.items()) {
                            if (filter.test(t)) {
                                hits.add(t);
                            }
                        }
                    }
                    hits.sort(order);
                    int total = hits.size();
                    int from;
                    int to;
                    if (fromEnd) {
                        to = Math.max(0, total - offset);
                        from = (int) Math.max(0, (long) to - max);
                    } else {
                        from = Math.min(total, offset);
                        to = (int) Math.min(total, (long) from + max);
                    }
                    boolean includesLast = fromEnd ? from == 0 : to == total;
                    Element msg = r.success();
                    Element root = add(msg, M, "RootFolder");
                    root.setAttribute("IndexedPagingOffset", Integer.toString(offset + (to - from)));
                    root.setAttribute("TotalItemsInView", Integer.toString(total));
                    root.setAttribute("IncludesLastItemInRange", Boolean.toString(includesLast));
                    Element items = add(root, T, "Items");
                    for (StoredTask t : hits.subList(from, to)) {
                        TaskXml.writeTask(items, t, mb, shape.withoutBody(), call.zone());
                    }
                }
            } catch (EwsError e) {
                if (e.soapFault) {
                    throw e;
                }
                r.error(e);
            }
        }
    }

    /** Exchange does not return bodies from FindItem and SyncFolderItems; asking by name is an error. */
    private static void refuseBody(TaskXml.ItemShape shape, String operation) throws EwsError {
        if (shape.additional().contains(TaskField.BODY)) {
            throw new EwsError("ErrorInvalidPropertyRequest",
                    "The property Body can't be used in " + operation + " requests.");
        }
    }

    // ------------------------------------------------------------------ SyncFolderItems

    private void syncFolderItems(SoapCall call, SoapResponse r) throws EwsError {
        Element op = call.operation();
        try {
            TaskXml.ItemShape shape = TaskXml.parseShape(Xml.child(op, M, "ItemShape").orElseThrow());
            refuseBody(shape, "SyncFolderItems");
            Element folderId = Xml.firstChild(Xml.child(op, M, "SyncFolderId").orElseThrow()).orElseThrow();
            TaskMailbox mb = folder(call, folderId);
            String state = Xml.childText(op, M, "SyncState").map(String::trim).orElse(null);
            int max = Integer.parseInt(Xml.childText(op, M, "MaxChangesReturned").orElseThrow().trim());
            if (max < 1 || max > 512) {
                throw new EwsError("ErrorInvalidRequest", "MaxChangesReturned must be within 1..512, not " + max);
            }
            Set<String> ignored = new HashSet<>();
            Xml.child(op, M, "Ignore").ifPresent(ignore -> {
                for (Element id : Xml.children(ignore)) {
                    ignored.add(id.getAttribute("Id"));
                }
            });
            synchronized (mb) {
                TaskMailbox.SyncPage page = mb.sync(state, max, ignored);
                Element msg = r.success();
                add(msg, M, "SyncState", page.syncState());
                add(msg, M, "IncludesLastItemInRange", Boolean.toString(page.includesLastItemInRange()));
                Element changes = add(msg, M, "Changes");
                for (TaskMailbox.SyncChange c : page.changes()) {
                    switch (c.kind()) {
                        case CREATE -> TaskXml.writeTask(add(changes, T, "Create"), c.task(), mb, shape.withoutBody(),
                                call.zone());
                        case UPDATE -> TaskXml.writeTask(add(changes, T, "Update"), c.task(), mb, shape.withoutBody(),
                                call.zone());
                        case DELETE -> add(add(changes, T, "Delete"), T, "ItemId").setAttribute("Id", c.itemId());
                    }
                }
            }
        } catch (EwsError e) {
            if (e.soapFault) {
                throw e;
            }
            // SyncFolderItems operation page, "SyncFolderItems Error Response" (ErrorInvalidSyncStateData):
            // the error message carries an empty SyncState and IncludesLastItemInRange true, whatever
            // state the client sent; the simulator answers every SyncFolderItems error that way.
            Element msg = r.error(e);
            add(msg, M, "SyncState");
            add(msg, M, "IncludesLastItemInRange", "true");
        }
    }

    // ------------------------------------------------------------------ GetFolder

    /** The folders GetFolder serves: a mailbox's root, its message folder root and its Tasks folder. */
    private enum Folder {
        ROOT("root", "Folder", null, ""), MSG_FOLDER_ROOT("msgfolderroot", "Folder", null, "Top of Information Store"),
        TASKS("tasks", "TasksFolder", "IPF.Task", "Tasks");

        final String distinguishedId;
        final String element;
        final String folderClass;
        final String displayName;

        Folder(String distinguishedId, String element, String folderClass, String displayName) {
            this.distinguishedId = distinguishedId;
            this.element = element;
            this.folderClass = folderClass;
            this.displayName = displayName;
        }

        String id(TaskMailbox mb) {
            return switch (this) {
                case ROOT -> mb.rootId;
                case MSG_FOLDER_ROOT -> mb.msgFolderRootId;
                case TASKS -> mb.folderId;
            };
        }

        Folder parent() {
            return switch (this) {
                case ROOT -> null;
                case MSG_FOLDER_ROOT -> ROOT;
                case TASKS -> MSG_FOLDER_ROOT;
            };
        }

        int childFolderCount() {
            return this == TASKS ? 0 : 1;
        }
    }

    /** The folder properties GetFolder writes, in {@code t:BaseFolderType}/{@code t:FolderType} order. */
    private static final List<String> FOLDER_FIELDS = List.of("folder:FolderId", "folder:ParentFolderId",
            "folder:FolderClass", "folder:DisplayName", "folder:TotalCount", "folder:ChildFolderCount",
            "folder:EffectiveRights", "folder:PermissionSet", "folder:UnreadCount");

    private record FolderRef(TaskMailbox mailbox, Folder folder) {
    }

    private FolderRef folderRef(SoapCall call, Element folderId) throws EwsError {
        if (Xml.is(folderId, T, "DistinguishedFolderId")) {
            String id = folderId.getAttribute("Id");
            for (Folder f : Folder.values()) {
                if (f.distinguishedId.equals(id) && f != Folder.TASKS) {
                    Element tasksId = (Element) folderId.cloneNode(true);
                    tasksId.setAttribute("Id", "tasks");
                    return new FolderRef(folder(call, tasksId), f);
                }
            }
            return new FolderRef(folder(call, folderId), Folder.TASKS);
        }
        if (Xml.is(folderId, T, "FolderId")) {
            String id = folderId.getAttribute("Id");
            for (TaskMailbox mb : mailboxes.all()) {
                for (Folder f : Folder.values()) {
                    if (f.id(mb).equals(id)) {
                        return new FolderRef(mb, f);
                    }
                }
            }
        }
        return new FolderRef(folder(call, folderId), Folder.TASKS);
    }

    private void getFolder(SoapCall call, SoapResponse r) throws EwsError {
        Element op = call.operation();
        for (Element folderId : Xml.children(Xml.child(op, M, "FolderIds").orElseThrow())) {
            try {
                writeFolder(call, r, folderProperties(Xml.child(op, M, "FolderShape").orElseThrow()), folderId);
            } catch (EwsError e) {
                if (e.soapFault) {
                    throw e;
                }
                r.error(e);
            }
        }
    }

    /** The folder properties a FolderShape asks for. */
    private static Set<String> folderProperties(Element shape) throws EwsError {
        String base = Xml.childText(shape, T, "BaseShape").orElse("IdOnly").trim();
        Set<String> asked = new HashSet<>();
        Element additional = Xml.child(shape, T, "AdditionalProperties").orElse(null);
        if (additional != null) {
            for (Element p : Xml.children(additional)) {
                if (Xml.is(p, T, "FieldURI")) {
                    String uri = p.getAttribute("FieldURI");
                    if (!FOLDER_FIELDS.contains(uri)) {
                        // Exchange serves every folder property; the simulator only these: refuse, not ignore
                        throw new EwsError("ErrorInvalidPropertyRequest", "The EWS simulator does not serve the "
                                + "folder property " + uri + "; it serves " + FOLDER_FIELDS + ".");
                    }
                    asked.add(uri);
                } else if (Xml.is(p, T, "ExtendedFieldURI")) {
                    TaskXml.parseExtendedUri(p); // checked; a folder here has none, so nothing is returned
                } else {
                    throw new EwsError("ErrorInvalidPropertyRequest", "A folder has no indexed property "
                            + p.getAttribute("FieldURI") + ".");
                }
            }
        }
        if (!base.equals("IdOnly")) {
            asked.addAll(List.of("folder:DisplayName", "folder:TotalCount", "folder:ChildFolderCount",
                    "folder:UnreadCount"));
            if (base.equals("AllProperties")) {
                asked.addAll(List.of("folder:ParentFolderId", "folder:FolderClass"));
            }
        }
        return asked;
    }

    private void writeFolder(SoapCall call, SoapResponse r, Set<String> asked, Element folderId) throws EwsError {
        FolderRef ref = folderRef(call, folderId);
        TaskMailbox mb = ref.mailbox();
        Folder f = ref.folder();
        Element msg = r.success();
        Element folder = add(add(msg, M, "Folders"), T, f.element);
        Element id = add(folder, T, "FolderId");
        id.setAttribute("Id", f.id(mb));
        id.setAttribute("ChangeKey", mb.folderChangeKey);
        if (asked.contains("folder:ParentFolderId") && f.parent() != null) {
            Element parent = add(folder, T, "ParentFolderId");
            parent.setAttribute("Id", f.parent().id(mb));
            parent.setAttribute("ChangeKey", mb.folderChangeKey);
        }
        if (asked.contains("folder:FolderClass") && f.folderClass != null) {
            add(folder, T, "FolderClass", f.folderClass);
        }
        if (asked.contains("folder:DisplayName")) {
            add(folder, T, "DisplayName", f.displayName);
        }
        if (asked.contains("folder:TotalCount")) {
            add(folder, T, "TotalCount", Integer.toString(f == Folder.TASKS ? mb.size() : 0));
        }
        if (asked.contains("folder:ChildFolderCount")) {
            add(folder, T, "ChildFolderCount", Integer.toString(f.childFolderCount()));
        }
        if (asked.contains("folder:EffectiveRights")) {
            // the mailbox's owner (impersonated, or the account acting on its own mailbox) may do everything
            Element rights = add(folder, T, "EffectiveRights");
            for (String right : List.of("CreateAssociated", "CreateContents", "CreateHierarchy", "Delete", "Modify",
                    "Read", "ViewPrivateItems")) {
                add(rights, T, right, "true");
            }
        }
        if (asked.contains("folder:PermissionSet")) {
            // a mailbox's own folders as Exchange creates them: Default and Anonymous with no rights
            Element permissions = add(add(folder, T, "PermissionSet"), T, "Permissions");
            for (String user : List.of("Default", "Anonymous")) {
                Element p = add(permissions, T, "Permission");
                add(add(p, T, "UserId"), T, "DistinguishedUser", user);
                for (String flag : List.of("CanCreateItems", "CanCreateSubFolders", "IsFolderOwner", "IsFolderVisible",
                        "IsFolderContact")) {
                    add(p, T, flag, "false");
                }
                add(p, T, "EditItems", "None");
                add(p, T, "DeleteItems", "None");
                add(p, T, "ReadItems", "None");
                add(p, T, "PermissionLevel", "None");
            }
        }
        if (asked.contains("folder:UnreadCount")) {
            add(folder, T, "UnreadCount", "0");
        }
    }
}

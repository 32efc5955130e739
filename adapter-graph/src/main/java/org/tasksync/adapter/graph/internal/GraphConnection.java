package org.tasksync.adapter.graph.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.microsoft.graph.models.TodoTask;
import com.microsoft.graph.models.TodoTaskList;
import com.microsoft.graph.models.TodoTaskListCollectionResponse;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.todo.lists.item.tasks.TasksRequestBuilder;
import com.microsoft.kiota.HttpMethod;
import com.microsoft.kiota.RequestInformation;
import com.microsoft.kiota.serialization.Parsable;
import com.microsoft.kiota.serialization.ParsableFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.spi.ChangePage;
import org.tasksync.core.spi.CursorRejectedException;
import org.tasksync.core.spi.ExchangeTaskUpdate;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.KnownVersions;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.UnreadableItem;
import org.tasksync.core.spi.WriteOutcome;

/**
 * One mailbox's To Do list through Graph. Changes come from task delta (the delta link is the
 * cursor); writes go through {@code $batch}; the details of changed tasks (the extension and the
 * linked resources, which delta does not expand) are read in batches too. Used by one thread.
 *
 * <p>Tasks are read from Graph's JSON as sent ({@link TaskJson}), not through the SDK's models alone:
 * the SDK reads values it does not expect as nothing, without a word, and parses a page as a whole.
 * A task that cannot be read is reported in {@link ChangePage#unreadable()} while the rest of its
 * page is read; what cannot be told apart by item (a delta page that is not JSON, an entry without
 * an id) fails the mailbox.
 */
public final class GraphConnection implements MailboxConnection {

    private static final Logger log = LoggerFactory.getLogger(GraphConnection.class);
    private static final String[] EXPAND = {"extensions", "linkedResources"};
    /** Graph's errors as the SDK's generated requests map them, for the requests sent for raw answers. */
    private static final HashMap<String, ParsableFactory<? extends Parsable>> ERRORS =
            new HashMap<>(Map.of("XXX", ODataError::createFromDiscriminatorValue));

    /** The list the tasks live in, as resolved for a mailbox. */
    public record TargetList(String id, boolean owned) {
    }

    /** What a connection needs from its adapter. */
    public record Config(String listName, int batchSize, int pageSize, Set<String> assignmentApps) {
    }

    private final GraphServiceClient client;
    private final Mailbox mailbox;
    private final Config config;
    private final ConcurrentMap<String, TargetList> lists;
    private final GraphCalls calls;
    private final BatchRunner batches;
    private final Consumer<String> activity;

    /**
     * {@code activity} hears the mailbox's address whenever this connection reads a change or writes
     * (the adapter's hot-set feeds then watch it closely, docs/graph.md).
     */
    public GraphConnection(GraphServiceClient client, Mailbox mailbox, Config config,
                           ConcurrentMap<String, TargetList> lists, GraphCalls calls, Consumer<String> activity) {
        this.client = client;
        this.mailbox = mailbox;
        this.config = config;
        this.lists = lists;
        this.calls = calls;
        this.batches = new BatchRunner(client, calls);
        this.activity = Objects.requireNonNull(activity, "activity");
    }

    /** Tells the feeds that this mailbox is active, when one of {@code outcomes} is a write done. */
    private List<WriteOutcome> wrote(List<WriteOutcome> outcomes) {
        if (outcomes.stream().anyMatch(WriteOutcome::succeeded)) {
            activity.accept(user());
        }
        return outcomes;
    }

    private String user() {
        return mailbox.address();
    }

    private ZoneId zone() {
        return mailbox.zone();
    }

    // ------------------------------------------------------------------ the target list

    private TargetList list() throws MailboxException {
        TargetList cached = lists.get(cacheKey());
        if (cached != null) {
            return cached;
        }
        TargetList resolved = resolveList();
        lists.put(cacheKey(), resolved);
        return resolved;
    }

    /** The id of the mailbox's target list (looked up once, then remembered), for the hot-set feed's delta. */
    public String targetListId() throws MailboxException {
        return list().id();
    }

    private String cacheKey() {
        return user() + "\u0000" + (config.listName() == null ? "" : config.listName());
    }

    private TargetList resolveList() throws MailboxException {
        String what = config.listName() == null ? "find the default To Do list" : "find To Do list '" + config.listName() + "'";
        List<TodoTaskList> all = new ArrayList<>();
        try {
            TodoTaskListCollectionResponse page = calls.send(what, true, () -> client.users().byUserId(user()).todo()
                    .lists().get());
            while (page != null) {
                if (page.getValue() != null) all.addAll(page.getValue());
                String next = page.getOdataNextLink();
                page = next == null ? null : calls.send(what, true,
                        () -> client.users().byUserId(user()).todo().lists().withUrl(next).get());
            }
        } catch (RuntimeException e) {
            throw calls.failure(what, e);
        }
        TodoTaskList chosen = null;
        for (TodoTaskList l : all) {
            String wellknown = l.getWellknownListName() == null ? null : l.getWellknownListName().getValue();
            // every mailbox has "Flagged emails" (wellknownListName flaggedEmails), which To Do fills from
            // flagged mail: never the target, even when the configured name is the same
            boolean matches = config.listName() == null
                    ? "defaultList".equals(wellknown)
                    : config.listName().equals(l.getDisplayName()) && !"flaggedEmails".equals(wellknown);
            if (matches && (chosen == null || (!Boolean.TRUE.equals(chosen.getIsOwner())
                    && Boolean.TRUE.equals(l.getIsOwner())))) {
                chosen = l;
            }
        }
        if (config.listName() != null && (chosen == null || !Boolean.TRUE.equals(chosen.getIsOwner()))) {
            // a list of that name that somebody else shared is not ours to fill: make the rep's own
            TodoTaskList body = new TodoTaskList();
            body.setDisplayName(config.listName());
            String create = "create To Do list '" + config.listName() + "'";
            try {
                chosen = calls.send(create, false, () -> client.users().byUserId(user()).todo().lists().post(body));
            } catch (RuntimeException e) {
                throw calls.failure(create, e);
            }
            log.info("{}: created To Do list '{}'", user(), config.listName());
        }
        if (chosen == null) {
            throw new MailboxException(user(), MailboxException.Kind.NOT_FOUND, "the mailbox has no default To Do list");
        }
        return new TargetList(chosen.getId(), !Boolean.FALSE.equals(chosen.getIsOwner()));
    }

    private TasksRequestBuilder tasks(TargetList l) {
        return client.users().byUserId(user()).todo().lists().byTodoTaskListId(l.id()).tasks();
    }

    // ------------------------------------------------------------------ changes

    @Override
    public ChangePage changes(String cursor) throws MailboxException {
        return changes(cursor, KnownVersions.NONE, 0);
    }

    /**
     * Every delta entry carries the task's {@code @odata.etag} ("todoTask: delta", Response); a task
     * at the etag {@code known} holds is unchanged since the engine wrote or read it, so it is left
     * out of the page instead of being read again with its extension and linked resources.
     */
    @Override
    public ChangePage changes(String cursor, KnownVersions known) throws MailboxException {
        Objects.requireNonNull(known, "known");
        return changes(cursor, known, 0);
    }

    private ChangePage changes(String cursor, KnownVersions known, int listLookups) throws MailboxException {
        TargetList l = list();
        if (cursor != null && !isCursorOf(cursor, l)) {
            throw new CursorRejectedException(user(), "the cursor is not a delta link of the mailbox's target list "
                    + "(list changed or cursor from another adapter)");
        }
        byte[] page;
        try {
            page = calls.send("read changes", true, () -> raw(cursor == null
                    ? tasks(l).delta().toGetRequestInformation(rc -> rc.headers.add("Prefer", "odata.maxpagesize="
                    + config.pageSize()))
                    : tasks(l).delta().withUrl(cursor).toGetRequestInformation(rc -> rc.headers.add("Prefer",
                    "odata.maxpagesize=" + config.pageSize()))));
        } catch (RuntimeException e) {
            int status = GraphCalls.status(e);
            // "Use delta query": a reset is 410 Gone (with a Location that starts over, which is what reading
            // from the beginning does); an expired token is "a 40X-series error with error codes such as
            // syncStateNotFound"
            if (status == 410) {
                throw new CursorRejectedException(user(), "Graph answered 410 Gone: " + errorText(e));
            }
            if (cursor != null && status >= 400 && status < 500 && SYNC_STATE_CODES.contains(errorCode(e))) {
                throw new CursorRejectedException(user(), "Graph answered " + status + ": " + errorText(e));
            }
            if (status == 404) {
                lists.remove(cacheKey());
                if (cursor != null) {
                    throw new CursorRejectedException(user(), "the target list is gone (404)");
                }
                if (listLookups > 0) {
                    throw calls.failure("read changes", e);
                }
                return changes(null, known, listLookups + 1);
            }
            throw calls.failure("read changes", e);
        }
        ChangePage read = page(page, l, known);
        // a first read (no cursor) lists every task: that is no sign of a rep at work
        if (cursor != null && (!read.changed().isEmpty() || !read.deletedItemIds().isEmpty()
                || !read.unreadable().isEmpty())) {
            activity.accept(user());
        }
        return read;
    }

    /**
     * Sends a request and returns Graph's answer as it came, for the adapter to read itself; an error
     * status throws the SDK's ApiException (ODataError), as the generated requests do.
     */
    private byte[] raw(RequestInformation request) {
        InputStream in = client.getRequestAdapter().sendPrimitive(request, ERRORS, InputStream.class);
        if (in == null) {
            return new byte[0];
        }
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the answer broke off: a connection problem, sent again
        }
    }

    /** Graph's error codes that say a delta token is no longer good ("Microsoft Graph error responses", Code property). */
    private static final Set<String> SYNC_STATE_CODES = Set.of("syncStateNotFound", "syncStateInvalid", "resyncRequired",
            "resyncApplyDifferences", "resyncUploadDifferences");

    private static String errorCode(RuntimeException e) {
        if (e instanceof ODataError o && o.getError() != null) {
            String code = o.getError().getCode();
            return code == null ? "" : code;
        }
        return "";
    }

    private static String errorText(RuntimeException e) {
        return e instanceof com.microsoft.kiota.ApiException a ? GraphCalls.errorText(a) : e.getMessage();
    }

    private boolean isCursorOf(String cursor, TargetList l) {
        try {
            String path = URI.create(cursor).getPath();
            return path != null && path.contains("/todo/lists/" + l.id() + "/tasks/delta");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A page of delta: Graph's JSON, read entry by entry. */
    private ChangePage page(byte[] body, TargetList l, KnownVersions known) throws MailboxException {
        JsonObject page = jsonObject("read changes", body, "Graph's delta answer");
        JsonElement value = page.get("value");
        if (value == null || !value.isJsonArray()) {
            throw protocol("read changes: Graph's delta answer has no 'value' array (" + TaskJson.show(page) + ")");
        }
        List<String> deleted = new ArrayList<>();
        Set<String> changedIds = new LinkedHashSet<>();
        Map<String, String> etags = new HashMap<>();
        JsonArray entries = value.getAsJsonArray();
        for (int i = 0; i < entries.size(); i++) {
            JsonElement e = entries.get(i);
            String id = e.isJsonObject() ? TaskJson.string(e.getAsJsonObject(), "id") : null;
            if (id == null || id.isEmpty()) {
                // nothing to name it by: the engine could neither report it nor read it again on its own
                throw protocol("read changes: entry " + (i + 1) + " of " + entries.size() + " of Graph's delta "
                        + "page has no id (" + TaskJson.show(e) + "); an item without an id cannot be reported on its "
                        + "own, so the mailbox waits until Graph sends it with its id");
            }
            if (e.getAsJsonObject().has("@removed")) {
                deleted.add(id);
            } else {
                changedIds.add(id);
                etags.put(id, TaskJson.string(e.getAsJsonObject(), "@odata.etag"));
            }
        }
        String nextLink = link(page, "@odata.nextLink");
        String deltaLink = link(page, "@odata.deltaLink");
        String next = nextLink != null ? nextLink : deltaLink;
        if (next == null) {
            throw protocol("read changes: Graph's delta answer has neither @odata.nextLink nor @odata.deltaLink");
        }
        int unchanged = leaveOutKnown(changedIds, etags, known);
        if (unchanged > 0) {
            log.debug("{}: {} task(s) in delta at the etag the engine holds, not read again", user(), unchanged);
        }
        List<ExchangeTask> changed = new ArrayList<>();
        List<UnreadableItem> unreadable = new ArrayList<>();
        if (!changedIds.isEmpty()) {
            readChanged(l, new ArrayList<>(changedIds), changed, deleted, unreadable);
        }
        if (!unreadable.isEmpty()) {
            log.warn("{}: {} changed task(s) could not be read: {}", user(), unreadable.size(), unreadable);
        }
        return new ChangePage(changed, deleted, next, nextLink != null, unreadable);
    }

    /** Drops from {@code ids} the tasks delta reports at the etag {@code known} holds; returns how many. */
    private static int leaveOutKnown(Set<String> ids, Map<String, String> etags, KnownVersions known) {
        if (ids.isEmpty() || known == KnownVersions.NONE) {
            return 0;
        }
        Map<String, String> held = known.of(List.copyOf(ids));
        int before = ids.size();
        // an entry without an etag proves nothing, so the task is read
        ids.removeIf(id -> {
            String etag = etags.get(id);
            return etag != null && !etag.isEmpty() && etag.equals(held.get(id));
        });
        return before - ids.size();
    }

    private String link(JsonObject page, String name) throws MailboxException {
        JsonElement v = page.get(name);
        if (v == null || v.isJsonNull()) {
            return null;
        }
        String s = TaskJson.string(page, name);
        if (s == null || s.isBlank()) {
            throw protocol("read changes: Graph's delta answer has an " + name + " that is no link (" + TaskJson.show(v)
                    + ")");
        }
        return s;
    }

    /**
     * Reads the changed tasks with their extension and linked resources (which delta does not
     * expand), twenty per {@code $batch}. A {@code $batch} answer that is not JSON is read again task
     * by task, to tell the task that cannot be read from the others.
     */
    private void readChanged(TargetList l, List<String> ids, List<ExchangeTask> changed, List<String> deleted,
                             List<UnreadableItem> unreadable) throws MailboxException {
        List<BatchRunner.Item> items = new ArrayList<>();
        for (String id : ids) {
            items.add(new BatchRunner.Item(List.of(getTask(l, id))));
        }
        batches.runReads("read changed tasks", items);
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            BatchRunner.Item item = items.get(i);
            BatchRunner.StepResult last = item.last();
            if (item.succeeded()) {
                readAnswer(l, id, last.json(), changed, unreadable);
            } else if (item.answerUnreadable()) {
                readAlone(l, id, changed, deleted, unreadable);
            } else if (last != null && last.status() == 404) {
                deleted.add(id); // deleted since delta saw it
            } else if (last != null && (last.status() == 401 || last.status() == 403)) {
                throw new MailboxException(user(), last.status() == 401 ? MailboxException.Kind.AUTHENTICATION
                        : MailboxException.Kind.ACCESS_DENIED, "read changed task " + id + ": " + item.failure());
            } else {
                // Graph failed this task only (the $batch as a whole answered): read again next cycle
                unreadable.add(new UnreadableItem(id, null, null, null, "read changed task: "
                        + (item.failure() == null ? "no answer" : item.failure())));
            }
        }
    }

    /** One task read on its own, after the {@code $batch} answer it was in could not be read. */
    private void readAlone(TargetList l, String id, List<ExchangeTask> changed, List<String> deleted,
                           List<UnreadableItem> unreadable) throws MailboxException {
        byte[] body;
        try {
            body = calls.send("read changed task " + id, true, () -> raw(getTask(l, id).get()));
        } catch (RuntimeException e) {
            if (GraphCalls.status(e) == 404) {
                deleted.add(id);
                return;
            }
            throw calls.failure("read changed task " + id, e);
        }
        readAnswer(l, id, body, changed, unreadable);
    }

    /** Graph's answer for task {@code id}: the task, or an unreadable item naming field and value. */
    private void readAnswer(TargetList l, String id, byte[] body, List<ExchangeTask> changed,
                            List<UnreadableItem> unreadable) {
        JsonElement doc;
        try {
            doc = TaskJson.parse(body);
        } catch (TaskJson.NotJson e) {
            unreadable.add(new UnreadableItem(id, null, null, e.text, e.reason));
            return;
        }
        readAnswer(l, id, doc, changed, unreadable);
    }

    /** The same for an answer already read as JSON (a step of a {@code $batch}); null when it had no body. */
    private void readAnswer(TargetList l, String id, JsonElement doc, List<ExchangeTask> changed,
                            List<UnreadableItem> unreadable) {
        if (doc == null) {
            TaskJson.NotJson e = TaskJson.emptyAnswer();
            unreadable.add(new UnreadableItem(id, null, null, e.text, e.reason));
            return;
        }
        if (!doc.isJsonObject()) {
            unreadable.add(new UnreadableItem(id, null, null, TaskJson.show(doc), "Graph's answer is "
                    + TaskJson.kind(doc) + ", not a task"));
            return;
        }
        JsonObject task = doc.getAsJsonObject();
        TaskJson.CrmTag tag = TaskJson.crmTag(task);
        String answered = TaskJson.string(task, "id");
        if (answered != null && !answered.isEmpty() && !answered.equals(id)) {
            unreadable.add(new UnreadableItem(id, tag.crmId(), "id", answered, "Graph answered with another task's id"));
            return;
        }
        try {
            changed.add(TaskJson.read(task, zone(), l.owned(), config.assignmentApps()));
        } catch (TaskJson.Unreadable u) {
            unreadable.add(new UnreadableItem(id, tag.crmId(), u.field, u.value, u.reason));
        }
    }

    /** The answer as a JSON object, or a mailbox failure naming the operation. */
    private JsonObject jsonObject(String what, byte[] body, String whose) throws MailboxException {
        JsonElement doc;
        try {
            doc = TaskJson.parse(body);
        } catch (TaskJson.NotJson e) {
            throw protocol(what + ": " + e.getMessage());
        }
        if (!doc.isJsonObject()) {
            throw protocol(what + ": " + whose + " is " + TaskJson.kind(doc) + ", not an object (" + TaskJson.show(doc)
                    + ")");
        }
        return doc.getAsJsonObject();
    }

    private MailboxException protocol(String message) {
        return new MailboxException(user(), MailboxException.Kind.PROTOCOL, message);
    }

    private Supplier<RequestInformation> getTask(TargetList l, String id) {
        return () -> tasks(l).byTodoTaskId(id).toGetRequestInformation(rc -> rc.queryParameters.expand = EXPAND);
    }

    // ------------------------------------------------------------------ writes

    @Override
    public List<WriteOutcome> create(List<NewExchangeTask> tasks) throws MailboxException {
        checkSize(tasks);
        TargetList l = list();
        List<BatchRunner.Item> items = new ArrayList<>();
        // the list's URL once; each step's body written by TodoTaskJson, as the SDK's model would serialize
        RequestInformation list = tasks(l).toGetRequestInformation();
        ZoneId zone = zone();
        for (NewExchangeTask t : tasks) {
            items.add(new BatchRunner.Item(List.of(() -> TodoTaskJson.request(HttpMethod.POST, list,
                    TodoTaskJson.create(t.crmId(), t.values(), zone)))));
        }
        batches.run("create tasks", items, false);
        List<WriteOutcome> out = new ArrayList<>();
        for (BatchRunner.Item item : items) {
            if (item.succeeded()) {
                TaskCodec.Written created = item.last().written();
                out.add(WriteOutcome.ok(created == null ? null : created.id(), created == null ? null : created.etag()));
            } else {
                out.add(WriteOutcome.failed(null, item.failure()));
            }
        }
        return wrote(out);
    }

    @Override
    public List<WriteOutcome> update(List<ExchangeTaskUpdate> updates) throws MailboxException {
        checkSize(updates);
        TargetList l = list();
        List<BatchRunner.Item> items = new ArrayList<>();
        for (ExchangeTaskUpdate u : updates) {
            items.add(updateItem(l, u, false));
        }
        batches.run("update tasks", items, true);
        // an extension that is missing (a task tagged by an older version, or one whose extension was
        // removed) is created instead of patched
        List<Integer> again = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            BatchRunner.Item item = items.get(i);
            ExchangeTaskUpdate u = updates.get(i);
            boolean extensionFirst = TaskCodec.touchesExtension(u.fields());
            if (!item.succeeded() && extensionFirst && item.results.size() == 1 && item.last().status() == 404) {
                again.add(i);
            }
        }
        if (!again.isEmpty()) {
            List<BatchRunner.Item> retry = new ArrayList<>();
            for (int i : again) {
                retry.add(updateItem(l, updates.get(i), true));
            }
            batches.run("update tasks", retry, true);
            for (int k = 0; k < again.size(); k++) {
                items.set(again.get(k), retry.get(k));
            }
        }
        List<WriteOutcome> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            BatchRunner.Item item = items.get(i);
            String id = updates.get(i).item().itemId();
            if (item.succeeded()) {
                TaskCodec.Written after = item.last().written();
                out.add(WriteOutcome.ok(id, after == null ? null : after.etag()));
            } else if (item.last() != null && item.last().status() == 404) {
                out.add(WriteOutcome.gone(id, "item not found (deleted in To Do?)"));
            } else {
                out.add(WriteOutcome.failed(id, item.failure()));
            }
        }
        return wrote(out);
    }

    /**
     * The steps of one update: the extension first (it changes the task's etag too), then the task
     * PATCH, whose answer carries the final etag; with no task property to write, a GET reads it. The
     * two go in two rounds of fully parallel batches ({@link BatchRunner}), not chained in one batch.
     */
    private BatchRunner.Item updateItem(TargetList l, ExchangeTaskUpdate u, boolean createExtension) {
        String id = u.item().itemId();
        boolean taskProps = u.fields().stream().anyMatch(TaskCodec::isTaskProperty);
        List<Supplier<RequestInformation>> steps = new ArrayList<>();
        if (TaskCodec.touchesExtension(u.fields())) {
            // the whole extension, never only the changed values: a PATCH may replace it (TaskCodec.CLEARED)
            Map<String, Object> ext = TaskCodec.wholeExtension(u.crmId(), u.values(), u.fields());
            if (createExtension) {
                steps.add(() -> tasks(l).byTodoTaskId(id).extensions().toPostRequestInformation(
                        TaskCodec.extension(ext, null)));
            } else {
                steps.add(() -> tasks(l).byTodoTaskId(id).extensions().byExtensionId(TaskCodec.EXTENSION)
                        .toPatchRequestInformation(TaskCodec.extension(ext, null)));
            }
        }
        if (taskProps) {
            steps.add(() -> TodoTaskJson.request(HttpMethod.PATCH, tasks(l).byTodoTaskId(id).toGetRequestInformation(),
                    TodoTaskJson.patch(u.values(), u.fields(), zone())));
        } else {
            steps.add(getTask(l, id));
        }
        return new BatchRunner.Item(steps);
    }

    @Override
    public List<WriteOutcome> delete(List<ItemRef> refs) throws MailboxException {
        checkSize(refs);
        TargetList l = list();
        List<BatchRunner.Item> items = new ArrayList<>();
        for (ItemRef r : refs) {
            items.add(new BatchRunner.Item(List.of(() -> tasks(l).byTodoTaskId(r.itemId()).toDeleteRequestInformation())));
        }
        batches.run("delete tasks", items, true);
        List<WriteOutcome> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            BatchRunner.Item item = items.get(i);
            String id = refs.get(i).itemId();
            if (item.succeeded() || (item.last() != null && item.last().status() == 404)) {
                out.add(WriteOutcome.ok(id, null));
            } else {
                out.add(WriteOutcome.failed(id, item.failure()));
            }
        }
        return wrote(out);
    }

    /**
     * Removes the CRM tag, the linked resource of {@value TaskCodec#APPLICATION} and the open extension,
     * one task at a time (a rare write: the open series of a recurring task); a task or tag already
     * gone counts as done.
     */
    @Override
    public List<WriteOutcome> removeTag(List<ItemRef> refs) throws MailboxException {
        checkSize(refs);
        TargetList l = list();
        List<WriteOutcome> out = new ArrayList<>();
        for (ItemRef r : refs) {
            String id = r.itemId();
            String what = "remove the CRM tag of task " + id;
            try {
                var links = calls.send(what, true, () -> tasks(l).byTodoTaskId(id).linkedResources().get());
                for (var link : links == null || links.getValue() == null ? List.<com.microsoft.graph.models.LinkedResource>of()
                        : links.getValue()) {
                    if (TaskCodec.APPLICATION.equals(link.getApplicationName())) {
                        deleteIgnoringGone(what, () -> tasks(l).byTodoTaskId(id).linkedResources()
                                .byLinkedResourceId(link.getId()).delete());
                    }
                }
                deleteIgnoringGone(what, () -> tasks(l).byTodoTaskId(id).extensions().byExtensionId(TaskCodec.EXTENSION)
                        .delete());
                out.add(WriteOutcome.ok(id, null));
            } catch (RuntimeException e) {
                out.add(GraphCalls.status(e) == 404 ? WriteOutcome.ok(id, null)
                        : WriteOutcome.failed(id, what + ": " + e.getMessage()));
            }
        }
        return wrote(out);
    }

    private void deleteIgnoringGone(String what, Runnable delete) throws MailboxException {
        try {
            calls.send(what, true, () -> {
                delete.run();
                return Boolean.TRUE;
            });
        } catch (RuntimeException e) {
            if (GraphCalls.status(e) != 404) {
                throw e;
            }
        }
    }

    // ------------------------------------------------------------------ finding tagged tasks

    @Override
    public List<ExchangeTask> findByCrmIds(Collection<String> crmIds) throws MailboxException {
        if (crmIds.isEmpty()) {
            return List.of();
        }
        TargetList l = list();
        Set<String> wanted = new HashSet<>(crmIds);
        StringBuilder filter = new StringBuilder();
        for (String id : wanted) {
            if (filter.length() > 0) filter.append(" or ");
            filter.append("linkedResources/any(r:r/externalId eq '").append(id.replace("'", "''")).append("')");
        }
        List<JsonObject> found;
        try {
            found = listTasks(l, filter.toString());
        } catch (RuntimeException e) {
            if (GraphCalls.status(e) != 400) {
                throw calls.failure("find tasks by CRM id", e);
            }
            // Graph does not filter on linked resources everywhere: read the list and look ourselves
            log.debug("{}: Graph refused the filter on linkedResources ({}); scanning the list", user(), errorText(e));
            try {
                found = listTasks(l, null);
            } catch (RuntimeException e2) {
                throw calls.failure("find tasks by CRM id", e2);
            }
        }
        List<ExchangeTask> out = new ArrayList<>();
        for (JsonObject t : found) {
            TaskJson.CrmTag tag = TaskJson.crmTag(t);
            if (!tag.unreadable() && (tag.crmId() == null || !wanted.contains(tag.crmId()))) {
                continue; // not one of the tasks looked for (the scan reads the whole list)
            }
            try {
                ExchangeTask read = TaskJson.read(t, zone(), l.owned(), config.assignmentApps());
                if (read.crmId() != null && wanted.contains(read.crmId())) {
                    out.add(read);
                }
            } catch (TaskJson.Unreadable u) {
                // not found would make the engine create the task again: a duplicate
                String id = TaskJson.string(t, "id");
                throw protocol("find tasks by CRM id: cannot read task " + (id == null ? "(without an id)" : id)
                        + (tag.crmId() == null ? "" : " (the task of CRM task " + tag.crmId() + ")") + ": "
                        + u.getMessage() + "; a task that is there but cannot be read is not taken for missing");
            }
        }
        return out;
    }

    /** The tasks of the list (those matching {@code filter}, if given), as Graph's JSON objects. */
    private List<JsonObject> listTasks(TargetList l, String filter) throws MailboxException {
        String what = "find tasks by CRM id";
        List<JsonObject> out = new ArrayList<>();
        byte[] body = calls.send(what, true, () -> raw(tasks(l).toGetRequestInformation(rc -> {
            rc.queryParameters.expand = EXPAND;
            rc.queryParameters.top = config.pageSize();
            if (filter != null) rc.queryParameters.filter = filter;
        })));
        while (body != null) {
            JsonObject page = jsonObject(what, body, "Graph's list of tasks");
            JsonElement value = page.get("value");
            if (value == null || !value.isJsonArray()) {
                throw protocol(what + ": Graph's list of tasks has no 'value' array (" + TaskJson.show(page) + ")");
            }
            for (JsonElement e : value.getAsJsonArray()) {
                if (!e.isJsonObject()) {
                    throw protocol(what + ": Graph's list of tasks has an entry that is " + TaskJson.kind(e)
                            + " (" + TaskJson.show(e) + ")");
                }
                out.add(e.getAsJsonObject());
            }
            String next = TaskJson.string(page, "@odata.nextLink");
            body = next == null ? null : calls.send(what, true, () -> raw(tasks(l).withUrl(next).toGetRequestInformation()));
        }
        return out;
    }

    // ------------------------------------------------------------------ the rest

    private void checkSize(List<?> items) {
        if (items.size() > maxBatchSize()) {
            throw new IllegalArgumentException("at most " + maxBatchSize() + " items per call, got " + items.size());
        }
    }

    @Override
    public int maxBatchSize() {
        return config.batchSize();
    }

    @Override
    public long requestsSent() {
        return calls.requests();
    }

    @Override
    public void close() {
        // the HTTP client belongs to the adapter
    }
}

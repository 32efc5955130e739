package org.tasksync.adapter.graph.internal;

import com.microsoft.graph.models.TodoTask;
import com.microsoft.graph.models.TodoTaskCollectionResponse;
import com.microsoft.graph.models.TodoTaskList;
import com.microsoft.graph.models.TodoTaskListCollectionResponse;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.todo.lists.item.tasks.TasksRequestBuilder;
import com.microsoft.graph.users.item.todo.lists.item.tasks.delta.DeltaGetResponse;
import com.microsoft.kiota.RequestInformation;
import java.net.URI;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.spi.ChangePage;
import org.tasksync.core.spi.CursorRejectedException;
import org.tasksync.core.spi.ExchangeTaskUpdate;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.WriteOutcome;

/**
 * One mailbox's To Do list through Graph. Changes come from task delta (the delta link is the
 * cursor); writes go through {@code $batch}; the details of changed tasks (the extension and the
 * linked resources, which delta does not expand) are read in batches too. Used by one thread.
 */
public final class GraphConnection implements MailboxConnection {

    private static final Logger log = LoggerFactory.getLogger(GraphConnection.class);
    private static final String[] EXPAND = {"extensions", "linkedResources"};

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

    public GraphConnection(GraphServiceClient client, Mailbox mailbox, Config config,
                           ConcurrentMap<String, TargetList> lists, GraphCalls calls) {
        this.client = client;
        this.mailbox = mailbox;
        this.config = config;
        this.lists = lists;
        this.calls = calls;
        this.batches = new BatchRunner(client, calls);
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
            boolean matches = config.listName() == null
                    ? l.getWellknownListName() != null && "defaultList".equals(l.getWellknownListName().getValue())
                    : config.listName().equals(l.getDisplayName());
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
        return changes(cursor, 0);
    }

    private ChangePage changes(String cursor, int listLookups) throws MailboxException {
        TargetList l = list();
        if (cursor != null && !isCursorOf(cursor, l)) {
            throw new CursorRejectedException(user(), "the cursor is not a delta link of the mailbox's target list "
                    + "(list changed or cursor from another adapter)");
        }
        DeltaGetResponse page;
        try {
            page = calls.send("read changes", true, () -> cursor == null
                    ? tasks(l).delta().get(rc -> rc.headers.add("Prefer", "odata.maxpagesize=" + config.pageSize()))
                    : tasks(l).delta().withUrl(cursor).get(rc -> rc.headers.add("Prefer", "odata.maxpagesize="
                    + config.pageSize())));
        } catch (RuntimeException e) {
            int status = GraphCalls.status(e);
            if (status == 410) {
                throw new CursorRejectedException(user(), "Graph answered 410 Gone: " + errorText(e));
            }
            if (status == 404) {
                lists.remove(cacheKey());
                if (cursor != null) {
                    throw new CursorRejectedException(user(), "the target list is gone (404)");
                }
                if (listLookups > 0) {
                    throw calls.failure("read changes", e);
                }
                return changes(null, listLookups + 1);
            }
            throw calls.failure("read changes", e);
        }
        return page(page, l);
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

    private ChangePage page(DeltaGetResponse page, TargetList l) throws MailboxException {
        List<String> deleted = new ArrayList<>();
        Set<String> changedIds = new LinkedHashSet<>();
        if (page.getValue() != null) {
            for (TodoTask t : page.getValue()) {
                if (TaskCodec.isRemoved(t)) {
                    deleted.add(t.getId());
                } else if (t.getId() != null) {
                    changedIds.add(t.getId());
                }
            }
        }
        List<ExchangeTask> changed = new ArrayList<>();
        if (!changedIds.isEmpty()) {
            // delta does not expand the extension and the linked resources: read them, batched
            List<String> ids = new ArrayList<>(changedIds);
            List<BatchRunner.Item> items = new ArrayList<>();
            for (String id : ids) {
                items.add(new BatchRunner.Item(List.of(getTask(l, id))));
            }
            batches.run("read changed tasks", items, true);
            for (int i = 0; i < ids.size(); i++) {
                BatchRunner.Item item = items.get(i);
                if (item.succeeded()) {
                    changed.add(read(item.last().as(TodoTask::createFromDiscriminatorValue), l));
                } else if (item.last() != null && item.last().status() == 404) {
                    deleted.add(ids.get(i)); // deleted since delta saw it
                } else {
                    throw new MailboxException(user(), MailboxException.Kind.PROTOCOL, "read changed task " + ids.get(i)
                            + ": " + (item.failure() == null ? "no answer" : item.failure()));
                }
            }
        }
        String next = page.getOdataNextLink() != null ? page.getOdataNextLink() : page.getOdataDeltaLink();
        if (next == null) {
            throw new MailboxException(user(), MailboxException.Kind.PROTOCOL,
                    "Graph's delta answer has neither @odata.nextLink nor @odata.deltaLink");
        }
        return new ChangePage(changed, deleted, next, page.getOdataNextLink() != null);
    }

    private ExchangeTask read(TodoTask t, TargetList l) {
        return TaskCodec.read(t, zone(), l.owned(), config.assignmentApps());
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
        for (NewExchangeTask t : tasks) {
            items.add(new BatchRunner.Item(List.of(
                    () -> tasks(l).toPostRequestInformation(TaskCodec.forCreate(t.crmId(), t.values(), zone())))));
        }
        batches.run("create tasks", items, false);
        List<WriteOutcome> out = new ArrayList<>();
        for (BatchRunner.Item item : items) {
            if (item.succeeded()) {
                TodoTask created = item.last().as(TodoTask::createFromDiscriminatorValue);
                out.add(WriteOutcome.ok(created.getId(), TaskCodec.etag(created)));
            } else {
                out.add(WriteOutcome.failed(null, item.failure()));
            }
        }
        return out;
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
            boolean extensionFirst = !TaskCodec.extensionPatch(u.values(), u.fields()).isEmpty();
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
                TodoTask after = item.last().as(TodoTask::createFromDiscriminatorValue);
                out.add(WriteOutcome.ok(id, after == null ? null : TaskCodec.etag(after)));
            } else if (item.last() != null && item.last().status() == 404) {
                out.add(WriteOutcome.gone(id, "item not found (deleted in To Do?)"));
            } else {
                out.add(WriteOutcome.failed(id, item.failure()));
            }
        }
        return out;
    }

    /**
     * The steps of one update: the extension first (it changes the task's etag too), then the task
     * PATCH, whose answer carries the final etag; with no task property to write, a GET reads it.
     */
    private BatchRunner.Item updateItem(TargetList l, ExchangeTaskUpdate u, boolean createExtension) {
        String id = u.item().itemId();
        Map<String, Object> ext = TaskCodec.extensionPatch(u.values(), u.fields());
        boolean taskProps = u.fields().stream().anyMatch(TaskCodec::isTaskProperty);
        List<Supplier<RequestInformation>> steps = new ArrayList<>();
        if (!ext.isEmpty()) {
            if (createExtension) {
                steps.add(() -> tasks(l).byTodoTaskId(id).extensions().toPostRequestInformation(
                        TaskCodec.extension(withoutNulls(ext), u.crmId())));
            } else {
                steps.add(() -> tasks(l).byTodoTaskId(id).extensions().byExtensionId(TaskCodec.EXTENSION)
                        .toPatchRequestInformation(TaskCodec.extension(ext, null)));
            }
        }
        if (taskProps) {
            steps.add(() -> tasks(l).byTodoTaskId(id).toPatchRequestInformation(
                    TaskCodec.taskPatch(u.values(), u.fields(), zone())));
        } else {
            steps.add(getTask(l, id));
        }
        return new BatchRunner.Item(steps);
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> m) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (v != null) out.put(k, v);
        });
        return out;
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
        return out;
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
        List<TodoTask> found;
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
        for (TodoTask t : found) {
            ExchangeTask read = read(t, l);
            if (read.crmId() != null && wanted.contains(read.crmId())) {
                out.add(read);
            }
        }
        return out;
    }

    private List<TodoTask> listTasks(TargetList l, String filter) throws MailboxException {
        List<TodoTask> out = new ArrayList<>();
        TodoTaskCollectionResponse page = calls.send("find tasks by CRM id", true, () -> tasks(l).get(rc -> {
            rc.queryParameters.expand = EXPAND;
            rc.queryParameters.top = config.pageSize();
            if (filter != null) rc.queryParameters.filter = filter;
        }));
        while (page != null) {
            if (page.getValue() != null) out.addAll(page.getValue());
            String next = page.getOdataNextLink();
            page = next == null ? null : calls.send("find tasks by CRM id", true, () -> tasks(l).withUrl(next).get());
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

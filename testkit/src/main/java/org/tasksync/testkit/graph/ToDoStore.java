package org.tasksync.testkit.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The data behind the {@link GraphSimulator}: users, their To Do lists and tasks, with Graph's
 * REST semantics for the resources the simulator serves. Every public method is called with the
 * simulator's lock held.
 */
final class ToDoStore {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter GRAPH_LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS");
    private static final Set<String> STATUSES = Set.of("notStarted", "inProgress", "completed", "waitingOnOthers",
            "deferred");
    private static final Set<String> IMPORTANCES = Set.of("low", "normal", "high");
    /**
     * The IANA names Graph takes besides the Windows names: the list on Microsoft's "dateTimeTimeZone
     * resource type" page (v1.0), as facts. Where the page gives two spellings ("Europe/Kyiv (Kiev)")
     * both are here; the page's "Asia/Toshkent" and "Asia/Astana" are names no tz database knows, so
     * only their bracketed spellings are taken.
     */
    static final Set<String> GRAPH_IANA_ZONES = Set.of(
            "Etc/GMT+12", "Etc/GMT+11", "Pacific/Honolulu", "America/Anchorage", "America/Santa_Isabel",
            "America/Los_Angeles", "America/Phoenix", "America/Chihuahua", "America/Denver", "America/Guatemala",
            "America/Chicago", "America/Mexico_City", "America/Regina", "America/Bogota", "America/New_York",
            "America/Indiana/Indianapolis", "America/Caracas", "America/Asuncion", "America/Halifax",
            "America/Cuiaba", "America/La_Paz", "America/Santiago", "America/St_Johns", "America/Sao_Paulo",
            "America/Argentina/Buenos_Aires", "America/Cayenne", "America/Godthab", "America/Montevideo",
            "America/Bahia", "Etc/GMT+2", "Atlantic/Azores", "Atlantic/Cape_Verde", "Africa/Casablanca", "Etc/GMT",
            "Europe/London", "Atlantic/Reykjavik", "Europe/Berlin", "Europe/Budapest", "Europe/Paris",
            "Europe/Warsaw", "Africa/Lagos", "Africa/Windhoek", "Europe/Bucharest", "Asia/Beirut", "Africa/Cairo",
            "Asia/Damascus", "Africa/Johannesburg", "Europe/Kyiv", "Europe/Kiev", "Europe/Istanbul",
            "Asia/Jerusalem", "Asia/Amman", "Asia/Baghdad", "Europe/Kaliningrad", "Asia/Riyadh", "Africa/Nairobi",
            "Asia/Tehran", "Asia/Dubai", "Asia/Baku", "Europe/Moscow", "Indian/Mauritius", "Asia/Tbilisi",
            "Asia/Yerevan", "Asia/Kabul", "Asia/Karachi", "Asia/Tashkent", "Asia/Kolkata", "Asia/Colombo",
            "Asia/Kathmandu", "Asia/Almaty", "Asia/Dhaka", "Asia/Yekaterinburg", "Asia/Yangon", "Asia/Rangoon",
            "Asia/Bangkok", "Asia/Novosibirsk", "Asia/Shanghai", "Asia/Krasnoyarsk", "Asia/Singapore",
            "Australia/Perth", "Asia/Taipei", "Asia/Ulaanbaatar", "Asia/Irkutsk", "Asia/Tokyo", "Asia/Seoul",
            "Australia/Adelaide", "Australia/Darwin", "Australia/Brisbane", "Australia/Sydney",
            "Pacific/Port_Moresby", "Australia/Hobart", "Asia/Yakutsk", "Pacific/Guadalcanal", "Asia/Vladivostok",
            "Pacific/Auckland", "Etc/GMT-12", "Pacific/Fiji", "Asia/Magadan", "Pacific/Tongatapu", "Pacific/Apia",
            "Pacific/Kiritimati");

    /** An answer to one request (or one step of a batch). */
    record Answer(int status, Map<String, String> headers, JsonNode body) {
        static Answer json(int status, JsonNode body) {
            return new Answer(status, Map.of(), body);
        }

        static Answer noContent() {
            return new Answer(204, Map.of(), null);
        }

        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** A request as the store sees it: path below {@code /v1.0}, decoded query, headers, JSON body. */
    record Call(String method, List<String> segments, Map<String, String> query, Map<String, String> headers,
                JsonNode body) {
    }

    static final class Failure extends RuntimeException {
        final int status;
        final String code;
        final Map<String, String> headers;

        Failure(int status, String code, String message) {
            this(status, code, message, Map.of());
        }

        Failure(int status, String code, String message, Map<String, String> headers) {
            super(message);
            this.status = status;
            this.code = code;
            this.headers = headers;
        }

        Answer answer() {
            Answer a = error(status, code, getMessage());
            return new Answer(status, headers, a.body());
        }
    }

    static final class UserData {
        final String id;
        final String address;
        final Map<String, ListData> lists = new LinkedHashMap<>();

        UserData(String id, String address) {
            this.id = id;
            this.address = address;
        }
    }

    static final class ListData {
        final String id;
        String displayName;
        final String wellknown;
        boolean isOwner = true;
        boolean isShared;
        long epoch;
        /** How a delta token of an earlier epoch is answered (see {@link GraphSimulator#expireDeltaTokens}). */
        int staleStatus = 400;
        boolean staleIsReset;
        final Map<String, TaskData> tasks = new LinkedHashMap<>();
        final Map<String, Long> deletions = new HashMap<>();
        String etag;

        ListData(String id, String displayName, String wellknown) {
            this.id = id;
            this.displayName = displayName;
            this.wellknown = wellknown;
        }
    }

    static final class TaskData {
        String id;
        String title = "";
        String bodyContent = "";
        String bodyType = "text";
        String importance = "normal";
        String status = "notStarted";
        Instant due;
        Instant start;
        Instant completed;
        Instant reminder;
        boolean reminderOn;
        final List<String> categories = new ArrayList<>();
        /** The calendar date To Do keeps for due, start and completion, by property name (what its apps show). */
        final Map<String, java.time.LocalDate> keptDates = new HashMap<>();
        Instant created;
        Instant lastModified;
        Instant bodyLastModified;
        String etag;
        long seq;
        final List<ObjectNode> linkedResources = new ArrayList<>();
        final Map<String, ObjectNode> extensions = new LinkedHashMap<>();
    }

    private final Clock clock;
    private final Map<String, UserData> users = new LinkedHashMap<>();
    /** Recurring tasks and what completing one does (ToDoRecurrence). */
    final ToDoRecurrence recurrences = new ToDoRecurrence(this);
    private long seq;
    private long ids;
    String baseUrl;
    int maxPageSize = 200;
    boolean linkedResourceFilter = true;
    GraphSimulator.DateSemantics dateSemantics = GraphSimulator.DateSemantics.DATE_IN_ZONE;
    GraphSimulator.ExtensionPatch extensionPatch = GraphSimulator.ExtensionPatch.REPLACE;

    ToDoStore(Clock clock) {
        this.clock = clock;
    }

    // ------------------------------------------------------------------ users and lists

    UserData addUser(String address) {
        String key = address.trim().toLowerCase(Locale.ROOT);
        UserData existing = users.get(key);
        if (existing != null) {
            return existing;
        }
        UserData u = new UserData(UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString(), key);
        users.put(key, u);
        users.put(u.id, u);
        ListData tasks = new ListData(newId("AQMkAD"), "Tasks", "defaultList");
        touchList(tasks);
        u.lists.put(tasks.id, tasks);
        // every Exchange Online mailbox also has the list of flagged e-mails (wellknownListName
        // flaggedEmails, "todoTaskList resource type"), which To Do fills itself
        ListData flagged = new ListData(newId("AQMkAD"), "Flagged emails", "flaggedEmails");
        touchList(flagged);
        u.lists.put(flagged.id, flagged);
        return u;
    }

    UserData user(String idOrAddress) {
        UserData u = users.get(idOrAddress.trim().toLowerCase(Locale.ROOT));
        if (u == null) {
            throw new Failure(404, "ResourceNotFound", "User not found: '" + idOrAddress + "'");
        }
        return u;
    }

    boolean hasUser(String idOrAddress) {
        return users.containsKey(idOrAddress.trim().toLowerCase(Locale.ROOT));
    }

    ListData defaultList(UserData u) {
        return u.lists.values().stream().filter(l -> "defaultList".equals(l.wellknown)).findFirst().orElseThrow();
    }

    ListData list(UserData u, String listId) {
        ListData l = u.lists.get(listId);
        if (l == null) {
            throw new Failure(404, "ErrorItemNotFound", "The specified object was not found in the store.");
        }
        return l;
    }

    TaskData task(ListData l, String taskId) {
        TaskData t = l.tasks.get(taskId);
        if (t == null) {
            throw new Failure(404, "ErrorItemNotFound", "The specified object was not found in the store.");
        }
        return t;
    }

    ListData createList(UserData u, String name) {
        ListData l = new ListData(newId("AQMkAD"), name, "none");
        touchList(l);
        u.lists.put(l.id, l);
        return l;
    }

    /** Delta tokens issued so far answer {@code status} with syncStateNotFound, or 410 with Location ({@code reset}). */
    void invalidateDeltaTokens(UserData u, int status, boolean reset) {
        u.lists.values().forEach(l -> {
            l.epoch++;
            l.staleStatus = status;
            l.staleIsReset = reset;
        });
    }

    // ------------------------------------------------------------------ changes by the user and by requests

    TaskData insert(ListData l, TaskData t) {
        t.id = newId("AAMkAG");
        t.created = t.created == null ? now() : t.created;
        t.bodyLastModified = t.bodyLastModified == null ? t.created : t.bodyLastModified;
        touch(t);
        l.tasks.put(t.id, t);
        return t;
    }

    void touch(TaskData t) {
        t.seq = ++seq;
        t.lastModified = now();
        t.etag = "W/\"" + Base64.getEncoder().encodeToString(("task-" + t.seq).getBytes(StandardCharsets.UTF_8)) + "\"";
    }

    void remove(ListData l, String taskId) {
        if (l.tasks.remove(taskId) != null) {
            l.deletions.put(taskId, ++seq);
        }
    }

    private void touchList(ListData l) {
        l.etag = "W/\"" + Base64.getEncoder().encodeToString(("list-" + (++seq)).getBytes(StandardCharsets.UTF_8)) + "\"";
    }

    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private String newId(String prefix) {
        String raw = prefix + "-" + (++ids) + "-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
        // Graph ids are base64 and may end in '='; clients must encode them in URLs
        return Base64.getUrlEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ REST

    /** Which mailbox a call is about, or null. */
    String mailboxOf(Call c) {
        if (c.segments().size() >= 2 && c.segments().get(0).equals("users") && hasUser(c.segments().get(1))) {
            return user(c.segments().get(1)).address;
        }
        return null;
    }

    static GraphSimulator.Op opOf(String method, List<String> s) {
        int n = s.size();
        if (n == 1 && s.get(0).equals("$batch")) return GraphSimulator.Op.BATCH;
        if (n < 4 || !s.get(0).equals("users") || !s.get(2).equals("todo") || !s.get(3).equals("lists")) {
            return GraphSimulator.Op.OTHER;
        }
        if (n == 4) return method.equals("POST") ? GraphSimulator.Op.CREATE_LIST : GraphSimulator.Op.LIST_LISTS;
        if (n == 5) return GraphSimulator.Op.LIST_ITEM;
        if (n == 6) return method.equals("POST") ? GraphSimulator.Op.CREATE_TASK : GraphSimulator.Op.LIST_TASKS;
        if (n == 7 && (s.get(6).equals("delta") || s.get(6).equals("delta()"))) return GraphSimulator.Op.DELTA;
        if (n == 7) {
            switch (method) {
                case "GET": return GraphSimulator.Op.GET_TASK;
                case "PATCH": return GraphSimulator.Op.UPDATE_TASK;
                case "DELETE": return GraphSimulator.Op.DELETE_TASK;
                default: return GraphSimulator.Op.OTHER;
            }
        }
        if (s.get(7).equals("linkedResources")) return GraphSimulator.Op.LINKED_RESOURCES;
        if (s.get(7).equals("extensions")) return GraphSimulator.Op.EXTENSIONS;
        return GraphSimulator.Op.OTHER;
    }

    Answer handle(Call c) {
        try {
            return route(c);
        } catch (Failure f) {
            return f.answer();
        }
    }

    static Answer error(int status, String code, String message) {
        ObjectNode err = NODES.objectNode();
        ObjectNode e = err.putObject("error");
        e.put("code", code);
        e.put("message", message);
        ObjectNode inner = e.putObject("innerError");
        inner.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        inner.put("request-id", UUID.randomUUID().toString());
        return Answer.json(status, err);
    }

    private Answer route(Call c) {
        List<String> s = c.segments();
        if (s.isEmpty() || !s.get(0).equals("users")) {
            throw new Failure(400, "BadRequest", "Resource not found for the segment '" + (s.isEmpty() ? "" : s.get(0))
                    + "'. The simulator serves /users/{id}/todo/... and $batch");
        }
        if (s.size() < 4 || !s.get(2).equals("todo") || !s.get(3).equals("lists")) {
            throw new Failure(400, "BadRequest", "Resource not found for the segment '" + String.join("/", s) + "'");
        }
        UserData u = user(s.get(1));
        String m = c.method();
        if (s.size() == 4) {
            if (m.equals("GET")) return listLists(u, c);
            if (m.equals("POST")) return createListCall(u, c);
            throw notAllowed(m);
        }
        ListData l = list(u, s.get(4));
        if (s.size() == 5) {
            switch (m) {
                case "GET": return Answer.json(200, render(l));
                case "PATCH":
                    JsonNode name = body(c).get("displayName");
                    if (name == null || !name.isTextual() || name.asText().isBlank()) {
                        throw new Failure(400, "invalidRequest", "displayName must be a non-empty string");
                    }
                    if (!"none".equals(l.wellknown)) {
                        throw new Failure(400, "invalidRequest", "a well-known list cannot be renamed");
                    }
                    l.displayName = name.asText();
                    touchList(l);
                    return Answer.json(200, render(l));
                case "DELETE":
                    if (!"none".equals(l.wellknown)) {
                        throw new Failure(400, "invalidRequest", "a well-known list cannot be deleted");
                    }
                    u.lists.remove(l.id);
                    return Answer.noContent();
                default: throw notAllowed(m);
            }
        }
        if (!s.get(5).equals("tasks")) {
            throw new Failure(400, "BadRequest", "Resource not found for the segment '" + s.get(5) + "'");
        }
        if (s.size() == 6) {
            if (m.equals("GET")) return listTasks(l, c);
            if (m.equals("POST")) return createTaskCall(l, c);
            throw notAllowed(m);
        }
        if (s.size() == 7 && (s.get(6).equals("delta") || s.get(6).equals("delta()"))) {
            if (!m.equals("GET")) throw notAllowed(m);
            return delta(u, l, c);
        }
        TaskData t = task(l, s.get(6));
        if (s.size() == 7) {
            switch (m) {
                case "GET": return Answer.json(200, select(render(t, expands(c)), c));
                case "PATCH":
                    applyWrite(t, body(c), false);
                    touch(t);
                    return Answer.json(200, render(t, Set.of()));
                case "DELETE":
                    remove(l, t.id);
                    return Answer.noContent();
                default: throw notAllowed(m);
            }
        }
        if (s.get(7).equals("linkedResources")) return linkedResources(t, c);
        if (s.get(7).equals("extensions")) return extensions(t, c);
        throw new Failure(400, "BadRequest", "Resource not found for the segment '" + s.get(7) + "'");
    }

    private static Failure notAllowed(String method) {
        return new Failure(405, "MethodNotAllowed", "The method " + method + " is not allowed on this resource");
    }

    private static ObjectNode body(Call c) {
        if (c.body() == null || !c.body().isObject()) {
            throw new Failure(400, "BadRequest", "A JSON object is required as the request body");
        }
        return (ObjectNode) c.body();
    }

    // ------------------------------------------------------------------ lists

    private Answer listLists(UserData u, Call c) {
        ODataFilter.Predicate filter = filter(c);
        ArrayNode values = NODES.arrayNode();
        for (ListData l : u.lists.values()) {
            ObjectNode json = render(l);
            if (filter == null || filter.test(json)) {
                values.add(json);
            }
        }
        ObjectNode out = NODES.objectNode();
        out.put("@odata.context", baseUrl + "/$metadata#users('" + u.id + "')/todo/lists");
        out.set("value", values);
        return Answer.json(200, out);
    }

    private Answer createListCall(UserData u, Call c) {
        ObjectNode b = body(c);
        JsonNode name = b.get("displayName");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            throw new Failure(400, "invalidRequest", "displayName is required");
        }
        for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("displayName") && !f.startsWith("@odata.")) {
                throw new Failure(400, "invalidRequest", "Property '" + f + "' cannot be set when creating a list");
            }
        }
        ListData l = createList(u, name.asText());
        return Answer.json(201, render(l));
    }

    ObjectNode render(ListData l) {
        ObjectNode o = NODES.objectNode();
        o.put("@odata.etag", l.etag);
        o.put("displayName", l.displayName);
        o.put("isOwner", l.isOwner);
        o.put("isShared", l.isShared);
        o.put("wellknownListName", l.wellknown);
        o.put("id", l.id);
        return o;
    }

    // ------------------------------------------------------------------ tasks

    private Answer listTasks(ListData l, Call c) {
        if (!linkedResourceFilter && c.query().getOrDefault("$filter", "").contains("linkedResources")) {
            throw new Failure(400, "BadRequest", "Invalid filter clause: filtering on linkedResources is not supported");
        }
        ODataFilter.Predicate filter = filter(c);
        Set<String> expand = expands(c);
        Comparator<ObjectNode> order = orderBy(c);
        int top = intParam(c, "$top", maxPageSize, 1, 1000);
        int skip = intParam(c, "$skip", 0, 0, Integer.MAX_VALUE);
        List<ObjectNode> matching = new ArrayList<>();
        for (TaskData t : l.tasks.values()) {
            ObjectNode full = render(t, Set.of("linkedResources", "extensions"));
            if (filter == null || filter.test(full)) {
                matching.add(render(t, expand));
            }
        }
        if (order != null) {
            matching.sort(order);
        }
        matching.replaceAll(o -> select(o, c));
        ObjectNode out = NODES.objectNode();
        out.put("@odata.context", baseUrl + "/$metadata#users/todo/lists/tasks");
        ArrayNode values = out.putArray("value");
        int end = Math.min(matching.size(), skip + top);
        for (int i = skip; i < end; i++) {
            values.add(matching.get(i));
        }
        if (end < matching.size()) {
            Map<String, String> q = new LinkedHashMap<>(c.query());
            q.put("$skip", Integer.toString(end));
            out.put("@odata.nextLink", link(c.segments(), q));
        }
        return Answer.json(200, out);
    }

    private Answer createTaskCall(ListData l, Call c) {
        if ("flaggedEmails".equals(l.wellknown)) {
            // Microsoft is silent on writing to this list, which To Do fills from flagged mail: the stricter choice
            throw new Failure(400, "invalidRequest", "Tasks cannot be created in the list of flagged emails");
        }
        ObjectNode b = body(c);
        JsonNode title = b.get("title");
        if (title == null || !title.isTextual()) {
            throw new Failure(400, "invalidRequest", "Property 'title' is required to create a task");
        }
        TaskData t = new TaskData();
        t.created = now();
        applyWrite(t, b, true);
        insert(l, t);
        // "Create todoTask": the 201 body shows the linked resources the request created
        return Answer.json(201, render(t, b.has("linkedResources") ? Set.of("linkedResources") : Set.of()));
    }

    /** Applies a POST or PATCH body to a task, as Graph does, failing with 400 on what Graph refuses. */
    void applyWrite(TaskData t, ObjectNode b, boolean create) {
        String newStatus = t.status;
        boolean wasCompleted = t.status.equals("completed");
        boolean completedGiven = false;
        Instant completedValue = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = b.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String f = e.getKey();
            JsonNode v = e.getValue();
            switch (f) {
                case "title" -> t.title = text(f, v, false);
                case "body" -> {
                    if (v.isNull()) {
                        t.bodyContent = "";
                        t.bodyType = "text";
                    } else {
                        if (!v.isObject()) throw invalid(f, v);
                        String type = v.path("contentType").asText("text").toLowerCase(Locale.ROOT);
                        if (!type.equals("text") && !type.equals("html")) throw invalid("body.contentType", v.get("contentType"));
                        t.bodyContent = v.path("content").isNull() ? "" : v.path("content").asText("");
                        t.bodyType = type;
                    }
                    t.bodyLastModified = now();
                }
                case "importance" -> {
                    String s = text(f, v, false);
                    if (!IMPORTANCES.contains(s)) throw invalid(f, v);
                    t.importance = s;
                }
                case "status" -> {
                    String s = text(f, v, false);
                    if (!STATUSES.contains(s)) throw invalid(f, v);
                    newStatus = s;
                }
                case "dueDateTime" -> {
                    t.due = dateTime(f, v, true);
                    keep(t, f, v);
                }
                case "startDateTime" -> {
                    t.start = dateTime(f, v, true);
                    keep(t, f, v);
                }
                case "reminderDateTime" -> t.reminder = dateTime(f, v, false);
                case "completedDateTime" -> {
                    completedGiven = true;
                    completedValue = dateTime(f, v, true);
                    keep(t, f, v);
                }
                case "isReminderOn" -> {
                    if (!v.isBoolean()) throw invalid(f, v);
                    t.reminderOn = v.booleanValue();
                }
                case "categories" -> {
                    if (v.isNull()) {
                        t.categories.clear();
                    } else {
                        if (!v.isArray()) throw invalid(f, v);
                        List<String> cats = new ArrayList<>();
                        for (JsonNode cat : v) {
                            if (!cat.isTextual()) throw invalid(f, v);
                            cats.add(cat.asText());
                        }
                        t.categories.clear();
                        t.categories.addAll(cats);
                    }
                }
                case "recurrence" -> recurrences.set(t, v);
                case "linkedResources" -> {
                    if (!create) throw new Failure(400, "invalidRequest", "linkedResources are changed through their own endpoint");
                    if (!v.isArray()) throw invalid(f, v);
                    for (JsonNode r : v) t.linkedResources.add(newLinkedResource(r));
                }
                case "extensions" -> {
                    if (!create) throw new Failure(400, "invalidRequest", "extensions are changed through their own endpoint");
                    if (!v.isArray()) throw invalid(f, v);
                    for (JsonNode x : v) {
                        ObjectNode ext = newExtension(x);
                        t.extensions.put(ext.get("id").asText(), ext);
                    }
                }
                case "id", "createdDateTime", "lastModifiedDateTime", "bodyLastModifiedDateTime", "hasAttachments" ->
                        throw new Failure(400, "invalidRequest", "Property '" + f + "' is read-only");
                default -> {
                    if (!f.startsWith("@odata.")) {
                        throw new Failure(400, "invalidRequest", "Invalid property '" + f + "' for a todoTask");
                    }
                }
            }
        }
        boolean nowCompleted = newStatus.equals("completed");
        if (completedGiven) {
            if (completedValue != null && !nowCompleted) {
                throw new Failure(400, "invalidRequest", "completedDateTime can be set only on a completed task");
            }
            t.completed = completedValue;
        }
        if (nowCompleted && t.completed == null) {
            // To Do sets the day of completion; the simulator takes it in UTC, not knowing the user's zone
            t.completed = now().atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant();
            t.keptDates.put("completedDateTime", t.completed.atZone(ZoneOffset.UTC).toLocalDate());
        }
        if (!nowCompleted) {
            t.completed = null;
            t.keptDates.remove("completedDateTime");
        }
        t.status = newStatus;
        if (!create) {
            recurrences.afterWrite(t, wasCompleted);
        }
    }

    /** The list that holds the task. */
    ListData listHolding(TaskData t) {
        for (UserData u : users.values()) {
            for (ListData l : u.lists.values()) {
                if (l.tasks.get(t.id) == t) {
                    return l;
                }
            }
        }
        throw new IllegalStateException("task " + t.id + " is in no list");
    }

    /** Records the date a valid due, start or completion value keeps (called after it was accepted). */
    private static void keep(TaskData t, String field, JsonNode v) {
        if (v == null || v.isNull()) {
            t.keptDates.remove(field);
        } else {
            t.keptDates.put(field, LocalDateTime.parse(v.get("dateTime").asText()).toLocalDate());
        }
    }

    private static String text(String field, JsonNode v, boolean nullable) {
        if (v.isNull() && nullable) return null;
        if (!v.isTextual()) throw invalid(field, v);
        return v.asText();
    }

    private static Failure invalid(String field, JsonNode v) {
        return new Failure(400, "invalidRequest", "Invalid value '" + v + "' for property '" + field + "'");
    }

    private Instant dateTime(String field, JsonNode v, boolean dateOnly) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject() || !v.path("dateTime").isTextual()) {
            throw invalid(field, v);
        }
        LocalDateTime local;
        try {
            local = LocalDateTime.parse(v.get("dateTime").asText());
        } catch (DateTimeParseException e) {
            throw new Failure(400, "invalidRequest", "Cannot convert '" + v.get("dateTime").asText() + "' of " + field
                    + " to a date and time");
        }
        JsonNode tz = v.get("timeZone");
        if (tz != null && !tz.isNull() && !tz.isTextual()) {
            throw invalid(field + ".timeZone", tz);
        }
        String zoneName = tz == null || tz.isNull() ? "UTC" : tz.asText();
        ZoneId zone = graphZone(zoneName);
        if (zone == null) {
            throw new Failure(400, "invalidRequest", "Time zone '" + zoneName + "' of " + field + " is not supported: "
                    + "Graph takes Windows time-zone names and the IANA names listed for dateTimeTimeZone");
        }
        if (dateOnly) {
            // "Create todoTask": due, start and completion are "the date in the specified time zone"
            return local.toLocalDate().atStartOfDay(dateSemantics == GraphSimulator.DateSemantics.DATE_ONLY
                    ? ZoneOffset.UTC : zone).toInstant();
        }
        return local.atZone(zone).toInstant();
    }

    /**
     * The zone Graph means by a {@code dateTimeTimeZone.timeZone}: a Windows name (through CLDR's
     * table in ICU4J, the zone Windows uses for it) or one of the IANA names the dateTimeTimeZone page
     * lists; null for any other name.
     */
    static ZoneId graphZone(String name) {
        Optional<ZoneId> known = ZONES.get(name);
        if (known != null) {
            return known.orElse(null);
        }
        ZoneId zone = lookUpZone(name);
        if (ZONES.size() < MAX_ZONES) {
            ZONES.put(name, Optional.ofNullable(zone));
        }
        return zone;
    }

    /**
     * {@link #graphZone}'s answers by name. ICU's Windows-zone lookup opens its resource bundle on every
     * call (a tenth of the To Do store's CPU in a batch of creates); the answer for a name never changes.
     * Bounded, as the names come from requests.
     */
    private static final Map<String, Optional<ZoneId>> ZONES = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_ZONES = 1_000;

    private static ZoneId lookUpZone(String name) {
        try {
            if (GRAPH_IANA_ZONES.contains(name)) {
                return ZoneId.of(name);
            }
            String iana = com.ibm.icu.util.TimeZone.getIDForWindowsID(name, null);
            return iana == null ? null : ZoneId.of(iana);
        } catch (DateTimeException e) {
            return null;
        }
    }

    static ObjectNode dateTimeJson(Instant i) {
        ObjectNode o = NODES.objectNode();
        o.put("dateTime", GRAPH_LOCAL.format(LocalDateTime.ofInstant(i, ZoneOffset.UTC)));
        o.put("timeZone", "UTC");
        return o;
    }

    ObjectNode render(TaskData t, Set<String> expand) {
        ObjectNode o = NODES.objectNode();
        o.put("@odata.etag", t.etag);
        o.put("importance", t.importance);
        o.put("isReminderOn", t.reminderOn);
        o.put("status", t.status);
        o.put("title", t.title);
        o.put("createdDateTime", t.created.toString());
        o.put("lastModifiedDateTime", t.lastModified.toString());
        o.put("hasAttachments", false);
        ArrayNode cats = o.putArray("categories");
        t.categories.forEach(cats::add);
        o.put("id", t.id);
        ObjectNode body = o.putObject("body");
        body.put("content", t.bodyContent);
        body.put("contentType", t.bodyType);
        o.put("bodyLastModifiedDateTime", t.bodyLastModified.toString());
        if (t.completed != null) o.set("completedDateTime", dateTimeJson(t.completed));
        if (t.due != null) o.set("dueDateTime", dateTimeJson(t.due));
        if (t.start != null) o.set("startDateTime", dateTimeJson(t.start));
        if (t.reminder != null) o.set("reminderDateTime", dateTimeJson(t.reminder));
        recurrences.render(t, o);
        if (expand.contains("linkedResources")) {
            ArrayNode a = o.putArray("linkedResources");
            t.linkedResources.forEach(r -> a.add(r.deepCopy()));
        }
        if (expand.contains("extensions")) {
            ArrayNode a = o.putArray("extensions");
            t.extensions.values().forEach(x -> a.add(x.deepCopy()));
        }
        return o;
    }

    private Set<String> expands(Call c) {
        String e = c.query().get("$expand");
        if (e == null || e.isBlank()) {
            return Set.of();
        }
        Set<String> out = new java.util.HashSet<>();
        for (String part : splitTopLevel(e)) {
            String name = part.trim();
            int paren = name.indexOf('(');
            if (paren >= 0) name = name.substring(0, paren);
            if (!name.equals("linkedResources") && !name.equals("extensions") && !name.equals("checklistItems")
                    && !name.equals("attachments")) {
                throw new Failure(400, "BadRequest", "Could not find a navigation property '" + name + "' to expand");
            }
            out.add(name);
        }
        return out;
    }

    private static final Set<String> TASK_PROPERTIES = Set.of("body", "bodyLastModifiedDateTime", "categories",
            "completedDateTime", "createdDateTime", "dueDateTime", "hasAttachments", "id", "importance", "isReminderOn",
            "lastModifiedDateTime", "recurrence", "reminderDateTime", "startDateTime", "status", "title");

    /**
     * OData {@code $select}: only the named properties (and {@code id} and the annotations, which Graph
     * always sends), plus what {@code $expand} asked for. An unknown property answers 400.
     */
    private static ObjectNode select(ObjectNode o, Call c) {
        String sel = c.query().get("$select");
        if (sel == null || sel.isBlank()) {
            return o;
        }
        Set<String> keep = new java.util.HashSet<>();
        for (String p : sel.split(",")) {
            String name = p.trim();
            if (!TASK_PROPERTIES.contains(name)) {
                throw new Failure(400, "BadRequest", "Could not find a property named '" + name + "' on type "
                        + "'microsoft.graph.todoTask'");
            }
            keep.add(name);
        }
        ObjectNode out = NODES.objectNode();
        o.fields().forEachRemaining(e -> {
            String k = e.getKey();
            if (k.startsWith("@") || k.equals("id") || keep.contains(k) || k.equals("linkedResources")
                    || k.equals("extensions")) {
                out.set(k, e.getValue());
            }
        });
        return out;
    }

    /** OData {@code $orderby} on task properties ({@code dueDateTime/dateTime} for a date), {@code asc} or {@code desc}. */
    private static Comparator<ObjectNode> orderBy(Call c) {
        String ob = c.query().get("$orderby");
        if (ob == null || ob.isBlank()) {
            return null;
        }
        Comparator<ObjectNode> out = null;
        for (String part : ob.split(",")) {
            String[] words = part.trim().split("\\s+");
            if (words.length > 2 || (words.length == 2 && !words[1].equalsIgnoreCase("asc")
                    && !words[1].equalsIgnoreCase("desc"))) {
                throw new Failure(400, "BadRequest", "Invalid $orderby clause '" + part.trim() + "'");
            }
            String path = words[0];
            String root = path.contains("/") ? path.substring(0, path.indexOf('/')) : path;
            if (!TASK_PROPERTIES.contains(root) || root.equals("body") || root.equals("categories")
                    || root.equals("recurrence")) {
                throw new Failure(400, "BadRequest", "Cannot order by '" + path + "' on type 'microsoft.graph.todoTask'");
            }
            String pointer = "/" + path;
            Comparator<ObjectNode> one = Comparator.comparing((ObjectNode o) -> o.at(pointer).isMissingNode()
                    || o.at(pointer).isNull() ? null : o.at(pointer).asText(),
                    Comparator.nullsFirst(Comparator.naturalOrder()));
            if (words.length == 2 && words[1].equalsIgnoreCase("desc")) {
                one = one.reversed();
            }
            out = out == null ? one : out.thenComparing(one);
        }
        return out;
    }

    private static List<String> splitTopLevel(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '(') depth++;
            else if (ch == ')') depth--;
            else if (ch == ',' && depth == 0) {
                out.add(s.substring(from, i));
                from = i + 1;
            }
        }
        out.add(s.substring(from));
        return out;
    }

    private static ODataFilter.Predicate filter(Call c) {
        String f = c.query().get("$filter");
        if (f == null || f.isBlank()) {
            return null;
        }
        try {
            return ODataFilter.parse(f);
        } catch (ODataFilter.ParseException e) {
            throw new Failure(400, "BadRequest", "Invalid filter clause: " + e.getMessage());
        }
    }

    private static int intParam(Call c, String name, int dflt, int min, int max) {
        String v = c.query().get(name);
        if (v == null) return dflt;
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new Failure(400, "BadRequest", "Invalid value '" + v + "' for " + name);
        }
    }

    private String link(List<String> segments, Map<String, String> query) {
        StringBuilder b = new StringBuilder(baseUrl);
        for (String s : segments) {
            b.append('/').append(java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        String sep = "?";
        for (Map.Entry<String, String> e : query.entrySet()) {
            b.append(sep).append(e.getKey()).append('=')
                    .append(java.net.URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8).replace("+", "%20"));
            sep = "&";
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ delta

    private Answer delta(UserData u, ListData l, Call c) {
        if (c.query().containsKey("$expand")) {
            throw new Failure(400, "BadRequest", "$expand is not supported on delta of todoTask");
        }
        if (c.query().containsKey("$orderby")) {
            // "Use delta query": do not assume an order; the simulator refuses to promise one
            throw new Failure(400, "BadRequest", "$orderby is not supported on delta of todoTask");
        }
        long from;
        long upto;
        long after;
        String skip = c.query().get("$skiptoken");
        String deltaToken = c.query().get("$deltatoken");
        if (skip != null) {
            long[] p = token(skip, l, 3, c);
            from = p[0];
            upto = p[1];
            after = p[2];
        } else if (deltaToken != null && !deltaToken.isEmpty()) {
            from = token(deltaToken, l, 1, c)[0];
            upto = seq;
            after = from;
        } else {
            from = 0;
            upto = seq;
            after = 0;
        }
        int pageSize = maxPageSize;
        String prefer = c.headers().getOrDefault("prefer", "");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("odata\\.maxpagesize=(\\d+)").matcher(prefer);
        if (m.find()) {
            pageSize = Math.max(1, Math.min(maxPageSize, Integer.parseInt(m.group(1))));
        }
        List<Map.Entry<Long, Object>> changes = new ArrayList<>();
        long lower = Math.max(from, after);
        for (TaskData t : l.tasks.values()) {
            if (t.seq > lower && t.seq <= upto) changes.add(Map.entry(t.seq, t));
        }
        if (from > 0) {
            l.deletions.forEach((id, s) -> {
                if (s > lower && s <= upto) changes.add(Map.entry(s, id));
            });
        }
        changes.sort(Comparator.comparingLong(Map.Entry::getKey));
        boolean more = changes.size() > pageSize;
        List<Map.Entry<Long, Object>> page = more ? changes.subList(0, pageSize) : changes;
        ObjectNode out = NODES.objectNode();
        out.put("@odata.context", baseUrl + "/$metadata#Collection(todoTask)");
        ArrayNode values = out.putArray("value");
        for (Map.Entry<Long, Object> e : page) {
            if (e.getValue() instanceof TaskData t) {
                values.add(select(render(t, Set.of()), c));
            } else {
                ObjectNode removed = values.addObject();
                removed.put("@odata.type", "#microsoft.graph.todoTask");
                removed.put("id", (String) e.getValue());
                removed.putObject("@removed").put("reason", "deleted");
            }
        }
        List<String> segments = c.segments();
        if (more) {
            long last = page.get(page.size() - 1).getKey();
            out.put("@odata.nextLink", link(segments, Map.of("$skiptoken", encode(l, from, upto, last))));
        } else {
            out.put("@odata.deltaLink", link(segments, Map.of("$deltatoken", encode(l, upto))));
        }
        Map<String, String> headers = m.find(0) ? Map.of("Preference-Applied", "odata.maxpagesize=" + pageSize) : Map.of();
        return new Answer(200, headers, out);
    }

    private static String encode(ListData l, long... parts) {
        StringBuilder b = new StringBuilder(l.id).append('|').append(l.epoch);
        for (long p : parts) b.append('|').append(p);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The numbers in a state token of this list. A token of an earlier epoch or not of this list is
     * answered as the delta-query overview documents: a 40X with {@code syncStateNotFound} ("Token
     * duration") or, after a reset, 410 Gone with a {@code Location} that starts a new round
     * ("Synchronization reset").
     */
    private long[] token(String token, ListData l, int parts, Call c) {
        String[] p;
        try {
            p = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|");
        } catch (IllegalArgumentException e) {
            p = new String[0];
        }
        boolean valid = p.length == parts + 2 && p[0].equals(l.id) && p[1].equals(Long.toString(l.epoch));
        long[] out = new long[parts];
        try {
            for (int i = 0; valid && i < parts; i++) out[i] = Long.parseLong(p[i + 2]);
        } catch (NumberFormatException e) {
            valid = false;
        }
        if (!valid) {
            boolean ours = p.length >= 2 && p[0].equals(l.id);
            if (ours && l.staleIsReset) {
                throw new Failure(410, "resyncRequired", "The delta token is no longer valid; start over at Location",
                        Map.of("Location", link(c.segments(), Map.of("$deltatoken", ""))));
            }
            throw new Failure(ours ? l.staleStatus : 400, "syncStateNotFound",
                    "The sync state generation is not found. The delta token is expired and data must be synchronized again.");
        }
        return out;
    }

    // ------------------------------------------------------------------ linked resources and extensions

    private ObjectNode newLinkedResource(JsonNode r) {
        if (!r.isObject()) throw invalid("linkedResources", r);
        ObjectNode o = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            switch (e.getKey()) {
                case "applicationName", "displayName", "externalId", "webUrl" -> {
                    if (!e.getValue().isTextual() && !e.getValue().isNull()) throw invalid(e.getKey(), e.getValue());
                    o.set(e.getKey(), e.getValue());
                }
                default -> {
                    if (!e.getKey().startsWith("@odata.")) {
                        throw new Failure(400, "invalidRequest", "Invalid property '" + e.getKey() + "' for a linkedResource");
                    }
                }
            }
        }
        if (!o.hasNonNull("applicationName")) {
            throw new Failure(400, "invalidRequest", "applicationName is required for a linkedResource");
        }
        o.put("id", UUID.randomUUID().toString());
        return o;
    }

    private ObjectNode newExtension(JsonNode x) {
        if (!x.isObject()) throw invalid("extensions", x);
        String type = x.path("@odata.type").asText("");
        if (!type.equals("microsoft.graph.openTypeExtension") && !type.equals("#microsoft.graph.openTypeExtension")) {
            throw new Failure(400, "invalidRequest", "An extension needs @odata.type microsoft.graph.openTypeExtension");
        }
        String name = x.path("extensionName").asText("");
        if (name.isBlank()) {
            throw new Failure(400, "invalidRequest", "extensionName is required");
        }
        ObjectNode o = NODES.objectNode();
        o.put("@odata.type", "#microsoft.graph.openTypeExtension");
        o.put("id", name);
        o.put("extensionName", name);
        x.fields().forEachRemaining(e -> {
            if (e.getValue().isNull()) {
                throw new Failure(400, "invalidRequest", "Property '" + e.getKey() + "' of the open extension is null; "
                        + "null values are not allowed in an open extension of a todoTask");
            }
        });
        x.fields().forEachRemaining(e -> {
            if (!e.getKey().startsWith("@odata.") && !e.getKey().equals("extensionName") && !e.getKey().equals("id")) {
                o.set(e.getKey(), e.getValue());
            }
        });
        return o;
    }

    private Answer linkedResources(TaskData t, Call c) {
        List<String> s = c.segments();
        String m = c.method();
        if (s.size() == 8) {
            if (m.equals("GET")) {
                ObjectNode out = NODES.objectNode();
                ArrayNode a = out.putArray("value");
                t.linkedResources.forEach(r -> a.add(r.deepCopy()));
                return Answer.json(200, out);
            }
            if (m.equals("POST")) {
                ObjectNode r = newLinkedResource(body(c));
                t.linkedResources.add(r);
                touch(t);
                return Answer.json(201, r.deepCopy());
            }
            throw notAllowed(m);
        }
        ObjectNode r = t.linkedResources.stream().filter(x -> x.path("id").asText().equals(s.get(8))).findFirst()
                .orElseThrow(() -> new Failure(404, "ErrorItemNotFound", "The linkedResource was not found"));
        switch (m) {
            case "GET": return Answer.json(200, r.deepCopy());
            case "PATCH":
                ObjectNode patch = newLinkedResourcePatch(body(c));
                r.setAll(patch);
                touch(t);
                return Answer.json(200, r.deepCopy());
            case "DELETE":
                t.linkedResources.remove(r);
                touch(t);
                return Answer.noContent();
            default: throw notAllowed(m);
        }
    }

    private static ObjectNode newLinkedResourcePatch(ObjectNode b) {
        ObjectNode o = NODES.objectNode();
        b.fields().forEachRemaining(e -> {
            if (Set.of("applicationName", "displayName", "externalId", "webUrl").contains(e.getKey())) {
                o.set(e.getKey(), e.getValue());
            } else if (!e.getKey().startsWith("@odata.")) {
                throw new Failure(400, "invalidRequest", "Invalid property '" + e.getKey() + "' for a linkedResource");
            }
        });
        return o;
    }

    private Answer extensions(TaskData t, Call c) {
        List<String> s = c.segments();
        String m = c.method();
        if (s.size() == 8) {
            if (m.equals("GET")) {
                ObjectNode out = NODES.objectNode();
                ArrayNode a = out.putArray("value");
                t.extensions.values().forEach(x -> a.add(x.deepCopy()));
                return Answer.json(200, out);
            }
            if (m.equals("POST")) {
                ObjectNode x = newExtension(body(c));
                if (t.extensions.containsKey(x.get("id").asText())) {
                    throw new Failure(409, "NameAlreadyExists", "An extension with this name already exists");
                }
                t.extensions.put(x.get("id").asText(), x);
                touch(t);
                return Answer.json(201, x.deepCopy());
            }
            throw notAllowed(m);
        }
        String id = s.get(8);
        if (id.startsWith("microsoft.graph.openTypeExtension.")) {
            id = id.substring("microsoft.graph.openTypeExtension.".length());
        }
        ObjectNode x = t.extensions.get(id);
        if (x == null) {
            throw new Failure(404, "ErrorItemNotFound", "The extension '" + id + "' was not found");
        }
        switch (m) {
            case "GET": return Answer.json(200, x.deepCopy());
            case "PATCH":
                // "Update open extension", Request body: directory objects lose the properties left out,
                // Microsoft 365 resources keep them and refuse nulls; the page does not say which a todoTask
                // is, so both are offered (REPLACE by default) and nulls are refused; 200 with the extension
                ObjectNode patch = body(c);
                // the page's required pairs: @odata.type and extensionName
                if (!patch.path("@odata.type").isTextual()
                        || !patch.path("@odata.type").asText().toLowerCase(Locale.ROOT).endsWith("opentypeextension")
                        || !id.equals(patch.path("extensionName").asText(""))) {
                    throw new Failure(400, "invalidRequest", "An open extension PATCH needs @odata.type "
                            + "microsoft.graph.openTypeExtension and extensionName '" + id + "'");
                }
                patch.fields().forEachRemaining(e -> {
                    if (e.getValue().isNull()) {
                        throw new Failure(400, "invalidRequest", "Property '" + e.getKey() + "' of the open extension "
                                + "is null; null values are not allowed in an open extension of a todoTask");
                    }
                });
                if (extensionPatch == GraphSimulator.ExtensionPatch.REPLACE) {
                    x.retain(x.properties().stream().map(java.util.Map.Entry::getKey)
                            .filter(k -> k.startsWith("@odata.") || k.equals("extensionName") || k.equals("id"))
                            .collect(java.util.stream.Collectors.toList()));
                }
                patch.fields().forEachRemaining(e -> {
                    String k = e.getKey();
                    if (k.startsWith("@odata.") || k.equals("extensionName") || k.equals("id")) return;
                    x.set(k, e.getValue());
                });
                touch(t);
                return Answer.json(200, x.deepCopy());
            case "DELETE":
                t.extensions.remove(id);
                touch(t);
                return Answer.noContent();
            default: throw notAllowed(m);
        }
    }

    static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new Failure(400, "BadRequest", "The request body is not valid JSON: " + e.getMessage());
        }
    }
}

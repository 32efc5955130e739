package org.tasksync.testkit.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Microsoft Graph's To Do API in process, for tests: an HTTP server on 127.0.0.1 that serves
 * {@code /v1.0/users/{id}/todo/lists}, their tasks, {@code linkedResources}, open
 * {@code extensions}, task delta ({@code /delta} and {@code /delta()}, with absolute
 * {@code @odata.nextLink} and {@code @odata.deltaLink}, {@code @removed} entries, a 40X
 * {@code syncStateNotFound} for an expired token and 410 with {@code Location} after a reset) and
 * JSON {@code $batch} of up to 20 steps, fully parallel or fully sequential, behind a bearer-token
 * check. Each rule follows a Microsoft document; docs/conformance.md lists them with their sources.
 *
 * <p>The rep's hand in To Do is {@link #toDo()}; faults are injected with {@link #throttle},
 * {@link #unavailable}, {@link #throttleBatchSteps}, {@link #dropConnections} and
 * {@link #latency}; answers Graph might give and the simulator never makes by itself (wrong JSON
 * types, missing fields, malformed JSON) with the raw-response hook {@link #rewriteResponses};
 * {@link #requests()} and its relatives count what clients sent. A user the simulator does not know
 * answers 404 as Graph does.
 *
 * <p>Dates: due, start and completion keep the date in the zone sent, which must be a Windows name
 * or an IANA name Graph lists ({@link DateSemantics}). What it simplifies: dates come back in UTC
 * ({@code Prefer: outlook.timezone} is ignored);
 * task assignment, which Graph v1.0 does not expose on {@code todoTask}, is represented as a
 * {@code linkedResource} from {@value #ASSIGNMENT_APPLICATION} (see {@link ToDoUser#assign}).
 *
 * <p>Thread-safe: requests are served by a small pool and the data is guarded by one lock.
 */
public final class GraphSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GraphSimulator.class);

    /** The application name of the linked resource that marks a task as assigned (see {@link ToDoUser#assign}). */
    public static final String ASSIGNMENT_APPLICATION = "Microsoft Planner";

    /** The token the simulator accepts unless told otherwise. */
    public static final String DEFAULT_TOKEN = "simulator-token";

    /** How {@code dueDateTime}, {@code startDateTime} and {@code completedDateTime} are kept. */
    public enum DateSemantics {
        /**
         * The default, as documented ("Create todoTask": "the date in the specified time zone"), and as a
         * user reports due dates set in To Do (RogerSelwyn/MS365-ToDo #29): the date of the sent local
         * date-time is kept in the sent zone, the time of day dropped, and returned as that date's midnight
         * in that zone, expressed in UTC.
         */
        DATE_IN_ZONE,
        /**
         * Only the date of the sent local date-time is kept and returned as midnight UTC (zone ignored too),
         * as users report for {@code completedDateTime} (microsoft-graph-docs-contrib #8664, #5306); not
         * documented, offered so that a client can be shown to read both.
         */
        DATE_ONLY
    }

    /**
     * What an open-extension PATCH does with the properties it leaves out. "Update open extension" (v1.0,
     * Request body) documents both: directory objects lose them, Microsoft 365 resources such as messages
     * keep them; it does not say which a todoTask is. Null values are refused either way.
     */
    public enum ExtensionPatch {
        /** The default, the stricter for a client that sends only what changed: the body replaces the extension. */
        REPLACE,
        /** The body's properties are merged in; the ones left out keep their values. */
        MERGE
    }

    /** Kinds of request, for counting and for aiming faults. */
    public enum Op {
        BATCH, LIST_LISTS, CREATE_LIST, LIST_ITEM, LIST_TASKS, CREATE_TASK, GET_TASK, UPDATE_TASK, DELETE_TASK, DELTA,
        LINKED_RESOURCES, EXTENSIONS, OTHER
    }

    private enum FaultKind { THROTTLE, UNAVAILABLE, DROP, DROP_AFTER }

    private static final class Fault {
        final FaultKind kind;
        int remaining;
        final Integer retryAfterSeconds;
        final Set<Op> ops;
        String mailbox;

        Fault(FaultKind kind, int times, Integer retryAfterSeconds, Op... ops) {
            this.kind = kind;
            this.remaining = times;
            this.retryAfterSeconds = retryAfterSeconds;
            this.ops = ops.length == 0 ? EnumSet.allOf(Op.class) : EnumSet.copyOf(Arrays.asList(ops));
        }
    }

    private final Object lock = new Object();
    private final ToDoStore store;
    private final HttpServer server;
    private final ExecutorService pool;
    private final String baseUrl;
    private String token = DEFAULT_TOKEN;
    private Duration latency = Duration.ZERO;
    private final List<Fault> faults = new ArrayList<>();
    private final List<Fault> stepFaults = new ArrayList<>();
    private long requests;
    private final Map<Op, Long> requestsByOp = new EnumMap<>(Op.class);
    private final Map<Op, Long> stepsByOp = new EnumMap<>(Op.class);
    private final Map<String, Long> requestsByMailbox = new TreeMap<>();
    private final ToDoUser user = new ToDoUser();
    private final List<Rewrite> rewrites = new ArrayList<>();

    /** A raw-response rewrite: answers of these kinds (about this mailbox, if one is named). */
    private record Rewrite(UnaryOperator<String> rewrite, Set<Op> ops, String mailbox) {
        boolean matches(Op op, String mb) {
            return ops.contains(op) && (mailbox == null || mailbox.equals(mb));
        }
    }

    private GraphSimulator(Clock clock) throws IOException {
        store = new ToDoStore(clock);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        pool = Executors.newFixedThreadPool(6, r -> {
            Thread t = new Thread(r, "graph-simulator");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", this::serve);
        baseUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1.0";
        store.baseUrl = baseUrl;
        server.start();
        log.debug("Graph simulator listening at {}", baseUrl);
    }

    /** Starts a simulator on a free port of 127.0.0.1, with the system clock. */
    public static GraphSimulator start() {
        return start(Clock.systemUTC());
    }

    /** Starts a simulator whose modification times come from {@code clock}. */
    public static GraphSimulator start(Clock clock) {
        try {
            return new GraphSimulator(clock);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the Graph simulator", e);
        }
    }

    /** The service root, e.g. {@code http://127.0.0.1:41234/v1.0}. */
    public String baseUrl() {
        return baseUrl;
    }

    /** The bearer token the simulator accepts. */
    public String token() {
        synchronized (lock) {
            return token;
        }
    }

    /** From now on only {@code newToken} is accepted (the old one answers 401). */
    public GraphSimulator acceptToken(String newToken) {
        synchronized (lock) {
            token = newToken;
            return this;
        }
    }

    /** The most items one page of delta or of a task listing holds (clients may ask for fewer). */
    public GraphSimulator pageSize(int n) {
        synchronized (lock) {
            store.maxPageSize = n;
            return this;
        }
    }

    /**
     * What completing a recurring task does, where Graph's pages are silent (see ToDoRecurrence): by
     * default MS-OXOTASK task regeneration, the completed occurrence being the new task.
     */
    public enum RecurringCompletion {
        /** The completed occurrence is a new task (new id, the task's linked resources and extensions); the task moves on. */
        COMPLETED_OCCURRENCE_IS_NEW,
        /** The task is completed in place; the next occurrence is a new task with the same copies. */
        NEXT_OCCURRENCE_IS_NEW
    }

    /** Chooses what completing a recurring task does (default {@link RecurringCompletion#COMPLETED_OCCURRENCE_IS_NEW}). */
    public GraphSimulator recurringCompletion(RecurringCompletion mode) {
        synchronized (lock) {
            store.recurrences.mode = java.util.Objects.requireNonNull(mode, "mode");
        }
        return this;
    }

    /** Chooses what an open-extension PATCH does with the properties it leaves out (default {@link ExtensionPatch#REPLACE}). */
    public GraphSimulator extensionPatch(ExtensionPatch mode) {
        synchronized (lock) {
            store.extensionPatch = java.util.Objects.requireNonNull(mode, "mode");
            return this;
        }
    }

    public GraphSimulator dateSemantics(DateSemantics semantics) {
        synchronized (lock) {
            store.dateSemantics = semantics;
            return this;
        }
    }

    /** Adds a user (with the default list "Tasks"); adding one twice is harmless. Returns the user's id. */
    public String addUser(String address) {
        synchronized (lock) {
            return store.addUser(address).id;
        }
    }

    /** The rep's hand in To Do. */
    public ToDoUser toDo() {
        return user;
    }

    // ------------------------------------------------------------------ faults

    /**
     * Serves up to {@code n} requests at once (6 unless set). Each request holds its thread through its
     * latency, so this caps the requests in flight; a benchmark that compares with the EWS simulator
     * (which has no cap) lifts it.
     */
    public GraphSimulator serverThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("serverThreads must be at least 1, was " + n);
        }
        java.util.concurrent.ThreadPoolExecutor p = (java.util.concurrent.ThreadPoolExecutor) pool;
        if (n >= p.getMaximumPoolSize()) {
            p.setMaximumPoolSize(n);
            p.setCorePoolSize(n);
        } else {
            p.setCorePoolSize(n);
            p.setMaximumPoolSize(n);
        }
        return this;
    }

    /** Every request waits this long before it is answered. */
    public GraphSimulator latency(Duration d) {
        synchronized (lock) {
            latency = d;
            return this;
        }
    }

    /** The next {@code times} requests (of these kinds; none named: any) answer 429 with {@code Retry-After}. */
    public GraphSimulator throttle(int times, int retryAfterSeconds, Op... ops) {
        synchronized (lock) {
            faults.add(new Fault(FaultKind.THROTTLE, times, retryAfterSeconds, ops));
            return this;
        }
    }

    /**
     * The next {@code times} requests about one mailbox answer 429 with {@code Retry-After} (a
     * {@code $batch} is about the mailbox of its first step); other mailboxes are served.
     */
    public GraphSimulator throttleMailbox(String mailbox, int times, int retryAfterSeconds) {
        synchronized (lock) {
            Fault f = new Fault(FaultKind.THROTTLE, times, retryAfterSeconds);
            f.mailbox = mailbox.toLowerCase(Locale.ROOT);
            faults.add(f);
            return this;
        }
    }

    /** The next {@code times} requests answer 503, with {@code Retry-After} unless it is null. */
    public GraphSimulator unavailable(int times, Integer retryAfterSeconds, Op... ops) {
        synchronized (lock) {
            faults.add(new Fault(FaultKind.UNAVAILABLE, times, retryAfterSeconds, ops));
            return this;
        }
    }

    /** The next {@code times} requests lose their connection before anything is done. */
    public GraphSimulator dropConnections(int times, Op... ops) {
        synchronized (lock) {
            faults.add(new Fault(FaultKind.DROP, times, null, ops));
            return this;
        }
    }

    /**
     * The next {@code times} requests are carried out, but their connection drops before the answer
     * arrives: the client cannot know whether they were done.
     */
    public GraphSimulator dropResponses(int times, Op... ops) {
        synchronized (lock) {
            faults.add(new Fault(FaultKind.DROP_AFTER, times, null, ops));
            return this;
        }
    }

    /**
     * Whether task listings accept a {@code $filter} on {@code linkedResources} (default true); false
     * answers 400, as a Graph that does not support the filter would.
     */
    public GraphSimulator filterOnLinkedResources(boolean supported) {
        synchronized (lock) {
            store.linkedResourceFilter = supported;
            return this;
        }
    }

    /**
     * The next {@code times} steps inside {@code $batch} requests answer 429 with {@code Retry-After}
     * (the batch itself succeeds; Graph's SDK does not retry such steps).
     */
    public GraphSimulator throttleBatchSteps(int times, int retryAfterSeconds, Op... ops) {
        synchronized (lock) {
            stepFaults.add(new Fault(FaultKind.THROTTLE, times, retryAfterSeconds, ops));
            return this;
        }
    }

    /**
     * The raw-response hook: every answer of these kinds (none named: any) is made as usual, then its
     * JSON text passes through {@code rewrite} and is sent as it comes out, unchecked, until
     * {@link #heal()}. For answers that Graph, a proxy or a newer Graph may give and the simulator
     * never makes by itself: a number where a string belongs, an unknown enumeration value, a missing
     * field, a time zone nobody knows, malformed JSON.
     *
     * <p>Inside {@code $batch} the hook applies to each step of a matching kind (e.g. {@link Op#GET_TASK}):
     * the step's body text is rewritten and put into the {@code $batch} answer verbatim, so a step
     * rewritten into something that is not JSON makes the whole {@code $batch} answer malformed, as it
     * would be coming from Graph. {@link Op#BATCH} rewrites the whole {@code $batch} answer. Several
     * rewrites that match one answer apply in the order they were added. The function is called for
     * every matching answer: make it change only what it is aimed at (a task id, a title).
     *
     * <pre>{@code
     * sim.rewriteResponses(json -> json.replace("\"status\":\"completed\"", "\"status\":\"bogus\""),
     *         Op.GET_TASK, Op.DELTA);
     * }</pre>
     */
    public GraphSimulator rewriteResponses(UnaryOperator<String> rewrite, Op... ops) {
        return add(new Rewrite(java.util.Objects.requireNonNull(rewrite, "rewrite"), opSet(ops), null));
    }

    /** As {@link #rewriteResponses(UnaryOperator, Op...)}, for answers about one mailbox only. */
    public GraphSimulator rewriteResponses(String mailbox, UnaryOperator<String> rewrite, Op... ops) {
        return add(new Rewrite(java.util.Objects.requireNonNull(rewrite, "rewrite"), opSet(ops),
                mailbox.toLowerCase(Locale.ROOT)));
    }

    private GraphSimulator add(Rewrite r) {
        synchronized (lock) {
            rewrites.add(r);
            return this;
        }
    }

    private static Set<Op> opSet(Op... ops) {
        return ops.length == 0 ? EnumSet.allOf(Op.class) : EnumSet.copyOf(Arrays.asList(ops));
    }

    /** The rewrites that apply to an answer, in the order they were added. */
    private List<Rewrite> rewritesFor(Op op, String mailbox) {
        synchronized (lock) {
            return rewrites.stream().filter(r -> r.matches(op, mailbox)).toList();
        }
    }

    private static String rewritten(List<Rewrite> rws, String text) {
        for (Rewrite r : rws) {
            text = r.rewrite().apply(text);
        }
        return text;
    }

    /** Removes every pending fault, every response rewrite and the latency. */
    public GraphSimulator heal() {
        synchronized (lock) {
            faults.clear();
            stepFaults.clear();
            rewrites.clear();
            latency = Duration.ZERO;
            return this;
        }
    }

    /**
     * The server forgets the delta tokens of the user's lists (its token cache overflowed): the next
     * delta with one answers 400 with the error code {@code syncStateNotFound} ("Use delta query",
     * Token duration: "a 40X-series error with error codes such as syncStateNotFound").
     */
    public void expireDeltaTokens(String mailbox) {
        expireDeltaTokens(mailbox, 400);
    }

    /** As {@link #expireDeltaTokens(String)}, answering {@code status} (a 40X) with {@code syncStateNotFound}. */
    public void expireDeltaTokens(String mailbox, int status) {
        if (status < 400 || status > 499) {
            throw new IllegalArgumentException("an expired delta token is answered with a 40X, not " + status);
        }
        synchronized (lock) {
            store.invalidateDeltaTokens(store.user(mailbox), status, false);
        }
    }

    /**
     * Graph resets synchronization ("Use delta query", Synchronization reset): the next delta with a
     * token issued so far answers 410 Gone with a {@code Location} header naming the delta request that
     * starts over (an empty {@code $deltatoken}).
     */
    public void resetDeltaSync(String mailbox) {
        synchronized (lock) {
            store.invalidateDeltaTokens(store.user(mailbox), 410, true);
        }
    }

    // ------------------------------------------------------------------ counts

    /** HTTP requests received (a {@code $batch} counts once). */
    public long requests() {
        synchronized (lock) {
            return requests;
        }
    }

    /** HTTP requests of one kind received ({@link Op#BATCH} for {@code $batch} requests). */
    public long requests(Op op) {
        synchronized (lock) {
            return requestsByOp.getOrDefault(op, 0L);
        }
    }

    /** HTTP requests that concerned a mailbox (a {@code $batch} counts once for each mailbox in its steps). */
    public long requests(String mailbox) {
        synchronized (lock) {
            return requestsByMailbox.getOrDefault(mailbox.toLowerCase(Locale.ROOT), 0L);
        }
    }

    /** Steps of one kind received inside {@code $batch} requests. */
    public long batchSteps(Op op) {
        synchronized (lock) {
            return stepsByOp.getOrDefault(op, 0L);
        }
    }

    public void resetCounts() {
        synchronized (lock) {
            requests = 0;
            requestsByOp.clear();
            stepsByOp.clear();
            requestsByMailbox.clear();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "GraphSimulator{" + baseUrl + "}";
    }

    // ------------------------------------------------------------------ HTTP

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] requestBody;
            try (InputStream in = ex.getRequestBody()) {
                requestBody = in.readAllBytes();
            }
            String rawPath = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
            if (!rawPath.startsWith("/v1.0/")) {
                send(ex, ToDoStore.error(404, "BadRequest", "Only /v1.0 is served"));
                return;
            }
            List<String> segments = segments(rawPath.substring("/v1.0/".length()));
            Map<String, String> query = query(ex.getRequestURI().getRawQuery());
            Map<String, String> headers = new HashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            Op op = ToDoStore.opOf(method, segments);

            Duration wait;
            Fault fault;
            boolean authorized;
            String mailbox;
            JsonNode json = null;
            ToDoStore.Failure unreadable = null;
            try {
                json = ToDoStore.parse(requestBody);
            } catch (ToDoStore.Failure f) {
                unreadable = f;
            }
            synchronized (lock) {
                requests++;
                requestsByOp.merge(op, 1L, Long::sum);
                if (op != Op.BATCH) {
                    mailbox = store.mailboxOf(new ToDoStore.Call(method, segments, query, headers, null));
                    if (mailbox != null) requestsByMailbox.merge(mailbox, 1L, Long::sum);
                } else {
                    mailbox = firstStepMailbox(json);
                }
                wait = latency;
                fault = takeFault(faults, op, mailbox);
                authorized = ("Bearer " + token).equals(headers.get("authorization"));
            }
            if (fault != null && fault.kind == FaultKind.DROP) {
                drop(ex);
                return;
            }
            if (!wait.isZero()) {
                sleep(wait);
            }
            if (!authorized) {
                ToDoStore.Answer a = ToDoStore.error(401, "InvalidAuthenticationToken",
                        headers.containsKey("authorization") ? "Access token validation failure. Invalid audience."
                                : "Access token is empty.");
                send(ex, new ToDoStore.Answer(401, Map.of("WWW-Authenticate", "Bearer realm=\"\""), a.body()));
                return;
            }
            if (fault != null && fault.kind != FaultKind.DROP_AFTER) {
                send(ex, faultAnswer(fault));
                return;
            }
            ToDoStore.Answer answer;
            Map<String, String> splices = new HashMap<>();
            try {
                if (unreadable != null) {
                    throw unreadable;
                }
                if (op == Op.BATCH) {
                    answer = method.equals("POST") ? batch(json, splices)
                            : ToDoStore.error(405, "MethodNotAllowed", "POST only");
                } else {
                    synchronized (lock) {
                        answer = store.handle(new ToDoStore.Call(method, segments, query, headers, json));
                    }
                }
            } catch (ToDoStore.Failure f) {
                answer = f.answer();
            }
            if (fault != null) {
                drop(ex);
                return;
            }
            List<Rewrite> rws = rewritesFor(op, mailbox);
            if (answer.body() != null && (!rws.isEmpty() || !splices.isEmpty())) {
                String text = ToDoStore.JSON.writeValueAsString(answer.body());
                for (Map.Entry<String, String> sp : splices.entrySet()) {
                    text = text.replace("\"" + sp.getKey() + "\"", sp.getValue());
                }
                send(ex, answer.status(), answer.headers(), rewritten(rws, text).getBytes(StandardCharsets.UTF_8));
                return;
            }
            send(ex, answer);
        } catch (RuntimeException e) {
            log.error("Graph simulator failed on {} {}", ex.getRequestMethod(), ex.getRequestURI(), e);
            throw e;
        }
    }

    private String firstStepMailbox(JsonNode batch) {
        if (batch == null || !batch.path("requests").isArray() || batch.get("requests").isEmpty()) {
            return null;
        }
        String url = batch.get("requests").get(0).path("url").asText("");
        int q = url.indexOf('?');
        List<String> segments = new ArrayList<>();
        for (String raw : segments(q < 0 ? url : url.substring(0, q))) {
            segments.add(percentDecode(raw));
        }
        if (!segments.isEmpty() && segments.get(0).equals("v1.0")) {
            segments.remove(0);
        }
        return store.mailboxOf(new ToDoStore.Call("GET", segments, Map.of(), Map.of(), null));
    }

    private static Fault takeFault(List<Fault> list, Op op) {
        return takeFault(list, op, null);
    }

    private static Fault takeFault(List<Fault> list, Op op, String mailbox) {
        for (Iterator<Fault> it = list.iterator(); it.hasNext(); ) {
            Fault f = it.next();
            if (f.ops.contains(op) && (f.mailbox == null || f.mailbox.equals(mailbox))) {
                if (--f.remaining <= 0) it.remove();
                return f;
            }
        }
        return null;
    }

    private static ToDoStore.Answer faultAnswer(Fault f) {
        Map<String, String> h = f.retryAfterSeconds == null ? Map.of() : Map.of("Retry-After", f.retryAfterSeconds.toString());
        ToDoStore.Answer a = f.kind == FaultKind.THROTTLE
                ? ToDoStore.error(429, "TooManyRequests", "Too many requests; retry after the time in Retry-After")
                : ToDoStore.error(503, "ServiceNotAvailable", "The service is temporarily unavailable");
        return new ToDoStore.Answer(a.status(), h, a.body());
    }

    /** A step's answer, with what it was about (for the rewrites). */
    private record StepAnswer(ToDoStore.Answer answer, Op op, String mailbox) {
    }

    /**
     * Serves a {@code $batch}. A step body that a rewrite changed is put into the answer as a
     * placeholder, which {@code splices} maps to the rewritten text.
     */
    private ToDoStore.Answer batch(JsonNode body, Map<String, String> splices) {
        if (body == null || !body.path("requests").isArray()) {
            throw new ToDoStore.Failure(400, "BadRequest", "A $batch body needs a 'requests' array");
        }
        ArrayNode steps = (ArrayNode) body.get("requests");
        checkBatch(steps);
        Map<String, Integer> statusById = new HashMap<>();
        Set<String> mailboxes = new LinkedHashSet<>();
        ArrayNode responses = JsonNodeFactory.instance.arrayNode();
        for (JsonNode s : steps) {
            String id = s.get("id").asText();
            StepAnswer sa = step(s, statusById, mailboxes);
            ToDoStore.Answer a = sa.answer();
            statusById.put(id.toLowerCase(Locale.ROOT), a.status());
            ObjectNode r = responses.addObject();
            r.put("id", id);
            r.put("status", a.status());
            ObjectNode h = r.putObject("headers");
            a.headers().forEach(h::put);
            if (a.body() != null) {
                h.put("Content-Type", "application/json; odata.metadata=minimal; odata.streaming=true; charset=utf-8");
                List<Rewrite> rws = rewritesFor(sa.op(), sa.mailbox());
                if (rws.isEmpty()) {
                    r.set("body", a.body());
                } else {
                    String token = "@@graph-simulator-rewrite-" + java.util.UUID.randomUUID() + "@@";
                    r.put("body", token);
                    try {
                        splices.put(token, rewritten(rws, ToDoStore.JSON.writeValueAsString(a.body())));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        synchronized (lock) {
            mailboxes.forEach(mb -> requestsByMailbox.merge(mb, 1L, Long::sum));
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("responses", responses);
        return ToDoStore.Answer.json(200, out);
    }

    private static final Set<String> METHODS = Set.of("GET", "POST", "PATCH", "PUT", "DELETE");
    /** A URL with a scheme (compiled once: {@code String.matches} compiled it for every step of every batch). */
    private static final java.util.regex.Pattern ABSOLUTE_URL = java.util.regex.Pattern.compile("(?i)^[a-z][a-z0-9+.-]*://.*");

    /**
     * What makes a {@code $batch} malformed, answered 400 for the whole batch (JSON batching: "If the
     * batch request itself is malformed, the status code is 400"): no steps or more than 20; a step
     * without a string id, or ids equal but for case (ids are "not case-sensitive" and "must be
     * unique"); no method; no url, or an absolute one (the url is "the relative resource URL"); a body
     * without a Content-Type header; a dependsOn naming no earlier step; a batch neither fully
     * sequential (each step after the first depends on exactly the one before it) nor fully parallel
     * (no dependsOn): JSON batching, Sequencing requests, and microsoft-graph-docs issue #16280.
     */
    private static void checkBatch(ArrayNode steps) {
        if (steps.isEmpty()) {
            throw new ToDoStore.Failure(400, "BadRequest", "A $batch needs at least one request");
        }
        if (steps.size() > 20) {
            throw new ToDoStore.Failure(400, "BadRequest", "The number of requests in a batch is limited to 20");
        }
        List<String> ids = new ArrayList<>();
        int dependent = 0;
        boolean chain = true;
        for (JsonNode s : steps) {
            if (!s.isObject() || !s.path("id").isTextual() || s.get("id").asText().isEmpty()) {
                throw new ToDoStore.Failure(400, "BadRequest", "Each batch request needs an id (got " + s.path("id") + ")");
            }
            String id = s.get("id").asText();
            String key = id.toLowerCase(Locale.ROOT);
            if (ids.contains(key)) {
                throw new ToDoStore.Failure(400, "BadRequest", "Batch request ids must be unique, and are not "
                        + "case-sensitive: '" + id + "' is there twice");
            }
            String method = s.path("method").asText("");
            if (!METHODS.contains(method.toUpperCase(Locale.ROOT))) {
                throw new ToDoStore.Failure(400, "BadRequest", "Batch request '" + id + "' needs a method (got '"
                        + method + "')");
            }
            String url = s.path("url").asText("");
            if (url.isBlank()) {
                throw new ToDoStore.Failure(400, "BadRequest", "Batch request '" + id + "' needs a url");
            }
            if (ABSOLUTE_URL.matcher(url).matches()) {
                throw new ToDoStore.Failure(400, "BadRequest", "Batch request '" + id + "' has the absolute url '"
                        + url + "'; the url of a batch request is relative to the service root, e.g. /users");
            }
            if (s.has("body") && !s.get("body").isNull()) {
                boolean typed = false;
                for (java.util.Iterator<String> it = s.path("headers").fieldNames(); it.hasNext(); ) {
                    typed |= it.next().equalsIgnoreCase("Content-Type");
                }
                if (!typed) {
                    throw new ToDoStore.Failure(400, "BadRequest", "Batch request '" + id + "' has a body but no "
                            + "Content-Type header");
                }
            }
            JsonNode deps = s.get("dependsOn");
            if (deps != null && !deps.isNull() && !deps.isEmpty()) {
                dependent++;
                if (!deps.isArray()) {
                    throw new ToDoStore.Failure(400, "BadRequest", "dependsOn of batch request '" + id + "' must be an array");
                }
                for (JsonNode d : deps) {
                    if (!ids.contains(d.asText("").toLowerCase(Locale.ROOT))) {
                        throw new ToDoStore.Failure(400, "BadRequest", "Batch request '" + id + "' depends on '"
                                + d.asText() + "', which is no earlier request of the batch");
                    }
                }
                chain &= deps.size() == 1 && !ids.isEmpty()
                        && deps.get(0).asText().equalsIgnoreCase(ids.get(ids.size() - 1));
            } else if (!ids.isEmpty()) {
                chain = false;
            }
            ids.add(key);
        }
        if (dependent > 0 && !chain) {
            throw new ToDoStore.Failure(400, "BadRequest", "Batch should be either fully sequential or fully parallel");
        }
    }

    private StepAnswer step(JsonNode s, Map<String, Integer> statusById, Set<String> mailboxes) {
        String method = s.path("method").asText("").toUpperCase(Locale.ROOT);
        String url = s.path("url").asText("");
        if (url.startsWith("/v1.0/")) {
            url = url.substring(5);
        }
        if (!url.startsWith("/")) {
            url = "/" + url;
        }
        int q = url.indexOf('?');
        List<String> segments = new ArrayList<>();
        for (String raw : segments(q < 0 ? url.substring(1) : url.substring(1, q))) {
            segments.add(percentDecode(raw));
        }
        Map<String, String> query = query(q < 0 ? null : url.substring(q + 1));
        Map<String, String> headers = new HashMap<>();
        s.path("headers").fields().forEachRemaining(e -> headers.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asText()));
        Op op = ToDoStore.opOf(method, segments);
        for (JsonNode dep : s.path("dependsOn")) {
            Integer st = statusById.get(dep.asText().toLowerCase(Locale.ROOT));
            if (st == null || st < 200 || st >= 300) {
                return new StepAnswer(ToDoStore.error(424, "FailedDependency", "Step " + dep.asText()
                        + " did not succeed"), op, null);
            }
        }
        JsonNode body = s.get("body");
        if (body != null && body.isTextual()) {
            // a body the client sent base64-encoded (non-JSON content)
            try {
                body = ToDoStore.parse(java.util.Base64.getDecoder().decode(body.asText()));
            } catch (IllegalArgumentException e) {
                return new StepAnswer(ToDoStore.error(400, "BadRequest", "A step body must be JSON or base64"), op, null);
            }
        }
        synchronized (lock) {
            stepsByOp.merge(op, 1L, Long::sum);
            ToDoStore.Call c = new ToDoStore.Call(method, segments, query, headers, body);
            String mb = store.mailboxOf(c);
            if (mb != null) mailboxes.add(mb);
            Fault f = takeFault(stepFaults, op);
            if (f != null) {
                return new StepAnswer(faultAnswer(f), op, mb);
            }
            return new StepAnswer(store.handle(c), op, mb);
        }
    }

    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) out.add(s);
        }
        // OData function call style: tasks/delta() arrives as one segment; 'microsoft.graph.delta' is another spelling
        if (!out.isEmpty() && out.get(out.size() - 1).equals("microsoft.graph.delta()")) {
            out.set(out.size() - 1, "delta()");
        }
        return out;
    }

    /** Decodes %XX in a path segment ('+' stays '+', unlike form decoding). */
    private static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() + 0 && i + 2 <= s.length() - 1) {
                out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else if (c < 0x80) {
                out.write(c); // ASCII is its own UTF-8: no String and byte[] per character of every step's URL
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String part : raw.split("&")) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    /** Sends a body as it is (the raw-response hook's text). */
    private static void send(HttpExchange ex, int status, Map<String, String> headers, byte[] bytes) throws IOException {
        headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        ex.getResponseHeaders().add("request-id", java.util.UUID.randomUUID().toString());
        ex.getResponseHeaders().add("Content-Type",
                "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static void send(HttpExchange ex, ToDoStore.Answer a) throws IOException {
        a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        ex.getResponseHeaders().add("request-id", java.util.UUID.randomUUID().toString());
        if (a.body() == null) {
            ex.sendResponseHeaders(a.status(), -1);
            return;
        }
        byte[] bytes = ToDoStore.JSON.writeValueAsBytes(a.body());
        ex.getResponseHeaders().add("Content-Type",
                "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8");
        ex.sendResponseHeaders(a.status(), bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /**
     * Closes the connection without an answer: with no response headers sent, the JDK's server closes
     * the socket itself, and the client sees the connection drop.
     */
    private static void drop(HttpExchange ex) {
        ex.close();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ the rep's hand

    /** A snapshot of one To Do task as the simulator holds it, for assertions. */
    public record SimTask(String id, String listId, String title, String bodyContent, String bodyType, String status,
                          String importance, JsonNode json) {
    }

    /** A snapshot of one To Do list. */
    public record SimList(String id, String displayName, String wellknownListName, boolean isOwner, boolean isShared) {
    }

    /**
     * What the rep does in the To Do app. Each change makes a new etag and a later modification time
     * and shows up in delta, as in Graph.
     */
    public final class ToDoUser {

        private ToDoUser() {
        }

        /** Sets the status as To Do does: completed ⇒ completedDateTime now; otherwise none. */
        public void setStatus(String mailbox, String taskId, String graphStatus) {
            patch(mailbox, taskId, "{\"status\":\"" + graphStatus + "\"}");
        }

        public void setTitle(String mailbox, String taskId, String title) {
            ObjectNode o = JsonNodeFactory.instance.objectNode().put("title", title);
            patch(mailbox, taskId, o.toString());
        }

        /** Applies a PATCH body (JSON) to the task, as the app would. */
        public void patch(String mailbox, String taskId, String json) {
            synchronized (lock) {
                ToDoStore.UserData u = store.user(mailbox);
                ToDoStore.TaskData t = find(u, taskId);
                store.applyWrite(t, (ObjectNode) ToDoStore.parse(json.getBytes(StandardCharsets.UTF_8)), false);
                store.touch(t);
            }
        }

        public void delete(String mailbox, String taskId) {
            synchronized (lock) {
                ToDoStore.UserData u = store.user(mailbox);
                ToDoStore.ListData l = listOf(u, taskId);
                store.remove(l, taskId);
            }
        }

        /** Moves the task to another list; as in Graph, it gets a new id there. Returns the new id. */
        public String moveTo(String mailbox, String taskId, String listId) {
            synchronized (lock) {
                ToDoStore.UserData u = store.user(mailbox);
                ToDoStore.ListData from = listOf(u, taskId);
                ToDoStore.ListData to = store.list(u, listId);
                ToDoStore.TaskData t = from.tasks.get(taskId);
                store.remove(from, taskId);
                return store.insert(to, t).id;
            }
        }

        /**
         * Assigns the task to somebody else: To Do's analogue of Outlook's task delegation. Graph v1.0
         * has no assignment property on {@code todoTask}; the simulator marks an assigned task with a
         * {@code linkedResource} whose {@code applicationName} is {@value #ASSIGNMENT_APPLICATION}
         * (as tasks assigned through Planner carry a link back to Planner).
         */
        public void assign(String mailbox, String taskId, String assignee) {
            synchronized (lock) {
                ToDoStore.UserData u = store.user(mailbox);
                ToDoStore.TaskData t = find(u, taskId);
                ObjectNode r = JsonNodeFactory.instance.objectNode();
                r.put("id", java.util.UUID.randomUUID().toString());
                r.put("applicationName", ASSIGNMENT_APPLICATION);
                r.put("displayName", "Assigned to " + assignee);
                r.put("externalId", "planner-" + taskId.hashCode());
                r.put("webUrl", "https://tasks.office.com/assigned/" + Math.abs(taskId.hashCode()));
                t.linkedResources.add(r);
                store.touch(t);
            }
        }

        /** Creates a task by hand (no CRM tag) in the default list; returns its id. */
        public String createTask(String mailbox, String title) {
            synchronized (lock) {
                ToDoStore.UserData u = store.user(mailbox);
                ToDoStore.TaskData t = new ToDoStore.TaskData();
                t.title = title;
                return store.insert(store.defaultList(u), t).id;
            }
        }

        /** Creates a list owned by the user; returns its id. */
        public String createList(String mailbox, String name) {
            synchronized (lock) {
                return store.createList(store.user(mailbox), name).id;
            }
        }

        /** Adds a list that somebody else owns and shared with the user ({@code isOwner} false). */
        public String addListSharedByOthers(String mailbox, String name) {
            synchronized (lock) {
                ToDoStore.ListData l = store.createList(store.user(mailbox), name);
                l.isOwner = false;
                l.isShared = true;
                return l.id;
            }
        }

        /**
         * The calendar date To Do keeps for {@code property} ({@code dueDateTime}, {@code startDateTime} or
         * {@code completedDateTime}) of a task, which its apps show: the date of the value written, in
         * the zone it was written in; null when the task has none.
         */
        public java.time.LocalDate keptDate(String mailbox, String taskId, String property) {
            synchronized (lock) {
                return find(store.user(mailbox), taskId).keptDates.get(property);
            }
        }

        public List<SimList> lists(String mailbox) {
            synchronized (lock) {
                return store.user(mailbox).lists.values().stream()
                        .map(l -> new SimList(l.id, l.displayName, l.wellknown, l.isOwner, l.isShared)).toList();
            }
        }

        /** The tasks of every list of the user, with linked resources and extensions in {@link SimTask#json()}. */
        public List<SimTask> tasks(String mailbox) {
            synchronized (lock) {
                List<SimTask> out = new ArrayList<>();
                for (ToDoStore.ListData l : store.user(mailbox).lists.values()) {
                    for (ToDoStore.TaskData t : l.tasks.values()) {
                        out.add(snapshot(l, t));
                    }
                }
                return out;
            }
        }

        /** One task of the user (any list), as {@link #tasks} shows it; empty when the user has no task with this id. */
        public java.util.Optional<SimTask> task(String mailbox, String taskId) {
            synchronized (lock) {
                for (ToDoStore.ListData l : store.user(mailbox).lists.values()) {
                    ToDoStore.TaskData t = l.tasks.get(taskId);
                    if (t != null) {
                        return java.util.Optional.of(snapshot(l, t));
                    }
                }
                return java.util.Optional.empty();
            }
        }

        private SimTask snapshot(ToDoStore.ListData l, ToDoStore.TaskData t) {
            return new SimTask(t.id, l.id, t.title, t.bodyContent, t.bodyType, t.status, t.importance,
                    store.render(t, Set.of("linkedResources", "extensions")));
        }

        private ToDoStore.TaskData find(ToDoStore.UserData u, String taskId) {
            return listOf(u, taskId).tasks.get(taskId);
        }

        private ToDoStore.ListData listOf(ToDoStore.UserData u, String taskId) {
            for (ToDoStore.ListData l : u.lists.values()) {
                if (l.tasks.containsKey(taskId)) return l;
            }
            throw new IllegalArgumentException("no task " + taskId + " for " + u.address);
        }
    }
}

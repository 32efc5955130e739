package org.tasksync.testkit.ews;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.tasksync.testkit.ews.Xml.M;
import static org.tasksync.testkit.ews.Xml.SOAP;
import static org.tasksync.testkit.ews.Xml.T;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * An in-process stand-in for Exchange Server's EWS endpoint ({@code /EWS/Exchange.asmx} on
 * 127.0.0.1), good enough for the real ews-java-api client to create, read, update, delete, find
 * and synchronize tasks in many mailboxes, with impersonation, Basic authentication, fault
 * injection, traffic counters, a simulated rep working in Outlook ({@link #outlook(String)}), and
 * schema validation of every request and response against Microsoft's EWS schema (see
 * {@link EwsSchema}).
 *
 * <pre>{@code
 * try (EwsSimulator ews = EwsSimulator.builder().basicAuth("svc", "secret").start()) {
 *     ExchangeService service = ...; service.setUrl(ews.url());
 *     ...
 *     ews.outlook("rep@example.com").setStatus(itemId, "Completed");
 *     assertThat(ews.responseErrors()).isEmpty();
 * }
 * }</pre>
 *
 * <p>A request the schema rejects gets the SOAP fault {@code ErrorSchemaValidation} and is listed in
 * {@link #requestValidationErrors()}. A response the schema rejects is a bug of the simulator: it
 * is logged, listed in {@link #responseErrors()} (tests assert that list empty) and answered with
 * {@code ErrorInternalServerError} so that it cannot go unnoticed.
 *
 * <p>Thread-safe. Starts in milliseconds (the schema is compiled once per JVM).
 */
public final class EwsSimulator implements AutoCloseable {

    /** The path of the EWS endpoint. */
    public static final String PATH = "/EWS/Exchange.asmx";

    private static final Logger LOG = LoggerFactory.getLogger(EwsSimulator.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final String SERVER_BUSY_TEXT = "The server cannot service this request right now. Try again later.";

    private final HttpServer server;
    private final ExecutorService executor;
    private final ConcurrentHashMap<String, TaskMailbox> mailboxes = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<InjectedFault> faults = new CopyOnWriteArrayList<>();
    private final List<String> responseErrors = new CopyOnWriteArrayList<>();
    private final List<String> requestErrors = new CopyOnWriteArrayList<>();
    private final EwsTraffic traffic = new EwsTraffic();
    private final EwsOperations operations;
    private final EwsSchema schema;
    private final Clock clock;
    private final String user;
    private final String password;
    private final boolean rejectUnknownMailboxes;
    private final long latencyMillis;
    private final EwsStreaming streaming;
    private final EwsAutodiscover autodiscover;

    private EwsSimulator(Builder b) throws IOException {
        this.clock = b.clock;
        this.latencyMillis = b.latency.toMillis();
        this.user = b.user;
        this.password = b.password;
        this.rejectUnknownMailboxes = b.rejectUnknownMailboxes;
        this.schema = b.validate ? EwsSchema.shared().orElse(null) : null;
        this.streaming = new EwsStreaming(new EwsStreaming.Settings(b.timeScale, b.heartbeat,
                b.hangingConnectionLimit, b.mailboxServers, b.subscriptionIdleExpiry, b.sites));
        this.operations = new EwsOperations(new EwsOperations.Mailboxes() {
            @Override
            public TaskMailbox resolve(String address, boolean impersonation) throws EwsError {
                return EwsSimulator.this.resolve(address, impersonation);
            }

            @Override
            public List<TaskMailbox> all() {
                return new ArrayList<>(mailboxes.values());
            }
        });
        int instance = INSTANCES.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "ews-simulator-" + instance + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.port), 64);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
        this.autodiscover = new EwsAutodiscover(url(), address -> {
            TaskMailbox mb = mailboxes.get(mailboxKey(address));
            if (mb == null) {
                return Optional.empty();
            }
            String home = streaming.serverOf(mb.address);
            return Optional.of(new EwsAutodiscover.Mailbox(mb.address, home, streaming.siteOf(home)));
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A simulator with defaults: no authentication, mailboxes created on first use, validation on. */
    public static EwsSimulator start() {
        return builder().start();
    }

    /** {@code http://127.0.0.1:<port>/EWS/Exchange.asmx}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + port() + PATH);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * {@code http://127.0.0.1:<port>/autodiscover/autodiscover.svc}: SOAP Autodiscover's
     * {@code GetUserSettings} for the registered mailboxes (docs/ews-simulator.md, "Autodiscover").
     */
    public URI autodiscoverUrl() {
        return URI.create("http://127.0.0.1:" + port() + EwsAutodiscover.PATH);
    }

    /** Whether requests and responses are checked against the EWS schema. */
    public boolean validatesSchema() {
        return schema != null;
    }

    // ------------------------------------------------------------------ mailboxes

    /** Creates the mailbox (with its Tasks folder) unless it exists. */
    public void registerMailbox(String address) {
        mailbox(address);
    }

    /** The registered mailboxes' addresses as first used, sorted. */
    public Set<String> mailboxes() {
        Set<String> out = new TreeSet<>();
        mailboxes.values().forEach(m -> out.add(m.address));
        return out;
    }

    /**
     * Takes away (or gives back) the service account's right to impersonate this mailbox's owner:
     * requests impersonating it get the SOAP fault {@code ErrorImpersonateUserDenied}.
     */
    public void denyImpersonation(String address, boolean denied) {
        mailbox(address).impersonationDenied(denied);
    }

    /** The rep who owns this mailbox, working in Outlook; registers the mailbox if needed. */
    public OutlookRep outlook(String address) {
        return new OutlookRep(mailbox(address));
    }

    private TaskMailbox mailbox(String address) {
        Objects.requireNonNull(address, "address");
        if (address.isBlank()) {
            throw new IllegalArgumentException("a mailbox address must not be blank");
        }
        return mailboxes.computeIfAbsent(mailboxKey(address), k -> {
            TaskMailbox mb = new TaskMailbox(address.trim(), clock);
            mb.onEvent(e -> streaming.event(mb, e));
            return mb;
        });
    }

    private TaskMailbox resolve(String address, boolean impersonation) throws EwsError {
        String key = mailboxKey(address);
        TaskMailbox mb = mailboxes.get(key);
        if (mb == null) {
            if (rejectUnknownMailboxes || key.isEmpty()) {
                String text = "The SMTP address has no mailbox associated with it: " + address;
                throw impersonation ? EwsError.fault("ErrorNonExistentMailbox", text)
                        : new EwsError("ErrorNonExistentMailbox", text);
            }
            mb = mailbox(address);
        }
        if (impersonation && mb.impersonationDenied()) {
            throw EwsError.fault("ErrorImpersonateUserDenied",
                    "The account does not have permission to impersonate the requested user.");
        }
        return mb;
    }

    static String mailboxKey(String address) {
        return address == null ? "" : address.trim().toLowerCase(Locale.ROOT);
    }

    // ------------------------------------------------------------------ faults, traffic, errors

    /** Arms a fault; it strikes the next matching requests (see {@link EwsFault}). */
    public InjectedFault inject(EwsFault fault) {
        InjectedFault f = new InjectedFault(Objects.requireNonNull(fault, "fault"));
        faults.add(f);
        return f;
    }

    /** Disarms every fault. */
    public void clearFaults() {
        faults.forEach(InjectedFault::remove);
        faults.clear();
    }

    // ------------------------------------------------------------------ streaming notifications

    /**
     * Cuts every open GetStreamingEvents stream in the middle of an envelope: the client holds half a
     * SOAP message when the connection drops. Returns how many streams were cut. Subscriptions live on.
     */
    public int cutStreams() {
        return streaming.cutStreams("cut by the test");
    }

    /** Cuts, as {@link #cutStreams()} does, only the open streams that carry a subscription of this mailbox. */
    public int cutStreams(String mailbox) {
        return streaming.cutStreams(mailbox, "cut by the test");
    }

    /** While stalled, open streams send nothing, not even heartbeats or their closing message. */
    public void stallStreams(boolean stalled) {
        streaming.stall(stalled);
    }

    /**
     * The mailbox's subscriptions end as when they expire on the server: an open stream reports them
     * in {@code ErrorSubscriptionIds} with {@code ErrorSubscriptionNotFound}, later requests too.
     */
    public int expireSubscriptions(String address) {
        return streaming.expire(address);
    }

    /** The EWS process restarts: every subscription is lost and every open stream dropped. */
    public void restartNotifications() {
        streaming.restart();
    }

    /** GetStreamingEvents connections open now. */
    public int openStreams() {
        return streaming.openStreams();
    }

    /** How many subscription ids each open stream carries. */
    public List<Integer> streamSizes() {
        return streaming.streamSizes();
    }

    /** Live streaming subscriptions per mailbox (address in lower case). */
    public java.util.Map<String, Integer> subscriptions() {
        return streaming.subscriptionsByMailbox();
    }

    /** The Mailbox server that holds this mailbox, as named in {@code X-BackEndOverrideCookie}. */
    public String mailboxServer(String address) {
        return streaming.serverOf(address);
    }

    /**
     * Moves the mailbox to this Mailbox server ({@code mbx1}..): Autodiscover answers its new site,
     * routing follows the new server, and its subscriptions end as when they expire (reported on an
     * open stream as {@code ErrorSubscriptionNotFound}). Returns how many subscriptions ended.
     */
    public int moveMailbox(String address, String server) {
        return streaming.move(address, server);
    }

    /**
     * The site of the Mailbox server holding this mailbox, which Autodiscover answers as its
     * {@code GroupingInformation} (see {@link Builder#sites(int)}).
     */
    public String site(String address) {
        return streaming.siteOf(streaming.serverOf(address));
    }

    /** How long a simulated duration lasts here (see {@link Builder#timeScale(long)}). */
    public Duration real(Duration simulated) {
        return streaming.real(simulated);
    }

    public EwsTraffic traffic() {
        return traffic;
    }

    /**
     * The simulator's own failures: responses that broke the EWS schema and internal exceptions.
     * Each one is a bug in the simulator; tests assert this list empty.
     */
    public List<String> responseErrors() {
        return List.copyOf(responseErrors);
    }

    /** Requests the schema (or the SOAP envelope check) rejected, with the reasons. */
    public List<String> requestValidationErrors() {
        return List.copyOf(requestErrors);
    }

    /** Throws an AssertionError listing {@link #responseErrors()} unless it is empty. */
    public void assertNoResponseErrors() {
        if (!responseErrors.isEmpty()) {
            throw new AssertionError("the EWS simulator produced " + responseErrors.size()
                    + " invalid response(s) or internal errors:\n" + String.join("\n", responseErrors));
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------ HTTP

    private void handle(HttpExchange ex) {
        boolean cut = false;
        try {
            serve(ex);
        } catch (EwsStreaming.Cut e) {
            // Thrown on to the HTTP server, which then drops the connection without ending the chunked body.
            cut = true;
            LOG.debug("EWS simulator: stream cut ({})", e.getMessage());
            throw e;
        } catch (IOException e) {
            LOG.debug("EWS simulator: connection failed while answering", e);
        } catch (RuntimeException | Error e) {
            responseErrors.add("internal error of the simulator: " + e);
            LOG.error("EWS simulator: internal error", e);
            try {
                sendFault(ex, EwsError.fault("ErrorInternalServerError", "EWS simulator internal error: " + e));
            } catch (IOException | RuntimeException ignored) {
                // the response may have been under way already
            }
        } finally {
            if (!cut) {
                ex.close();
            }
        }
    }

    private void serve(HttpExchange ex) throws IOException {
        if (latencyMillis > 0) {
            try {
                Thread.sleep(latencyMillis); // the network's round trip: a 401 challenge pays it too
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // shutting down
            }
        }
        if (ex.getRequestURI().getPath().equalsIgnoreCase(EwsAutodiscover.PATH)) {
            serveAutodiscover(ex);
            return;
        }
        if (!ex.getRequestURI().getPath().equalsIgnoreCase(PATH)) {
            send(ex, 404, "text/plain; charset=utf-8", ("no EWS endpoint here; use " + PATH).getBytes(UTF_8));
            return;
        }
        if (!ex.getRequestMethod().equals("POST")) {
            ex.getResponseHeaders().set("Allow", "POST");
            send(ex, 405, "text/plain; charset=utf-8", "EWS takes SOAP requests by POST".getBytes(UTF_8));
            return;
        }
        byte[] body = ex.getRequestBody().readAllBytes();
        if (LOG.isTraceEnabled()) {
            LOG.trace("EWS simulator request: {}", new String(body, UTF_8));
        }
        if (!authorized(ex)) {
            traffic.unauthorizedRequest();
            ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"EWS simulator\"");
            ex.sendResponseHeaders(401, -1);
            return;
        }
        EwsOperations.SoapCall call;
        try {
            call = soapCall(Xml.parse(body));
        } catch (SAXException | EwsError e) {
            String reason = e instanceof EwsError ee ? ee.getMessage() : "not well-formed XML: " + e.getMessage();
            requestErrors.add("(unreadable request): " + reason);
            traffic.end("", "(unreadable)", traffic.begin("", "(unreadable)"));
            sendFault(ex, EwsError.fault("ErrorSchemaValidation", "The request failed schema validation: " + reason));
            return;
        }
        String mailbox = requestMailbox(call);
        String op = call.name();
        long start = traffic.begin(mailbox, op);
        // The request counts as served before the answer's first byte leaves: a client that sends its
        // next request once it has the answer must never be seen with two in flight.
        java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable end = () -> {
            if (ended.compareAndSet(false, true)) {
                traffic.end(mailbox, op, start);
            }
        };
        ANSWERING.set(end);
        try {
            if (!delay(mailbox, op)) {
                return; // shutting down
            }
            List<String> invalid = validateRequest(call);
            if (!invalid.isEmpty()) {
                requestErrors.add(op + ": " + String.join("; ", invalid));
                LOG.info("EWS simulator: {} request failed schema validation: {}", op, invalid);
                sendFault(ex, EwsError.fault("ErrorSchemaValidation",
                        "The request failed schema validation: " + String.join(" ", invalid)));
                return;
            }
            try {
                call = call.scoped(); // after validation: a TimeZoneContext the schema refuses is a schema error
            } catch (EwsError e) {
                sendFault(ex, e);
                return;
            }
            InjectedFault fault = claimFailure(mailbox, op);
            if (fault != null) {
                strike(ex, fault.fault(), call);
                return;
            }
            if (STREAMING_OPERATIONS.contains(op)) {
                serveStreaming(ex, call, end);
                return;
            }
            SoapResponse response;
            try {
                response = operations.handle(call);
            } catch (EwsError e) {
                sendFault(ex, e);
                return;
            }
            sendResponse(ex, response);
        } finally {
            ANSWERING.remove();
            end.run();
        }
    }

    /** SOAP Autodiscover: authenticated as EWS is, counted in the traffic as {@code GetUserSettings}. */
    private void serveAutodiscover(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("POST")) {
            ex.getResponseHeaders().set("Allow", "POST");
            send(ex, 405, "text/plain; charset=utf-8", "SOAP Autodiscover takes requests by POST".getBytes(UTF_8));
            return;
        }
        byte[] body = ex.getRequestBody().readAllBytes();
        if (!authorized(ex)) {
            traffic.unauthorizedRequest();
            ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"EWS simulator\"");
            ex.sendResponseHeaders(401, -1);
            return;
        }
        String op = "GetUserSettings";
        long start = traffic.begin("", op);
        try {
            if (!delay("", op)) {
                return;
            }
            InjectedFault fault = claimFailure("", op);
            if (fault != null && fault.fault().kind() == EwsFault.Kind.DROP_CONNECTION) {
                return; // closing the exchange before any response header closes the connection
            }
            if (fault != null) {
                // every other failure a load balancer in front of Autodiscover could give: the service is unavailable
                send(ex, 503, "text/html; charset=utf-8",
                        "<html><body><h1>HTTP Error 503. The service is unavailable.</h1></body></html>".getBytes(UTF_8));
                return;
            }
            EwsAutodiscover.Answer a = autodiscover.answer(body);
            send(ex, a.status(), "text/xml; charset=utf-8", a.body());
        } finally {
            traffic.end("", op, start);
        }
    }

    private static final Set<String> STREAMING_OPERATIONS = Set.of("Subscribe", "GetStreamingEvents", "Unsubscribe");

    /** Subscribe, GetStreamingEvents and Unsubscribe (see {@link EwsStreaming}). */
    private void serveStreaming(HttpExchange ex, EwsOperations.SoapCall call, Runnable end) throws IOException {
        EwsStreaming.Routing routing = routing(ex);
        String budget = call.impersonated() != null ? "impersonated " + mailboxKey(call.impersonated())
                : "account " + (user == null ? "(anonymous)" : user);
        try {
            if (call.impersonated() != null) {
                resolve(call.impersonated(), true); // unknown or denied: a SOAP fault, as for every operation
            }
            switch (call.name()) {
                case "Subscribe" -> {
                    EwsOperations.SoapCall c = call;
                    SoapResponse r = streaming.subscribe(call, routing, budget,
                            id -> id == null ? resolve(c.impersonated(), true) : operations.folder(c, id));
                    if (routing.preferAffinity() && routing.anchor() != null && routing.cookieServer() == null) {
                        // The affinity article: the anchor's subscription response carries the cookie.
                        ex.getResponseHeaders().add("Set-Cookie", EwsStreaming.COOKIE + "="
                                + streaming.landing(routing, call.impersonated()) + "; path=/");
                    }
                    sendResponse(ex, r);
                }
                case "Unsubscribe" -> sendResponse(ex, streaming.unsubscribe(call));
                default -> streaming.stream(call, routing, budget, new EwsStreaming.Sender() {
                    @Override
                    public void answer(SoapResponse r) throws IOException {
                        sendResponse(ex, r);
                    }

                    @Override
                    public OutputStream open() throws IOException {
                        ex.getResponseHeaders().set("Content-Type", "text/xml; charset=utf-8");
                        end.run(); // served once the stream is open: it hangs for minutes
                        ex.sendResponseHeaders(200, 0); // chunked
                        OutputStream out = ex.getResponseBody();
                        out.flush(); // the headers go now, not with the first envelope
                        return out;
                    }

                    @Override
                    public byte[] envelope(SoapResponse r) {
                        List<Element> renamed = EwsStreaming.schemaForm(r.doc);
                        boolean valid = validResponse(r);
                        EwsStreaming.wireForm(renamed);
                        return valid ? Xml.serialize(r.doc) : null;
                    }
                });
            }
        } catch (EwsError e) {
            sendFault(ex, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down
        }
    }

    private EwsStreaming.Routing routing(HttpExchange ex) {
        String anchor = ex.getRequestHeaders().getFirst("X-AnchorMailbox");
        boolean prefer = "true".equalsIgnoreCase(ex.getRequestHeaders().getFirst("X-PreferServerAffinity"));
        String server = null;
        for (String header : ex.getRequestHeaders().getOrDefault("Cookie", List.of())) {
            for (String pair : header.split(";")) {
                String[] kv = pair.trim().split("=", 2);
                if (kv.length == 2 && kv[0].equals(EwsStreaming.COOKIE) && streaming.isServer(kv[1].trim())) {
                    server = kv[1].trim();
                }
            }
        }
        return new EwsStreaming.Routing(anchor, prefer, server);
    }

    /** Ends the traffic span of the request this thread is answering; see {@link #send}. */
    private static final ThreadLocal<Runnable> ANSWERING = new ThreadLocal<>();

    private boolean authorized(HttpExchange ex) {
        if (user == null) {
            return true;
        }
        String h = ex.getRequestHeaders().getFirst("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(h.substring(6).trim()), UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        String u = decoded.substring(0, colon);
        // ews-java-api hands NTCredentials to HttpClient, which sends "DOMAIN\\user" (or "\\user").
        if (!user.contains("\\") && u.contains("\\")) {
            u = u.substring(u.lastIndexOf('\\') + 1);
        }
        return MessageDigest.isEqual(u.getBytes(UTF_8), user.getBytes(UTF_8))
                & MessageDigest.isEqual(decoded.substring(colon + 1).getBytes(UTF_8), password.getBytes(UTF_8));
    }

    private static EwsOperations.SoapCall soapCall(Document doc) throws EwsError {
        Element envelope = doc.getDocumentElement();
        if (!Xml.is(envelope, SOAP, "Envelope")) {
            throw EwsError.fault("ErrorSchemaValidation", "The root element is not a SOAP 1.1 Envelope but {"
                    + envelope.getNamespaceURI() + "}" + envelope.getLocalName() + ".");
        }
        Element header = Xml.child(envelope, SOAP, "Header").orElse(null);
        Element body = Xml.child(envelope, SOAP, "Body")
                .orElseThrow(() -> EwsError.fault("ErrorSchemaValidation", "The SOAP envelope has no Body."));
        List<Element> ops = Xml.children(body);
        if (ops.size() != 1 || !M.equals(ops.get(0).getNamespaceURI())) {
            throw EwsError.fault("ErrorSchemaValidation",
                    "The SOAP Body must hold exactly one element of the EWS messages namespace.");
        }
        String impersonated = null;
        String version = "Exchange2010_SP2";
        if (header != null) {
            Optional<Element> sid = Xml.child(header, T, "ExchangeImpersonation")
                    .flatMap(i -> Xml.child(i, T, "ConnectingSID"))
                    .flatMap(Xml::firstChild);
            if (sid.isPresent()) {
                impersonated = sid.get().getTextContent().trim();
            }
            Optional<Element> v = Xml.child(header, T, "RequestServerVersion");
            if (v.isPresent() && v.get().hasAttribute("Version")) {
                version = v.get().getAttribute("Version");
            }
        }
        return new EwsOperations.SoapCall(header, ops.get(0), impersonated, version, ZoneOffset.UTC);
    }

    /** The mailbox a request is for, for counters and faults: impersonated, else first named, else "". */
    private static String requestMailbox(EwsOperations.SoapCall call) {
        if (call.impersonated() != null) {
            return mailboxKey(call.impersonated());
        }
        NodeList boxes = call.operation().getElementsByTagNameNS(T, "Mailbox");
        for (int i = 0; i < boxes.getLength(); i++) {
            Optional<String> address = Xml.childText((Element) boxes.item(i), T, "EmailAddress");
            if (address.isPresent()) {
                return mailboxKey(address.get());
            }
        }
        return "";
    }

    private List<String> validateRequest(EwsOperations.SoapCall call) {
        if (schema == null) {
            return List.of();
        }
        List<String> errors = new ArrayList<>();
        if (call.header() != null) {
            for (Element h : Xml.children(call.header())) {
                if (T.equals(h.getNamespaceURI())) {
                    errors.addAll(schema.validate(h));
                }
            }
        }
        errors.addAll(schema.validate(call.operation()));
        return errors;
    }

    /** Waits as the latency and hold faults say; false when interrupted by {@link #close()}. */
    private boolean delay(String mailbox, String op) {
        long millis = 0;
        List<EwsFault> holds = new ArrayList<>();
        for (InjectedFault f : faults) {
            EwsFault.Kind kind = f.fault().kind();
            if ((kind == EwsFault.Kind.LATENCY || kind == EwsFault.Kind.HOLD) && f.claim(mailbox, op)) {
                if (kind == EwsFault.Kind.LATENCY) {
                    millis += f.fault().duration().toMillis();
                } else {
                    holds.add(f.fault());
                }
            }
        }
        try {
            if (millis > 0) {
                Thread.sleep(millis);
            }
            for (EwsFault hold : holds) {
                hold.release().await();
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private InjectedFault claimFailure(String mailbox, String op) {
        InjectedFault hit = null;
        for (InjectedFault f : faults) {
            EwsFault.Kind kind = f.fault().kind();
            if (kind != EwsFault.Kind.LATENCY && kind != EwsFault.Kind.HOLD && f.claim(mailbox, op)) {
                hit = f;
                break;
            }
        }
        faults.removeIf(InjectedFault::spent);
        return hit;
    }

    private void strike(HttpExchange ex, EwsFault fault, EwsOperations.SoapCall call) throws IOException {
        LOG.debug("EWS simulator: injecting {} into {}", fault, call.name());
        switch (fault.kind()) {
            case DROP_CONNECTION -> {
                // Closing an exchange before any response header closes the connection.
            }
            case HTTP_503 -> send(ex, 503, "text/html; charset=utf-8",
                    "<html><body><h1>HTTP Error 503. The service is unavailable.</h1></body></html>".getBytes(UTF_8));
            case SERVER_BUSY_FAULT -> {
                EwsError e = EwsError.fault("ErrorServerBusy", SERVER_BUSY_TEXT);
                if (fault.duration() != null) {
                    e.detail("BackOffMilliseconds", Long.toString(fault.duration().toMillis()));
                }
                sendFault(ex, e);
            }
            case SERVER_BUSY_MESSAGE -> {
                SoapResponse r = new SoapResponse(call.name(), call.version());
                int n = EwsOperations.expectedMessages(call.operation());
                for (int i = 0; i < n; i++) {
                    r.error(new EwsError("ErrorServerBusy", SERVER_BUSY_TEXT)
                            .detail("BackOffMilliseconds", Long.toString(fault.duration().toMillis())));
                }
                sendResponse(ex, r);
            }
            case REWRITE_RESPONSE -> {
                int status = 200;
                byte[] xml;
                try {
                    xml = Xml.serialize(operations.handle(call).doc);
                } catch (EwsError e) {
                    status = 500;
                    xml = Xml.serialize(SoapResponse.fault(e));
                }
                String rewritten = fault.rewrite().apply(new String(xml, UTF_8));
                send(ex, status, "text/xml; charset=utf-8", rewritten.getBytes(UTF_8));
            }
            case LATENCY, HOLD -> throw new IllegalStateException(fault.kind() + " is not a failure");
        }
    }

    private void sendResponse(HttpExchange ex, SoapResponse r) throws IOException {
        if (!validResponse(r)) {
            sendFault(ex, EwsError.fault("ErrorInternalServerError",
                    "EWS simulator bug: " + responseErrors.get(responseErrors.size() - 1)));
            return;
        }
        send(ex, 200, "text/xml; charset=utf-8", Xml.serialize(r.doc));
    }

    /** Validates a response against the schema; one that fails is a simulator bug, recorded and logged. */
    private boolean validResponse(SoapResponse r) {
        if (schema != null) {
            List<String> errors = new ArrayList<>(schema.validate(r.operationResponse));
            for (Element h : Xml.children(r.header)) {
                errors.addAll(schema.validate(h));
            }
            if (!errors.isEmpty()) {
                String what = r.operationResponse.getLocalName() + " failed schema validation: "
                        + String.join("; ", errors);
                responseErrors.add(what);
                LOG.error("EWS simulator BUG: {}", what);
                return false;
            }
        }
        return true;
    }

    private static void sendFault(HttpExchange ex, EwsError e) throws IOException {
        send(ex, 500, "text/xml; charset=utf-8", Xml.serialize(SoapResponse.fault(e)));
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        if (LOG.isTraceEnabled()) {
            LOG.trace("EWS simulator response {}: {}", status, new String(body, UTF_8));
        }
        ex.getResponseHeaders().set("Content-Type", contentType);
        Runnable answering = ANSWERING.get();
        if (answering != null) {
            answering.run();
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    // ------------------------------------------------------------------ builder

    /** Settings of a simulator; {@link #start()} starts it. Not thread-safe. */
    public static final class Builder {

        private String user;
        private String password;
        private boolean rejectUnknownMailboxes;
        private boolean validate = true;
        private Clock clock = Clock.systemUTC();
        private int port;
        private Duration latency = Duration.ZERO;
        private long timeScale = 1;
        private Duration heartbeat = Duration.ofSeconds(45);
        private int hangingConnectionLimit = 10;
        private int mailboxServers = 1;
        private int sites = 1;
        private Duration subscriptionIdleExpiry = Duration.ofMinutes(30);

        private Builder() {
        }

        /**
         * Streaming time runs this many times faster than real time: with 600, a 30-minute
         * ConnectionTimeout lasts 3 s, as do heartbeats and the idle expiry of subscriptions.
         */
        public Builder timeScale(long factor) {
            if (factor < 1) {
                throw new IllegalArgumentException("timeScale must be at least 1, was " + factor);
            }
            this.timeScale = factor;
            return this;
        }

        /** How often an open stream sends a heartbeat (a StatusEvent per subscription), in simulated time; 45 s by default. */
        public Builder heartbeat(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("heartbeat must be positive, was " + interval);
            }
            this.heartbeat = interval;
            return this;
        }

        /**
         * Open GetStreamingEvents connections per budget (the impersonated mailbox, else the
         * account): HangingConnectionLimit, 10 by default as in Exchange 2016/2019.
         */
        public Builder hangingConnectionLimit(int limit) {
            if (limit < 1) {
                throw new IllegalArgumentException("hangingConnectionLimit must be at least 1, was " + limit);
            }
            this.hangingConnectionLimit = limit;
            return this;
        }

        /**
         * How many Mailbox servers the mailboxes are spread over (1 by default). With more, a
         * GetStreamingEvents must reach the server holding its subscriptions (affinity).
         */
        public Builder mailboxServers(int servers) {
            if (servers < 1) {
                throw new IllegalArgumentException("mailboxServers must be at least 1, was " + servers);
            }
            this.mailboxServers = servers;
            return this;
        }

        /**
         * How many sites the Mailbox servers are dealt over, round-robin (1 by default, at most
         * {@link #mailboxServers(int)}). Autodiscover answers a mailbox's site as its
         * {@code GroupingInformation}, and a Subscribe routed to a server of another site than the
         * mailbox's answers {@code ErrorProxyRequestNotAllowed}.
         */
        public Builder sites(int sites) {
            if (sites < 1) {
                throw new IllegalArgumentException("sites must be at least 1, was " + sites);
            }
            this.sites = sites;
            return this;
        }

        /** A subscription no stream has carried for this long (simulated time) is gone; 30 minutes by default. */
        public Builder subscriptionIdleExpiry(Duration expiry) {
            Objects.requireNonNull(expiry, "expiry");
            if (expiry.isNegative() || expiry.isZero()) {
                throw new IllegalArgumentException("subscriptionIdleExpiry must be positive, was " + expiry);
            }
            this.subscriptionIdleExpiry = expiry;
            return this;
        }

        /** Requires HTTP Basic authentication with these credentials (401 otherwise). */
        public Builder basicAuth(String user, String password) {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            if (user.isEmpty() || user.contains(":")) {
                throw new IllegalArgumentException("basic auth user must be non-empty and without ':'");
            }
            this.user = user;
            this.password = password;
            return this;
        }

        /**
         * Unregistered mailboxes answer {@code ErrorNonExistentMailbox} instead of being created on
         * first use; register them with {@link EwsSimulator#registerMailbox(String)}.
         */
        public Builder rejectUnknownMailboxes() {
            this.rejectUnknownMailboxes = true;
            return this;
        }

        /** Turns schema validation off, e.g. for benchmarks; it is on by default when the schema is found. */
        public Builder schemaValidation(boolean validate) {
            this.validate = validate;
            return this;
        }

        /**
         * Every HTTP request waits this long before it is answered, whatever the answer, a 401
         * challenge included: the round trip of a network between client and server. Unlike
         * {@link EwsFault#latency(Duration)}, which only delays requests that passed authentication
         * (by mailbox and operation), this shows what a client's extra round trips cost.
         */
        public Builder latency(Duration latency) {
            Objects.requireNonNull(latency, "latency");
            if (latency.isNegative()) {
                throw new IllegalArgumentException("latency must not be negative, not " + latency);
            }
            this.latency = latency;
            return this;
        }

        /** The clock for creation and modification times and for completion dates. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The port on 127.0.0.1 to listen on; 0 (the default) takes a free one. A fixed port is for a
         * simulator that other processes find through a configuration file.
         */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        public EwsSimulator start() {
            if (sites > mailboxServers) {
                throw new IllegalArgumentException("sites (" + sites + ") must not exceed mailboxServers ("
                        + mailboxServers + "): every site holds a server");
            }
            try {
                return new EwsSimulator(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the EWS simulator" + (port == 0 ? "" : " on port " + port), e);
            }
        }

        @Override
        public String toString() {
            return "EwsSimulator.Builder[auth=" + (user != null ? "basic" : "none") + ", rejectUnknownMailboxes="
                    + rejectUnknownMailboxes + ", validate=" + validate + ", latency=" + latency.toMillis() + " ms]";
        }
    }
}

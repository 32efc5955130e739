package org.tasksync.adapter.ews.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.NTCredentials;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.impl.client.BasicCookieStore;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.util.EntityUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.spi.ExchangeChangeFeed;
import org.tasksync.core.spi.ExchangeChangeListener;
import org.tasksync.core.spi.ItemRef;

/**
 * The EWS adapter's live feed: streaming subscriptions on the watched mailboxes' Tasks folders, read
 * over our own GetStreamingEvents connections (docs/ews-adapter.md, "Live sync" says why not
 * ews-java-api's), in affinity groups of at most 200 mailboxes, one daemon thread and one streaming
 * connection per group; with an Autodiscover URL, mailboxes are grouped by their Autodiscover
 * {@code ExternalEwsUrl} and {@code GroupingInformation} first.
 */
public final class StreamingFeed implements ExchangeChangeFeed {

    private static final Logger log = LoggerFactory.getLogger(StreamingFeed.class);
    private static final AtomicInteger FEEDS = new AtomicInteger();

    /**
     * Where and as whom to connect. Holds the password, so its {@code toString} leaves it out.
     */
    public static final class Server {
        final URI url;
        final String username;
        final String password;
        final String domain;
        final String version;
        final Duration requestTimeout;

        public Server(URI url, String username, String password, String domain, String version, Duration requestTimeout) {
            this.url = Objects.requireNonNull(url, "url");
            this.username = username;
            this.password = password;
            this.domain = domain;
            this.version = version;
            this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        }

        @Override
        public String toString() {
            return "EWS " + url + " as " + username;
        }
    }

    /** The settings the feed needs (see {@code EwsStreamingSettings}). */
    public record Settings(int connectionTimeoutMinutes, Duration silenceTimeout, int perConnection,
            int maxConnections, Duration initialBackoff, Duration maxBackoff) {
    }

    /** The group key of mailboxes that Autodiscover did not place: today's grouping, at the configured EWS URL. */
    private static final String UNPLACED = "";

    private final Server server;
    private final Settings settings;
    private final ExchangeChangeListener listener;
    private final AffinityDiscovery discovery;
    /** Mailbox → where Autodiscover placed it (absent: not asked yet, or not placed). */
    private final Map<String, AffinityDiscovery.Affinity> affinity = new HashMap<>();
    /** When a mailbox was last asked again after a refused Subscribe (nanoTime). */
    private final Map<String, Long> askedAgain = new HashMap<>();
    private Set<String> wanted = Set.of();
    private final int feedNumber = FEEDS.incrementAndGet();
    private final AtomicInteger groupNumbers = new AtomicInteger();
    private final List<Group> groups = new ArrayList<>();
    private final Map<String, Group> groupOf = new HashMap<>();
    private volatile boolean closed;
    private boolean warnedFull;

    public StreamingFeed(Server server, Settings settings, ExchangeChangeListener listener) {
        this(server, settings, listener, null);
    }

    /** A feed that asks {@code discovery} (if not null) where each newly watched mailbox belongs. */
    public StreamingFeed(Server server, Settings settings, ExchangeChangeListener listener, AffinityDiscovery discovery) {
        this.server = Objects.requireNonNull(server, "server");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.discovery = discovery;
    }

    @Override
    public synchronized void watch(Collection<Mailbox> mailboxes) {
        if (closed) {
            throw new IllegalStateException("this EWS change feed is closed");
        }
        Set<String> wanted = new TreeSet<>();
        mailboxes.forEach(m -> wanted.add(m.address()));
        place(wanted);
    }

    /** Puts the wanted mailboxes not in a group yet into groups; drops the others from theirs. */
    private void place(Set<String> wanted) {
        this.wanted = wanted;
        Map<Group, Set<String>> next = new LinkedHashMap<>();
        for (Group g : groups) {
            Set<String> keep = new TreeSet<>(g.members());
            keep.retainAll(wanted);
            keep.removeIf(m -> groupOf.get(m) != g); // taken out by replace()
            next.put(g, keep);
        }
        groupOf.keySet().retainAll(wanted);
        askedAgain.keySet().retainAll(wanted);
        discover(wanted.stream().filter(m -> !groupOf.containsKey(m)).toList());
        List<String> unwatched = new ArrayList<>();
        for (String m : wanted) {
            if (groupOf.containsKey(m)) {
                continue;
            }
            AffinityDiscovery.Affinity place = affinity.get(m);
            String key = place == null ? UNPLACED : place.key();
            Group room = next.entrySet().stream()
                    .filter(e -> e.getKey().key.equals(key) && e.getValue().size() < settings.perConnection())
                    .map(Map.Entry::getKey).findFirst().orElse(null);
            if (room == null && next.size() < settings.maxConnections()) {
                room = new Group(key, place == null ? server.url : place.ewsUrl());
                next.put(room, new TreeSet<>());
            }
            if (room == null) {
                unwatched.add(m);
                continue;
            }
            next.get(room).add(m);
            groupOf.put(m, room);
        }
        if (!unwatched.isEmpty() && !warnedFull) {
            warnedFull = true;
            log.warn("EWS live feed: {} mailboxes are beyond {} connections x {} subscriptions and are only polled"
                    + " (first: {})", unwatched.size(), settings.maxConnections(), settings.perConnection(),
                    unwatched.get(0));
        }
        groups.clear();
        for (Map.Entry<Group, Set<String>> e : next.entrySet()) {
            Group g = e.getKey();
            if (e.getValue().isEmpty()) {
                g.stop();
            } else {
                groups.add(g);
                g.members(e.getValue());
            }
        }
    }

    /**
     * Steps 1 and 2 of the affinity article for mailboxes not yet placed: one GetUserSettings per 100
     * of them. A failure places none (overall) or leaves out the mailboxes it names; they are grouped
     * as without Autodiscover, with one warning per watch call.
     */
    private void discover(List<String> fresh) {
        List<String> ask = fresh.stream().filter(m -> !affinity.containsKey(m)).toList();
        if (discovery == null || ask.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        AffinityDiscovery.Result result;
        try {
            result = discovery.discover(ask);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.warn("EWS live feed: Autodiscover at {} failed ({}); {} mailboxes are grouped in the order they are "
                    + "watched instead of by affinity", discovery.url(), describe(e), ask.size());
            return;
        }
        affinity.putAll(result.found());
        if (!result.failed().isEmpty()) {
            Map.Entry<String, String> first = result.failed().entrySet().iterator().next();
            log.warn("EWS live feed: Autodiscover placed no affinity for {} of {} mailboxes, grouped in the order they "
                    + "are watched instead (first: {}: {}; all: {})", result.failed().size(), ask.size(),
                    first.getKey(), first.getValue(), result.failed().keySet());
        }
        log.debug("EWS live feed: Autodiscover placed {} mailboxes in {} ms", result.found().size(),
                (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * A group's Subscribe of this mailbox answered {@code ErrorProxyRequestNotAllowed}: the mailbox is
     * in another site now (moved). "Handling notification-related errors" says to ask Autodiscover
     * again and subscribe anew: it is taken out of its group and placed where Autodiscover says, at
     * most once per {@code maxBackoff} per mailbox. False when there is nothing to do (no Autodiscover,
     * asked too recently, no longer in that group, closed).
     */
    private synchronized boolean replace(String mailbox, Group from) {
        Long last = askedAgain.get(mailbox);
        long now = System.nanoTime();
        if (closed || discovery == null || groupOf.get(mailbox) != from
                || (last != null && now - last < settings.maxBackoff().toNanos())) {
            return false;
        }
        askedAgain.put(mailbox, now);
        affinity.remove(mailbox);
        groupOf.remove(mailbox);
        log.info("EWS live feed: the Subscribe of {} was refused as of another site (moved?); asking Autodiscover "
                + "where it belongs now", mailbox);
        place(wanted);
        return true;
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    @Override
    public void close() {
        List<Group> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(groups);
            groups.clear();
            groupOf.clear();
        }
        all.forEach(Group::stop);
        for (Group g : all) {
            g.join();
        }
    }

    /** The number of streaming connections (groups) the feed holds now. */
    public synchronized int connections() {
        return groups.size();
    }

    // ------------------------------------------------------------------ one affinity group

    /** Why a stream ended. */
    private record End(boolean clean, String reason, List<String> lostSubscriptions, boolean allLost) {
    }

    /**
     * Mailboxes sharing one streaming connection: the alphabetically first is the anchor, subscribed
     * first with {@code X-AnchorMailbox} and {@code X-PreferServerAffinity}; the server's
     * {@code X-BackEndOverrideCookie} then routes the others' subscriptions and the connection to the
     * same Mailbox server (the affinity article's procedure).
     */
    private final class Group implements Runnable {
        /** Autodiscover's ExternalEwsUrl and GroupingInformation, or {@link #UNPLACED}. */
        final String key;
        private final URI url;
        private final BasicCookieStore cookies = new BasicCookieStore();
        private final CloseableHttpClient http;
        /** One context for the group's requests: HttpClient keeps the accepted auth scheme in it (no 401 per request). */
        private final HttpClientContext context = HttpClientContext.create();
        private final Thread thread;
        /** Mailbox → subscription id, for the subscriptions that live. */
        private final Map<String, String> subscriptions = new HashMap<>();
        private final Map<String, Long> failedUntil = new HashMap<>();
        /** Why a mailbox's subscription was lost, for the gap reported once it is made again. */
        private final Map<String, String> lostBecause = new HashMap<>();
        private volatile Set<String> members = Set.of();
        private volatile boolean changed;
        private volatile boolean stopped;
        private volatile HttpPost current;
        private String anchor;

        Group(String key, URI url) {
            this.key = key;
            this.url = url;
            BasicCredentialsProvider credentials = new BasicCredentialsProvider();
            if (server.username != null) {
                // what ews-java-api's WebCredentials hands HttpClient: Basic and NTLM both work with it
                credentials.setCredentials(AuthScope.ANY,
                        new NTCredentials(server.username, server.password, null, server.domain));
            }
            context.setCookieStore(cookies);
            context.setCredentialsProvider(credentials);
            http = HttpClients.custom().setDefaultCredentialsProvider(credentials).setDefaultCookieStore(cookies)
                    .disableAutomaticRetries().setUserAgent("tasksync-ews-live").setMaxConnPerRoute(2)
                    .setMaxConnTotal(2).build();
            thread = new Thread(this, "tasksync-ews-stream-" + feedNumber + "-" + groupNumbers.incrementAndGet());
            thread.setDaemon(true);
        }

        Set<String> members() {
            return members;
        }

        synchronized void members(Set<String> next) {
            if (next.equals(members)) {
                return;
            }
            // sorted: the anchor is the alphabetically first member (the article's step 4); Set.copyOf's
            // order is unspecified and changes between JVMs, which picked a random anchor
            members = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(next));
            changed = true;
            if (thread.getState() == Thread.State.NEW) {
                thread.start();
            } else {
                abortCurrent();
                notifyAll();
            }
        }

        void stop() {
            stopped = true;
            abortCurrent();
            thread.interrupt();
        }

        void join() {
            if (Thread.currentThread() == thread || thread.getState() == Thread.State.NEW) {
                return;
            }
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                log.warn("EWS live feed: {} did not stop within 10 s", thread.getName());
            }
        }

        private void abortCurrent() {
            HttpPost p = current;
            if (p != null) {
                p.abort();
            }
        }

        private boolean live() {
            return !stopped && !closed;
        }

        @Override
        public void run() {
            int failures = 0;
            try {
                while (live()) {
                    changed = false;
                    Set<String> now = members;
                    subscribeMembers(now);
                    if (subscriptions.isEmpty()) {
                        failures = pause(failures + 1);
                        continue;
                    }
                    long opened = System.nanoTime();
                    End end = stream();
                    if (!live()) {
                        return;
                    }
                    for (Map.Entry<String, String> e : new ArrayList<>(subscriptions.entrySet())) {
                        if (end.allLost() || end.lostSubscriptions().contains(e.getValue())) {
                            subscriptions.remove(e.getKey());
                            lostBecause.put(e.getKey(), end.reason());
                        }
                    }
                    if (end.clean()) {
                        failures = 0;
                        if (System.nanoTime() - opened < settings.initialBackoff().toNanos() && !changed) {
                            // a server or proxy that closes at once must not make us spin
                            pause(1);
                        }
                        continue; // the ConnectionTimeout passed: events wait in the subscriptions' queues
                    }
                    // Events sent just before the break may be lost; lost subscriptions report theirs on resubscribing.
                    for (String m : new ArrayList<>(subscriptions.keySet())) {
                        gap(m, end.reason());
                    }
                    if (!changed) {
                        failures = pause(failures + 1);
                    }
                }
            } catch (InterruptedException e) {
                // stopped
            } catch (RuntimeException | Error e) {
                log.error("EWS live feed: {} failed; its mailboxes are only polled from now on", thread.getName(), e);
                members.forEach(m -> gap(m, "the live feed failed: " + e));
            } finally {
                try {
                    http.close(); // the group's connections go with its thread, whoever stopped it
                } catch (IOException e) {
                    log.debug("EWS live feed: closing the HTTP client failed", e);
                }
            }
        }

        private int pause(int failures) throws InterruptedException {
            long base = settings.initialBackoff().toMillis() << Math.min(20, failures - 1);
            long wait = Math.min(settings.maxBackoff().toMillis(), base);
            wait = wait / 2 + ThreadLocalRandom.current().nextLong(wait / 2 + 1);
            synchronized (this) {
                if (!changed && live()) {
                    wait(Math.max(1, wait));
                }
            }
            return failures;
        }

        private void gap(String mailbox, String reason) {
            if (live()) {
                try {
                    listener.gap(mailbox, reason);
                } catch (RuntimeException e) {
                    log.warn("EWS live feed: the listener failed on a gap of {}", mailbox, e);
                }
            }
        }

        /** Subscribes the members that have no subscription; drops those no longer members. */
        private void subscribeMembers(Set<String> now) throws InterruptedException {
            subscriptions.keySet().retainAll(now);
            failedUntil.keySet().retainAll(now);
            lostBecause.keySet().retainAll(now);
            String first = now.isEmpty() ? null : now.iterator().next();
            if (!Objects.equals(first, anchor)) {
                // A new anchor routes to another server: every subscription is made again behind its cookie.
                anchor = first;
                cookies.clear();
                subscriptions.clear();
            }
            long started = System.nanoTime();
            int made = 0;
            for (String m : now) {
                if (!live() || changed) {
                    return;
                }
                if (subscriptions.containsKey(m) || failedUntil.getOrDefault(m, 0L) > System.nanoTime()) {
                    continue;
                }
                try {
                    String id = subscribe(m);
                    subscriptions.put(m, id);
                    failedUntil.remove(m);
                    made++;
                    String lost = lostBecause.remove(m);
                    gap(m, lost == null ? "subscribed: changes before the subscription were not seen"
                            : "subscribed again after " + lost);
                } catch (IOException e) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedException();
                    }
                    failedUntil.put(m, System.nanoTime() + settings.maxBackoff().toNanos());
                    if (String.valueOf(e.getMessage()).contains("ErrorProxyRequestNotAllowed") && replace(m, this)) {
                        continue; // placed in another group, which subscribes it
                    }
                    log.warn("EWS live feed: cannot subscribe to {} ({}); it is polled until a later attempt works",
                            m, e.getMessage());
                }
            }
            if (made > 0) {
                log.debug("EWS live feed: {} made {} subscriptions in {} ms", thread.getName(), made,
                        (System.nanoTime() - started) / 1_000_000);
            }
        }

        private String subscribe(String mailbox) throws IOException {
            String body = "<m:Subscribe><m:StreamingSubscriptionRequest><t:FolderIds>"
                    + "<t:DistinguishedFolderId Id=\"tasks\"/></t:FolderIds><t:EventTypes>"
                    + "<t:EventType>CreatedEvent</t:EventType><t:EventType>ModifiedEvent</t:EventType>"
                    + "<t:EventType>DeletedEvent</t:EventType><t:EventType>MovedEvent</t:EventType>"
                    + "<t:EventType>CopiedEvent</t:EventType></t:EventTypes>"
                    + "</m:StreamingSubscriptionRequest></m:Subscribe>";
            HttpPost post = post(mailbox, body, server.requestTimeout);
            try (CloseableHttpResponse r = http.execute(post, context)) {
                String xml = r.getEntity() == null ? "" : EntityUtils.toString(r.getEntity(), StandardCharsets.UTF_8);
                String code = first(xml, "ResponseCode");
                String id = first(xml, "SubscriptionId");
                if (r.getStatusLine().getStatusCode() != 200 || id == null || !"NoError".equals(code)) {
                    throw new IOException("Subscribe answered HTTP " + r.getStatusLine().getStatusCode() + " "
                            + (code == null ? "" : code) + " " + Optional.ofNullable(first(xml, "MessageText"))
                                    .orElse(Optional.ofNullable(first(xml, "faultstring")).orElse("")));
                }
                return id;
            } finally {
                current = null;
            }
        }

        private End stream() {
            Map<String, String> mailboxOf = new HashMap<>();
            subscriptions.forEach((m, id) -> mailboxOf.put(id, m));
            StringBuilder ids = new StringBuilder();
            mailboxOf.keySet().forEach(id -> ids.append("<t:SubscriptionId>").append(id).append("</t:SubscriptionId>"));
            String body = "<m:GetStreamingEvents><m:SubscriptionIds>" + ids + "</m:SubscriptionIds><m:ConnectionTimeout>"
                    + settings.connectionTimeoutMinutes() + "</m:ConnectionTimeout></m:GetStreamingEvents>";
            HttpPost post = post(anchor, body, settings.silenceTimeout());
            if (!live() || changed) {
                return new End(true, "members changed", List.of(), false);
            }
            try (CloseableHttpResponse r = http.execute(post, context)) {
                int status = r.getStatusLine().getStatusCode();
                log.debug("EWS live feed: {} streams {} subscriptions (HTTP {})", thread.getName(), mailboxOf.size(),
                        status);
                if (r.getEntity() == null) {
                    return new End(false, "GetStreamingEvents answered HTTP " + status + " without a body", List.of(), false);
                }
                InputStream in = r.getEntity().getContent();
                End end = read(in, status, mailboxOf); // on an exception, closing the response drops the connection
                if (!end.clean()) {
                    // An error message (an expired subscription among several) may come on a stream the server
                    // keeps open: closing it would read it to its ConnectionTimeout before the group recovers.
                    post.abort();
                }
                try {
                    in.close();
                } catch (IOException e) {
                    log.debug("EWS live feed: closing an aborted stream: {}", e.toString());
                }
                return end;
            } catch (SocketTimeoutException e) {
                return new End(false, "the stream was silent for " + settings.silenceTimeout().toSeconds()
                        + " s (no heartbeat)", List.of(), false);
            } catch (IOException e) {
                if (changed && live()) {
                    return new End(false, "the watched mailboxes changed and the stream was reopened", List.of(), false);
                }
                return new End(false, "the stream broke: " + e, List.of(), false);
            } finally {
                current = null;
            }
        }

        private End read(InputStream in, int status, Map<String, String> mailboxOf) throws IOException {
            StreamingMessages.Splitter splitter = new StreamingMessages.Splitter(in);
            Optional<byte[]> envelope;
            while ((envelope = splitter.next()).isPresent()) {
                if (log.isTraceEnabled()) {
                    log.trace("EWS live feed: {} read {}", thread.getName(), new String(envelope.get(), StandardCharsets.UTF_8));
                }
                for (StreamingMessages.Message msg : StreamingMessages.parse(envelope.get())) {
                    for (StreamingMessages.Notification n : msg.notifications()) {
                        String mailbox = mailboxOf.get(n.subscriptionId());
                        if (mailbox != null && !n.statusOnly() && live()) {
                            changed(mailbox, n.items());
                        }
                    }
                    if (msg.error()) {
                        boolean notFound = msg.responseCode().equals("ErrorSubscriptionNotFound")
                                || msg.responseCode().equals("ErrorInvalidSubscription")
                                || msg.responseCode().equals("ErrorReadEventsFailed")
                                || msg.responseCode().equals("ErrorProxyRequestNotAllowed")
                                || msg.responseCode().equals("ErrorMissedNotificationEvents");
                        List<String> lost = msg.errorSubscriptionIds();
                        // Any error ends the connection (gromox#294: a client that kept reading a faulted one never recovered).
                        return new End(false, "GetStreamingEvents: " + msg.responseCode() + " " + msg.messageText(),
                                notFound ? lost : List.of(), notFound && lost.isEmpty());
                    }
                    if ("Closed".equals(msg.connectionStatus())) {
                        return new End(true, "ConnectionTimeout", List.of(), false);
                    }
                }
            }
            return new End(false, "the stream ended without ConnectionStatus Closed (HTTP " + status + ")", List.of(),
                    false);
        }

        private void changed(String mailbox, List<ItemRef> items) {
            try {
                listener.changed(mailbox, items);
            } catch (RuntimeException e) {
                log.warn("EWS live feed: the listener failed on a change of {}", mailbox, e);
            }
        }

        private HttpPost post(String impersonated, String body, Duration socketTimeout) {
            HttpPost post = new HttpPost(url);
            int connect = (int) Math.min(Integer.MAX_VALUE, server.requestTimeout.toMillis());
            post.setConfig(RequestConfig.custom().setConnectTimeout(connect).setConnectionRequestTimeout(connect)
                    .setSocketTimeout((int) Math.min(Integer.MAX_VALUE, socketTimeout.toMillis())).build());
            post.setHeader("X-AnchorMailbox", anchor);
            post.setHeader("X-PreferServerAffinity", "true");
            String envelope = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                    + "<soap:Envelope xmlns:soap=\"" + StreamingMessages.SOAP + "\" xmlns:t=\"" + StreamingMessages.T
                    + "\" xmlns:m=\"" + StreamingMessages.M + "\"><soap:Header><t:RequestServerVersion Version=\""
                    + server.version + "\"/><t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>"
                    + escape(impersonated) + "</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>"
                    + "</soap:Header><soap:Body>" + body + "</soap:Body></soap:Envelope>";
            post.setEntity(new ByteArrayEntity(envelope.getBytes(StandardCharsets.UTF_8),
                    ContentType.create("text/xml", StandardCharsets.UTF_8)));
            current = post;
            if (!live()) {
                post.abort();
            }
            return post;
        }
    }

    private static final Pattern ANY_ELEMENT = Pattern.compile("<(?:[\\w-]+:)?(\\w+)(?:\\s[^>]*)?>([^<]*)</");

    /** The text of the first element with this local name in a small answer, or null. */
    static String first(String xml, String local) {
        Matcher m = ANY_ELEMENT.matcher(xml);
        while (m.find()) {
            if (m.group(1).equals(local)) {
                return m.group(2).trim();
            }
        }
        return null;
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

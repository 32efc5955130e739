package org.tasksync.testkit.ews;

import static org.tasksync.testkit.ews.Xml.M;
import static org.tasksync.testkit.ews.Xml.T;
import static org.tasksync.testkit.ews.Xml.add;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.w3c.dom.Element;

/**
 * Streaming notifications of the EWS simulator: {@code Subscribe} (streaming subscriptions on the
 * Tasks folder), {@code GetStreamingEvents} (one chunked HTTP response carrying SOAP envelopes over
 * time) and {@code Unsubscribe}, with mailbox-server affinity, the hanging-connection budget, a time
 * scale and the faults tests need. The rules and their Microsoft sources are in
 * docs/conformance.md ("EWS streaming").
 */
final class EwsStreaming {

    /** Subscription ids one GetStreamingEvents may carry (the affinity article's group size). */
    static final int MAX_IDS_PER_CONNECTION = 200;
    /** Events per Notification (GetStreamingEvents operation, Remarks step 3). */
    static final int MAX_EVENTS_PER_NOTIFICATION = 50;
    static final String COOKIE = "X-BackEndOverrideCookie";

    /** Thrown by the answering thread to make the HTTP server drop the connection without ending the body. */
    static final class Cut extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Cut(String why) {
            super(why, null, false, false);
        }
    }

    /** How an HTTP request is routed to a Mailbox server: its affinity headers and cookie. */
    record Routing(String anchor, boolean preferAffinity, String cookieServer) {
    }

    /** Settings, in simulated time where they are durations (see {@link #real}). */
    record Settings(long timeScale, Duration heartbeat, int hangingConnectionLimit, int mailboxServers,
            Duration subscriptionIdleExpiry, int sites) {
    }

    private final class Subscription {
        final String id = UUID.randomUUID().toString().replace("-", "");
        final TaskMailbox mailbox;
        final String server;
        final String budget;
        final Set<String> eventTypes;
        final Deque<TaskMailbox.ItemEvent> queue = new ArrayDeque<>();
        volatile Stream stream;
        volatile boolean gone;
        volatile long detachedAt = System.nanoTime();

        Subscription(TaskMailbox mailbox, String server, String budget, Set<String> eventTypes) {
            this.mailbox = mailbox;
            this.server = server;
            this.budget = budget;
            this.eventTypes = eventTypes;
        }

        void offer(TaskMailbox.ItemEvent e) {
            if (gone || !eventTypes.contains(e.type())) {
                return;
            }
            synchronized (this) {
                queue.add(e);
            }
            Stream s = stream;
            if (s != null) {
                s.wake();
            }
        }

        synchronized List<TaskMailbox.ItemEvent> take(int max) {
            List<TaskMailbox.ItemEvent> out = new ArrayList<>();
            while (out.size() < max && !queue.isEmpty()) {
                out.add(queue.poll());
            }
            return out;
        }

        boolean expiredIdle() {
            return stream == null && System.nanoTime() - detachedAt > real(settings.subscriptionIdleExpiry()).toNanos();
        }
    }

    private static final class Stream {
        final String budget;
        final List<Subscription> subscriptions;
        volatile String cut;
        private boolean signalled;

        Stream(String budget, List<Subscription> subscriptions) {
            this.budget = budget;
            this.subscriptions = new ArrayList<>(subscriptions);
        }

        synchronized void wake() {
            signalled = true;
            notifyAll();
        }

        synchronized void await(long nanos) throws InterruptedException {
            long until = System.nanoTime() + nanos;
            while (!signalled) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                wait(Math.max(1, left / 1_000_000), 0);
            }
            signalled = false;
        }
    }

    private final Settings settings;
    private final ConcurrentHashMap<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    /** Mailboxes moved off the server their address hashes to. */
    private final ConcurrentHashMap<String, String> movedTo = new ConcurrentHashMap<>();
    private volatile boolean stalled;

    EwsStreaming(Settings settings) {
        this.settings = settings;
    }

    /** A simulated duration as it passes in real time. */
    Duration real(Duration simulated) {
        return simulated.dividedBy(settings.timeScale());
    }

    /** The Mailbox server that holds a mailbox (a stable hash of its address over the servers). */
    String serverOf(String address) {
        String key = EwsSimulator.mailboxKey(address);
        String moved = movedTo.get(key);
        return moved != null ? moved : "mbx" + (Math.floorMod(key.hashCode(), settings.mailboxServers()) + 1);
    }

    /** The mailbox now lives on this server; its subscriptions end, as a move ends them. */
    int move(String address, String server) {
        if (!isServer(server)) {
            throw new IllegalArgumentException("no Mailbox server " + server + " here (mbx1..mbx"
                    + settings.mailboxServers() + ")");
        }
        movedTo.put(EwsSimulator.mailboxKey(address), server);
        return expire(address);
    }

    /**
     * The site of a Mailbox server: servers are dealt round-robin over the sites, so with as many
     * sites as servers each server is a site of its own. Autodiscover answers it as the mailbox's
     * GroupingInformation (see {@link EwsAutodiscover}).
     */
    String siteOf(String server) {
        int n = Integer.parseInt(server.substring(3));
        return "SITE" + ((n - 1) % settings.sites() + 1);
    }

    /**
     * Where a request lands: the cookie's server when affinity is asked for (the affinity article:
     * X-PreferServerAffinity with X-BackEndOverrideCookie route to that server), else the anchor
     * mailbox's server, else the acting mailbox's.
     */
    String landing(Routing routing, String acting) {
        if (routing.preferAffinity() && routing.cookieServer() != null) {
            return routing.cookieServer();
        }
        if (routing.anchor() != null && !routing.anchor().isBlank()) {
            return serverOf(routing.anchor());
        }
        return acting == null || acting.isBlank() ? "mbx1" : serverOf(acting);
    }

    /** Whether a cookie value names a server of this simulator. */
    boolean isServer(String value) {
        if (value == null || !value.startsWith("mbx")) {
            return false;
        }
        try {
            int n = Integer.parseInt(value.substring(3));
            return n >= 1 && n <= settings.mailboxServers();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Feeds a mailbox's item events to its live subscriptions. */
    void event(TaskMailbox mailbox, TaskMailbox.ItemEvent e) {
        for (Subscription s : subscriptions.values()) {
            if (s.mailbox == mailbox) {
                s.offer(e);
            }
        }
    }

    // ------------------------------------------------------------------ Subscribe, Unsubscribe

    /**
     * Subscribe: one streaming subscription to one mailbox's Tasks folder. Returns the answer; the
     * subscription lives on the server the request landed on.
     */
    /** The mailbox of a folder id of a Subscribe request; null stands for the impersonated mailbox. */
    interface Folders {
        TaskMailbox of(Element folderId) throws EwsError;
    }

    SoapResponse subscribe(EwsOperations.SoapCall call, Routing routing, String budget, Folders folderMailbox)
            throws EwsError {
        Element request = Xml.child(call.operation(), M, "StreamingSubscriptionRequest").orElseThrow(() ->
                EwsError.fault("ErrorInvalidRequest", "The EWS simulator serves streaming subscriptions only, not "
                        + Xml.firstChild(call.operation()).map(Element::getLocalName).orElse("(none)") + "."));
        SoapResponse r = new SoapResponse("Subscribe", call.version());
        Set<TaskMailbox> targets = new HashSet<>();
        Element folderIds = Xml.child(request, T, "FolderIds").orElse(null);
        if (folderIds != null) {
            for (Element id : Xml.children(folderIds)) {
                targets.add(folderMailbox.of(id));
            }
        }
        if ("true".equals(request.getAttribute("SubscribeToAllFolders")) || folderIds == null) {
            if (call.impersonated() == null) {
                r.error(new EwsError("ErrorInvalidSubscriptionRequest",
                        "A subscription to all folders needs the mailbox in an ExchangeImpersonation header."));
                return r;
            }
            targets.add(folderMailbox.of(null));
        }
        if (targets.size() != 1) {
            r.error(new EwsError("ErrorInvalidSubscriptionRequest",
                    "A subscription covers the folders of one mailbox; this request names " + targets.size() + "."));
            return r;
        }
        Set<String> types = new HashSet<>();
        Xml.child(request, T, "EventTypes").ifPresent(ts -> Xml.children(ts).forEach(t -> types.add(t.getTextContent().trim())));
        TaskMailbox mailbox = targets.iterator().next();
        String server = landing(routing, call.impersonated());
        if (!siteOf(server).equals(siteOf(serverOf(mailbox.address)))) {
            // "Handling notification-related errors": a batched subscription to a mailbox in another site
            r.error(new EwsError("ErrorProxyRequestNotAllowed", "The mailbox " + mailbox.address + " is in "
                    + siteOf(serverOf(mailbox.address)) + "; this request was routed to " + server + " in "
                    + siteOf(server) + "."));
            return r;
        }
        Subscription s = new Subscription(mailbox, server, budget, types);
        subscriptions.put(s.id, s);
        add(r.success(), M, "SubscriptionId", s.id);
        return r;
    }

    /** Unsubscribe: ends a subscription; an unknown one answers ErrorSubscriptionNotFound. */
    SoapResponse unsubscribe(EwsOperations.SoapCall call) {
        SoapResponse r = new SoapResponse("Unsubscribe", call.version());
        String id = Xml.childText(call.operation(), M, "SubscriptionId").orElse("").trim();
        Subscription s = live(id);
        if (s == null) {
            r.error(notFound());
            return r;
        }
        s.gone = true;
        subscriptions.remove(id);
        r.success();
        return r;
    }

    private Subscription live(String id) {
        Subscription s = subscriptions.get(id);
        if (s != null && (s.gone || s.expiredIdle())) {
            s.gone = true;
            subscriptions.remove(id);
            return null;
        }
        return s;
    }

    private static EwsError notFound() {
        return new EwsError("ErrorSubscriptionNotFound", "The specified subscription was not found.");
    }

    // ------------------------------------------------------------------ GetStreamingEvents

    /** Writes envelopes of a stream; validates each and says whether it may be sent. */
    interface Sender {
        /** Sends a whole answer (no stream was opened): an error before streaming. */
        void answer(SoapResponse r) throws IOException;

        /** Opens the chunked response. */
        OutputStream open() throws IOException;

        /** The bytes of one envelope, or null if it failed validation (a simulator bug, already recorded). */
        byte[] envelope(SoapResponse r);
    }

    /** Serves one GetStreamingEvents request on the answering thread until its ConnectionTimeout. */
    void stream(EwsOperations.SoapCall call, Routing routing, String budget, Sender sender)
            throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        Xml.child(call.operation(), M, "SubscriptionIds")
                .ifPresent(l -> Xml.children(l).forEach(e -> ids.add(e.getTextContent().trim())));
        int minutes = Integer.parseInt(Xml.childText(call.operation(), M, "ConnectionTimeout").orElse("30").trim());
        if (ids.isEmpty() || ids.size() > MAX_IDS_PER_CONNECTION || minutes < 1 || minutes > 30) {
            SoapResponse r = new SoapResponse("GetStreamingEvents", call.version());
            closed(r.error(new EwsError("ErrorInvalidRequest", "GetStreamingEvents takes 1 to " + MAX_IDS_PER_CONNECTION
                    + " subscription ids and a ConnectionTimeout of 1 to 30 minutes; this request has " + ids.size()
                    + " ids and " + minutes + " minutes.")));
            sender.answer(r);
            return;
        }
        String server = landing(routing, call.impersonated());
        List<Subscription> subs = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String id : ids) {
            Subscription s = live(id);
            if (s == null || !s.server.equals(server)) {
                missing.add(id);
            } else {
                subs.add(s);
            }
        }
        if (!missing.isEmpty()) {
            SoapResponse r = new SoapResponse("GetStreamingEvents", call.version());
            Element msg = r.error(notFound());
            errorIds(msg, missing);
            closed(msg);
            sender.answer(r);
            return;
        }
        Stream stream = new Stream(budget, subs);
        synchronized (streams) {
            long open = streams.stream().filter(s -> s.budget.equals(budget)).count();
            if (open >= settings.hangingConnectionLimit()) {
                SoapResponse r = new SoapResponse("GetStreamingEvents", call.version());
                closed(r.error(new EwsError("ErrorExceededConnectionCount", "You have exceeded the maximum number of"
                        + " open streaming connections (" + settings.hangingConnectionLimit() + ") for " + budget + ".")));
                sender.answer(r);
                return;
            }
            streams.add(stream);
        }
        for (Subscription s : subs) {
            Stream before = s.stream;
            s.stream = stream;
            if (before != null) {
                before.wake(); // it no longer owns the subscription
            }
        }
        stream.wake(); // events queued while no stream was open go out at once
        try {
            run(call, stream, sender.open(), sender);
        } finally {
            streams.remove(stream);
            for (Subscription s : subs) {
                if (s.stream == stream) {
                    s.stream = null;
                    s.detachedAt = System.nanoTime();
                }
            }
        }
    }

    private void run(EwsOperations.SoapCall call, Stream stream, OutputStream out, Sender sender)
            throws IOException, InterruptedException {
        int minutes = Integer.parseInt(Xml.childText(call.operation(), M, "ConnectionTimeout").orElseThrow().trim());
        long deadline = System.nanoTime() + real(Duration.ofMinutes(minutes)).toNanos();
        long heartbeat = Math.max(1, real(settings.heartbeat()).toNanos());
        long nextBeat = System.nanoTime() + heartbeat;
        while (true) {
            long now = System.nanoTime();
            stream.await(Math.max(0, Math.min(deadline, nextBeat) - now));
            if (stream.cut != null) {
                write(out, cutShort(sender, call));
                throw new Cut(stream.cut);
            }
            if (stalled) {
                if (System.nanoTime() >= deadline) {
                    return; // a stalled server says nothing, not even Closed
                }
                continue;
            }
            List<Subscription> mine = stream.subscriptions.stream().filter(s -> s.stream == stream).toList();
            List<String> gone = mine.stream().filter(s -> s.gone).map(s -> s.id).toList();
            List<Subscription> alive = mine.stream().filter(s -> !s.gone).toList();
            if (!gone.isEmpty()) {
                SoapResponse r = new SoapResponse("GetStreamingEvents", call.version());
                Element msg = r.error(notFound());
                errorIds(msg, gone);
                add(msg, M, "ConnectionStatus", alive.isEmpty() ? "Closed" : "OK");
                stream.subscriptions.removeIf(s -> s.gone);
                write(out, sender.envelope(r));
                if (alive.isEmpty()) {
                    return;
                }
                continue;
            }
            boolean end = System.nanoTime() >= deadline;
            boolean beat = System.nanoTime() >= nextBeat;
            SoapResponse r = new SoapResponse("GetStreamingEvents", call.version());
            Element msg = r.success();
            Element notifications = null;
            for (Subscription s : alive) {
                List<TaskMailbox.ItemEvent> events = s.take(MAX_EVENTS_PER_NOTIFICATION);
                if (events.isEmpty() && (!beat || end)) {
                    continue;
                }
                if (notifications == null) {
                    notifications = add(msg, M, "Notifications");
                }
                notification(notifications, s, events);
            }
            // As the operation page's example: a message with notifications carries no ConnectionStatus
            // (ews-java-api reads one or the other); Closed comes in a message of its own.
            if (notifications != null) {
                write(out, sender.envelope(r));
            }
            if (beat) {
                nextBeat = System.nanoTime() + heartbeat;
            }
            if (end) {
                SoapResponse closed = new SoapResponse("GetStreamingEvents", call.version());
                add(closed.success(), M, "ConnectionStatus", "Closed");
                write(out, sender.envelope(closed));
                return;
            }
        }
    }

    private static void write(OutputStream out, byte[] envelope) throws IOException {
        if (envelope != null) {
            out.write(envelope);
            out.flush();
        }
    }

    /** The first half of a heartbeat envelope: what a client holds when the connection is cut mid-envelope. */
    private static byte[] cutShort(Sender sender, EwsOperations.SoapCall call) {
        SoapResponse r = new SoapResponse("GetStreamingEvents", call.version());
        add(r.success(), M, "ConnectionStatus", "OK");
        byte[] whole = Xml.serialize(r.doc);
        return java.util.Arrays.copyOf(whole, whole.length / 2);
    }

    private void notification(Element notifications, Subscription s, List<TaskMailbox.ItemEvent> events) {
        // m:Notification as the operation page's example shows and ews-java-api reads; the schema has t: (see wireForm)
        Element n = add(notifications, M, "Notification");
        add(n, T, "SubscriptionId", s.id);
        if (events.isEmpty()) {
            add(n, T, "StatusEvent"); // GetStreamingEvents operation, Remarks step 4
            return;
        }
        for (TaskMailbox.ItemEvent e : events) {
            Element ev = add(n, T, e.type());
            add(ev, T, "TimeStamp", DateTimeFormatter.ISO_INSTANT.format(e.at().truncatedTo(ChronoUnit.SECONDS)));
            Element item = add(ev, T, "ItemId");
            item.setAttribute("Id", e.itemId());
            if (e.changeKey() != null) {
                item.setAttribute("ChangeKey", e.changeKey());
            }
            Element parent = add(ev, T, "ParentFolderId");
            parent.setAttribute("Id", s.mailbox.folderId);
            parent.setAttribute("ChangeKey", s.mailbox.folderChangeKey);
        }
    }

    /**
     * Renames the envelope's {@code m:Notification}s to the schema's {@code t:Notification} for
     * validation, and back with {@link #wireForm}: the one place where the simulator follows
     * Microsoft's example and the Managed API over the schema (docs/conformance.md).
     */
    static List<Element> schemaForm(org.w3c.dom.Document doc) {
        List<Element> out = new ArrayList<>();
        org.w3c.dom.NodeList list = doc.getElementsByTagNameNS(M, "Notification");
        for (int i = 0; i < list.getLength(); i++) {
            out.add((Element) list.item(i));
        }
        out.replaceAll(e -> (Element) doc.renameNode(e, T, "t:Notification"));
        return out;
    }

    static void wireForm(List<Element> renamed) {
        renamed.forEach(e -> e.getOwnerDocument().renameNode(e, M, "m:Notification"));
    }

    /** ErrorSubscriptionIds: t:SubscriptionId children, as the schema types them. */
    private static void errorIds(Element msg, List<String> ids) {
        Element list = add(msg, M, "ErrorSubscriptionIds");
        ids.forEach(id -> add(list, T, "SubscriptionId", id));
    }

    private static Element closed(Element msg) {
        if (Xml.child(msg, M, "ConnectionStatus").isEmpty()) {
            add(msg, M, "ConnectionStatus", "Closed");
        }
        return msg;
    }

    // ------------------------------------------------------------------ faults and state for tests

    /** Cuts every open stream in the middle of an envelope (the connection drops without ending the body). */
    int cutStreams(String why) {
        int n = 0;
        for (Stream s : streams) {
            s.cut = why;
            s.wake();
            n++;
        }
        return n;
    }

    /** Cuts the open streams that carry a subscription of this mailbox. */
    int cutStreams(String address, String why) {
        String key = EwsSimulator.mailboxKey(address);
        int n = 0;
        for (Stream s : streams) {
            if (s.subscriptions.stream().anyMatch(x -> x.stream == s && !x.gone
                    && EwsSimulator.mailboxKey(x.mailbox.address).equals(key))) {
                s.cut = why;
                s.wake();
                n++;
            }
        }
        return n;
    }

    void stall(boolean stalled) {
        this.stalled = stalled;
        streams.forEach(Stream::wake);
    }

    /** The subscriptions of this mailbox end, as when they expire on the server. */
    int expire(String address) {
        String key = EwsSimulator.mailboxKey(address);
        int n = 0;
        for (Subscription s : subscriptions.values()) {
            if (EwsSimulator.mailboxKey(s.mailbox.address).equals(key)) {
                s.gone = true;
                subscriptions.remove(s.id);
                Stream st = s.stream;
                if (st != null) {
                    st.wake();
                }
                n++;
            }
        }
        return n;
    }

    /** The EWS process restarts: every subscription is lost and every stream dropped. */
    void restart() {
        subscriptions.values().forEach(s -> s.gone = true);
        subscriptions.clear();
        cutStreams("EWS restarted");
    }

    int openStreams() {
        return streams.size();
    }

    /** Live subscriptions per mailbox address (lower case). */
    Map<String, Integer> subscriptionsByMailbox() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Subscription s : subscriptions.values()) {
            if (!s.gone) {
                out.merge(s.mailbox.address.toLowerCase(Locale.ROOT), 1, Integer::sum);
            }
        }
        return out;
    }

    /** The number of subscription ids each open stream carries. */
    List<Integer> streamSizes() {
        return streams.stream().map(s -> (int) s.subscriptions.stream().filter(x -> x.stream == s).count()).toList();
    }
}

package org.tasksync.adapter.graph.internal;

import com.google.common.util.concurrent.RateLimiter;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.todo.lists.item.tasks.delta.DeltaRequestBuilder;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.RequestInformation;
import com.microsoft.kiota.serialization.Parsable;
import com.microsoft.kiota.serialization.ParsableFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.adapter.graph.GraphSettings;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.spi.ExchangeChangeFeed;
import org.tasksync.core.spi.ExchangeChangeListener;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.MailboxException;

/**
 * The Graph adapter's change feed: Graph sends no change notifications on To Do tasks to an app
 * with application permissions, so the feed polls, but only the few mailboxes that are active now
 * (the hot set), with a delta check of its own at a short interval, paced per mailbox under
 * Graph's limits (docs/graph.md "Live sync: the hot-set feed"). Every other mailbox is left to the
 * engine's normal cycle.
 *
 * <p>A mailbox turns hot when the adapter's connection reads a change in it or writes to it, when
 * the engine reports {@link #activity activity} in it, or when a check finds a change; it cools down
 * after {@link GraphSettings.Live#hotFor()} without any of these; the set holds
 * at most {@link GraphSettings.Live#hotSetSize()} mailboxes, the least recently active one leaves
 * first. The feed's delta link of a mailbox lives in memory only and is never the engine's cursor:
 * it only tells the feed that something changed since its last look.
 */
public final class HotSetFeed implements ExchangeChangeFeed {

    private static final Logger log = LoggerFactory.getLogger(HotSetFeed.class);
    private static final HashMap<String, ParsableFactory<? extends Parsable>> ERRORS =
            new HashMap<>(Map.of("XXX", ODataError::createFromDiscriminatorValue));
    /** Graph's error codes that say a delta token is no longer good ("Use delta query"; error responses). */
    private static final Set<String> SYNC_STATE_CODES = Set.of("syncStateNotFound", "syncStateInvalid",
            "resyncRequired", "resyncApplyDifferences", "resyncUploadDifferences");
    /** How long a mailbox rests after a throttled check when Graph names no Retry-After. */
    private static final Duration THROTTLED_REST = Duration.ofSeconds(30);

    /** Finds the id of a mailbox's target list (the adapter's lookup, remembered there). */
    @FunctionalInterface
    public interface ListLookup {
        String listId(Mailbox mailbox) throws MailboxException;
    }

    private final GraphServiceClient client;
    private final GraphSettings.Live live;
    private final int pageSize;
    private final ListLookup lists;
    private final ExchangeChangeListener listener;
    private final LongSupplier nanos;
    private final ScheduledExecutorService ticker;
    private final ExecutorService checkers;
    private final Object delivering = new Object();
    private final Map<String, Mailbox> watched = new ConcurrentHashMap<>();
    /** Hot mailboxes by address; guarded by itself. */
    private final Map<String, Hot> hot = new LinkedHashMap<>();
    /** One pace per watched mailbox, kept while it is watched so that turning hot again gives no fresh burst. */
    private final Map<String, RateLimiter> paces = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** A hot mailbox: when it was last active, and the feed's own delta link. */
    private static final class Hot {
        final Mailbox mailbox;
        volatile long lastActive;
        volatile String listId;
        volatile String deltaLink;
        volatile boolean busy;
        volatile long notBefore;

        Hot(Mailbox mailbox, long now) {
            this.mailbox = mailbox;
            this.lastActive = now;
        }
    }

    HotSetFeed(GraphServiceClient client, GraphSettings.Live live, int pageSize, ListLookup lists,
               ExchangeChangeListener listener, LongSupplier nanos) {
        this.client = Objects.requireNonNull(client, "client");
        this.live = Objects.requireNonNull(live, "live");
        this.pageSize = pageSize;
        this.lists = Objects.requireNonNull(lists, "lists");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.nanos = nanos;
        this.ticker = Executors.newSingleThreadScheduledExecutor(daemons("tasksync-graph-live-tick"));
        this.checkers = Executors.newFixedThreadPool(live.threads(), daemons("tasksync-graph-live-check"));
    }

    /** A feed that starts checking at once (it has no hot mailbox until {@link #activity} names a watched one). */
    public static HotSetFeed start(GraphServiceClient client, GraphSettings.Live live, int pageSize, ListLookup lists,
                                   ExchangeChangeListener listener) {
        HotSetFeed feed = new HotSetFeed(client, live, pageSize, lists, listener, System::nanoTime);
        long every = live.interval().toMillis();
        feed.ticker.scheduleWithFixedDelay(feed::tick, every, every, TimeUnit.MILLISECONDS);
        return feed;
    }

    // --- the SPI -----------------------------------------------------------------------------------

    /** {@inheritDoc} A watched mailbox is checked only while it is hot; the others are the normal cycle's. */
    @Override
    public void watch(Collection<Mailbox> mailboxes) {
        Map<String, Mailbox> now = new HashMap<>();
        for (Mailbox m : mailboxes) {
            now.put(m.address(), m);
        }
        watched.keySet().retainAll(now.keySet());
        watched.putAll(now);
        paces.keySet().retainAll(now.keySet());
        synchronized (hot) {
            hot.keySet().retainAll(now.keySet());
        }
    }

    /** {@inheritDoc} The mailbox turns hot (or stays hot longer); a mailbox not watched is ignored. */
    @Override
    public void activity(String mailbox) {
        if (mailbox == null || closed) {
            return;
        }
        Mailbox m = watched.get(Mailbox.normalize(mailbox));
        if (m == null) {
            log.debug("activity in {}, which the feed does not watch", mailbox);
            return;
        }
        warm(m);
    }

    private void warm(Mailbox m) {
        long now = nanos.getAsLong();
        synchronized (hot) {
            Hot h = hot.get(m.address());
            if (h != null) {
                h.lastActive = now;
                return;
            }
            while (hot.size() >= live.hotSetSize()) {
                Hot coldest = hot.values().stream().min(Comparator.comparingLong(x -> x.lastActive)).orElseThrow();
                hot.remove(coldest.mailbox.address());
                log.debug("{} leaves the hot set for {}", coldest.mailbox.address(), m.address());
            }
            hot.put(m.address(), new Hot(m, now));
        }
    }

    /** Whether {@link #close} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** The mailboxes checked at the short interval now (for tests and reports). */
    public Set<String> hotMailboxes() {
        synchronized (hot) {
            return Set.copyOf(hot.keySet());
        }
    }

    // --- checking ----------------------------------------------------------------------------------

    /** One round: drops mailboxes that cooled down and hands each due, paced mailbox to a checker. */
    void tick() {
        if (closed) {
            return;
        }
        long now = nanos.getAsLong();
        List<Hot> due = new ArrayList<>();
        synchronized (hot) {
            hot.values().removeIf(h -> now - h.lastActive > live.hotFor().toNanos());
            for (Hot h : hot.values()) {
                if (!h.busy && now - h.notBefore >= 0) {
                    due.add(h);
                }
            }
        }
        for (Hot h : due) {
            if (!pace(h).tryAcquire()) {
                continue; // its share of requests is spent for now; the next round asks again
            }
            h.busy = true;
            try {
                checkers.execute(() -> check(h));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                h.busy = false; // closing
            }
        }
    }

    private RateLimiter pace(Hot h) {
        return paces.computeIfAbsent(h.mailbox.address(), a -> RateLimiter.create(live.requestsPerMinute() / 60.0));
    }

    /** One mailbox's check: the first one takes a delta link, the later ones follow it. */
    private void check(Hot h) {
        String mailbox = h.mailbox.address();
        try {
            if (h.listId == null) {
                h.listId = lists.listId(h.mailbox);
            }
            if (h.deltaLink == null) {
                h.deltaLink = follow(h, null, null);
                // what changed before the link was taken is the engine's to catch up on
                gap(mailbox, "watched closely from now on (hot); changes before may not have been hinted");
                return;
            }
            List<ItemRef> changed = new ArrayList<>();
            h.deltaLink = follow(h, h.deltaLink, changed);
            if (!changed.isEmpty()) {
                h.lastActive = nanos.getAsLong();
                synchronized (delivering) {
                    if (!closed) {
                        try {
                            listener.changed(mailbox, List.copyOf(changed));
                        } catch (RuntimeException e) {
                            log.warn("The Exchange change listener failed on {} items of {}", changed.size(), mailbox, e);
                        }
                    }
                }
            }
        } catch (ApiException e) {
            int status = e.getResponseStatusCode();
            String code = e instanceof ODataError o && o.getError() != null && o.getError().getCode() != null
                    ? o.getError().getCode() : "";
            if (status == 410 || (status >= 400 && status < 500 && SYNC_STATE_CODES.contains(code)) || status == 404) {
                // the feed's link is gone (expired token, reset, or the list was replaced): start over
                h.deltaLink = null;
                h.listId = null;
                gap(mailbox, "the feed's delta token is no longer good (Graph answered " + status
                        + (code.isEmpty() ? "" : " " + code) + ")");
            } else if (status == 429 || status == 503) {
                Duration rest = GraphCalls.retryAfter(e.getResponseHeaders());
                rest = rest == null ? THROTTLED_REST : rest;
                h.notBefore = nanos.getAsLong() + rest.toNanos();
                log.debug("{}: the feed's check was throttled ({}); resting {}", mailbox, status, rest);
            } else {
                // the link still holds: the next check sees what this one missed, so no gap
                h.notBefore = nanos.getAsLong() + live.interval().toNanos();
                log.debug("{}: the feed's check failed: {} {}", mailbox, status, GraphCalls.errorText(e));
            }
        } catch (MailboxException e) {
            h.notBefore = nanos.getAsLong() + THROTTLED_REST.toNanos();
            log.debug("{}: the feed found no target list: {}", mailbox, e.getMessage());
        } catch (RuntimeException e) {
            if (!closed) {
                h.notBefore = nanos.getAsLong() + live.interval().toNanos();
                log.debug("{}: the feed's check failed: {}", mailbox, e.toString());
            }
        } finally {
            h.busy = false;
        }
    }

    /**
     * Reads delta pages from {@code link} (null: a new round, which enumerates the list and whose
     * entries are not changes) until the delta link, adding the entries to {@code changed} when it
     * is not null. The first page was paid for by the round's permit; further pages wait for theirs.
     */
    private String follow(Hot h, String link, List<ItemRef> changed) {
        String next = link;
        boolean first = true;
        while (true) {
            if (!first) {
                pace(h).acquire();
            }
            first = false;
            JsonObject page = get(h, next);
            JsonElement value = page.get("value");
            if (changed != null && value != null && value.isJsonArray()) {
                JsonArray entries = value.getAsJsonArray();
                for (JsonElement e : entries) {
                    if (e.isJsonObject() && e.getAsJsonObject().has("id")) {
                        JsonObject o = e.getAsJsonObject();
                        JsonElement etag = o.get("@odata.etag");
                        changed.add(new ItemRef(o.get("id").getAsString(),
                                o.has("@removed") || etag == null || !etag.isJsonPrimitive() ? null : etag.getAsString()));
                    }
                }
            }
            String nextLink = string(page, "@odata.nextLink");
            if (nextLink == null) {
                String delta = string(page, "@odata.deltaLink");
                if (delta == null) {
                    throw new IllegalStateException("Graph's delta answer has neither @odata.nextLink nor @odata.deltaLink");
                }
                return delta;
            }
            next = nextLink;
        }
    }

    private JsonObject get(Hot h, String link) {
        DeltaRequestBuilder delta = client.users().byUserId(h.mailbox.address()).todo().lists()
                .byTodoTaskListId(h.listId).tasks().delta();
        RequestInformation request = link == null
                // ids only: the feed names items, the engine reads them
                ? delta.toGetRequestInformation(rc -> {
                    rc.queryParameters.select = new String[] {"id"};
                    rc.headers.add("Prefer", "odata.maxpagesize=" + pageSize);
                })
                : delta.withUrl(link).toGetRequestInformation(rc -> rc.headers.add("Prefer",
                        "odata.maxpagesize=" + pageSize));
        try (InputStream in = client.getRequestAdapter().sendPrimitive(request, ERRORS, InputStream.class)) {
            if (in == null) {
                throw new IllegalStateException("Graph's delta answer was empty");
            }
            JsonElement e = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) {
                throw new IllegalStateException("Graph's delta answer is no JSON object");
            }
            return e.getAsJsonObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String string(JsonObject o, String name) {
        JsonElement v = o.get(name);
        return v == null || !v.isJsonPrimitive() ? null : v.getAsString();
    }

    private void gap(String mailbox, String reason) {
        synchronized (delivering) {
            if (closed) {
                return;
            }
            try {
                listener.gap(mailbox, reason);
            } catch (RuntimeException e) {
                log.warn("The Exchange change listener failed on a gap of {}", mailbox, e);
            }
        }
    }

    @Override
    public void close() {
        synchronized (delivering) {
            if (closed) {
                return;
            }
            closed = true;
        }
        ticker.shutdownNow();
        checkers.shutdownNow();
        try {
            if (!ticker.awaitTermination(10, TimeUnit.SECONDS) || !checkers.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("The Graph feed's threads have not ended yet; they deliver nothing more");
            } else {
                // an executor is terminated when its tasks are; its threads end a moment later
                for (Thread t : started) {
                    t.join(TimeUnit.SECONDS.toMillis(10));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // every thread the feed started, so that close() can wait until each has ended, not only its tasks
    private final java.util.Queue<Thread> started = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private ThreadFactory daemons(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            started.add(t);
            return t;
        };
    }

    @Override
    public String toString() {
        return "HotSetFeed{hot=" + hotMailboxes().size() + "/" + live.hotSetSize() + ", every " + live.interval().toMillis()
                + " ms" + (closed ? ", closed" : "") + "}";
    }
}

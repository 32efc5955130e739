package org.tasksync.adapter.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tasksync.adapter.graph.internal.HotSetFeed;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.ExchangeChangeFeed;
import org.tasksync.core.spi.ExchangeChangeListener;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.testkit.graph.GraphSimulator;

/**
 * The Graph adapter's hot-set change feed against the Graph simulator, through the real SDK: who is
 * checked, what is hinted, the pace per mailbox, an expired delta token, close(). Waits are bounds
 * for a broken feed ({@link #BOUND}), or counted in the simulator's requests, never a fixed sleep.
 */
class GraphHotSetFeedTest {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final Mailbox ANNA = new Mailbox("anna@example.com", "Anna", ZoneId.of("Europe/Vienna"));
    private static final Mailbox BEN = new Mailbox("ben@example.com", "Ben", ZoneId.of("Europe/Vienna"));
    private static final Mailbox CYD = new Mailbox("cyd@example.com", "Cyd", ZoneId.of("Europe/Vienna"));

    private final GraphSimulator sim = GraphSimulator.start();
    private final Events events = new Events();
    private final List<ExchangeChangeFeed> feeds = new ArrayList<>();
    private GraphExchangeAdapter adapter;

    GraphHotSetFeedTest() {
        sim.addUser(ANNA.address());
        sim.addUser(BEN.address());
        sim.addUser(CYD.address());
    }

    @AfterEach
    void stop() {
        feeds.forEach(ExchangeChangeFeed::close);
        sim.close();
    }

    /** A feed checking every 100 ms, at most 10 requests a second per mailbox, two hot mailboxes. */
    private HotSetFeed feed() {
        return feed(new GraphSettings.Live(Duration.ofMillis(100), 2, Duration.ofMinutes(10), 600, 2));
    }

    private HotSetFeed feed(GraphSettings.Live live) {
        adapter = GraphExchangeAdapter.builder(GraphSettings.builder().baseUrl(sim.baseUrl())
                .live(live).build()).tokenSource(GraphTokenSource.fixed(sim.token())).build();
        ExchangeChangeFeed feed = adapter.changeFeed(events).orElseThrow();
        feeds.add(feed);
        feed.watch(List.of(ANNA, BEN, CYD));
        return (HotSetFeed) feed;
    }

    @Test
    void aChangeInAHotMailboxIsHintedWithTheItemAndItsEtag() throws Exception {
        HotSetFeed feed = feed();
        feed.activity("Anna@Example.com");
        assertThat(events.next(e -> e.isGap()).reason).contains("watched closely from now on");

        String id = sim.toDo().createTask(ANNA.address(), "Call Contoso");
        Event created = events.next(e -> !e.isGap());
        assertThat(created.mailbox).isEqualTo(ANNA.address());
        assertThat(created.items).extracting(ItemRef::itemId).containsExactly(id);
        assertThat(created.items.get(0).changeKey()).as("the etag, for the engine's KnownVersions").startsWith("W/");

        sim.toDo().setStatus(ANNA.address(), id, "completed");
        assertThat(events.next(e -> !e.isGap()).items).extracting(ItemRef::itemId).containsExactly(id);
        sim.toDo().delete(ANNA.address(), id);
        Event deleted = events.next(e -> !e.isGap());
        assertThat(deleted.items).containsExactly(new ItemRef(id, null));
    }

    @Test
    void aColdMailboxIsNeitherCheckedNorHinted() throws Exception {
        HotSetFeed feed = feed();
        feed.activity(ANNA.address());
        events.next(e -> e.isGap() && e.mailbox.equals(ANNA.address()));

        sim.toDo().createTask(BEN.address(), "Ben's task");
        String annas = sim.toDo().createTask(ANNA.address(), "Anna's task");
        assertThat(events.next(e -> !e.isGap()).items).extracting(ItemRef::itemId).containsExactly(annas);
        long seen = sim.requests(ANNA.address());
        awaitRequests(ANNA, seen + 3); // three more rounds for Anna

        assertThat(events.all).noneMatch(e -> e.mailbox.equals(BEN.address()));
        assertThat(sim.requests(BEN.address())).as("requests about the cold mailbox").isZero();
        assertThat(feed.hotMailboxes()).containsExactly(ANNA.address());
    }

    /*
     * Live sync reports activity only after a mailbox run that a feed hinted; a CRM edit written to a
     * mailbox (runCrmTasks) or a change the full cycle read reported none, so under live sync no
     * mailbox ever turned hot and the feed sent nothing (the live benchmark's Graph run: hints=0,
     * gaps=0). The adapter's own connections now tell the feed.
     */
    @Test
    void aMailboxTheEngineWritesToTurnsHotAndARepsChangeThereIsHinted() throws Exception {
        HotSetFeed feed = feed();
        String id;
        try (MailboxConnection anna = adapter.connect(ANNA)) {
            id = anna.create(List.of(new NewExchangeTask("A1:7", TaskValues.builder().subject("Call Contoso")
                    .status(ExchangeStatus.NOT_STARTED).build()))).get(0).itemId();
        }
        assertThat(events.next(e -> e.isGap()).mailbox).isEqualTo(ANNA.address());

        sim.toDo().setStatus(ANNA.address(), id, "completed");
        Event hint = events.next(e -> !e.isGap());
        assertThat(hint.mailbox).isEqualTo(ANNA.address());
        assertThat(hint.items).extracting(ItemRef::itemId).containsExactly(id);
        assertThat(feed.hotMailboxes()).containsExactly(ANNA.address());
    }

    @Test
    void aMailboxWhoseChangeTheEngineReadsTurnsHotButAReadThatFindsNothingDoesNot() throws Exception {
        HotSetFeed feed = feed();
        sim.toDo().createTask(BEN.address(), "Ben's first");
        String benCursor;
        String cydCursor;
        try (MailboxConnection ben = adapter.connect(BEN); MailboxConnection cyd = adapter.connect(CYD)) {
            benCursor = ben.changes(null).next();
            cydCursor = cyd.changes(null).next();
            assertThat(feed.hotMailboxes()).as("a first read lists every task: no sign of a rep at work").isEmpty();

            sim.toDo().createTask(BEN.address(), "Ben's second");
            assertThat(ben.changes(benCursor).changed()).hasSize(1);
            assertThat(cyd.changes(cydCursor).changed()).isEmpty();
        }
        assertThat(events.next(e -> e.isGap()).mailbox).isEqualTo(BEN.address());
        String third = sim.toDo().createTask(BEN.address(), "Ben's third");
        assertThat(events.next(e -> !e.isGap()).items).extracting(ItemRef::itemId).containsExactly(third);
        assertThat(feed.hotMailboxes()).containsExactly(BEN.address());
        assertThat(events.all).noneMatch(e -> e.mailbox.equals(CYD.address()));
    }

    @Test
    void theHotSetIsBoundedAndTheLeastRecentlyActiveMailboxLeavesFirst() {
        HotSetFeed feed = feed();
        feed.activity(ANNA.address());
        feed.activity(BEN.address());
        feed.activity(CYD.address());
        assertThat(feed.hotMailboxes()).containsExactlyInAnyOrder(BEN.address(), CYD.address());

        feed.activity(BEN.address());
        feed.activity(ANNA.address());
        assertThat(feed.hotMailboxes()).containsExactlyInAnyOrder(BEN.address(), ANNA.address());

        feed.activity("nobody@example.com"); // not watched: ignored
        feed.watch(List.of(ANNA, CYD));      // Ben no longer watched: no longer hot
        assertThat(feed.hotMailboxes()).containsExactly(ANNA.address());
    }

    @Test
    void requestsPerMailboxStayUnderThePaceWhateverTheInterval() throws Exception {
        // checks every 50 ms would be 20 a second; the pace allows 2
        HotSetFeed feed = feed(new GraphSettings.Live(Duration.ofMillis(50), 2, Duration.ofMinutes(10), 120, 2));
        feed.activity(ANNA.address());
        events.next(e -> e.isGap());
        long base = sim.requests(ANNA.address());
        long start = System.nanoTime();

        awaitRequests(ANNA, base + 8);
        double seconds = (System.nanoTime() - start) / 1e9;
        long sent = sim.requests(ANNA.address()) - base;

        // Guava's RateLimiter grants one permit at once and saves up at most one second's worth (2)
        // while a mailbox waits; beyond that 2 a second. Unpaced, the interval would allow 20.
        // A slow machine only sends fewer.
        assertThat((double) sent).as("requests in %.2f s at 2 per second", seconds).isLessThanOrEqualTo(2 * seconds + 3);
    }

    @Test
    void anExpiredDeltaTokenIsAGapAndTheFeedStartsOver() throws Exception {
        HotSetFeed feed = feed();
        feed.activity(ANNA.address());
        events.next(e -> e.isGap());

        sim.expireDeltaTokens(ANNA.address());
        assertThat(events.next(e -> e.isGap()).reason).contains("delta token is no longer good", "syncStateNotFound");
        assertThat(events.next(e -> e.isGap()).reason).contains("watched closely from now on");
        String id = sim.toDo().createTask(ANNA.address(), "After the reset");
        assertThat(events.next(e -> !e.isGap()).items).extracting(ItemRef::itemId).containsExactly(id);
    }

    @Test
    void aThrottledCheckIsNoGapAndTheChangeStillComes() throws Exception {
        HotSetFeed feed = feed();
        feed.activity(ANNA.address());
        events.next(e -> e.isGap());

        sim.throttleMailbox(ANNA.address(), 1, 1);
        String id = sim.toDo().createTask(ANNA.address(), "Throttled once");

        assertThat(events.next(e -> !e.isGap()).items).extracting(ItemRef::itemId).containsExactly(id);
        assertThat(events.all).filteredOn(Event::isGap).hasSize(1);
    }

    @Test
    void closeLeavesNoThreadAndActivityAfterItIsIgnored() throws Exception {
        HotSetFeed feed = feed();
        feed.activity(ANNA.address());
        events.next(e -> e.isGap());
        assertThat(feedThreads()).isNotEmpty();

        feed.close();

        assertThat(feedThreads()).isEmpty();
        feed.activity(BEN.address());
        assertThat(feed.hotMailboxes()).doesNotContain(BEN.address());
        feed.close(); // again: nothing happens
    }

    @Test
    void theFeedsSettingsComeFromPropertiesAndABadValueNamesItsKey() {
        Properties p = new Properties();
        p.setProperty(GraphSettings.LIVE_INTERVAL_MS, "5000");
        p.setProperty(GraphSettings.LIVE_HOT_SET_SIZE, "20");
        p.setProperty(GraphSettings.LIVE_HOT_SECONDS, "300");
        p.setProperty(GraphSettings.LIVE_REQUESTS_PER_MINUTE, "12");
        p.setProperty(GraphSettings.LIVE_THREADS, "1");
        assertThat(GraphSettings.fromProperties(p).live())
                .isEqualTo(new GraphSettings.Live(Duration.ofSeconds(5), 20, Duration.ofMinutes(5), 12, 1));
        assertThat(GraphSettings.ofDefaults().live()).isEqualTo(GraphSettings.Live.defaults());

        p.setProperty(GraphSettings.LIVE_THREADS, "8");
        assertThatThrownBy(() -> GraphSettings.fromProperties(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tasksync.graph.live.threads must be 1 to 4, was 8");
        p.setProperty(GraphSettings.LIVE_THREADS, "2");
        p.setProperty(GraphSettings.LIVE_REQUESTS_PER_MINUTE, "5000");
        assertThatThrownBy(() -> GraphSettings.fromProperties(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tasksync.graph.live.requests-per-minute must be 1 to 1000, was 5000");
    }

    // --- helpers -----------------------------------------------------------------------------------

    private void awaitRequests(Mailbox m, long atLeast) throws InterruptedException {
        long until = System.nanoTime() + BOUND.toNanos();
        while (sim.requests(m.address()) < atLeast) {
            assertThat(System.nanoTime()).as("%s requests about %s within %s", atLeast, m.address(), BOUND)
                    .isLessThan(until);
            Thread.sleep(10);
        }
    }

    private static List<Thread> feedThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("tasksync-graph-live-")).toList();
    }

    /** A hint or a gap, as the listener got it. */
    record Event(String mailbox, List<ItemRef> items, String reason) {
        boolean isGap() {
            return reason != null;
        }
    }

    /** Records what the feed delivers, in order. */
    static final class Events implements ExchangeChangeListener {
        final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
        final List<Event> all = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void changed(String mailbox, Collection<ItemRef> items) {
            Event e = new Event(mailbox, List.copyOf(items), null);
            all.add(e);
            queue.add(e);
        }

        @Override
        public void gap(String mailbox, String reason) {
            Event e = new Event(mailbox, List.of(), reason);
            all.add(e);
            queue.add(e);
        }

        /** The next event that matches, the ones before it skipped; fails after {@link #BOUND}. */
        Event next(Predicate<Event> wanted) throws InterruptedException {
            long until = System.nanoTime() + BOUND.toNanos();
            while (true) {
                Event e = queue.poll(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                assertThat(e).as("an event within %s", BOUND).isNotNull();
                if (wanted.test(e)) {
                    return e;
                }
            }
        }
    }
}

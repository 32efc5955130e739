package org.tasksync.adapter.ews;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.spi.ExchangeChangeFeed;
import org.tasksync.core.spi.ExchangeChangeListener;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.testkit.ews.EwsSimulator;
import org.tasksync.testkit.ews.OutlookTask;

/**
 * The EWS adapter's live feed over real HTTP against the simulator's streaming notifications:
 * hints with the changed items, gaps after every break, resubscription, affinity groups, threads.
 */
class EwsLiveFeedTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    /** Fast settings: 1-minute connections, quick reconnects, silence detected after 1 s. */
    static final EwsStreamingSettings FAST = EwsStreamingSettings.defaults().withConnectionTimeoutMinutes(1)
            .withSilenceTimeout(Duration.ofSeconds(1)).withBackoff(Duration.ofMillis(20), Duration.ofMillis(200));

    private EwsSimulator ews;
    private ExchangeChangeFeed feed;
    private final Events events = new Events();

    /** What the feed said, in order. */
    static final class Events implements ExchangeChangeListener {
        record Event(String mailbox, List<ItemRef> items, String gap) {
        }

        final List<Event> all = new CopyOnWriteArrayList<>();

        @Override
        public void changed(String mailbox, Collection<ItemRef> items) {
            all.add(new Event(mailbox, List.copyOf(items), null));
        }

        @Override
        public void gap(String mailbox, String reason) {
            all.add(new Event(mailbox, null, reason));
        }

        Optional<Event> await(Predicate<Event> match) throws InterruptedException {
            long until = System.nanoTime() + BOUND.toNanos();
            do {
                Optional<Event> e = all.stream().filter(match).findFirst();
                if (e.isPresent()) {
                    return e;
                }
                Thread.sleep(10);
            } while (System.nanoTime() < until);
            return Optional.empty();
        }

        Event awaitGap(String mailbox) throws InterruptedException {
            return await(e -> e.mailbox().equals(mailbox) && e.gap() != null)
                    .orElseThrow(() -> new AssertionError("no gap for " + mailbox + "; the feed said " + all));
        }

        Event awaitHint(String mailbox, String itemId) throws InterruptedException {
            return await(e -> e.mailbox().equals(mailbox) && e.items() != null
                    && e.items().stream().anyMatch(r -> r.itemId().equals(itemId)))
                    .orElseThrow(() -> new AssertionError("no hint for " + itemId + " in " + mailbox + "; the feed said "
                            + all));
        }
    }

    @AfterEach
    void stop() {
        if (feed != null) {
            feed.close();
        }
        if (ews != null) {
            ews.close();
            SimulatedExchange.assertClean(ews);
        }
    }

    private ExchangeChangeFeed feed(EwsSimulator.Builder simulator, EwsStreamingSettings settings) {
        ews = simulator.basicAuth(SimulatedExchange.USER, SimulatedExchange.PASSWORD).start();
        EwsExchangeAdapter adapter = EwsExchangeAdapter.create(SimulatedExchange.config(ews).build());
        feed = adapter.changeFeed(events, settings);
        return feed;
    }

    /** A simulator whose streams send a heartbeat every 200 ms, well within FAST's silence timeout. */
    private static EwsSimulator.Builder sim() {
        return EwsSimulator.builder().heartbeat(Duration.ofMillis(200));
    }

    private static Mailbox mb(String address) {
        return new Mailbox(address, "Rep", java.time.ZoneOffset.UTC);
    }

    @Test
    void aRepsChangeIsHintedWithTheItemAndItsNewChangeKey() throws Exception {
        feed(sim(), FAST);
        String item = ews.outlook("anna@example.com").create(t -> t.subject("call")).itemId();
        feed.watch(List.of(mb("anna@example.com")));
        events.awaitGap("anna@example.com");
        OutlookTask done = ews.outlook("anna@example.com").setStatus(item, "Completed");
        Events.Event hint = events.awaitHint("anna@example.com", item);
        assertThat(hint.items()).contains(new ItemRef(item, done.changeKey()));
    }

    @Test
    void aStreamCutMidEnvelopeIsAGapAndTheFeedReconnectsWithoutLosingTheNextChange() throws Exception {
        feed(sim(), FAST);
        String item = ews.outlook("anna@example.com").create(t -> t.subject("call")).itemId();
        feed.watch(List.of(mb("anna@example.com")));
        events.awaitGap("anna@example.com");
        awaitStreams(1);
        events.all.clear();
        assertThat(ews.cutStreams()).isEqualTo(1);
        // changed while the feed is down: the subscription queues it, the gap makes the engine read it
        ews.outlook("anna@example.com").setStatus(item, "InProgress");
        assertThat(events.awaitGap("anna@example.com").gap()).contains("broke");
        awaitStreams(1);
        OutlookTask later = ews.outlook("anna@example.com").setStatus(item, "Completed");
        assertThat(events.awaitHint("anna@example.com", item).items()).isNotEmpty();
        events.await(e -> e.items() != null && e.items().contains(new ItemRef(item, later.changeKey())))
                .orElseThrow(() -> new AssertionError("no hint of the change after the reconnect: " + events.all));
    }

    @Test
    void oneExpiredSubscriptionOfSeveralOnAnOpenStreamIsMadeAgainWithoutWaitingForTheConnectionTimeout()
            throws Exception {
        // FAST's connections last a minute; the server keeps this one open for bert's subscription
        feed(sim(), FAST);
        String item = ews.outlook("anna@example.com").create(t -> t.subject("call")).itemId();
        feed.watch(List.of(mb("anna@example.com"), mb("bert@example.com")));
        events.awaitGap("anna@example.com");
        events.awaitGap("bert@example.com");
        awaitStreams(1);
        events.all.clear();
        assertThat(ews.expireSubscriptions("anna@example.com")).isEqualTo(1);
        assertThat(events.awaitGap("anna@example.com").gap()).contains("subscribed again");
        OutlookTask later = ews.outlook("anna@example.com").setStatus(item, "Completed");
        events.await(e -> e.items() != null && e.items().contains(new ItemRef(item, later.changeKey())))
                .orElseThrow(() -> new AssertionError("no hint after the resubscription: " + events.all));
    }

    @Test
    void anExpiredSubscriptionIsMadeAgainAndReportedAsAGap() throws Exception {
        feed(sim(), FAST);
        String item = ews.outlook("anna@example.com").create(t -> t.subject("call")).itemId();
        feed.watch(List.of(mb("anna@example.com")));
        events.awaitGap("anna@example.com");
        awaitStreams(1);
        events.all.clear();
        assertThat(ews.expireSubscriptions("anna@example.com")).isEqualTo(1);
        events.awaitGap("anna@example.com");
        await(() -> ews.subscriptions().getOrDefault("anna@example.com", 0) == 1);
        awaitStreams(1);
        ews.outlook("anna@example.com").setStatus(item, "Completed");
        events.awaitHint("anna@example.com", item);
        assertThat(events.all.stream().filter(e -> e.gap() != null).map(Events.Event::gap).toList())
                .anyMatch(g -> g.contains("subscribed again") && g.contains("ErrorSubscriptionNotFound"));
    }

    @Test
    void aRestartedServerLosesEverySubscriptionAndTheFeedSubscribesAgain() throws Exception {
        feed(sim(), FAST);
        feed.watch(List.of(mb("anna@example.com"), mb("bert@example.com")));
        events.awaitGap("anna@example.com");
        events.awaitGap("bert@example.com");
        awaitStreams(1);
        events.all.clear();
        ews.restartNotifications();
        await(() -> ews.subscriptions().size() == 2 && ews.openStreams() == 1);
        String item = ews.outlook("bert@example.com").create(t -> t.subject("new")).itemId();
        events.awaitHint("bert@example.com", item);
        assertThat(events.all).anyMatch(e -> e.mailbox().equals("anna@example.com") && e.gap() != null);
    }

    @Test
    void aSilentStreamIsTakenForDeadAfterTheSilenceTimeout() throws Exception {
        feed(sim(), FAST);
        feed.watch(List.of(mb("anna@example.com")));
        events.awaitGap("anna@example.com");
        awaitStreams(1);
        events.all.clear();
        ews.stallStreams(true);
        assertThat(events.awaitGap("anna@example.com").gap()).contains("silent");
    }

    @Test
    void aCleanEndAtTheConnectionTimeoutReconnectsWithoutAGapAndKeepsHinting() throws Exception {
        feed(EwsSimulator.builder().timeScale(60).heartbeat(Duration.ofSeconds(15)), FAST); // a minute: 1 s
        String item = ews.outlook("anna@example.com").create(t -> t.subject("call")).itemId();
        feed.watch(List.of(mb("anna@example.com")));
        events.awaitGap("anna@example.com");
        events.all.clear();
        Thread.sleep(2_500); // two connection lifetimes
        assertThat(events.all).as("no gap for a routine reconnect").noneMatch(e -> e.gap() != null);
        ews.outlook("anna@example.com").setStatus(item, "Completed");
        events.awaitHint("anna@example.com", item);
    }

    @Test
    void twoHundredFiftyMailboxesTakeTwoConnectionsEachRoutedToItsAnchorsServer() throws Exception {
        feed(sim().mailboxServers(5), FAST);
        List<Mailbox> all = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            all.add(mb(String.format("rep%03d@example.com", i)));
        }
        feed.watch(all);
        // 250 Subscribe requests, one after another per group: a bound of its own on a busy machine
        await(() -> ews.streamSizes().stream().filter(n -> n > 0).sorted().toList().equals(List.of(50, 200)),
                Duration.ofSeconds(60));
        assertThat(ews.subscriptions()).hasSize(250);
        for (String address : List.of("rep000@example.com", "rep199@example.com", "rep200@example.com",
                "rep249@example.com")) {
            String item = ews.outlook(address).create(t -> t.subject("x")).itemId();
            events.awaitHint(address, item);
        }
    }

    @Test
    void theConnectionLimitIsRetriedWithBackoffAndReportedAsGaps() throws Exception {
        feed(sim().hangingConnectionLimit(1), FAST);
        feed.watch(List.of(mb("anna@example.com")));
        awaitStreams(1);
        // a second feed anchored on the same mailbox finds its budget used up
        Events second = new Events();
        EwsExchangeAdapter adapter = EwsExchangeAdapter.create(SimulatedExchange.config(ews).build());
        try (ExchangeChangeFeed other = adapter.changeFeed(second, FAST)) {
            other.watch(List.of(mb("anna@example.com")));
            second.await(e -> e.gap() != null && e.gap().contains("ErrorExceededConnectionCount"))
                    .orElseThrow(() -> new AssertionError("no gap naming the limit: " + second.all));
        }
    }

    @Test
    void unwatchedMailboxesAreUnsubscribedFromTheStreamAndCloseLeavesNoThread() throws Exception {
        feed(sim(), FAST);
        feed.watch(List.of(mb("anna@example.com"), mb("bert@example.com")));
        events.awaitGap("bert@example.com");
        feed.watch(List.of(mb("anna@example.com")));
        await(() -> ews.streamSizes().stream().filter(n -> n > 0).toList().equals(List.of(1)));
        events.all.clear();
        String item = ews.outlook("bert@example.com").create(t -> t.subject("x")).itemId();
        String annas = ews.outlook("anna@example.com").create(t -> t.subject("y")).itemId();
        events.awaitHint("anna@example.com", annas);
        assertThat(events.all).noneMatch(e -> e.mailbox().equals("bert@example.com") && e.items() != null
                && e.items().stream().anyMatch(r -> r.itemId().equals(item)));
        feed.close();
        assertThat(feedThreads()).isEmpty();
        int before = events.all.size();
        ews.outlook("anna@example.com").create(t -> t.subject("after close"));
        Thread.sleep(300);
        assertThat(events.all).hasSize(before);
    }

    @Test
    void feedThreadsAreDaemonsAndNamed() throws Exception {
        feed(sim(), FAST);
        feed.watch(List.of(mb("anna@example.com")));
        events.awaitGap("anna@example.com");
        assertThat(feedThreads()).isNotEmpty().allMatch(Thread::isDaemon);
    }

    private static List<Thread> feedThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("tasksync-ews-stream-") && t.isAlive()).toList();
    }

    private void awaitStreams(int n) throws InterruptedException {
        await(() -> ews.openStreams() == n);
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        await(condition, BOUND);
    }

    private static void await(java.util.function.BooleanSupplier condition, Duration bound) throws InterruptedException {
        long until = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("condition not met within " + bound);
            }
            Thread.sleep(10);
        }
    }
}

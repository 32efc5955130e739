package org.tasksync.adapter.ews;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.spi.ExchangeChangeFeed;
import org.tasksync.testkit.ews.EwsFault;
import org.tasksync.testkit.ews.EwsSimulator;

/**
 * The live feed's affinity groups from Autodiscover ({@code tasksync.ews.autodiscover-url}), over real
 * HTTP against the simulator's SOAP Autodiscover and streaming: mailboxes of two sites in groups of
 * their own, each group subscribed at its ExternalEwsUrl, groups split at the connection size, one
 * request per 100 mailboxes, and the fallback to the watch-order grouping when Autodiscover fails.
 */
class EwsAffinityGroupsTest {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final EwsStreamingSettings FAST = EwsLiveFeedTest.FAST;

    private EwsSimulator ews;
    private ExchangeChangeFeed feed;
    private final EwsLiveFeedTest.Events events = new EwsLiveFeedTest.Events();

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

    /** Two sites of one Mailbox server each; streams beat every 200 ms, within FAST's silence timeout. */
    private static EwsSimulator.Builder twoSites() {
        return EwsSimulator.builder().heartbeat(Duration.ofMillis(200)).mailboxServers(2).sites(2)
                .basicAuth(SimulatedExchange.USER, SimulatedExchange.PASSWORD);
    }

    private ExchangeChangeFeed feed(EwsSettings settings, EwsStreamingSettings streaming) {
        feed = EwsExchangeAdapter.create(settings).changeFeed(events, streaming);
        return feed;
    }

    private EwsSettings withAutodiscover() {
        return SimulatedExchange.config(ews).autodiscoverUrl(ews.autodiscoverUrl()).build();
    }

    /** {@code perSite} registered mailboxes in each of the simulator's two sites, alternating alphabetically. */
    private List<String> mailboxes(int perSite) {
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        String siteA = ews.site("rep0@example.com");
        for (int i = 0; a.size() < perSite || b.size() < perSite; i++) {
            String m = String.format("rep%03d@example.com", i);
            List<String> into = ews.site(m).equals(siteA) ? a : b;
            if (into.size() < perSite) {
                into.add(m);
                ews.registerMailbox(m);
            }
        }
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        all.sort(null);
        return all;
    }

    private static List<Mailbox> watched(List<String> addresses) {
        return addresses.stream().map(a -> new Mailbox(a, "Rep", ZoneOffset.UTC)).toList();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long until = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not within " + BOUND + ": " + what);
            }
            Thread.sleep(10);
        }
    }

    private List<Integer> streams() {
        return ews.streamSizes().stream().filter(n -> n > 0).sorted().toList();
    }

    @Test
    void mailboxesOfTwoSitesGetAGroupEachAndEveryOneIsSubscribedAndHinted() throws Exception {
        ews = twoSites().start();
        List<String> all = mailboxes(3);
        try (CapturedLog log = new CapturedLog()) {
            feed(withAutodiscover(), FAST).watch(watched(all));
            await(() -> streams().equals(List.of(3, 3)), "two streams of 3, one per site; now " + streams());
            assertThat(ews.subscriptions()).hasSize(6);
            for (String m : all) {
                String item = ews.outlook(m).create(t -> t.subject("x")).itemId();
                events.awaitHint(m, item);
            }
            assertThat(log.text()).doesNotContain("ErrorProxyRequestNotAllowed").doesNotContain("Autodiscover at");
        }
        assertThat(ews.traffic().count("GetUserSettings")).as("one Autodiscover request for 6 mailboxes").isEqualTo(1);
    }

    /** Today's grouping, without Autodiscover: what the test above would meet on the code before it. */
    @Test
    void withoutAutodiscoverAGroupSpanningTwoSitesLeavesTheOtherSitesMailboxesUnsubscribed() throws Exception {
        ews = twoSites().start();
        List<String> all = mailboxes(3);
        String anchorSite = ews.site(all.get(0));
        try (CapturedLog log = new CapturedLog()) {
            feed(SimulatedExchange.config(ews).build(), FAST).watch(watched(all));
            // the anchor's site subscribes one after another; the other site's three are refused
            await(() -> log.text().split("ErrorProxyRequestNotAllowed", -1).length - 1 >= 3
                    && ews.subscriptions().size() == 3, "three refused subscriptions in the log and three made");
            assertThat(ews.subscriptions().keySet()).allMatch(m -> ews.site(m).equals(anchorSite));
        }
        assertThat(ews.traffic().count("GetUserSettings")).isZero();
    }

    @Test
    void aMailboxMovedToAnotherSiteIsAskedAgainAndStreamedInTheGroupOfItsNewSite() throws Exception {
        ews = twoSites().start();
        List<String> all = mailboxes(2);
        feed(withAutodiscover(), FAST).watch(watched(all));
        await(() -> streams().equals(List.of(2, 2)), "two streams of 2; now " + streams());
        String siteA = ews.site(all.get(0));
        List<String> inA = all.stream().filter(m -> ews.site(m).equals(siteA)).toList();
        String moved = inA.get(1); // not its group's anchor
        String otherServer = ews.mailboxServer(all.stream().filter(m -> !ews.site(m).equals(siteA)).findFirst()
                .orElseThrow());
        assertThat(ews.moveMailbox(moved, otherServer)).isEqualTo(1);
        // its subscription ends; made again in its old group it is refused, and Autodiscover places it anew
        await(() -> streams().equals(List.of(1, 3)), "the moved mailbox in the other site's stream; now " + streams());
        String item = ews.outlook(moved).create(t -> t.subject("after the move")).itemId();
        events.awaitHint(moved, item);
        assertThat(ews.traffic().count("GetUserSettings")).as("the first placement and the moved mailbox").isEqualTo(2);
    }

    @Test
    void aGroupOverTheConnectionSizeIsSplitWithinItsSite() throws Exception {
        ews = twoSites().start();
        List<String> all = mailboxes(3);
        feed(withAutodiscover(), FAST.withSubscriptionsPerConnection(2)).watch(watched(all));
        await(() -> streams().equals(List.of(1, 1, 2, 2)), "each site's 3 in streams of 2 and 1; now " + streams());
        assertThat(ews.subscriptions()).hasSize(6);
    }

    @Test
    void oneAutodiscoverRequestAsksForAHundredMailboxes() throws Exception {
        ews = twoSites().start();
        List<String> all = mailboxes(51); // 102
        // a connection limit of 1 keeps the check to Autodiscover: 1 group's subscriptions, the rest polled
        feed(withAutodiscover(), FAST.withMaxConnections(1)).watch(watched(all));
        assertThat(ews.traffic().count("GetUserSettings")).isEqualTo(2);
        feed.watch(watched(all));
        assertThat(ews.traffic().count("GetUserSettings")).as("placed mailboxes are not asked again").isEqualTo(2);
    }

    @Test
    void autodiscoverFailingOverallFallsBackToTheWatchOrderWithOneWarningWithoutTheCredentials() throws Exception {
        ews = EwsSimulator.builder().heartbeat(Duration.ofMillis(200)).mailboxServers(3)
                .basicAuth(SimulatedExchange.USER, SimulatedExchange.PASSWORD).start();
        ews.inject(EwsFault.http503().forOperation("GetUserSettings").always());
        List<String> all = List.of("anna@example.com", "bert@example.com", "carl@example.com");
        all.forEach(ews::registerMailbox);
        try (CapturedLog log = new CapturedLog()) {
            feed(withAutodiscover(), FAST).watch(watched(all));
            await(() -> streams().equals(List.of(3)), "one stream of 3; now " + streams());
            String text = log.text();
            assertThat(text.split("Autodiscover at", -1).length - 1).as("warnings").isEqualTo(1);
            assertThat(text).contains("3 mailboxes are grouped in the order they are watched")
                    .contains(ews.autodiscoverUrl().toString()).doesNotContain(SimulatedExchange.PASSWORD);
        }
        for (String m : all) {
            String item = ews.outlook(m).create(t -> t.subject("x")).itemId();
            events.awaitHint(m, item);
        }
    }

    @Test
    void aMailboxAutodiscoverDoesNotKnowIsNamedInAWarningAndStillStreamed() throws Exception {
        ews = EwsSimulator.builder().heartbeat(Duration.ofMillis(200))
                .basicAuth(SimulatedExchange.USER, SimulatedExchange.PASSWORD).start();
        ews.registerMailbox("anna@example.com");
        ews.registerMailbox("bert@example.com");
        // carl is not registered: Autodiscover answers InvalidUser; EWS makes his mailbox on first use
        try (CapturedLog log = new CapturedLog()) {
            feed(withAutodiscover(), FAST).watch(watched(List.of("anna@example.com", "bert@example.com",
                    "carl@example.com")));
            await(() -> streams().equals(List.of(1, 2)), "the placed two and carl apart; now " + streams());
            assertThat(log.text()).contains("first: carl@example.com: InvalidUser")
                    .doesNotContain(SimulatedExchange.PASSWORD);
        }
        String item = ews.outlook("carl@example.com").create(t -> t.subject("x")).itemId();
        events.awaitHint("carl@example.com", item);
    }
}

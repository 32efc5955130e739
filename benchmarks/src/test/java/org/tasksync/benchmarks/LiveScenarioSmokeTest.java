package org.tasksync.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tasksync.core.LiveSettings;

/**
 * The live scenario on a tiny world, without latency, with a short safety-net interval, against EWS
 * (streaming feed) and Graph (hot-set feed): every change made on one side is seen on the other,
 * counted once, an idle cycle costs one request per mailbox, and the table shows it. Counts, never
 * times.
 */
class LiveScenarioSmokeTest {

    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofMinutes(2)).start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static LiveScenario.Config config(String name, String exchange, boolean live, Duration cutEvery) {
        return new LiveScenario.Config(name, exchange, 3, 6, 0, Duration.ofSeconds(4), 2, 3, Duration.ofSeconds(2),
                live, Duration.ofMillis(500), cutEvery, 2, new LiveSettings(true, Duration.ofMillis(100),
                Duration.ofMillis(300), 2), 7);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ews", "graph"})
    void everyChangeOnEitherSideIsSeenOnTheOtherAndNoneIsLost(String exchange) {
        LiveScenario.Result live = LiveScenario.run(config("live", exchange, true, Duration.ofSeconds(1)), postgres);
        LiveScenario.Result polling = LiveScenario.run(config("polling", exchange, false, null), postgres);

        for (LiveScenario.Result r : List.of(live, polling)) {
            assertThat(r.lostToCrm() + r.lostToOutlook()).as("%s lost", r.config().name()).isZero();
            assertThat(r.toCrm().getTotalCount()).as("%s Outlook changes", r.config().name()).isPositive();
            assertThat(r.toOutlook().getTotalCount()).as("%s CRM edits", r.config().name()).isPositive();
            assertThat(r.requests()).isPositive();
            assertThat(r.idleCycleRequests()).as("an idle cycle: one change read (EWS SyncFolderItems, Graph delta)"
                    + " per mailbox").isEqualTo(3);
        }
        assertThat(live.cuts()).as("the feeds' connections (PostgreSQL LISTEN, EWS streams) were cut while nothing"
                + " was lost").isPositive();

        String table = LiveScenario.format(List.of(live, polling), Duration.ofMinutes(15));
        assertThat(table).contains("live", "polling", "Outlook -> CRM", "CRM -> Outlook", "polling-15min (computed)");
        if (exchange.equals("graph")) {
            assertThat(live.feeds()).isEqualTo("Graph hot set / CRM");
            // a mailbox the engine wrote a CRM edit to turns hot, and the feed's first look at it is a gap
            assertThat(live.liveStats().gaps()).as("the hot-set feed watched a mailbox closely: %s", live.liveStats())
                    .isPositive();
            assertThat(live.subRequests()).as("CRM edits are written to To Do through $batch").containsKey("Update");
            assertThat(table).contains("Graph's feed polls, no stream to cut", "sub-requests a minute");
        } else {
            assertThat(live.feeds()).isEqualTo("Exchange / CRM");
            assertThat(table).doesNotContain("sub-requests");
        }
    }
}

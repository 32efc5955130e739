package org.tasksync.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tasksync.core.LiveSettings;

/**
 * The live scenario on a tiny world, without latency, with a short safety-net interval (no adapter
 * offers a feed on this branch, so live sync is the full cycle): every change made on one side is
 * seen on the other, counted once, and the table shows it. Counts, never times.
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

    private static LiveScenario.Config config(String name, boolean live, Duration cutEvery) {
        return new LiveScenario.Config(name, 3, 6, 0, Duration.ofSeconds(4), 2, 3, Duration.ofSeconds(2), live,
                Duration.ofMillis(500), cutEvery, 2, new LiveSettings(true, Duration.ofMillis(100),
                Duration.ofMillis(300), 2), 7);
    }

    @Test
    void everyChangeOnEitherSideIsSeenOnTheOtherAndNoneIsLost() {
        LiveScenario.Result live = LiveScenario.run(config("live", true, Duration.ofSeconds(1)), postgres);
        LiveScenario.Result polling = LiveScenario.run(config("polling", false, null), postgres);

        for (LiveScenario.Result r : List.of(live, polling)) {
            assertThat(r.lostToCrm() + r.lostToOutlook()).as("%s lost", r.config().name()).isZero();
            assertThat(r.toCrm().getTotalCount()).as("%s Outlook changes", r.config().name()).isPositive();
            assertThat(r.toOutlook().getTotalCount()).as("%s CRM edits", r.config().name()).isPositive();
            assertThat(r.requests()).isPositive();
            assertThat(r.idleCycleRequests()).as("an idle cycle: one SyncFolderItems per mailbox").isEqualTo(3);
        }
        assertThat(live.cuts()).as("the feeds' connections (PostgreSQL LISTEN, EWS streams) were cut while nothing was lost")
                .isPositive();

        String table = LiveScenario.format(List.of(live, polling), Duration.ofMinutes(15));
        assertThat(table).contains("live", "polling", "Outlook -> CRM", "CRM -> Outlook", "polling-15min (computed)");
    }
}

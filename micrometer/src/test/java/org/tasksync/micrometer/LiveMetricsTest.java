package org.tasksync.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.tasksync.core.MailboxReport;

/** Live sync's events as meters: per side and outcome, the hint-to-done time as a timer. */
class LiveMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final LiveMetrics metrics = new LiveMetrics(registry);

    private static MailboxReport report(String error, String deferred) {
        return new MailboxReport("anna@example.com", 0, 0, 0, 0, 1, 0, 0, 0, Map.of(), List.of(), List.of(), error, 2,
                deferred);
    }

    @Test
    void hintsGapsAndEchoesAreCountedPerSide() {
        metrics.hint("anna@example.com", 2);
        metrics.hint("anna@example.com", 0);
        metrics.hint(null, 5);
        metrics.gap("anna@example.com", "stream cut");
        metrics.gap(null, "LISTEN connection lost");
        metrics.echoDropped("anna@example.com", 3);

        assertThat(registry.get("tasksync.live.hints").tag("side", "exchange").counter().count()).isEqualTo(2);
        assertThat(registry.get("tasksync.live.hints").tag("side", "crm").counter().count()).isEqualTo(1);
        assertThat(registry.get("tasksync.live.gaps").tag("side", "exchange").counter().count()).isEqualTo(1);
        assertThat(registry.get("tasksync.live.gaps").tag("side", "crm").counter().count()).isEqualTo(1);
        assertThat(registry.get("tasksync.live.echoes").counter().count()).isEqualTo(3);
    }

    @Test
    void runsAreCountedByOutcomeAndTimedFromTheFirstHint() {
        metrics.mailboxRun("anna@example.com", 3, Duration.ofMillis(1200), report(null, null), null);
        metrics.mailboxRun("anna@example.com", 1, Duration.ofMillis(800), report("unavailable", null), null);
        metrics.mailboxRun("anna@example.com", 1, Duration.ofMillis(900), report(null, "mailbox leased by node-b"), null);
        metrics.mailboxRun("anna@example.com", 1, Duration.ofMillis(100), null, "IllegalStateException");
        metrics.crmRun(List.of("A1:1"), Duration.ofMillis(1500), null, null);
        metrics.fullCycle(null);

        assertThat(registry.get("tasksync.live.runs").tags("side", "exchange", "outcome", "ok").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("tasksync.live.runs").tags("side", "exchange", "outcome", "failed").counter().count())
                .isEqualTo(2);
        assertThat(registry.get("tasksync.live.runs").tags("side", "exchange", "outcome", "deferred").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("tasksync.live.runs").tags("side", "crm", "outcome", "ok").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("tasksync.live.latency").tag("side", "exchange").timer().count()).isEqualTo(4);
        assertThat(registry.get("tasksync.live.latency").tag("side", "crm").timer().max(TimeUnit.MILLISECONDS))
                .isEqualTo(1500);
        assertThat(registry.get("tasksync.live.full.cycles").counter().count()).isEqualTo(1);
    }
}

package org.tasksync.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import org.tasksync.core.LiveListener;
import org.tasksync.core.MailboxReport;
import org.tasksync.core.SyncReport;

/**
 * A {@link LiveListener} that records live sync (docs/live-sync.md) as Micrometer meters: hints,
 * echoes, gaps, runs by outcome, and the time from a hint to the end of its run. Tags are bounded
 * (side and outcome, never a mailbox or a task). Thread-safe.
 *
 * <pre>{@code
 * LiveSync.builder(engine).listener(new LiveMetrics(registry))...start();
 * }</pre>
 */
public final class LiveMetrics implements LiveListener {

    private final MeterRegistry registry;
    private final Tags tags;

    /** Records into {@code registry}. */
    public LiveMetrics(MeterRegistry registry) {
        this(registry, Tags.empty());
    }

    /** Records into {@code registry} with these tags on every meter (an engine's name, say). */
    public LiveMetrics(MeterRegistry registry, Tags tags) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.tags = Objects.requireNonNull(tags, "tags");
    }

    private static String side(String mailbox) {
        return mailbox == null ? "crm" : "exchange";
    }

    private Counter counter(String name, String description, String... tagPairs) {
        return Counter.builder(name).description(description).tags(tags).tags(tagPairs).register(registry);
    }

    @Override
    public void hint(String mailbox, int items) {
        counter("tasksync.live.hints", "Hints from a change feed that a mailbox or CRM tasks changed",
                "side", side(mailbox)).increment();
    }

    @Override
    public void gap(String mailbox, String reason) {
        counter("tasksync.live.gaps", "Gaps a change feed reported (disconnect, expiry, error): catch-up runs",
                "side", side(mailbox)).increment();
    }

    @Override
    public void echoDropped(String mailbox, int hints) {
        counter("tasksync.live.echoes", "Hints that named only the engine's own writes: dropped without a run")
                .increment(hints);
    }

    @Override
    public void mailboxRun(String mailbox, int hints, Duration waited, MailboxReport report, String error) {
        String outcome = error != null || (report != null && report.failed()) ? "failed"
                : report != null && report.deferred() ? "deferred" : "ok";
        run("exchange", outcome, waited);
    }

    @Override
    public void crmRun(Collection<String> crmTaskIds, Duration waited, SyncReport report, String error) {
        run("crm", error != null ? "failed" : "ok", waited);
    }

    private void run(String side, String outcome, Duration waited) {
        counter("tasksync.live.runs", "Runs of a mailbox (side exchange) or of CRM tasks (side crm) live sync made",
                "side", side, "outcome", outcome).increment();
        Timer.builder("tasksync.live.latency")
                .description("From the first hint a run covers to the end of the run")
                .tags(tags).tags("side", side).register(registry).record(waited);
    }

    @Override
    public void fullCycle(SyncReport report) {
        counter("tasksync.live.full.cycles", "Full cycles live sync ran or was told of (the safety net)").increment();
    }
}

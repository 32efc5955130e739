package org.tasksync.core;

import java.time.Duration;
import java.util.Properties;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.tasksync.core.settings.PropertyReader;

/**
 * The settings of live sync ({@link LiveSync}, {@code docs/live-sync.md}): the {@code tasksync.live.*}
 * keys. Immutable; every value is checked when made, and an error names the key and the value.
 *
 * @param enabled     {@value #ENABLED}: whether a host (the Spring Boot starter, the cluster node)
 *                    starts live sync; {@link LiveSync} itself does not look at it
 * @param quietPeriod {@value #QUIET_PERIOD_MS}: a mailbox runs once no hint came for this long
 * @param maxDelay    {@value #MAX_DELAY_MS}: ... or at the latest this long after the first hint, so a
 *                    steady trickle of changes still runs
 * @param threads     {@value #THREADS}: mailbox and CRM runs at once
 */
public record LiveSettings(boolean enabled, Duration quietPeriod, Duration maxDelay, int threads) {

    /** The namespace of these keys; another key in it is a typo. */
    public static final String PREFIX = "tasksync.live.";
    public static final String ENABLED = PREFIX + "enabled";
    public static final String QUIET_PERIOD_MS = PREFIX + "quiet-period-ms";
    public static final String MAX_DELAY_MS = PREFIX + "max-delay-ms";
    public static final String THREADS = PREFIX + "threads";
    /** Every key this record reads; any other {@code tasksync.live.} key is refused as a typo. */
    public static final List<String> KEYS = List.of(ENABLED, QUIET_PERIOD_MS, MAX_DELAY_MS, THREADS);

    static final Duration DEFAULT_QUIET_PERIOD = Duration.ofMillis(1000);
    static final Duration DEFAULT_MAX_DELAY = Duration.ofMillis(3000);
    static final int DEFAULT_THREADS = 4;
    private static final long MAX_MS = 600_000;

    public LiveSettings {
        if (quietPeriod == null || quietPeriod.isNegative() || quietPeriod.toMillis() > MAX_MS) {
            throw new IllegalArgumentException(QUIET_PERIOD_MS + " must be between 0 and " + MAX_MS + " ms, was "
                    + (quietPeriod == null ? "null" : quietPeriod.toMillis()));
        }
        if (maxDelay == null || maxDelay.compareTo(quietPeriod) < 0 || maxDelay.toMillis() > MAX_MS) {
            throw new IllegalArgumentException(MAX_DELAY_MS + " must be at least the quiet period ("
                    + quietPeriod.toMillis() + " ms) and at most " + MAX_MS + " ms, was "
                    + (maxDelay == null ? "null" : maxDelay.toMillis()));
        }
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException(THREADS + " must be between 1 and 256, was " + threads);
        }
    }

    /** Off, quiet period 1 s, maximum delay 3 s, 4 threads. */
    public static LiveSettings ofDefaults() {
        return new LiveSettings(false, DEFAULT_QUIET_PERIOD, DEFAULT_MAX_DELAY, DEFAULT_THREADS);
    }

    public LiveSettings withEnabled(boolean v) {
        return new LiveSettings(v, quietPeriod, maxDelay, threads);
    }

    public LiveSettings withQuietPeriod(Duration v) {
        return new LiveSettings(enabled, v, maxDelay, threads);
    }

    public LiveSettings withMaxDelay(Duration v) {
        return new LiveSettings(enabled, quietPeriod, v, threads);
    }

    public LiveSettings withThreads(int v) {
        return new LiveSettings(enabled, quietPeriod, maxDelay, v);
    }

    /**
     * Reads the {@code tasksync.live.*} keys; absent keys keep their defaults; an unknown key under
     * {@code tasksync.live.} is refused, so a typo fails.
     */
    public static LiveSettings fromProperties(Properties p) {
        PropertyReader r = PropertyReader.of(p, "live sync", "docs/live-sync.md").keys(KEYS).owns(List.of(PREFIX))
                .rejectUnknown();
        LiveSettings d = ofDefaults();
        Duration quiet = r.duration(QUIET_PERIOD_MS, ChronoUnit.MILLIS).orElse(d.quietPeriod);
        Duration max = r.duration(MAX_DELAY_MS, ChronoUnit.MILLIS)
                .orElse(d.maxDelay.compareTo(quiet) < 0 ? quiet : d.maxDelay);
        return new LiveSettings(r.bool(ENABLED).orElse(d.enabled), quiet, max, r.integer(THREADS).orElse(d.threads));
    }

    @Override
    public String toString() {
        return "LiveSettings{enabled=" + enabled + ", quietPeriod=" + quietPeriod.toMillis() + " ms, maxDelay="
                + maxDelay.toMillis() + " ms, threads=" + threads + "}";
    }
}

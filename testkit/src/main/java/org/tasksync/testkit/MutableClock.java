package org.tasksync.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock that tests move by hand, to share between the CRM, the engine and the simulated Exchange
 * so that all three agree on "now" and "today"; it stands still until the test moves it, always in
 * UTC ({@link #withZone} returns the same clock). Thread-safe.
 */
public final class MutableClock extends Clock {
    private volatile Instant now;

    public MutableClock(Instant start) {
        this.now = Objects.requireNonNull(start, "MutableClock: start is null");
    }

    /** Moves the clock on by {@code d} (or back, if it is negative). */
    public synchronized void advance(Duration d) {
        now = now.plus(Objects.requireNonNull(d, "MutableClock.advance: duration is null"));
    }

    /** Puts the clock at {@code i}, earlier or later than now. */
    public synchronized void set(Instant i) {
        now = Objects.requireNonNull(i, "MutableClock.set: instant is null");
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}

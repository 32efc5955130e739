package org.tasksync.adapter.jdbccrm;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The engine's and Exchange's clock in the engine scenarios: it stands still unless the test moves
 * it, so that "today" in every rep's zone is the same for the test and for the engine. Thread-safe.
 */
final class EngineClock extends Clock {

    private volatile Instant now;

    EngineClock(Instant start) {
        this.now = start;
    }

    void set(Instant instant) {
        now = instant;
    }

    synchronized void advance(Duration d) {
        now = now.plus(d);
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

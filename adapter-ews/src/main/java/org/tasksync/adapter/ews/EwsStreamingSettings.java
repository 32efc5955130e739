package org.tasksync.adapter.ews;

import java.time.Duration;
import java.util.Objects;

/**
 * How the EWS adapter's live feed ({@link EwsExchangeAdapter#changeFeed}) streams notifications; see
 * docs/ews-adapter.md, "Live sync".
 *
 * @param connectionTimeoutMinutes the {@code ConnectionTimeout} of each GetStreamingEvents, 1..30
 *        minutes: how long one streaming connection lasts before it is reopened
 * @param silenceTimeout a connection that sends nothing (no event, no heartbeat) for this long is
 *        taken for dead, reported as a gap and reopened; longer than the server's heartbeat interval
 * @param subscriptionsPerConnection mailboxes per streaming connection (affinity group), 1..200
 * @param maxConnections streaming connections at most; mailboxes beyond
 *        {@code maxConnections × subscriptionsPerConnection} are not watched (polling covers them)
 * @param initialBackoff the wait before the first reconnect after a failure; doubled per failure
 * @param maxBackoff the longest wait between reconnects
 */
public record EwsStreamingSettings(int connectionTimeoutMinutes, Duration silenceTimeout, int subscriptionsPerConnection,
        int maxConnections, Duration initialBackoff, Duration maxBackoff) {

    /** The affinity article's largest group: subscriptions one GetStreamingEvents may carry. */
    public static final int MAX_SUBSCRIPTIONS_PER_CONNECTION = 200;

    public EwsStreamingSettings {
        if (connectionTimeoutMinutes < 1 || connectionTimeoutMinutes > 30) {
            throw new IllegalArgumentException(
                    "EWS streaming connectionTimeoutMinutes must be 1..30, was " + connectionTimeoutMinutes);
        }
        positive("silenceTimeout", silenceTimeout);
        positive("initialBackoff", initialBackoff);
        positive("maxBackoff", maxBackoff);
        if (subscriptionsPerConnection < 1 || subscriptionsPerConnection > MAX_SUBSCRIPTIONS_PER_CONNECTION) {
            throw new IllegalArgumentException("EWS streaming subscriptionsPerConnection must be 1.."
                    + MAX_SUBSCRIPTIONS_PER_CONNECTION + ", was " + subscriptionsPerConnection);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("EWS streaming maxConnections must be at least 1, was " + maxConnections);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("EWS streaming maxBackoff (" + maxBackoff
                    + ") must not be shorter than initialBackoff (" + initialBackoff + ")");
        }
    }

    /**
     * 10-minute connections, dead after 2 minutes of silence, 200 mailboxes per connection, at most
     * 10 connections (Exchange 2016/2019's HangingConnectionLimit; each connection is charged to its
     * anchor mailbox, so the limit is ours), reconnects after 1 s doubling to 1 minute.
     */
    public static EwsStreamingSettings defaults() {
        return new EwsStreamingSettings(10, Duration.ofMinutes(2), MAX_SUBSCRIPTIONS_PER_CONNECTION, 10,
                Duration.ofSeconds(1), Duration.ofMinutes(1));
    }

    public EwsStreamingSettings withConnectionTimeoutMinutes(int minutes) {
        return new EwsStreamingSettings(minutes, silenceTimeout, subscriptionsPerConnection, maxConnections,
                initialBackoff, maxBackoff);
    }

    public EwsStreamingSettings withSilenceTimeout(Duration timeout) {
        return new EwsStreamingSettings(connectionTimeoutMinutes, timeout, subscriptionsPerConnection, maxConnections,
                initialBackoff, maxBackoff);
    }

    public EwsStreamingSettings withSubscriptionsPerConnection(int n) {
        return new EwsStreamingSettings(connectionTimeoutMinutes, silenceTimeout, n, maxConnections, initialBackoff,
                maxBackoff);
    }

    public EwsStreamingSettings withMaxConnections(int n) {
        return new EwsStreamingSettings(connectionTimeoutMinutes, silenceTimeout, subscriptionsPerConnection, n,
                initialBackoff, maxBackoff);
    }

    public EwsStreamingSettings withBackoff(Duration initial, Duration max) {
        return new EwsStreamingSettings(connectionTimeoutMinutes, silenceTimeout, subscriptionsPerConnection,
                maxConnections, initial, max);
    }

    private static void positive(String name, Duration d) {
        Objects.requireNonNull(d, "EWS streaming " + name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("EWS streaming " + name + " must be positive, was " + d);
        }
    }
}

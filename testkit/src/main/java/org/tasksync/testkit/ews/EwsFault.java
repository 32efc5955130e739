package org.tasksync.testkit.ews;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * Something that goes wrong on the simulated Exchange server, for the next N matching requests
 * (by default the next one; latency by default every one), optionally only for one mailbox and/or
 * one operation. Immutable: each method returns a new fault. Hand it to
 * {@link EwsSimulator#inject(EwsFault)}.
 *
 * <pre>{@code
 * ews.inject(EwsFault.serverBusyFault(Duration.ofMillis(200)).times(2).forOperation("CreateItem"));
 * ews.inject(EwsFault.latency(Duration.ofMillis(50)).forMailbox("rep@example.com"));
 * }</pre>
 */
public final class EwsFault {

    /** The kinds of trouble. */
    public enum Kind {
        /** The request waits before it is served (does not count as the failure of a request). */
        LATENCY,
        /** The request waits until a latch is released, to make requests overlap deterministically. */
        HOLD,
        /** HTTP 200, every response message {@code ErrorServerBusy} with MessageXml BackOffMilliseconds. */
        SERVER_BUSY_MESSAGE,
        /** HTTP 500 with a SOAP fault {@code ErrorServerBusy}, with or without BackOffMilliseconds. */
        SERVER_BUSY_FAULT,
        /** HTTP 503 Service Unavailable, as a load balancer or IIS answers. */
        HTTP_503,
        /** The connection is closed without any response. */
        DROP_CONNECTION
    }

    /** Times value for "every matching request until the fault is removed". */
    public static final int EVERY = -1;

    private final Kind kind;
    private final Duration duration;
    private final CountDownLatch release;
    private final int times;
    private final String mailbox;
    private final String operation;

    private EwsFault(Kind kind, Duration duration, int times, String mailbox, String operation) {
        this(kind, duration, null, times, mailbox, operation);
    }

    private EwsFault(Kind kind, Duration duration, CountDownLatch release, int times, String mailbox,
            String operation) {
        this.kind = kind;
        this.duration = duration;
        this.release = release;
        this.times = times;
        this.mailbox = mailbox;
        this.operation = operation;
    }

    /** Every matching request waits this long before it is served. */
    public static EwsFault latency(Duration delay) {
        return new EwsFault(Kind.LATENCY, nonNegative(delay, "delay"), EVERY, null, null);
    }

    /**
     * Every matching request waits (before it is served, while it counts as in flight) until the
     * latch is released or the simulator closes: lets a test hold requests to see whether a client
     * overlaps them, without relying on timing.
     */
    public static EwsFault hold(CountDownLatch release) {
        return new EwsFault(Kind.HOLD, null, Objects.requireNonNull(release, "release"), EVERY, null, null);
    }

    /** ErrorServerBusy in each response message, with BackOffMilliseconds. */
    public static EwsFault serverBusyMessage(Duration backOff) {
        return new EwsFault(Kind.SERVER_BUSY_MESSAGE, nonNegative(backOff, "backOff"), 1, null, null);
    }

    /** ErrorServerBusy as a SOAP fault on HTTP 500, with BackOffMilliseconds. */
    public static EwsFault serverBusyFault(Duration backOff) {
        return new EwsFault(Kind.SERVER_BUSY_FAULT, nonNegative(backOff, "backOff"), 1, null, null);
    }

    /** ErrorServerBusy as a SOAP fault on HTTP 500, without BackOffMilliseconds. */
    public static EwsFault serverBusyFault() {
        return new EwsFault(Kind.SERVER_BUSY_FAULT, null, 1, null, null);
    }

    public static EwsFault http503() {
        return new EwsFault(Kind.HTTP_503, null, 1, null, null);
    }

    public static EwsFault dropConnection() {
        return new EwsFault(Kind.DROP_CONNECTION, null, 1, null, null);
    }

    /** Applies to the next {@code n} matching requests. */
    public EwsFault times(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("times must be at least 1, not " + n);
        }
        return new EwsFault(kind, duration, release, n, mailbox, operation);
    }

    /** Applies to every matching request until removed. */
    public EwsFault always() {
        return new EwsFault(kind, duration, release, EVERY, mailbox, operation);
    }

    /** Only requests for this mailbox (the impersonated one, else the one named in the body). */
    public EwsFault forMailbox(String address) {
        Objects.requireNonNull(address, "address");
        return new EwsFault(kind, duration, release, times, address.toLowerCase(Locale.ROOT), operation);
    }

    /** Only requests of this operation, e.g. {@code "UpdateItem"}. */
    public EwsFault forOperation(String op) {
        Objects.requireNonNull(op, "operation");
        return new EwsFault(kind, duration, release, times, mailbox, op);
    }

    public Kind kind() {
        return kind;
    }

    /** The latency, or the back-off announced; null for a fault that announces none. */
    public Duration duration() {
        return duration;
    }

    CountDownLatch release() {
        return release;
    }

    public int times() {
        return times;
    }

    boolean matches(String requestMailbox, String requestOperation) {
        return (mailbox == null || mailbox.equals(requestMailbox))
                && (operation == null || operation.equals(requestOperation));
    }

    private static Duration nonNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, not " + d);
        }
        return d;
    }

    @Override
    public String toString() {
        return kind + (duration != null ? "(" + duration.toMillis() + " ms)" : "")
                + (times == EVERY ? " always" : " x" + times)
                + (mailbox != null ? " mailbox=" + mailbox : "")
                + (operation != null ? " operation=" + operation : "");
    }
}

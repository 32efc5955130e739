package org.tasksync.testkit.ews;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;

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
        DROP_CONNECTION,
        /**
         * The request is served, then the response's text is rewritten before it is sent, and not
         * validated: for answers a server may give that the simulator never makes by itself.
         */
        REWRITE_RESPONSE
    }

    /** Times value for "every matching request until the fault is removed". */
    public static final int EVERY = -1;

    private final Kind kind;
    private final Duration duration;
    private final CountDownLatch release;
    private final int times;
    private final String mailbox;
    private final String operation;
    private final UnaryOperator<String> rewrite;

    private EwsFault(Kind kind, Duration duration, int times, String mailbox, String operation) {
        this(kind, duration, null, times, mailbox, operation, null);
    }

    private EwsFault(Kind kind, Duration duration, CountDownLatch release, int times, String mailbox,
            String operation, UnaryOperator<String> rewrite) {
        this.kind = kind;
        this.duration = duration;
        this.release = release;
        this.times = times;
        this.mailbox = mailbox;
        this.operation = operation;
        this.rewrite = rewrite;
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
        return new EwsFault(Kind.HOLD, null, Objects.requireNonNull(release, "release"), EVERY, null, null, null);
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

    /**
     * The raw-response hook: the request is served as usual, then the response's XML text (the SOAP
     * envelope, or the SOAP fault with its HTTP 500) passes through {@code rewrite} and is sent as it
     * comes out, without schema validation. For answers that a real server, a proxy or a newer
     * Exchange may give and the simulator never makes by itself: malformed XML, an enumeration value
     * the client does not know, a body of megabytes, characters XML cannot carry, a missing element.
     *
     * <pre>{@code
     * ews.inject(EwsFault.rewriteResponse(xml -> xml.replace(">NotStarted</t:Status>", ">Bogus</t:Status>"))
     *         .forOperation("GetItem"));
     * }</pre>
     */
    public static EwsFault rewriteResponse(UnaryOperator<String> rewrite) {
        return new EwsFault(Kind.REWRITE_RESPONSE, null, null, 1, null, null,
                Objects.requireNonNull(rewrite, "rewrite"));
    }

    /** Applies to the next {@code n} matching requests. */
    public EwsFault times(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("times must be at least 1, not " + n);
        }
        return new EwsFault(kind, duration, release, n, mailbox, operation, rewrite);
    }

    /** Applies to every matching request until removed. */
    public EwsFault always() {
        return new EwsFault(kind, duration, release, EVERY, mailbox, operation, rewrite);
    }

    /** Only requests for this mailbox (the impersonated one, else the one named in the body). */
    public EwsFault forMailbox(String address) {
        Objects.requireNonNull(address, "address");
        return new EwsFault(kind, duration, release, times, address.toLowerCase(Locale.ROOT), operation, rewrite);
    }

    /** Only requests of this operation, e.g. {@code "UpdateItem"}. */
    public EwsFault forOperation(String op) {
        Objects.requireNonNull(op, "operation");
        return new EwsFault(kind, duration, release, times, mailbox, op, rewrite);
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

    UnaryOperator<String> rewrite() {
        return rewrite;
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

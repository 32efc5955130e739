package org.tasksync.adapter.graph.internal;

import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.ResponseHeaders;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.spi.MailboxException;

/**
 * Sends one mailbox's requests: counts them, waits out 429 and 503 as Graph asks ({@code Retry-After},
 * else exponential back-off) within a bound of retries and total wait, retries requests that lost
 * their connection when repeating them is harmless, and turns what is left into
 * {@link MailboxException}s. One instance per connection; not thread-safe (a connection is used by one
 * thread).
 */
public final class GraphCalls {

    private static final Logger log = LoggerFactory.getLogger(GraphCalls.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(32);
    private static final Set<Integer> RETRYABLE = Set.of(429, 503, 504);

    private final String mailbox;
    private final int maxRetries;
    private final Duration maxWait;
    private final Sleeper sleeper;
    private final AtomicLong requests = new AtomicLong();

    public GraphCalls(String mailbox, int maxRetries, Duration maxWait, Sleeper sleeper) {
        this.mailbox = mailbox;
        this.maxRetries = maxRetries;
        this.maxWait = maxWait;
        this.sleeper = sleeper;
    }

    /** The status and {@code Retry-After} of an answer that the SDK did not turn into an exception ($batch). */
    public static final class StatusException extends RuntimeException {
        final int status;
        final Duration retryAfter;

        public StatusException(int status, Duration retryAfter, String message) {
            super(message);
            this.status = status;
            this.retryAfter = retryAfter;
        }

        public int status() {
            return status;
        }
    }

    /** A token could not be had; the cause says why, without the credentials. */
    public static final class SignInException extends RuntimeException {
        public SignInException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** How much waiting one operation has left. */
    public final class Budget {
        private int retries;
        private Duration waited = Duration.ZERO;

        /**
         * Waits as Graph asked, or throws THROTTLED when that would go past the bound.
         *
         * @param retryAfter what the server asked for, or null for exponential back-off
         */
        public void await(String what, int status, Duration retryAfter) throws MailboxException {
            Duration wait = retryAfter != null ? retryAfter : backoff(retries);
            if (retries >= maxRetries || waited.plus(wait).compareTo(maxWait) > 0) {
                // 429 and 503 are Graph saying "slow down" (SPEC §8: throttled); a dropped connection or a
                // gateway timeout is Graph not answering
                MailboxException.Kind kind = status == 429 || status == 503 ? MailboxException.Kind.THROTTLED
                        : MailboxException.Kind.UNAVAILABLE;
                throw new MailboxException(mailbox, kind, what + ": Graph answered "
                        + describe(status) + " after " + retries + " retries and " + waited.toSeconds()
                        + " s of waiting; the bound is " + maxRetries + " retries and " + maxWait.toSeconds()
                        + " s (tasksync.graph.throttle.*); tried again next cycle");
            }
            retries++;
            waited = waited.plus(wait);
            log.info("{}: {} answered {}; waiting {} ms (retry {} of at most {})", mailbox, what, describe(status),
                    wait.toMillis(), retries, maxRetries);
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MailboxException(mailbox, MailboxException.Kind.UNAVAILABLE, what + ": interrupted while "
                        + "waiting for Graph", e);
            }
        }
    }

    private static String describe(int status) {
        return switch (status) {
            case 0 -> "nothing (the connection dropped or timed out)";
            case 429 -> "429 Too Many Requests";
            case 503 -> "503 Service Unavailable";
            case 504 -> "504 Gateway Timeout";
            default -> Integer.toString(status);
        };
    }

    private static Duration backoff(int retries) {
        Duration d = FIRST_BACKOFF.multipliedBy(1L << Math.min(retries, 5));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    public Budget budget() {
        return new Budget();
    }

    public long requests() {
        return requests.get();
    }

    public String mailbox() {
        return mailbox;
    }

    /**
     * Sends a request until it gets an answer that is not throttling. {@code repeatable}: whether
     * sending it again after a dropped connection is harmless (a create is not: it may have been
     * done). ApiExceptions other than throttling are passed on for the caller to map.
     */
    public <T> T send(String what, boolean repeatable, Supplier<T> request) throws MailboxException {
        return send(what, repeatable, request, budget());
    }

    /** As {@link #send(String, boolean, Supplier)}, drawing on an operation's budget that other sends share. */
    public <T> T send(String what, boolean repeatable, Supplier<T> request, Budget budget) throws MailboxException {
        while (true) {
            requests.incrementAndGet();
            try {
                return request.get();
            } catch (ApiException e) {
                int status = e.getResponseStatusCode();
                if (!RETRYABLE.contains(status)) {
                    throw e;
                }
                budget.await(what, status, retryAfter(e.getResponseHeaders()));
            } catch (StatusException e) {
                if (!RETRYABLE.contains(e.status)) {
                    throw e;
                }
                budget.await(what, e.status, e.retryAfter);
            } catch (SignInException e) {
                throw new MailboxException(mailbox, MailboxException.Kind.AUTHENTICATION, what + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                IOException io = connectionProblem(e);
                if (io == null) {
                    throw e;
                }
                if (!repeatable) {
                    throw new ConnectionLostException(what + ": the connection to Graph dropped (" + io + ")", io);
                }
                log.info("{}: {}: connection dropped ({}); sending it again", mailbox, what, io.toString());
                budget.await(what, 0, null);
            }
        }
    }

    /** The connection dropped while a request that must not be repeated blindly was under way. */
    public static final class ConnectionLostException extends RuntimeException {
        ConnectionLostException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static IOException connectionProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    /** {@code Retry-After} in seconds (what Graph sends) or as an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(ResponseHeaders headers) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, Set<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase("Retry-After") && !e.getValue().isEmpty()) {
                return parseRetryAfter(e.getValue().iterator().next());
            }
        }
        return null;
    }

    static Duration parseRetryAfter(String v) {
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            long s = Long.parseLong(v.trim());
            return s < 0 ? null : Duration.ofSeconds(s);
        } catch (NumberFormatException e) {
            try {
                java.time.ZonedDateTime at = java.time.ZonedDateTime.parse(v.trim(),
                        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(java.time.Instant.now(), at.toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException ignored) {
                return null;
            }
        }
    }

    /** A mailbox-wide failure for an answer that was not throttling, naming what was being done. */
    public MailboxException failure(String what, RuntimeException e) {
        if (e instanceof ApiException api) {
            int status = api.getResponseStatusCode();
            String detail = status + " " + errorText(api);
            MailboxException.Kind kind = switch (status) {
                case 401 -> MailboxException.Kind.AUTHENTICATION;
                case 403 -> MailboxException.Kind.ACCESS_DENIED;
                case 404 -> MailboxException.Kind.NOT_FOUND;
                case 500, 502, 503, 504 -> MailboxException.Kind.UNAVAILABLE;
                default -> MailboxException.Kind.PROTOCOL;
            };
            return new MailboxException(mailbox, kind, what + ": Graph answered " + detail, e);
        }
        if (e instanceof StatusException s) {
            return new MailboxException(mailbox, s.status == 401 ? MailboxException.Kind.AUTHENTICATION
                    : MailboxException.Kind.PROTOCOL, what + ": " + s.getMessage(), e);
        }
        if (e instanceof TaskJson.NotJson) {
            return new MailboxException(mailbox, MailboxException.Kind.PROTOCOL, what + ": " + e.getMessage(), e);
        }
        if (e instanceof ConnectionLostException) {
            return new MailboxException(mailbox, MailboxException.Kind.UNAVAILABLE, e.getMessage(), e);
        }
        return new MailboxException(mailbox, MailboxException.Kind.PROTOCOL, what + ": " + e, e);
    }

    static String errorText(ApiException e) {
        if (e instanceof ODataError o && o.getError() != null) {
            String code = o.getError().getCode();
            String msg = o.getError().getMessage();
            return (code == null ? "" : code) + (msg == null ? "" : ": " + msg);
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    static int status(RuntimeException e) {
        if (e instanceof ApiException a) return a.getResponseStatusCode();
        if (e instanceof StatusException s) return s.status;
        return -1;
    }
}

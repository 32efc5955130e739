package org.tasksync.testkit.ews;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What reached the simulator: requests per operation and per mailbox, requests refused for
 * authentication, and the requests in flight per mailbox with their time spans, so that tests can
 * check how a client spreads its load (for example that it never sends two requests for one mailbox
 * at once). Counted are requests that passed authentication; a mailbox is the impersonated one, else
 * the first one named in the body, else {@code ""}.
 *
 * <p>Thread-safe.
 */
public final class EwsTraffic {

    /**
     * One served request: its mailbox, operation, and its start and end on the
     * {@link System#nanoTime()} scale (from after authentication to the last byte of the answer).
     */
    public record RequestSpan(String mailbox, String operation, long startNanos, long endNanos) {

        /** Whether the two requests were in flight at the same time. */
        public boolean overlaps(RequestSpan other) {
            return startNanos < other.endNanos && other.startNanos < endNanos;
        }
    }

    private final Map<String, AtomicInteger> byMailboxAndOperation = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> maxInFlight = new ConcurrentHashMap<>();
    private final AtomicInteger unauthorized = new AtomicInteger();
    private final AtomicInteger totalInFlight = new AtomicInteger();
    private final AtomicInteger maxTotalInFlight = new AtomicInteger();
    /** Spans kept; older ones are dropped so that long property runs stay in bounded memory. */
    static final int MAX_SPANS = 100_000;

    private final ArrayDeque<RequestSpan> spans = new ArrayDeque<>();

    EwsTraffic() {
    }

    /** Requests of all operations for all mailboxes. */
    public int total() {
        return byMailboxAndOperation.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Requests of one operation (e.g. {@code "SyncFolderItems"}) for all mailboxes. */
    public int count(String operation) {
        return byOperation().getOrDefault(operation, 0);
    }

    /** Requests of one operation for one mailbox. */
    public int count(String mailbox, String operation) {
        AtomicInteger n = byMailboxAndOperation.get(key(EwsSimulator.mailboxKey(mailbox), operation));
        return n == null ? 0 : n.get();
    }

    /** Requests of all operations for one mailbox. */
    public int countFor(String mailbox) {
        String prefix = EwsSimulator.mailboxKey(mailbox) + "\u0000";
        return byMailboxAndOperation.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToInt(e -> e.getValue().get()).sum();
    }

    /** Request counts by operation, sorted by name. */
    public Map<String, Integer> byOperation() {
        Map<String, Integer> out = new TreeMap<>();
        byMailboxAndOperation.forEach((k, v) -> out.merge(k.substring(k.indexOf('\u0000') + 1), v.get(),
                Integer::sum));
        return out;
    }

    /** Requests answered with 401 because Basic credentials were missing or wrong. */
    public int unauthorized() {
        return unauthorized.get();
    }

    /** The requests for one mailbox in flight now. */
    public int inFlight(String mailbox) {
        AtomicInteger n = inFlight.get(EwsSimulator.mailboxKey(mailbox));
        return n == null ? 0 : n.get();
    }

    /** The most requests for one mailbox that were in flight at the same time. */
    public int maxInFlight(String mailbox) {
        AtomicInteger n = maxInFlight.get(EwsSimulator.mailboxKey(mailbox));
        return n == null ? 0 : n.get();
    }

    /** The most requests in flight at the same time, all mailboxes together. */
    public int maxInFlight() {
        return maxTotalInFlight.get();
    }

    /** The spans of the requests served so far (the last {@value #MAX_SPANS}), in the order they ended. */
    public List<RequestSpan> spans() {
        synchronized (spans) {
            return List.copyOf(spans);
        }
    }

    /** Forgets all counts and spans. */
    public void reset() {
        byMailboxAndOperation.clear();
        maxInFlight.clear();
        unauthorized.set(0);
        maxTotalInFlight.set(totalInFlight.get());
        synchronized (spans) {
            spans.clear();
        }
    }

    void unauthorizedRequest() {
        unauthorized.incrementAndGet();
    }

    long begin(String mailbox, String operation) {
        byMailboxAndOperation.computeIfAbsent(key(mailbox, operation), k -> new AtomicInteger()).incrementAndGet();
        int now = inFlight.computeIfAbsent(mailbox, k -> new AtomicInteger()).incrementAndGet();
        maxInFlight.computeIfAbsent(mailbox, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
        maxTotalInFlight.accumulateAndGet(totalInFlight.incrementAndGet(), Math::max);
        return System.nanoTime();
    }

    void end(String mailbox, String operation, long startNanos) {
        long end = System.nanoTime();
        inFlight.get(mailbox).decrementAndGet();
        totalInFlight.decrementAndGet();
        synchronized (spans) {
            if (spans.size() == MAX_SPANS) {
                spans.removeFirst();
            }
            spans.addLast(new RequestSpan(mailbox, operation, startNanos, end));
        }
    }

    private static String key(String mailbox, String operation) {
        return mailbox + "\u0000" + operation;
    }
}

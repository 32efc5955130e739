package org.tasksync.testkit.ews;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault that {@link EwsSimulator#inject(EwsFault)} armed: how often it struck and how often it
 * still will. Thread-safe.
 */
public final class InjectedFault {

    private final EwsFault fault;
    private final AtomicInteger remaining;
    private final AtomicInteger hits = new AtomicInteger();
    private volatile boolean removed;

    InjectedFault(EwsFault fault) {
        this.fault = fault;
        this.remaining = new AtomicInteger(fault.times());
    }

    public EwsFault fault() {
        return fault;
    }

    /** How many requests it struck so far. */
    public int hits() {
        return hits.get();
    }

    /** How many more requests it will strike; {@link EwsFault#EVERY} when unlimited, 0 when spent. */
    public int remaining() {
        return removed ? 0 : remaining.get();
    }

    /** Disarms the fault. */
    public void remove() {
        removed = true;
    }

    boolean spent() {
        return removed || remaining.get() == 0;
    }

    /** Claims one strike for a matching request; false when the fault is spent. */
    boolean claim(String mailbox, String operation) {
        if (removed || !fault.matches(mailbox, operation)) {
            return false;
        }
        while (true) {
            int r = remaining.get();
            if (r == 0) {
                return false;
            }
            if (r == EwsFault.EVERY || remaining.compareAndSet(r, r - 1)) {
                hits.incrementAndGet();
                return true;
            }
        }
    }

    @Override
    public String toString() {
        return fault + " hits=" + hits.get();
    }
}

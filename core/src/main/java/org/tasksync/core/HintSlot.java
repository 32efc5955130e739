package org.tasksync.core;

import java.util.concurrent.RejectedExecutionException;

/**
 * When a batch of coalesced hints runs, for {@link LiveSync}: once no hint came for the quiet period,
 * at the latest the maximum delay after the first (or at once when {@link #urgent}), never two runs at
 * once; a hint during a run makes one more run after it. Subclasses hold what the hints say. Guarded by
 * itself: subclasses record a hint in a method synchronized on the slot, then call {@link #hinted}.
 * A timer, once armed, fires at or before the time the run is due (later hints only move that time
 * later), and checks again.
 */
abstract class HintSlot {

    final LiveRuntime rt;
    private boolean running;
    private boolean armed;
    private long first = -1;
    private long last;

    HintSlot(LiveRuntime rt) {
        this.rt = rt;
    }

    /** What the hints since the last run say must run now, without waiting for quiet (a gap). */
    boolean urgent() {
        return false;
    }

    /**
     * Takes what the hints since the last run said and returns the run of it, which must end by
     * calling {@link #done}; called under the lock.
     */
    abstract Runnable takeRun(long firstNanos);

    /** Records the time of a hint whose content the caller has just added; under the lock. */
    final void hinted() {
        long now = System.nanoTime();
        if (first >= 0) {
            rt.coalesced.increment();
        } else {
            first = now;
        }
        last = now;
        if (!running) {
            arm(now);
        }
    }

    private void arm(long now) {
        long due = urgent() ? now : Math.min(last + rt.quietNanos, first + rt.maxDelayNanos);
        if (due - now <= 0) {
            startRun();
        } else if (!armed) {
            armed = true;
            rt.schedule(this::fire, due - now);
        }
    }

    final synchronized void fire() {
        armed = false;
        if (!running && first >= 0 && !rt.closed()) {
            arm(System.nanoTime());
        }
    }

    private void startRun() {
        Runnable run = takeRun(first);
        first = -1;
        running = true;
        try {
            rt.runs.execute(run);
        } catch (RejectedExecutionException closing) {
            running = false;
        }
    }

    /** The run has ended: hints that came meanwhile make one more. */
    final synchronized void done() {
        running = false;
        if (first >= 0 && !rt.closed()) {
            arm(System.nanoTime());
        }
    }
}

package org.tasksync.core;

import java.util.concurrent.RejectedExecutionException;

/**
 * When a batch of coalesced hints runs, for {@link LiveSync}: once no hint came for the quiet period,
 * at the latest the maximum delay after the first (or at once when {@link #urgent}), never two runs at
 * once; a hint during a run makes one more run after it. Subclasses hold what the hints say. Guarded by
 * itself: subclasses record a hint in a method synchronized on the slot, then call {@link #hinted}.
 * A timer, once armed, fires at or before the time the run is due (later hints only move that time
 * later), and checks again. A due run waits in {@link LiveRuntime#runs} with the slot's
 * {@link #priority}; what the slot holds is taken when a thread starts it, so hints that come while it
 * waits go with it, and one that raises its priority moves it forward in the queue.
 */
abstract class HintSlot {

    final LiveRuntime rt;
    private boolean running;
    private boolean armed;
    private long first = -1;
    private long last;
    /** The run waiting in the queue, not started yet; null otherwise. */
    private LiveRuntime.QueuedRun queued;

    HintSlot(LiveRuntime rt) {
        this.rt = rt;
    }

    /** What the hints since the last run say must run now, without waiting for quiet (a gap). */
    boolean urgent() {
        return false;
    }

    /**
     * The queue position of what the slot holds: {@link LiveRuntime#HINTED} for a change some hint
     * named, {@link LiveRuntime#CATCH_UP} for a gap alone; called under the lock.
     */
    int priority() {
        return LiveRuntime.HINTED;
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
        if (queued != null) {
            promote();
        } else if (!running) {
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
        running = true;
        enqueue();
    }

    private void enqueue() {
        queued = new LiveRuntime.QueuedRun(priority(), this::begin);
        if (!rt.submit(queued)) {
            queued = null;
            running = false;
        }
    }

    /** The waiting run now holds a change, not only a gap: it goes ahead of the catch-ups. */
    private void promote() {
        if (priority() < queued.priority() && rt.runs.remove(queued)) {
            enqueue();
        } // not removed: a thread has just taken it and takes this hint with the rest
    }

    /** A thread starts the queued run: takes what the slot holds now. */
    private synchronized Runnable begin() {
        queued = null;
        Runnable run = takeRun(first);
        first = -1;
        return run;
    }

    /** The run has ended: hints that came meanwhile make one more. */
    final synchronized void done() {
        running = false;
        if (first >= 0 && !rt.closed()) {
            arm(System.nanoTime());
        }
    }
}

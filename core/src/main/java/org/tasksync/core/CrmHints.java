package org.tasksync.core;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.spi.CrmChangeListener;

/**
 * The CRM feed's listener for {@link LiveSync}: coalesces the CRM's hints over all tasks, with the
 * same timing as a mailbox's, and runs the tasks; a gap or a bulk edit asks for a full cycle.
 */
final class CrmHints implements CrmChangeListener {

    // under LiveSync's name, as before the split: a host's log configuration for live sync still applies
    private static final Logger log = LoggerFactory.getLogger(LiveSync.class);
    /** CRM task ids held for one run; more (a bulk edit) make a full cycle instead. */
    private static final int MAX_CRM_IDS = 10_000;

    private final LiveRuntime rt;
    private final Consumer<String> requestFullCycle;
    private final Slot slot = new Slot();

    /** {@code requestFullCycle} is given why the full cycle is wanted. */
    CrmHints(LiveRuntime rt, Consumer<String> requestFullCycle) {
        this.rt = rt;
        this.requestFullCycle = requestFullCycle;
    }

    @Override
    public void changed(Collection<String> crmTaskIds) {
        if (rt.closed() || crmTaskIds == null || crmTaskIds.isEmpty()) {
            return;
        }
        rt.crmHints.increment();
        rt.safe(() -> rt.listener.hint(null, crmTaskIds.size()));
        slot.add(crmTaskIds);
    }

    @Override
    public void gap(String reason) {
        if (rt.closed()) {
            return;
        }
        rt.gaps.increment();
        rt.safe(() -> rt.listener.gap(null, reason));
        requestFullCycle.accept("the CRM feed had a gap (" + reason + ")");
    }

    /** The CRM's hints waiting for a run, over all tasks. Guarded by itself. */
    private final class Slot {
        private boolean running;
        private boolean armed;
        private long first = -1;
        private long last;
        private Set<String> ids = new LinkedHashSet<>();

        synchronized void add(Collection<String> more) {
            long now = System.nanoTime();
            if (first >= 0) {
                rt.coalesced.increment();
            } else {
                first = now;
            }
            last = now;
            ids.addAll(more);
            if (!running) {
                arm(now);
            }
        }

        private void arm(long now) {
            long due = Math.min(last + rt.quietNanos, first + rt.maxDelayNanos);
            if (due - now <= 0) {
                startRun();
            } else if (!armed) {
                armed = true;
                rt.schedule(this::fire, due - now);
            }
        }

        synchronized void fire() {
            armed = false;
            if (!running && first >= 0 && !rt.closed()) {
                arm(System.nanoTime());
            }
        }

        private void startRun() {
            Set<String> batch = ids;
            long since = first;
            ids = new LinkedHashSet<>();
            first = -1;
            running = true;
            try {
                rt.runs.execute(() -> run(batch, since));
            } catch (RejectedExecutionException closing) {
                running = false;
            }
        }

        synchronized void done() {
            running = false;
            if (first >= 0 && !rt.closed()) {
                arm(System.nanoTime());
            }
        }
    }

    private void run(Set<String> ids, long since) {
        try {
            if (ids.size() > MAX_CRM_IDS) {
                requestFullCycle.accept(ids.size() + " CRM tasks changed at once");
                return;
            }
            SyncReport report = rt.engine.runCrmTasks(List.copyOf(ids));
            rt.crmRuns.increment();
            if (report.cycleError() != null) {
                log.warn("live run of {} CRM tasks failed: {}; the full cycle tries again", ids.size(),
                        report.cycleError());
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - since);
            rt.safe(() -> rt.listener.crmRun(ids, waited, report, report.cycleError()));
        } catch (RuntimeException e) {
            rt.failedRuns.increment();
            log.warn("live run of {} CRM tasks failed; the full cycle tries again", ids.size(), e);
            Duration waited = Duration.ofNanos(System.nanoTime() - since);
            rt.safe(() -> rt.listener.crmRun(ids, waited, null, String.valueOf(e)));
        } finally {
            slot.done();
        }
    }
}

package org.tasksync.core;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
    private final Slot slot;

    /** {@code requestFullCycle} is given why the full cycle is wanted. */
    CrmHints(LiveRuntime rt, Consumer<String> requestFullCycle) {
        this.rt = rt;
        this.requestFullCycle = requestFullCycle;
        this.slot = new Slot(); // after rt, which it uses
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

    /** The CRM's hints waiting for a run, over all tasks. */
    private final class Slot extends HintSlot {
        private Set<String> ids = new LinkedHashSet<>();

        Slot() {
            super(CrmHints.this.rt);
        }

        synchronized void add(Collection<String> more) {
            ids.addAll(more);
            hinted();
        }

        @Override
        Runnable takeRun(long firstNanos) {
            Set<String> batch = ids;
            ids = new LinkedHashSet<>();
            return () -> run(batch, firstNanos);
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

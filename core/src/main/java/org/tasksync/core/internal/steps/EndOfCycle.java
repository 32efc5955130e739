package org.tasksync.core.internal.steps;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.internal.cycle.CycleContext;
import org.tasksync.core.internal.cycle.MailboxWork;
import org.tasksync.core.internal.state.EngineState;
import org.tasksync.core.internal.state.EngineState.RepWindow;

/**
 * SPEC §7 "a cursor is saved only after the changes it covers have been applied": the end of a full
 * cycle writes the pending set (failed tasks in, done ones out), then the CRM change cursor, the reps'
 * time frames and the mailbox cursors held back for adoption, only when the CRM part succeeded and with
 * the partition's end-of-cycle lease.
 */
public final class EndOfCycle {

    private static final Logger log = LoggerFactory.getLogger(EndOfCycle.class);

    private final CycleContext ctx;

    public EndOfCycle(CycleContext ctx) {
        this.ctx = ctx;
    }

    /**
     * @param pendingBefore the pending set this cycle read
     * @param crmOk         the CRM part succeeded (its cursor may move)
     * @param windows       the reps' time frames this cycle started from
     * @param newCursor     the CRM change cursor after what this cycle read
     */
    public void finish(Set<String> pendingBefore, boolean crmOk, Map<String, RepWindow> windows, String newCursor) {
        Set<String> done = new HashSet<>(pendingBefore);
        done.removeAll(ctx.failedTaskIds);
        done.removeAll(ctx.foreignTaskIds);
        boolean endHeld = crmOk && ctx.leases().lockPartitionEnd();
        try {
            write(done, crmOk && endHeld, windows, newCursor);
        } finally {
            if (endHeld) {
                ctx.leases().unlockPartitionEnd();
            }
        }
        if (crmOk && !endHeld) {
            String label = ctx.partition().isAll() ? "(all mailboxes)" : ctx.partition().name();
            ctx.cycleError("another node's cycle of partition " + label + " held the partition's end-of-cycle "
                    + "lease; this cycle's CRM cursor and pending set were left as they were (what it read is read again)");
            log.warn("{}", ctx.cycleError());
        }
    }

    private void write(Set<String> done, boolean crmOk, Map<String, RepWindow> windows, String newCursor) {
        ctx.effects().addPending(ctx.failedTaskIds); // always safe: at worst a task is looked at once more
        if (!crmOk) {
            return;
        }
        ctx.effects().removePending(done);
        Map<String, String> cursors = new HashMap<>();
        ctx.participants().windowsToSave(windows).forEach((repId, window) ->
                cursors.put(EngineState.repWindowKey(repId), window == null ? null : window.encode()));
        cursors.put(ctx.state().crmCursorKey(), newCursor);
        cursors.put(ctx.state().crmStartKey(), null);
        for (MailboxWork w : ctx.mailboxes().values()) {
            // leftAlone renews the lease: a cursor must not overwrite that of a node which took the mailbox over
            if (w.deferredCursor != null && !w.keepCursor && !w.leftAlone()) {
                cursors.put(EngineState.mailboxCursorKey(w.address()), w.deferredCursor);
            }
        }
        ctx.effects().saveCursors(cursors);
    }
}

package org.tasksync.core.internal.steps;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tasksync.core.PlannedWrite;
import org.tasksync.core.TaskError;
import org.tasksync.core.internal.cycle.CycleContext;
import org.tasksync.core.internal.cycle.MailboxWork;
import org.tasksync.core.internal.rules.StatusConflict;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.spi.CrmPage;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.StatusWriteResult;

/**
 * SPEC §6.1, a status the rep set goes to the CRM: the CRM tasks are read, the conflict rule
 * ({@link StatusConflict}) decides, and the status is written with an optimistic check. A write that
 * throws is a per-task error (SPEC §8); the mailbox goes on.
 */
public final class WriteStatusBack {

    /** A status change read from Exchange, to write to the CRM. */
    public record StatusChange(Link updated, ExchangeTask item, String crmStatus) {
    }

    private final CycleContext ctx;

    public WriteStatusBack(CycleContext ctx) {
        this.ctx = ctx;
    }

    /** Writes the statuses; false when one must be decided again next cycle (the cursor then stays). */
    public boolean write(MailboxWork w, List<StatusChange> changes) {
        boolean ok = true;
        for (List<StatusChange> chunk : CycleContext.chunks(changes, ctx.settings().crmPageSize())) {
            List<String> ids = chunk.stream().map(c -> c.updated().crmTaskId()).toList();
            CrmPage current;
            try {
                current = ctx.parts().crm().tasksById(ids);
            } catch (RuntimeException e) {
                w.tally.warn("reading " + ids.size() + " CRM tasks for status write-back failed; tried again next cycle: " + e);
                ok = false;
                continue;
            }
            Map<String, CrmTask> byId = new HashMap<>();
            current.tasks().forEach(t -> byId.put(t.id(), t));
            List<Link> toSave = new ArrayList<>();
            for (StatusChange c : chunk) {
                ctx.checkFatal();
                Link link = c.updated();
                CrmTask task = byId.get(link.crmTaskId());
                if (task == null) {
                    toSave.add(link); // deleted in the CRM: the CRM → Exchange part decides
                    continue;
                }
                boolean crmChanged = !ctx.statusMapping().sameCrmStatus(task.status(), link.lastCrmStatus());
                boolean crmHasIt = ctx.statusMapping().sameCrmStatus(task.status(), c.crmStatus());
                if (crmChanged) {
                    w.crmChangedSeen.add(link.crmTaskId()); // a CRM change: under keep the CRM is the master again
                }
                StatusConflict.Outcome outcome = StatusConflict.decide(crmChanged, crmHasIt, c.item().lastModified(),
                        task.modifiedAt());
                if (outcome.isConflict()) {
                    w.tally.conflict(outcome == StatusConflict.Outcome.EXCHANGE_WINS);
                }
                if (outcome == StatusConflict.Outcome.CRM_WINS) {
                    refresh(w, List.of(link.crmTaskId()));
                    toSave.add(link);
                    continue;
                }
                if (outcome == StatusConflict.Outcome.CRM_HAS_IT) {
                    // nothing to write: the CRM has this status already (unchanged, or set there as well).
                    // Outlook may have moved the percent with the status (leaving Completed resets it to 0):
                    // the CRM task is looked at again in this run's CRM part, which writes back what differs
                    toSave.add(crmChanged ? link.crmSynced(task.status(), task.modifiedAt()) : link);
                    refresh(w, List.of(link.crmTaskId()));
                    continue;
                }
                ctx.reporter().planned(new PlannedWrite(PlannedWrite.Kind.CRM_STATUS, w.address(), task.id(), Set.of(),
                        task.status() + " -> " + c.crmStatus()));
                StatusWriteResult r;
                try {
                    r = ctx.effects().writeStatus(task.id(), c.crmStatus(), task.modifiedAt());
                } catch (RuntimeException e) {
                    w.taskError(failed(task.id(), c.crmStatus(), e));
                    ok = false;
                    continue;
                }
                switch (r.outcome()) {
                    case WRITTEN -> {
                        toSave.add(link.crmSynced(c.crmStatus(), r.newModifiedAt()));
                        w.tally.statusWrittenBack();
                    }
                    case CONFLICT -> ok = false; // changed meanwhile: decided again on the next read
                    case NOT_FOUND -> toSave.add(link);
                }
            }
            ctx.effects().saveLinks(toSave);
        }
        return ok;
    }

    /**
     * Marks CRM tasks whose values must be written again (an Outlook edit to overwrite, a conflict the
     * CRM won); durable before the link that forgets the difference is saved.
     */
    public void refresh(MailboxWork w, Collection<String> crmTaskIds) {
        if (crmTaskIds.isEmpty()) {
            return;
        }
        w.refresh.addAll(crmTaskIds);
        ctx.effects().addPending(crmTaskIds);
    }

    /** The per-task error of a status write to the CRM that threw. */
    public static TaskError failed(String crmTaskId, String status, RuntimeException e) {
        return new TaskError(crmTaskId, "#2 Status", status, "writing the status to the CRM failed; tried again next cycle: "
                + e);
    }
}

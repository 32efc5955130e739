package org.tasksync.core.internal.steps;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.tasksync.core.PlannedWrite;
import org.tasksync.core.SkipReason;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.TaskError;
import org.tasksync.core.internal.cycle.CycleContext;
import org.tasksync.core.internal.cycle.MailboxWork;
import org.tasksync.core.internal.rules.Adoption;
import org.tasksync.core.internal.rules.DeletedInOutlook;
import org.tasksync.core.internal.rules.OutlookEdits;
import org.tasksync.core.internal.rules.Participants;
import org.tasksync.core.internal.rules.WritePlan;
import org.tasksync.core.mapping.TaskMapper;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.ExchangeTaskUpdate;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.StatusWriteResult;
import org.tasksync.core.spi.WriteOutcome;

/**
 * SPEC §6.3 and §7, CRM → Exchange for one batch of a mailbox: each task is mapped, planned
 * ({@link WritePlan}) and created, adopted, updated (only the fields that differ) or left; creates are
 * recorded as intents before they are sent. Reassignment hands the old copy to {@link DeleteInExchange}.
 */
public final class WriteToExchange {

    /** A CRM task, its mapped values and what to write. */
    record Work(CrmTask task, TaskValues values, Link link, Set<ExchangeField> fields) {
    }

    private final CycleContext ctx;
    private final DeleteInExchange deletions;
    /**
     * Look an unlinked task up by CRM id before creating it: for a run that did not read the mailbox
     * first (so it knows no untracked tagged items), as SPEC §7 allows no duplicate.
     */
    private final boolean lookUpUnlinked;

    public WriteToExchange(CycleContext ctx, DeleteInExchange deletions, boolean lookUpUnlinked) {
        this.ctx = ctx;
        this.deletions = deletions;
        this.lookUpUnlinked = lookUpUnlinked;
    }

    /** Writes a batch, in the mailbox's lane; a failing mailbox puts the batch into the pending set. */
    public void write(MailboxWork w, List<CrmTask> batch) {
        ctx.lanes().inLane(w.address(), () -> {
            if (w.leftAlone()) { // renews the lease before each batch
                SkipReason why = w.leftAloneReason();
                batch.forEach(t -> {
                    w.tally.skip(why);
                    ctx.failedTaskIds.add(t.id());
                });
                return;
            }
            try {
                writeBatch(w, w.connection(), batch);
            } catch (MailboxException e) {
                w.failDuring(e.getMessage(), batch.stream().map(CrmTask::id).toList());
            } catch (RuntimeException e) {
                w.failDuring("writing tasks failed: " + e, batch.stream().map(CrmTask::id).toList());
            }
        });
    }

    private void writeBatch(MailboxWork w, MailboxConnection conn, List<CrmTask> batch) throws MailboxException {
        Map<String, Link> links = ctx.store().findLinks(batch.stream().map(CrmTask::id).toList());
        List<Work> creates = new ArrayList<>();
        List<Work> updates = new ArrayList<>();
        List<Work> lookups = new ArrayList<>();
        List<Link> adopted = new ArrayList<>();
        for (CrmTask task : batch) {
            Link link = links.get(task.id());
            TaskMapper.Result r = map(w, task, link);
            r.warnings().forEach(e -> w.tally.warn(e.toString()));
            if (!r.ok()) {
                r.errors().forEach(w::taskError);
                continue;
            }
            TaskValues values = r.values();
            switch (WritePlan.of(link, w.address(), task.modifiedAt())) {
                case REASSIGN, ADOPT_OR_CREATE, ADOPT_OR_LOOKUP -> {
                    boolean reassigned = link != null && !link.mailbox().equals(w.address());
                    if (reassigned) {
                        deletions.reassigned(link);
                    }
                    // the task may have lived in this mailbox before (keep-original): find its old copy
                    ExchangeTask found = w.adoptable.remove(task.id());
                    if (found != null) {
                        adopt(w, task, values, found, adopted, updates);
                    } else if (link == null && !lookUpUnlinked) {
                        creates.add(new Work(task, values, null, Set.of()));
                    } else {
                        lookups.add(new Work(task, values, reassigned ? null : link, Set.of()));
                    }
                }
                case CREATE_AGAIN -> creates.add(new Work(task, values, null, Set.of()));
                case KEEP_DELETED -> w.tally.skip(SkipReason.DELETED_IN_OUTLOOK);
                case DELEGATED -> w.countDelegated(task.id());
                case UPDATE -> {
                    Set<ExchangeField> fields = fieldsToWrite(w, task, link, values);
                    if (!fields.isEmpty()) {
                        updates.add(new Work(task, values, link, fields));
                    } else if (!ctx.statusMapping().sameCrmStatus(task.status(), link.lastCrmStatus())) {
                        adopted.add(link.crmSynced(task.status(), task.modifiedAt()));
                    }
                }
            }
        }
        for (List<Work> chunk : CycleContext.chunks(lookups, conn.maxBatchSize())) {
            Map<String, ExchangeTask> found = TaggedLookup.find(conn, chunk.stream().map(x -> x.task().id()).toList())
                    .usable();
            for (Work x : chunk) {
                ExchangeTask t = found.get(x.task().id());
                if (t != null) {
                    adopt(w, x.task(), x.values(), t, adopted, updates);
                } else {
                    creates.add(new Work(x.task(), x.values(), null, Set.of()));
                }
            }
        }
        ctx.effects().saveLinks(adopted);
        create(w, conn, creates);
        update(w, conn, updates);
    }

    private TaskMapper.Result map(MailboxWork w, CrmTask task, Link link) {
        Participants.Participant p = ctx.participants().of(task.repId());
        LocalDate known = link != null && link.lastWritten().status() == ExchangeStatus.COMPLETED
                ? link.lastWritten().completeDate() : null;
        TaskMapper.Context mc = new TaskMapper.Context(p.mailbox().ownerName(),
                ctx.participants().displayName(task.createdByRepId()), p.mailbox().zone(),
                ctx.start().atZone(p.mailbox().zone()).toLocalDate(), known);
        return ctx.mapper().map(task, mc);
    }

    /** The fields that differ, less the rep's edits that SPEC §6.4 keeps under keep-until-crm-changes. */
    private Set<ExchangeField> fieldsToWrite(MailboxWork w, CrmTask task, Link link, TaskValues values) {
        Set<ExchangeField> fields = ctx.fieldDiff().changedFields(link.lastWritten(), values, task.status(),
                task.percentComplete());
        if (!fields.isEmpty() && ctx.settings().outlookEdits() == SyncSettings.OutlookEdits.KEEP_UNTIL_CRM_CHANGES) {
            boolean crmChanged = w.crmChangedSeen.contains(task.id()) || OutlookEdits.crmChangedSince(
                    ctx.statusMapping().sameCrmStatus(task.status(), link.lastCrmStatus()),
                    link.lastCrmModifiedAt(), task.modifiedAt());
            fields = OutlookEdits.keepUntilCrmChanges(fields, crmChanged, w.refresh.contains(task.id()));
        }
        return fields;
    }

    /**
     * Links a tagged item found in the mailbox. Without a record of what was written, a status that
     * differs is a conflict like any other: the later modification wins, a tie goes to the CRM.
     */
    void adopt(MailboxWork w, CrmTask task, TaskValues values, ExchangeTask found, List<Link> adopted,
               List<Work> updates) {
        ExchangeStatus seen = found.values().status();
        String crmStatus = task.status();
        java.time.Instant crmModified = task.modifiedAt();
        if (ctx.managed().contains(ExchangeField.STATUS) && seen != null) {
            String wanted = ctx.statusMapping().toCrm(seen);
            if (Adoption.repStatusWins(ctx.statusMapping().sameCrmStatus(wanted, task.status()), found.lastModified(),
                    task.modifiedAt())) {
                w.tally.conflict(true);
                ctx.reporter().planned(new PlannedWrite(PlannedWrite.Kind.CRM_STATUS, w.address(), task.id(), Set.of(),
                        task.status() + " -> " + wanted));
                StatusWriteResult r;
                try {
                    r = ctx.effects().writeStatus(task.id(), wanted, task.modifiedAt());
                } catch (RuntimeException e) {
                    // SPEC §8: a per-task error, as in the status write-back. Not linked now, so the CRM status
                    // cannot overwrite the rep's; the item is read and adopted again next cycle
                    w.taskError(WriteStatusBack.failed(task.id(), wanted, e));
                    ctx.failedTaskIds.add(task.id());
                    w.keepCursor = true;
                    return;
                }
                if (r.outcome() == StatusWriteResult.Outcome.WRITTEN) {
                    w.tally.statusWrittenBack();
                    crmStatus = wanted;
                    crmModified = r.newModifiedAt();
                } else {
                    ctx.failedTaskIds.add(task.id()); // changed meanwhile: decided again next cycle
                }
                if (Objects.equals(crmStatus, wanted)) {
                    task = task.toBuilder().status(wanted).modifiedAt(crmModified).build();
                    // The rep's status wins together with what Exchange keeps tied to it: the percent and
                    // complete date were mapped from the CRM's old status, and writing them beside the won
                    // status (Completed with 0 % and no complete date) would undo the rep's status
                    values = values.withFieldsFrom(found.values(), OutlookEdits.STATUS_FIELDS);
                }
            }
        }
        Link link = Link.adopted(task.id(), w.address(), found, crmStatus, crmModified);
        w.tally.adopted();
        adopted.add(link);
        Set<ExchangeField> fields = ctx.fieldDiff().changedFields(found.values(), values, task.status(),
                task.percentComplete());
        if (!fields.isEmpty()) {
            updates.add(new Work(task, values, link, fields));
        }
    }

    /**
     * Creates in engine batches ({@code batch-size} tasks): one save of the batch's intents, the creates
     * sent in chunks the adapter takes, then one save of all the chunks' results, so the store commits
     * twice per engine batch however small the adapter's chunks (Graph's {@code $batch} takes 20). When a
     * chunk fails, the results of the chunks already created are still saved before the failure goes on;
     * should that save fail too, their intents remain and the next cycle adopts the items (SPEC §7).
     */
    private void create(MailboxWork w, MailboxConnection conn, List<Work> creates) throws MailboxException {
        for (List<Work> batch : CycleContext.chunks(creates, ctx.settings().batchSize())) {
            ctx.checkFatal();
            List<Link> intents = new ArrayList<>();
            for (Work x : batch) {
                intents.add(Link.intent(x.task().id(), w.address(), x.values(), x.task().status(), x.task().modifiedAt()));
            }
            ctx.effects().saveLinks(intents);
            List<Link> linked = new ArrayList<>();
            try {
                int from = 0;
                for (List<Work> chunk : CycleContext.chunks(batch, conn.maxBatchSize())) {
                    ctx.checkFatal();
                    List<NewExchangeTask> news = new ArrayList<>();
                    for (Work x : chunk) {
                        news.add(new NewExchangeTask(x.task().id(), x.values()));
                        // listed per request, as before: creates a failure kept from being sent are not planned ones
                        ctx.reporter().planned(new PlannedWrite(PlannedWrite.Kind.CREATE, w.address(), x.task().id(),
                                Set.of(), null));
                    }
                    List<WriteOutcome> outcomes = ctx.effects().create(conn, news);
                    for (int i = 0; i < chunk.size(); i++) {
                        WriteOutcome o = outcomes.get(i);
                        if (o.succeeded()) {
                            linked.add(intents.get(from + i).linked(o.itemId(), o.changeKey()));
                            w.tally.created();
                        } else {
                            writeFailed(w, chunk.get(i).task(), "create", o.error());
                        }
                    }
                    from += chunk.size();
                }
            } catch (MailboxException | RuntimeException | Error e) {
                saveCreatedBeforeFailure(linked, e);
                throw e;
            }
            ctx.effects().saveLinks(linked);
        }
    }

    /** Saves what a failed batch created before the failure; a failing save goes along with the failure. */
    private void saveCreatedBeforeFailure(List<Link> linked, Throwable failure) {
        try {
            ctx.effects().saveLinks(linked);
        } catch (RuntimeException | Error e) {
            failure.addSuppressed(e);
        }
    }

    /** Writes updates of linked tasks; also the updates an adopted orphan asks for. */
    void update(MailboxWork w, MailboxConnection conn, List<Work> updates) throws MailboxException {
        for (List<Work> chunk : CycleContext.chunks(updates, Math.min(ctx.settings().batchSize(), conn.maxBatchSize()))) {
            ctx.checkFatal();
            List<ExchangeTaskUpdate> requests = new ArrayList<>();
            for (Work x : chunk) {
                requests.add(new ExchangeTaskUpdate(new ItemRef(x.link().itemId(), x.link().changeKey()), x.task().id(),
                        x.values(), x.fields()));
                ctx.reporter().planned(new PlannedWrite(PlannedWrite.Kind.UPDATE, w.address(), x.task().id(), x.fields(),
                        null));
            }
            List<WriteOutcome> outcomes = ctx.effects().update(conn, requests);
            List<Link> saved = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                WriteOutcome o = outcomes.get(i);
                Work x = chunk.get(i);
                if (o.succeeded()) {
                    saved.add(x.link().afterUpdate(o.changeKey(), x.values(), x.fields(), x.task().status(),
                            x.task().modifiedAt()));
                    w.tally.updated();
                } else if (o.itemGone()) {
                    // deleted in Outlook although no change read said so (created and deleted between two
                    // reads): SPEC §6.5, not a failure to retry forever
                    saved.add(DeletedInOutlook.mark(x.link(), ctx.start()));
                    w.tally.deletedInOutlook();
                } else {
                    writeFailed(w, x.task(), "update", o.error());
                }
            }
            ctx.effects().saveLinks(saved);
        }
    }

    private void writeFailed(MailboxWork w, CrmTask task, String op, String error) {
        ctx.failedTaskIds.add(task.id());
        w.taskError(new TaskError(task.id(), null, null, "Exchange refused the " + op + " (tried again next cycle): "
                + error));
    }
}

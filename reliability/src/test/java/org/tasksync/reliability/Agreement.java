package org.tasksync.reliability;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.tasksync.core.mapping.StatusMapping;
import org.tasksync.core.mapping.TaskMapper;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Rep;
import org.tasksync.core.model.TaskValues;
import org.tasksync.testkit.ews.OutlookTask;

/**
 * Whether a CRM task and its Outlook task agree field by field (SPEC §2–§4), judged from what the
 * simulator holds, not from what the adapter reads back, so that a fault symmetric in writing and
 * reading cannot hide. Dates are compared as the rep's calendar dates; the status as the CRM value
 * Exchange's status maps back to (WaitingOnOthers agrees with In Progress); a completion date the
 * CRM does not have must be there exactly when Exchange has the task Completed.
 */
final class Agreement {

    private final Rig rig;
    private final TaskMapper mapper;
    private final StatusMapping statuses;

    Agreement(Rig rig) {
        this.rig = rig;
        this.mapper = new TaskMapper(rig.settings().mapping());
        this.statuses = rig.settings().mapping().status();
    }

    /** Whether the task's scheduled day lies in its rep's time frame today. */
    boolean inWindow(CrmTask task) {
        Rep rep = rig.reps.get(task.repId());
        LocalDate today = rig.today(rep);
        LocalDate day = task.scheduledDay();
        return day == null || (!day.isBefore(today.minusDays(rig.settings().pastDays()))
                && !day.isAfter(today.plusDays(rig.settings().futureDays())));
    }

    /** What differs between the CRM task and the Outlook task, one line per field; empty when they agree. */
    List<String> differences(CrmTask task, OutlookTask item) {
        Rep rep = rig.reps.get(task.repId());
        ZoneId zone = rig.zone(rep);
        Rep creator = task.createdByRepId() == null ? null : rig.reps.get(task.createdByRepId());
        LocalDate known = item.completeDate(); // the date the rep sees in Outlook (SPEC §4)
        TaskMapper.Result mapped = mapper.map(task, new TaskMapper.Context(
                rep.displayName() == null ? rep.id() : rep.displayName(),
                creator == null ? null : creator.displayName() == null ? creator.id() : creator.displayName(),
                zone, rig.today(rep), known));
        List<String> out = new ArrayList<>();
        if (!mapped.ok()) {
            out.add("the CRM task cannot be mapped: " + mapped.errors());
            return out;
        }
        TaskValues v = mapped.values();
        ExchangeStatus status = item.status() == null ? null : ExchangeStatus.fromWireName(item.status());
        compare(out, "subject", v.subject(), item.subject());
        compare(out, "body", emptyToNull(v.body()), emptyToNull(item.body()));
        compare(out, "start date", v.startDate(), item.startDate());
        compare(out, "due date", v.dueDate(), item.dueDate());
        if (status == null || !statuses.sameCrmStatus(statuses.toCrm(status), task.status())) {
            out.add("status: CRM " + task.status() + ", Exchange " + item.status());
        }
        compare(out, "importance", v.importance() == null ? null : v.importance().name(),
                item.importance() == null ? null : item.importance().toUpperCase(Locale.ROOT));
        int percent = (int) Math.round(item.percentComplete());
        compare(out, "percent complete", v.percentComplete(), percent);
        if (task.completeDate() == null) {
            if ((item.completeDate() != null) != (status == ExchangeStatus.COMPLETED)) {
                out.add("complete date " + item.completeDate() + " with status " + item.status());
            }
        } else {
            compare(out, "complete date", v.completeDate(), known);
        }
        compare(out, "reminder", v.reminderSet() ? v.reminderAt() : null,
                item.reminderIsSet() ? item.reminderDueBy() : null);
        compare(out, "owner", v.owner(), item.owner().orElse(null));
        compare(out, "created by", v.createdBy(), item.creatorName().orElse(null));
        out.replaceAll(s -> task.id() + " in " + rep.mailbox() + ": " + s);
        return out;
    }

    private static void compare(List<String> out, String field, Object crm, Object exchange) {
        if (!Objects.equals(crm, exchange)) {
            out.add(field + ": CRM wants '" + crm + "', Exchange has '" + exchange + "'");
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}

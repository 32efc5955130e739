package org.tasksync.core.internal.rules;

import java.util.Set;
import org.tasksync.core.mapping.StatusMapping;
import org.tasksync.core.mapping.TaskMapper;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.TaskValues;

/**
 * SPEC §6.3 "update only those fields": which fields of a linked task to write, given what Exchange
 * holds and what the CRM task maps to. The status counts as changed only when the CRM status differs
 * from what Exchange's maps back to (a rep's WaitingOnOthers stays for the CRM's In Progress), and the
 * fields Exchange keeps together (status, percent, complete date) are written together.
 */
public final class FieldDiff {

    private final Set<ExchangeField> managed;
    private final StatusMapping statusMapping;

    public FieldDiff(Set<ExchangeField> managed, StatusMapping statusMapping) {
        this.managed = managed;
        this.statusMapping = statusMapping;
    }

    /**
     * The fields to write.
     *
     * @param current    what Exchange holds as far as the engine knows
     * @param wanted     what the CRM task maps to
     * @param crmStatus  the CRM task's status
     * @param crmPercent the CRM task's percent complete, null for none
     */
    public Set<ExchangeField> changedFields(TaskValues current, TaskValues wanted, String crmStatus,
                                            Integer crmPercent) {
        Set<ExchangeField> fields = wanted.differingFields(current, managed);
        if (fields.contains(ExchangeField.STATUS) && current.status() != null
                && statusMapping.sameCrmStatus(statusMapping.toCrm(current.status()), crmStatus)) {
            fields.remove(ExchangeField.STATUS); // e.g. WaitingOnOthers in Outlook, In Progress in the CRM
            // the percent goes with the status Exchange keeps, not with the one the CRM status maps to
            // (InProgress needs at least 1 %, WaitingOnOthers does not)
            int percent = crmPercent == null ? 0 : crmPercent;
            if (fields.contains(ExchangeField.PERCENT_COMPLETE) && current.percentComplete() != null
                    && current.percentComplete() == TaskMapper.percentFor(current.status(), percent)) {
                fields.remove(ExchangeField.PERCENT_COMPLETE);
            }
        }
        if (fields.contains(ExchangeField.STATUS)) {
            if (managed.contains(ExchangeField.PERCENT_COMPLETE)) {
                fields.add(ExchangeField.PERCENT_COMPLETE);
            }
            if (managed.contains(ExchangeField.COMPLETE_DATE)) {
                fields.add(ExchangeField.COMPLETE_DATE);
            }
        } else if ((fields.contains(ExchangeField.PERCENT_COMPLETE) || fields.contains(ExchangeField.COMPLETE_DATE))
                && managed.contains(ExchangeField.STATUS) && wanted.status() != null
                && wanted.status() == current.status()) {
            // Exchange derives the status from a percent written alone (Not Started with 40 % becomes In
            // Progress), which the next read would take for the rep's change: send the unchanged status along
            fields.add(ExchangeField.STATUS);
        }
        return fields;
    }
}

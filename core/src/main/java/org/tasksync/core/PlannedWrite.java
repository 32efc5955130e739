package org.tasksync.core;

import java.util.Set;
import org.tasksync.core.model.ExchangeField;

/**
 * A write the engine made, or in a dry run would make.
 *
 * @param kind      what kind of write
 * @param mailbox   the mailbox (for CRM status writes, the mailbox the status came from)
 * @param crmTaskId the CRM task
 * @param fields    the Exchange fields written (updates), empty otherwise
 * @param detail    e.g. the status written to the CRM
 */
public record PlannedWrite(Kind kind, String mailbox, String crmTaskId, Set<ExchangeField> fields, String detail) {

    public enum Kind { CREATE, UPDATE, DELETE, CRM_STATUS }

    public PlannedWrite {
        fields = Set.copyOf(fields);
    }

    @Override
    public String toString() {
        return kind + " " + crmTaskId + " in " + mailbox + (fields.isEmpty() ? "" : " " + fields)
                + (detail == null ? "" : " " + detail);
    }
}

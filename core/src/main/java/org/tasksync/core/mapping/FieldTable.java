package org.tasksync.core.mapping;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tasksync.core.model.ExchangeField;

/**
 * The A1 ↔ Outlook field table of SPEC §2, as data: a host reads it, adds A1 fields
 * ({@link #with(FieldMapping)}) and switches single fields off ({@link #without(int)}).
 * Immutable; every change returns a new table.
 */
public final class FieldTable {

    public static final int REP = 4;
    public static final int CREATED_BY = 10;
    public static final int START_DATE = 38;
    public static final int DUE_DATE = 14;
    public static final int STATUS = 2;
    public static final int PRIORITY = 5;
    public static final int PERCENT_COMPLETE = 56;
    public static final int COMPLETE_DATE = 8;
    public static final int REMINDER_DURATION = 42;
    public static final int REMINDER_UNIT = 43;
    public static final int SUBJECT = 58;
    public static final int COMMENTS = 20;

    private final Map<Integer, FieldMapping> fields;

    private FieldTable(Map<Integer, FieldMapping> fields) {
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** The twelve fields the original product synchronizes, all switched on. */
    public static FieldTable defaults() {
        Map<Integer, FieldMapping> m = new LinkedHashMap<>();
        put(m, REP, "Rep", "Owner (TaskOwner)", "PidLidTaskOwner (PSETID_Task 0x811F)", "(decides the mailbox)",
                ExchangeField.OWNER);
        put(m, CREATED_BY, "Created by Rep", "Requested by (PR_CREATOR_NAME)", "tagged property 0x3FF8",
                "open extension createdBy", ExchangeField.CREATED_BY);
        put(m, START_DATE, "Start date", "Start date", "StartDate", "startDateTime", ExchangeField.START_DATE);
        put(m, DUE_DATE, "Due date", "Due date", "DueDate", "dueDateTime", ExchangeField.DUE_DATE);
        put(m, STATUS, "Status", "Status", "Status", "status", ExchangeField.STATUS);
        put(m, PRIORITY, "Priority", "Priority", "Importance", "importance", ExchangeField.IMPORTANCE);
        put(m, PERCENT_COMPLETE, "Complete %", "% complete", "PercentComplete", "open extension percentComplete",
                ExchangeField.PERCENT_COMPLETE);
        put(m, COMPLETE_DATE, "Complete Date", "Complete date", "CompleteDate", "completedDateTime",
                ExchangeField.COMPLETE_DATE);
        put(m, REMINDER_DURATION, "Reminder Duration", "Reminder (calculated with #43)",
                "ReminderDueBy + ReminderIsSet", "reminderDateTime + isReminderOn", ExchangeField.REMINDER);
        put(m, REMINDER_UNIT, "Reminder Unit", "Reminder (see #42)", "ReminderDueBy + ReminderIsSet",
                "reminderDateTime + isReminderOn", ExchangeField.REMINDER);
        put(m, SUBJECT, "Subject", "Subject", "Subject", "title", ExchangeField.SUBJECT);
        put(m, COMMENTS, "Comments", "Text (PR_BODY)", "Body (plain text)", "body (escaped HTML)",
                ExchangeField.BODY);
        return new FieldTable(m);
    }

    private static void put(Map<Integer, FieldMapping> m, int no, String name, String outlook, String ews,
                            String graph, ExchangeField target) {
        m.put(no, new FieldMapping(no, name, outlook, ews, graph, Set.of(target), true));
    }

    /** This table plus (or with a replaced) field. */
    public FieldTable with(FieldMapping mapping) {
        Map<Integer, FieldMapping> m = new LinkedHashMap<>(fields);
        m.put(mapping.a1Number(), mapping);
        return new FieldTable(m);
    }

    /** This table with field {@code a1Number} switched off. */
    public FieldTable without(int a1Number) {
        FieldMapping f = fields.get(a1Number);
        if (f == null) {
            throw new IllegalArgumentException("tasksync.fields.disabled: A1 field #" + a1Number
                    + " is not in the field table " + fields.keySet());
        }
        return with(f.withEnabled(false));
    }

    public List<FieldMapping> fields() {
        return new ArrayList<>(fields.values());
    }

    public Optional<FieldMapping> field(int a1Number) {
        return Optional.ofNullable(fields.get(a1Number));
    }

    public boolean isEnabled(int a1Number) {
        FieldMapping f = fields.get(a1Number);
        return f != null && f.enabled();
    }

    /** "#58 Subject" for a field of this table, "#n" for others. */
    public String label(int a1Number) {
        FieldMapping f = fields.get(a1Number);
        return f == null ? "#" + a1Number : f.label();
    }

    /**
     * The Exchange fields the engine manages: those fed by at least one enabled A1 field. The
     * reminder is managed while either #42 or #43 is on.
     */
    public Set<ExchangeField> managedFields() {
        Set<ExchangeField> out = new LinkedHashSet<>();
        for (FieldMapping f : fields.values()) {
            if (f.enabled()) {
                out.addAll(f.targets());
            }
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (FieldMapping f : fields.values()) {
            sb.append(String.format("%-22s %-34s %-40s %s%n", f.label() + (f.enabled() ? "" : " (off)"),
                    f.outlookName(), f.ewsName(), f.graphName()));
        }
        return sb.toString();
    }
}

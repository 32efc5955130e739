package org.tasksync.adapter.jdbccrm.internal;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tasksync.adapter.jdbccrm.A1Field;
import org.tasksync.core.TaskError;
import org.tasksync.core.model.CrmTask;

/**
 * One row of the task table, read: its keyset position (id, modification time, scheduled day),
 * and either the deletion mark, a {@link CrmTask}, or the errors that kept it from being one.
 *
 * <p>Reading never throws for a bad value: a value that cannot be read (an unknown catalog code,
 * null where a task needs a value, a number that is no whole number) becomes a {@link TaskError}
 * naming the task, the field ("#2 Status"), the value and the reason, and the next row goes on.
 * Values that are readable but wrong for Exchange (percent 300, due before start, a long subject)
 * pass through; the engine checks them. A row with several bad values gives one error, for its
 * first bad field, whose reason lists the others, so that a page never holds more entries than
 * rows.
 */
public record TaskRow(String id, Instant modifiedAt, LocalDate scheduledDay, boolean deleted, CrmTask task,
                      TaskError error) {

    private static final String NO_ID = "(no id)";

    public static TaskRow read(ResultSet rs, TaskTable table) throws SQLException {
        String id = trimToNull(rs.getString(TaskTable.ID));
        Instant modifiedAt = table.timestamps().read(rs, TaskTable.MODIFIED_AT);
        LocalDate scheduledDay = rs.getObject(TaskTable.SCHEDULED_DAY, LocalDate.class);
        if (SqlValue.flag(rs.getObject(TaskTable.DELETED))) {
            return new TaskRow(id, modifiedAt, scheduledDay, true, null, null);
        }
        FieldReader r = new FieldReader(rs, id == null ? NO_ID : id, table);
        if (id == null) {
            r.error("id", null, "the row has no id");
        }
        if (modifiedAt == null) {
            r.error("modification time", null, "the row has no modification time");
        }
        CrmTask.Builder b = CrmTask.builder(id == null ? NO_ID : id)
                .repId(r.id(A1Field.REP))
                .createdByRepId(r.id(A1Field.CREATED_BY_REP))
                .startDate(r.date(A1Field.START_DATE))
                .dueDate(r.date(A1Field.DUE_DATE))
                .status(r.catalog(A1Field.STATUS, table.settings().statusCatalog(), "status"))
                .priority(r.catalog(A1Field.PRIORITY, table.settings().priorityCatalog(), "priority"))
                .percentComplete(r.whole(A1Field.COMPLETE_PERCENT))
                .completeDate(r.date(A1Field.COMPLETE_DATE))
                .reminder(r.whole(A1Field.REMINDER_DURATION),
                        r.catalog(A1Field.REMINDER_UNIT, table.settings().reminderUnitCatalog(), "reminder unit"))
                .subject(r.text(A1Field.SUBJECT))
                .comments(r.text(A1Field.COMMENTS))
                .modifiedAt(modifiedAt == null ? Instant.EPOCH : modifiedAt);
        for (Map.Entry<Integer, Integer> e : table.extraFieldIndex().entrySet()) {
            b.extraField(e.getKey(), r.extra(e.getKey(), e.getValue()));
        }
        if (!r.errors.isEmpty()) {
            return new TaskRow(id, modifiedAt, scheduledDay, false, null, r.combinedError());
        }
        return new TaskRow(id, modifiedAt, scheduledDay, false, b.build(), null);
    }

    /** The id to report the row under, also when the row has none. */
    public String reportedId() {
        return id == null ? NO_ID : id;
    }

    private static String trimToNull(String s) {
        if (s == null) {
            return null;
        }
        String t = s.trim();
        return t.isEmpty() ? null : t;
    }

    /** Reads the fields of one row and collects what cannot be read. */
    private static final class FieldReader {
        private final ResultSet rs;
        private final String taskId;
        private final TaskTable table;
        private final List<TaskError> errors = new ArrayList<>();

        FieldReader(ResultSet rs, String taskId, TaskTable table) {
            this.rs = rs;
            this.taskId = taskId;
            this.table = table;
        }

        void error(String field, String value, String reason) {
            errors.add(new TaskError(taskId, field, value, reason));
        }

        TaskError combinedError() {
            TaskError first = errors.get(0);
            if (errors.size() == 1) {
                return first;
            }
            StringBuilder reason = new StringBuilder(first.reason()).append("; also");
            for (TaskError e : errors.subList(1, errors.size())) {
                reason.append(' ').append(e.field()).append(" = ")
                        .append(e.value() == null ? "(empty)" : "'" + e.value() + "'").append(": ").append(e.reason())
                        .append(';');
            }
            reason.setLength(reason.length() - 1);
            return new TaskError(first.taskId(), first.field(), first.value(), reason.toString());
        }

        private Integer column(A1Field f) {
            return table.fieldIndex().get(f);
        }

        private Object raw(A1Field f) {
            Integer c = column(f);
            if (c == null) {
                return null;
            }
            try {
                return rs.getObject(c);
            } catch (SQLException | RuntimeException e) {
                error(f.label(), null, "the value cannot be read: " + e.getMessage());
                return null;
            }
        }

        String text(A1Field f) {
            Integer c = column(f);
            if (c == null) {
                return null;
            }
            try {
                String v = rs.getString(c);
                if (v == null && f.required()) {
                    error(f.label(), null, "the task has no " + f.title().toLowerCase(Locale.ROOT) + " (null)");
                }
                return v;
            } catch (SQLException | RuntimeException e) {
                error(f.label(), null, "the value cannot be read: " + e.getMessage());
                return null;
            }
        }

        String id(A1Field f) {
            Object v = raw(f);
            String s = v == null ? null : trimToNull(normalizeNumber(v));
            if (s == null && f.required()) {
                error(f.label(), null, "the task has no " + f.title().toLowerCase(Locale.ROOT) + " (null)");
            }
            return s;
        }

        LocalDate date(A1Field f) {
            Integer c = column(f);
            if (c == null) {
                return null;
            }
            try {
                return rs.getObject(c, LocalDate.class);
            } catch (SQLException | RuntimeException e) {
                error(f.label(), safeString(c), "not a date");
                return null;
            }
        }

        Integer whole(A1Field f) {
            Object v = raw(f);
            if (v == null) {
                return null;
            }
            try {
                BigDecimal d = v instanceof Number ? new BigDecimal(v.toString()) : new BigDecimal(v.toString().trim());
                return d.stripTrailingZeros().intValueExact();
            } catch (NumberFormatException | ArithmeticException e) {
                error(f.label(), v.toString(), "not a whole number");
                return null;
            }
        }

        String catalog(A1Field f, Map<String, String> catalog, String what) {
            if (column(f) == null) {
                return null;
            }
            Object v = raw(f);
            String code = v == null ? null : trimToNull(normalizeNumber(v));
            if (code == null) {
                if (f.required()) {
                    error(f.label(), null, "the task has no " + what + " (null)");
                }
                return null;
            }
            String value = catalog.get(code);
            if (value == null) {
                error(f.label(), code, "no " + what + " mapping for this database code (known codes: "
                        + catalog.keySet() + ")");
            }
            return value;
        }

        String extra(int number, int c) {
            try {
                return rs.getString(c);
            } catch (SQLException | RuntimeException e) {
                error("#" + number, null, "the value cannot be read: " + e.getMessage());
                return null;
            }
        }

        private String safeString(int c) {
            try {
                return rs.getString(c);
            } catch (SQLException | RuntimeException e) {
                return null;
            }
        }

        /** 2, 2.0 and 2.00 from a numeric column are all code "2". */
        private static String normalizeNumber(Object v) {
            if (v instanceof Number) {
                try {
                    return new BigDecimal(v.toString()).stripTrailingZeros().toPlainString();
                } catch (NumberFormatException e) {
                    return v.toString();
                }
            }
            return v.toString();
        }
    }
}

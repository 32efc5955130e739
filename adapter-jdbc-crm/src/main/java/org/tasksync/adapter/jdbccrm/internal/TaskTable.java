package org.tasksync.adapter.jdbccrm.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tasksync.adapter.jdbccrm.A1Field;
import org.tasksync.adapter.jdbccrm.JdbcCrmSettings;

/**
 * The task table as the adapter sees it: the settings plus the column types the driver reports,
 * and the SQL built from both. Built once per adapter by {@link #probe}.
 *
 * <p>Every statement is keyset-paged and ordered by columns that the reference schema indexes:
 * (modification time, id) for changes, (scheduled day, id) for the time frame, the id for reads
 * by id. Page sizes go in as {@code FETCH FIRST ? ROWS ONLY}.
 *
 * <p>The select list is the same for every read: id, modification time, deletion mark, scheduled
 * day, then the configured A1 fields in {@link A1Field} order, then the extra fields.
 */
public final class TaskTable {

    public static final int ID = 1;
    public static final int MODIFIED_AT = 2;
    public static final int DELETED = 3;
    public static final int SCHEDULED_DAY = 4;
    private static final int FIRST_FIELD = 5;

    private final JdbcCrmSettings settings;
    private final boolean idNumeric;
    private final boolean repIdNumeric;
    private final boolean statusNumeric;
    private final SqlValue.Timestamps timestamps;
    private final String notDeleted;
    private final String scheduledDay;
    private final String select;
    private final Map<A1Field, Integer> fieldIndex;
    private final Map<Integer, Integer> extraFieldIndex;

    private TaskTable(JdbcCrmSettings settings, ResultSetMetaData md, String scheduledDay, String select,
                      Map<A1Field, Integer> fieldIndex, Map<Integer, Integer> extraFieldIndex) throws SQLException {
        this.settings = settings;
        this.scheduledDay = scheduledDay;
        this.select = select;
        this.fieldIndex = Collections.unmodifiableMap(fieldIndex);
        this.extraFieldIndex = Collections.unmodifiableMap(extraFieldIndex);
        this.idNumeric = SqlValue.isNumeric(md, ID);
        this.timestamps = SqlValue.Timestamps.of(md, MODIFIED_AT, settings.databaseTimeZone());
        this.notDeleted = SqlValue.flagNotSet(settings.deletedColumn(), md.getColumnType(DELETED));
        this.repIdNumeric = SqlValue.isNumeric(md, fieldIndex.get(A1Field.REP));
        this.statusNumeric = SqlValue.isNumeric(md, fieldIndex.get(A1Field.STATUS));
    }

    /**
     * Reads the column types with a query that returns no row, which also fails early, naming the
     * database's complaint, when a configured table or column does not exist.
     */
    public static TaskTable probe(Connection connection, JdbcCrmSettings s) throws SQLException {
        String scheduledDay = s.scheduledDayColumn().orElseGet(() -> scheduledDayExpression(s));
        List<String> columns = new ArrayList<>();
        columns.add(s.taskIdColumn());
        columns.add(s.modifiedAtColumn());
        columns.add(s.deletedColumn());
        columns.add(scheduledDay);
        Map<A1Field, Integer> fieldIndex = new LinkedHashMap<>();
        for (A1Field f : A1Field.values()) {
            s.fieldColumn(f).ifPresent(c -> {
                columns.add(c);
                fieldIndex.put(f, columns.size());
            });
        }
        Map<Integer, Integer> extraIndex = new LinkedHashMap<>();
        s.extraFieldColumns().forEach((n, c) -> {
            columns.add(c);
            extraIndex.put(n, columns.size());
        });
        String select = "SELECT " + String.join(", ", columns) + " FROM " + s.taskTable();
        try (PreparedStatement ps = connection.prepareStatement(select + " WHERE 1 = 0");
             ResultSet rs = ps.executeQuery()) {
            return new TaskTable(s, rs.getMetaData(), scheduledDay, select, fieldIndex, extraIndex);
        }
    }

    private static String scheduledDayExpression(JdbcCrmSettings s) {
        String due = s.fieldColumn(A1Field.DUE_DATE).orElse(null);
        String start = s.fieldColumn(A1Field.START_DATE).orElse(null);
        if (due != null && start != null) {
            return "COALESCE(" + due + ", " + start + ")";
        }
        if (due != null || start != null) {
            return due != null ? due : start;
        }
        return "CAST(NULL AS DATE)";
    }

    public JdbcCrmSettings settings() { return settings; }
    public SqlValue.Timestamps timestamps() { return timestamps; }
    public Map<A1Field, Integer> fieldIndex() { return fieldIndex; }
    public Map<Integer, Integer> extraFieldIndex() { return extraFieldIndex; }
    public boolean statusNumeric() { return statusNumeric; }

    /** An id as the id column wants it; null when the value cannot be an id of this table. */
    public Object idKey(String id) { return SqlValue.key(id, idNumeric); }

    /** A rep id as the rep column wants it; null when the value cannot be one. */
    public Object repKey(String repId) { return SqlValue.key(repId, repIdNumeric); }

    private String id() { return settings.taskIdColumn(); }
    private String modified() { return settings.modifiedAtColumn(); }

    // --- changes: ordered by (modification time, id), deleted rows included -----------------

    /** The first page when there is no cursor. Params: limit. */
    public String changesFromStart() {
        return select + " WHERE " + modified() + " IS NOT NULL ORDER BY " + modified() + ", " + id()
                + " FETCH FIRST ? ROWS ONLY";
    }

    /** Rows modified at or after a time. Params: time, limit. */
    public String changesFrom() {
        return select + " WHERE " + modified() + " >= ? ORDER BY " + modified() + ", " + id()
                + " FETCH FIRST ? ROWS ONLY";
    }

    /**
     * Rows after (time, id). The redundant {@code >=} gives every database a plain range on the
     * index's first column. Params: time, time, id, limit.
     */
    public String changesAfter() {
        return select + " WHERE " + modified() + " >= ? AND (" + modified() + " > ? OR " + id() + " > ?)"
                + " ORDER BY " + modified() + ", " + id() + " FETCH FIRST ? ROWS ONLY";
    }

    // --- time frame: ordered by (scheduled day, id), deleted rows left out --------------------

    /**
     * Scheduled tasks from a day (inclusive) to a day (inclusive), optionally after an id on the
     * first day. Params: from, to, [first day, id], rep ids..., limit.
     */
    public String scheduled(boolean afterId, int repCount) {
        return select + " WHERE " + scheduledDay + " >= ? AND " + scheduledDay + " <= ?"
                + (afterId ? " AND (" + scheduledDay + " > ? OR " + id() + " > ?)" : "")
                + " AND " + notDeleted + repFilter(repCount)
                + " ORDER BY " + scheduledDay + ", " + id() + " FETCH FIRST ? ROWS ONLY";
    }

    /**
     * Tasks with neither date, optionally after an id. Ordered by (scheduled day, id) like the
     * scheduled ones, so the same index serves. Params: [id], rep ids..., limit.
     */
    public String unscheduled(boolean afterId, int repCount) {
        return select + " WHERE " + scheduledDay + " IS NULL"
                + (afterId ? " AND " + id() + " > ?" : "")
                + " AND " + notDeleted + repFilter(repCount)
                + " ORDER BY " + scheduledDay + ", " + id() + " FETCH FIRST ? ROWS ONLY";
    }

    private String repFilter(int repCount) {
        if (repCount == 0) {
            return "";
        }
        return " AND " + settings.fieldColumn(A1Field.REP).orElseThrow() + " IN (" + placeholders(repCount) + ")";
    }

    // --- by id ---------------------------------------------------------------------------------

    /** Rows with these ids, deleted or not. Params: n ids. */
    public String byIds(int n) {
        return select + " WHERE " + id() + " IN (" + placeholders(n) + ")";
    }

    // --- status write-back -----------------------------------------------------------------------

    /**
     * Sets status and modification time if the row is not deleted and still has the expected
     * modification time. Params: status code, new time, id, expected time.
     */
    public String writeStatus() {
        return "UPDATE " + settings.taskTable() + " SET " + settings.fieldColumn(A1Field.STATUS).orElseThrow()
                + " = ?, " + modified() + " = ? WHERE " + id() + " = ? AND " + modified() + " = ? AND " + notDeleted;
    }

    /** The modification time and deletion mark of one row. Params: id. */
    public String currentState() {
        return "SELECT " + modified() + ", " + settings.deletedColumn() + " FROM " + settings.taskTable()
                + " WHERE " + id() + " = ?";
    }

    /** A status code as the status column wants it. */
    public Object statusKey(String code) {
        Object key = SqlValue.key(code, statusNumeric);
        if (key == null) {
            throw new IllegalStateException("status code '" + code + "' is not a number, but the column "
                    + settings.fieldColumn(A1Field.STATUS).orElseThrow() + " is numeric");
        }
        return key;
    }

    private static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }
}

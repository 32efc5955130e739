package org.tasksync.adapter.jdbccrm.internal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tasksync.adapter.jdbccrm.A1Field;
import org.tasksync.adapter.jdbccrm.CrmDialect;
import org.tasksync.adapter.jdbccrm.JdbcCrmSettings;

/**
 * The task table as the adapter sees it: the settings plus the column types the driver reports,
 * and the SQL built from both. Built once per adapter by {@link #probe}.
 *
 * <p>Every statement is keyset-paged and ordered by columns that the reference schema indexes:
 * (modification time, id) for changes, (rep, scheduled day, id) for the time frame (see there),
 * the id for reads by id. Page sizes go in as {@code FETCH FIRST ? ROWS ONLY}, or as the
 * {@link CrmDialect} writes a row limit. Only the constructs of {@link CrmDialect} differ between
 * databases; the SQL for H2 and PostgreSQL is the standard form.
 *
 * <p>The select list is the same for every read: id, modification time, deletion mark (a constant
 * when there is none), scheduled day, then the configured A1 fields in {@link A1Field} order, then
 * the extra fields. With a deletion log, change reads merge the log's entries in as rows that are
 * marked deleted and carry nothing else, followed by a source column (0 task row, 1 log entry).
 */
public final class TaskTable {

    public static final int ID = 1;
    public static final int MODIFIED_AT = 2;
    public static final int DELETED = 3;
    public static final int SCHEDULED_DAY = 4;
    private static final int FIRST_FIELD = 5;

    private final JdbcCrmSettings settings;
    private final CrmDialect dialect;
    private final boolean idNumeric;
    private final boolean repIdNumeric;
    private final boolean statusNumeric;
    private final SqlValue.Timestamps timestamps;
    private final String andNotDeleted;
    private final String markSet;
    private final String markNotSet;
    private final String scheduledDay;
    private final String select;
    private final int selectedColumns;
    private final Map<A1Field, Integer> fieldIndex;
    private final Map<Integer, Integer> extraFieldIndex;

    private TaskTable(JdbcCrmSettings settings, CrmDialect dialect, ResultSetMetaData md, String scheduledDay,
                      String select, Map<A1Field, Integer> fieldIndex, Map<Integer, Integer> extraFieldIndex)
            throws SQLException {
        this.settings = settings;
        this.dialect = dialect;
        this.scheduledDay = scheduledDay;
        this.select = select;
        this.selectedColumns = md.getColumnCount();
        this.fieldIndex = Collections.unmodifiableMap(fieldIndex);
        this.extraFieldIndex = Collections.unmodifiableMap(extraFieldIndex);
        this.idNumeric = SqlValue.isNumeric(md, ID);
        this.timestamps = SqlValue.Timestamps.of(md, MODIFIED_AT, settings.databaseTimeZone());
        int markType = md.getColumnType(DELETED);
        this.andNotDeleted = settings.deletedColumn()
                .map(c -> " AND " + SqlValue.flagNotSet(c, markType, dialect.booleanLiterals()))
                .orElse("");
        String[] literals = SqlValue.flagLiterals(markType, dialect.booleanLiterals());
        this.markSet = literals[0];
        this.markNotSet = literals[1];
        this.repIdNumeric = SqlValue.isNumeric(md, fieldIndex.get(A1Field.REP));
        this.statusNumeric = SqlValue.isNumeric(md, fieldIndex.get(A1Field.STATUS));
    }

    /**
     * Reads the column types with a query that returns no row, which also fails early, naming the
     * database's complaint, when a configured table or column does not exist. The dialect is the
     * forced one, else the one of the database's product name.
     *
     * @throws IllegalStateException when the database has no dialect, or a configured name is
     *                               longer than the database takes
     */
    public static TaskTable probe(Connection connection, JdbcCrmSettings s) throws SQLException {
        DatabaseMetaData md = connection.getMetaData();
        CrmDialect dialect = s.dialect().isPresent() ? s.dialect().get() : CrmDialect.of(md);
        // a dialect forced onto another product (a test database in a compatibility mode) has no version of its own
        boolean ownProduct = dialect.productName().equalsIgnoreCase(String.valueOf(md.getDatabaseProductName()).trim());
        int longest = ownProduct ? dialect.maxIdentifierLength(md.getDatabaseMajorVersion(), md.getDatabaseMinorVersion())
                : dialect.maxIdentifierLength(Integer.MAX_VALUE, 0);
        s.identifiers().forEach((key, name) -> {
            if (name.length() > longest) {
                throw new IllegalStateException(key + " = '" + name + "' is " + name.length()
                        + " characters long, but " + dialect.productName()
                        + " takes names of at most " + longest);
            }
        });
        String scheduledDay = s.scheduledDayColumn().orElseGet(() -> scheduledDayExpression(s));
        List<String> columns = new ArrayList<>();
        columns.add(s.taskIdColumn());
        columns.add(s.modifiedAtColumn());
        columns.add(s.deletedColumn().orElse(dialect.notDeletedConstant()));
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
        String select = "SELECT " + String.join(", ", columns);
        try (PreparedStatement ps = connection.prepareStatement(select + " FROM " + s.taskTable() + " WHERE 1 = 0");
             ResultSet rs = ps.executeQuery()) {
            TaskTable table = new TaskTable(s, dialect, rs.getMetaData(), scheduledDay, select, fieldIndex, extraIndex);
            if (s.deletionLogTable().isPresent()) {
                try (PreparedStatement log = connection.prepareStatement("SELECT " + s.deletionLogTaskIdColumn() + ", "
                        + s.deletionLogDeletedAtColumn() + " FROM " + s.deletionLogTable().get() + " WHERE 1 = 0");
                     ResultSet ignored = log.executeQuery()) {
                    // the deletion log exists with these columns
                }
            }
            return table;
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
    public CrmDialect dialect() { return dialect; }
    /** The query of the database clock. */
    public String clockQuery() { return dialect.clockQuery(); }
    public SqlValue.Timestamps timestamps() { return timestamps; }
    public Map<A1Field, Integer> fieldIndex() { return fieldIndex; }
    public Map<Integer, Integer> extraFieldIndex() { return extraFieldIndex; }
    public boolean statusNumeric() { return statusNumeric; }

    /** An id as the id column wants it; null when the value cannot be an id of this table. */
    public Object idKey(String id) { return SqlValue.key(id, idNumeric); }

    /** A rep id as the rep column wants it; null when the value cannot be one. */
    public Object repKey(String repId) { return SqlValue.key(repId, repIdNumeric); }

    private String id() { return settings.taskIdColumn(); }
    private String from() { return " FROM " + settings.taskTable(); }
    private String modified() { return settings.modifiedAtColumn(); }

    // --- changes: ordered by (modification time, id), deleted rows included -----------------

    /** Whether change reads merge a deletion log in. */
    public boolean hasDeletionLog() {
        return settings.deletionLogTable().isPresent();
    }

    /** With a deletion log, the column that tells log entries (1) from task rows (0). */
    public int sourceColumn() {
        return selectedColumns + 1;
    }

    /**
     * The changes after a position: from the first change ({@code from} null), from a time
     * ({@code from.id()} null), or after a row or log entry. Parameters, in order: the position's
     * values for the task table (none; time; time, time, id), the limit, and with a deletion log
     * the same position values again for the log, its limit, and the limit of the merge. The
     * redundant {@code >=} gives every database a plain range on the index's first column.
     */
    public String changes(ChangeCursor from) {
        String m = modified();
        String tasks = select + (hasDeletionLog() ? ", 0" : "") + " FROM " + settings.taskTable()
                + " WHERE " + after(from, m, id(), false) + " ORDER BY " + m + ", " + id() + limit();
        if (!hasDeletionLog()) {
            return tasks;
        }
        String logId = settings.deletionLogTaskIdColumn();
        String logAt = settings.deletionLogDeletedAtColumn();
        StringBuilder log = new StringBuilder("SELECT ").append(logId).append(", ").append(logAt).append(", ")
                .append(markSet).append(", CAST(NULL AS DATE)");
        for (int i = FIRST_FIELD; i <= selectedColumns; i++) {
            log.append(", NULL");
        }
        log.append(", 1 FROM ").append(settings.deletionLogTable().get())
                .append(" WHERE ").append(after(from, logAt, logId, true))
                .append(" ORDER BY ").append(logAt).append(", ").append(logId).append(limit());
        if (dialect.orderedUnionParts()) {
            return "(" + tasks + ") UNION ALL (" + log + ") ORDER BY 2, 1, " + sourceColumn() + limit();
        }
        String names = columnNames(sourceColumn());
        return "SELECT * FROM (" + tasks + ") AS t (" + names + ") UNION ALL SELECT * FROM (" + log + ") AS l (" + names
                + ") ORDER BY c2, c1, c" + sourceColumn() + limit();
    }

    /** A row limit after an ORDER BY, its count a parameter. */
    private String limit() {
        return dialect.fetchFirst() + "? ROWS ONLY";
    }

    /** c1, c2, ... cn: names for the columns of a derived table (T-SQL needs every one named, and once). */
    private static String columnNames(int n) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            names.add("c" + i);
        }
        return String.join(", ", names);
    }

    /** The keyset condition of one source; a log entry sorts after a task row of equal time and id. */
    private static String after(ChangeCursor from, String at, String id, boolean logSource) {
        if (from == null) {
            return at + " IS NOT NULL";
        }
        if (from.id() == null) {
            return at + " >= ?";
        }
        boolean sameKeyComesAfter = logSource && !from.logged();
        return at + " >= ? AND (" + at + " > ? OR " + id + (sameKeyComesAfter ? " >= ?" : " > ?") + ")";
    }

    // --- time frame: one rep's tasks together, deleted rows left out ---------------------------
    //
    // The order is (rep, scheduled day, id): the tasks without a rep first, then rep by rep; within
    // a rep its scheduled tasks by (day, id), then its unscheduled ones by id. A read goes one of two
    // ways, each with a plain index access whatever the planner estimates:
    // - sorted: one statement per page over all reps, reading the day range through the
    //   (scheduled day, id) index (with a rep filter, the listed reps' ranges of the rep index) and
    //   sorting it. Used for reads of a few pages, such as the days that enter the window. The rep
    //   sorts NULLS FIRST, an order that the (rep, scheduled day, id) index cannot deliver, so that
    //   no planner walks that whole index to save the sort (PostgreSQL's generic plan would).
    // - rep by rep: statements with rep = ? (or rep IS NULL), each a range of the
    //   (rep, scheduled day, id) index, and the next rep from the same index. Used for large reads
    //   and for reads that include the unscheduled tasks, whose IS NULL has no bounded day range.

    private String rep() { return settings.fieldColumn(A1Field.REP).orElseThrow(); }

    /** The position of the rep id in the select list. */
    public int repColumn() { return fieldIndex.get(A1Field.REP); }

    /** A rep id read back from the rep column, as that column wants it; null when it cannot be bound. */
    public Object repPositionKey(String rep) { return SqlValue.positionKey(rep, repIdNumeric); }

    /** An id read back from the id column, as that column wants it; null when it cannot be bound. */
    public Object idPositionKey(String id) { return SqlValue.positionKey(id, idNumeric); }

    /**
     * A row exists when more than {@code most} scheduled rows in {@code [from, to]} belong to the
     * reps (null: to any rep), deleted ones included: enough to tell a small read from a large one
     * after reading at most {@code most + 1} index entries. (Not a count over a derived table: H2
     * does not look up an IN list there through the index.)
     */
    public BoundSql scheduledBeyond(LocalDate from, LocalDate to, List<Object> reps, int most) {
        BoundSql q = new BoundSql().sql("SELECT 1" + from() + " WHERE ")
                .sql(scheduledDay + " >= ").value(from).sql(" AND " + scheduledDay + " <= ").value(to);
        repFilter(q, reps);
        if (dialect.limitNeedsOrderBy()) {
            q.sql(" ORDER BY " + scheduledDay + ", " + id());
        }
        return q.sql(" OFFSET ").value(most).sql(" ROWS FETCH FIRST 1 ROWS ONLY");
    }

    /**
     * Sorted: the scheduled tasks in {@code [from, to]} of the reps (null: of all reps) after a
     * position (null: from the first), in the read's order, at most {@code limit}.
     */
    public BoundSql sortedScheduled(LocalDate from, LocalDate to, List<Object> reps, FramePosition after, int limit) {
        BoundSql q = new BoundSql().sql(select + from() + " WHERE ")
                .sql(scheduledDay + " >= ").value(from).sql(" AND " + scheduledDay + " <= ").value(to)
                .sql(andNotDeleted);
        repFilter(q, reps);
        if (after != null) {
            if (after.unscheduled() || after.repIndex() >= 0) {
                throw new IllegalArgumentException("a sorted read has no position among unscheduled or listed reps");
            }
            Object idKey = idPositionKey(after.id());
            if (after.repNull()) {
                q.sql(" AND (" + rep() + " IS NOT NULL OR ");
            } else {
                Object repKey = repPositionKey(after.rep());
                q.sql(" AND (" + rep() + " > ").value(repKey).sql(" OR (" + rep() + " = ").value(repKey).sql(" AND (");
            }
            q.sql(scheduledDay + " > ").value(after.day()).sql(" OR (" + scheduledDay + " = ").value(after.day())
                    .sql(" AND " + id() + " > ").value(idKey).sql(after.repNull() ? "))" : "))))");
        }
        return q.sql(" ORDER BY " + dialect.nullsFirst(rep()) + ", " + scheduledDay + ", " + id() + dialect.fetchFirst())
                .value(limit).sql(" ROWS ONLY");
    }

    /**
     * Rep by rep: the tasks of one rep ({@code repKey} null: the tasks without a rep) after a
     * position within that rep (null: from its first), scheduled in {@code [from, to]} by (day, id),
     * then, if {@code unscheduled}, the unscheduled ones by id; at most {@code limit}. Each part is
     * ordered by the whole (rep, scheduled day, id) key, which H2 needs to pick that index for it.
     */
    public BoundSql ofRep(Object repKey, LocalDate from, LocalDate to, boolean unscheduled, FramePosition after,
                          int limit) {
        boolean scheduledPart = after == null || !after.unscheduled();
        boolean unscheduledPart = unscheduled;
        if (!scheduledPart && !unscheduledPart) {
            throw new IllegalArgumentException("a position among the unscheduled tasks in a read without them");
        }
        Object idKey = after == null ? null : idPositionKey(after.id());
        BoundSql q = new BoundSql();
        boolean both = scheduledPart && unscheduledPart;
        // T-SQL: each part a derived table, with a part number that sorts the unscheduled (NULL) days last
        boolean derived = both && !dialect.orderedUnionParts();
        String names = columnNames(selectedColumns + 1);
        if (scheduledPart) {
            q.sql(both ? (derived ? "SELECT * FROM (" : "(") : "").sql(select + (derived ? ", 0" : "") + from() + " WHERE ");
            repIs(q, repKey);
            LocalDate lowest = after == null ? from : after.day();
            q.sql(" AND " + scheduledDay + " >= ").value(lowest).sql(" AND " + scheduledDay + " <= ").value(to);
            if (after != null) {
                q.sql(" AND (" + scheduledDay + " > ").value(after.day()).sql(" OR " + id() + " > ").value(idKey).sql(")");
            }
            q.sql(andNotDeleted + " ORDER BY " + rep() + ", " + scheduledDay + ", " + id() + dialect.fetchFirst()).value(limit)
                    .sql(" ROWS ONLY").sql(both ? (derived ? ") AS s (" + names + ") UNION ALL SELECT * FROM (" : ") UNION ALL (") : "");
        }
        if (unscheduledPart) {
            q.sql(select + (derived ? ", 1" : "") + from() + " WHERE ");
            repIs(q, repKey);
            q.sql(" AND " + scheduledDay + " IS NULL");
            if (after != null && after.unscheduled()) {
                q.sql(" AND " + id() + " > ").value(idKey);
            }
            q.sql(andNotDeleted + " ORDER BY " + rep() + ", " + scheduledDay + ", " + id() + dialect.fetchFirst()).value(limit)
                    .sql(" ROWS ONLY");
        }
        if (derived) {
            q.sql(") AS u (" + names + ") ORDER BY c" + (selectedColumns + 1) + ", c" + SCHEDULED_DAY + ", c" + ID
                    + dialect.fetchFirst()).value(limit).sql(" ROWS ONLY");
        } else if (both) {
            q.sql(") ORDER BY " + SCHEDULED_DAY + " NULLS LAST, " + ID + " FETCH FIRST ").value(limit).sql(" ROWS ONLY");
        }
        return q;
    }

    /** The smallest rep id of any task. */
    public BoundSql firstRep() {
        return new BoundSql().sql("SELECT MIN(" + rep() + ")" + from());
    }

    /** The next rep id after {@code repKey} of any task. */
    public BoundSql repAfter(Object repKey) {
        return new BoundSql().sql("SELECT " + rep() + from() + " WHERE " + rep() + " > ").value(repKey)
                .sql(" ORDER BY " + rep() + dialect.fetchFirst() + "1 ROWS ONLY");
    }

    private void repIs(BoundSql q, Object repKey) {
        if (repKey == null) {
            q.sql(rep() + " IS NULL");
        } else {
            q.sql(rep() + " = ").value(repKey);
        }
    }

    private void repFilter(BoundSql q, List<Object> reps) {
        if (reps != null) {
            q.sql(" AND " + rep() + " IN (").values(reps).sql(")");
        }
    }

    // --- by id ---------------------------------------------------------------------------------

    /** Rows with these ids, deleted or not. Params: n ids. */
    public String byIds(int n) {
        return select + from() + " WHERE " + id() + " IN (" + placeholders(n) + ")";
    }

    // --- status write-back -----------------------------------------------------------------------

    /**
     * Sets status and modification time if the row is not deleted and still has the expected
     * modification time. Params: status code, new time, id, expected time.
     */
    public String writeStatus() {
        return "UPDATE " + settings.taskTable() + " SET " + settings.fieldColumn(A1Field.STATUS).orElseThrow()
                + " = ?, " + modified() + " = ? WHERE " + id() + " = ? AND " + modified() + " = ?" + andNotDeleted
                + (dialect == CrmDialect.POSTGRESQL ? ORIGIN_MARK : "");
    }

    /**
     * On PostgreSQL the status write marks its own transaction (a setting local to it), so that the
     * change trigger of notify-postgresql.sql leaves the write-back out. A condition of the UPDATE
     * rather than a statement of its own: a row is updated only after every condition held for it,
     * so the mark is set before the row's trigger runs, without a second round trip or a transaction
     * the adapter would have to open on an autocommit connection.
     */
    public static final String ORIGIN_MARK = " AND set_config('tasksync.origin', 'engine', true) = 'engine'";

    /** The modification time and deletion mark of one row. Params: id. */
    public String currentState() {
        return "SELECT " + modified() + ", " + settings.deletedColumn().orElse(markNotSet) + " FROM " + settings.taskTable()
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

package org.tasksync.adapter.jdbccrm;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.tasksync.core.settings.PropertyReader;

/**
 * How the CRM's tables look: which table holds the A1 tasks and the reps, which column holds each
 * field, which database codes stand for which catalog values, and how far the change cursor stays
 * behind the database clock.
 *
 * <p>Immutable and thread-safe. Built with {@link #builder()}, which checks every value as it is
 * set and names the key and the value in its error, or read from {@link Properties} with
 * {@link #fromProperties(Properties)} (keys under {@value #PREFIX}, listed in
 * {@code docs/jdbc-crm.md}). The defaults describe the reference schema that
 * {@link ReferenceSchema} creates.
 *
 * <p>Every table and column name must be a plain SQL identifier ({@code [A-Za-z_][A-Za-z0-9_]*}):
 * names go into SQL text unquoted, so anything else is rejected rather than escaped.
 */
public final class JdbcCrmSettings {

    /** The prefix of every property key this class reads. */
    public static final String PREFIX = "tasksync.crm.jdbc.";

    public static final String TASK_TABLE = PREFIX + "task-table";
    public static final String REP_TABLE = PREFIX + "rep-table";
    public static final String TASK_ID_COLUMN = PREFIX + "column.id";
    public static final String MODIFIED_AT_COLUMN = PREFIX + "column.modified-at";
    public static final String DELETED_COLUMN = PREFIX + "column.deleted";
    public static final String SCHEDULED_DAY_COLUMN = PREFIX + "column.scheduled-day";
    public static final String DELETION_LOG_TABLE = PREFIX + "deletion-log.table";
    public static final String DELETION_LOG_TASK_ID_COLUMN = PREFIX + "deletion-log.column.task-id";
    public static final String DELETION_LOG_DELETED_AT_COLUMN = PREFIX + "deletion-log.column.deleted-at";
    /** Followed by an A1 field number: {@code tasksync.crm.jdbc.column.a1.58 = subject}. */
    public static final String FIELD_COLUMN_PREFIX = PREFIX + "column.a1.";
    public static final String REP_ID_COLUMN = PREFIX + "rep.column.id";
    public static final String REP_DISPLAY_NAME_COLUMN = PREFIX + "rep.column.display-name";
    public static final String REP_EMAIL_COLUMN = PREFIX + "rep.column.email";
    public static final String REP_TIME_ZONE_COLUMN = PREFIX + "rep.column.time-zone";
    public static final String REP_ENABLED_COLUMN = PREFIX + "rep.column.enabled";
    /** Followed by a database code: {@code tasksync.crm.jdbc.catalog.status.2 = Completed}. */
    public static final String STATUS_CATALOG_PREFIX = PREFIX + "catalog.status.";
    public static final String PRIORITY_CATALOG_PREFIX = PREFIX + "catalog.priority.";
    public static final String REMINDER_UNIT_CATALOG_PREFIX = PREFIX + "catalog.reminder-unit.";
    public static final String CHANGE_SAFETY_LAG = PREFIX + "change-safety-lag";
    public static final String DATABASE_TIME_ZONE = PREFIX + "database-time-zone";
    public static final String IDS_PER_QUERY = PREFIX + "ids-per-query";
    /** {@code auto} (the default: from the driver's product name) or a {@link CrmDialect} to force. */
    public static final String DIALECT = PREFIX + "dialect";
    /**
     * The PostgreSQL channel the change trigger NOTIFYs on and the change feed LISTENs to; empty
     * switches the feed off (docs/jdbc-crm.md "Change notifications").
     */
    public static final String NOTIFY_CHANNEL = PREFIX + "notify-channel";
    /** The longest wait between two attempts of the change feed to listen again after losing its connection. */
    public static final String NOTIFY_RECONNECT_MAX_WAIT = PREFIX + "notify-reconnect-max-wait";

    /** Every key without a variable part that {@link #fromProperties} reads. */
    public static final List<String> KEYS = List.of(TASK_TABLE, REP_TABLE, TASK_ID_COLUMN, MODIFIED_AT_COLUMN,
            DELETED_COLUMN, SCHEDULED_DAY_COLUMN, DELETION_LOG_TABLE, DELETION_LOG_TASK_ID_COLUMN,
            DELETION_LOG_DELETED_AT_COLUMN, REP_ID_COLUMN, REP_DISPLAY_NAME_COLUMN, REP_EMAIL_COLUMN,
            REP_TIME_ZONE_COLUMN, REP_ENABLED_COLUMN, CHANGE_SAFETY_LAG, DATABASE_TIME_ZONE, IDS_PER_QUERY, DIALECT,
            NOTIFY_CHANNEL, NOTIFY_RECONNECT_MAX_WAIT);
    /** Prefixes of the keys with a variable last part: field columns and catalogs. */
    public static final List<String> PREFIXES = List.of(FIELD_COLUMN_PREFIX, STATUS_CATALOG_PREFIX,
            PRIORITY_CATALOG_PREFIX, REMINDER_UNIT_CATALOG_PREFIX);

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Lower case, since LISTEN folds an unquoted name to lower case while pg_notify() takes it as written. */
    private static final Pattern CHANNEL = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final int MAX_IDS_PER_QUERY = 1000;
    private static final Duration MAX_SAFETY_LAG = Duration.ofDays(1);

    private final String taskTable;
    private final String repTable;
    private final String taskIdColumn;
    private final String modifiedAtColumn;
    private final String deletedColumn;
    private final String scheduledDayColumn;
    private final String deletionLogTable;
    private final String deletionLogTaskIdColumn;
    private final String deletionLogDeletedAtColumn;
    private final Map<A1Field, String> fieldColumns;
    private final Map<Integer, String> extraFieldColumns;
    private final String repIdColumn;
    private final String repDisplayNameColumn;
    private final String repEmailColumn;
    private final String repTimeZoneColumn;
    private final String repEnabledColumn;
    private final Map<String, String> statusCatalog;
    private final Map<String, String> priorityCatalog;
    private final Map<String, String> reminderUnitCatalog;
    private final Duration changeSafetyLag;
    private final ZoneId databaseTimeZone;
    private final int idsPerQuery;
    private final CrmDialect dialect;
    private final String notifyChannel;
    private final Duration notifyReconnectMaxWait;

    private JdbcCrmSettings(Builder b) {
        taskTable = b.taskTable;
        repTable = b.repTable;
        taskIdColumn = b.taskIdColumn;
        modifiedAtColumn = b.modifiedAtColumn;
        deletedColumn = b.deletedColumn;
        scheduledDayColumn = b.scheduledDayColumn;
        deletionLogTable = b.deletionLogTable;
        deletionLogTaskIdColumn = b.deletionLogTaskIdColumn;
        deletionLogDeletedAtColumn = b.deletionLogDeletedAtColumn;
        fieldColumns = Collections.unmodifiableMap(new EnumMap<>(b.fieldColumns));
        extraFieldColumns = Collections.unmodifiableMap(new TreeMap<>(b.extraFieldColumns));
        repIdColumn = b.repIdColumn;
        repDisplayNameColumn = b.repDisplayNameColumn;
        repEmailColumn = b.repEmailColumn;
        repTimeZoneColumn = b.repTimeZoneColumn;
        repEnabledColumn = b.repEnabledColumn;
        statusCatalog = Collections.unmodifiableMap(new LinkedHashMap<>(b.statusCatalog));
        priorityCatalog = Collections.unmodifiableMap(new LinkedHashMap<>(b.priorityCatalog));
        reminderUnitCatalog = Collections.unmodifiableMap(new LinkedHashMap<>(b.reminderUnitCatalog));
        changeSafetyLag = b.changeSafetyLag;
        databaseTimeZone = b.databaseTimeZone;
        idsPerQuery = b.idsPerQuery;
        dialect = b.dialect;
        notifyChannel = b.notifyChannel;
        notifyReconnectMaxWait = b.notifyReconnectMaxWait;
    }

    /** The settings of the reference schema ({@link ReferenceSchema}). */
    public static JdbcCrmSettings ofDefaults() {
        return builder().build();
    }

    /** A builder that starts from the defaults of the reference schema. */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Reads the keys under {@value #PREFIX} from {@code properties}; keys not given keep their
     * defaults, keys under the prefix that this class does not know are rejected (a typo would
     * otherwise pass unnoticed). Giving any code of a catalog replaces that whole catalog.
     *
     * @throws IllegalArgumentException naming the key and the value that is wrong
     */
    public static JdbcCrmSettings fromProperties(Properties properties) {
        PropertyReader r = PropertyReader.of(properties, "JDBC CRM adapter", "docs/jdbc-crm.md").keys(KEYS)
                .prefixes(PREFIXES).owns(List.of(PREFIX)).rejectUnknown();
        Builder b = builder();
        r.string(TASK_TABLE).ifPresent(b::taskTable);
        r.string(REP_TABLE).ifPresent(b::repTable);
        r.string(TASK_ID_COLUMN).ifPresent(b::taskIdColumn);
        r.string(MODIFIED_AT_COLUMN).ifPresent(b::modifiedAtColumn);
        r.string(DELETED_COLUMN).ifPresent(v -> b.deletedColumn(emptyToNull(v)));
        r.string(DELETION_LOG_TABLE).ifPresent(v -> b.deletionLogTable(emptyToNull(v)));
        r.string(DELETION_LOG_TASK_ID_COLUMN).ifPresent(b::deletionLogTaskIdColumn);
        r.string(DELETION_LOG_DELETED_AT_COLUMN).ifPresent(b::deletionLogDeletedAtColumn);
        r.string(SCHEDULED_DAY_COLUMN).ifPresent(v -> b.scheduledDayColumn(emptyToNull(v)));
        r.string(REP_ID_COLUMN).ifPresent(b::repIdColumn);
        r.string(REP_DISPLAY_NAME_COLUMN).ifPresent(b::repDisplayNameColumn);
        r.string(REP_EMAIL_COLUMN).ifPresent(b::repEmailColumn);
        r.string(REP_TIME_ZONE_COLUMN).ifPresent(v -> b.repTimeZoneColumn(emptyToNull(v)));
        r.string(REP_ENABLED_COLUMN).ifPresent(v -> b.repEnabledColumn(emptyToNull(v)));
        r.secondsOrIsoDuration(CHANGE_SAFETY_LAG).ifPresent(b::changeSafetyLag);
        r.zone(DATABASE_TIME_ZONE).ifPresent(b::databaseTimeZone);
        r.integer(IDS_PER_QUERY).ifPresent(b::idsPerQuery);
        r.string(DIALECT).ifPresent(v -> b.dialect(CrmDialect.parse(DIALECT, v)));
        r.string(NOTIFY_CHANNEL).ifPresent(v -> b.notifyChannel(emptyToNull(v)));
        r.secondsOrIsoDuration(NOTIFY_RECONNECT_MAX_WAIT).ifPresent(b::notifyReconnectMaxWait);
        new TreeMap<>(r.under(FIELD_COLUMN_PREFIX)).forEach((key, v) -> b.fieldColumn(fieldNumber(key), emptyToNull(v)));
        // giving any code of a catalog replaces the whole catalog; codes in key order
        Map<String, String> status = codes(r, STATUS_CATALOG_PREFIX);
        if (!status.isEmpty()) {
            b.statusCatalog(status);
        }
        Map<String, String> priority = codes(r, PRIORITY_CATALOG_PREFIX);
        if (!priority.isEmpty()) {
            b.priorityCatalog(priority);
        }
        Map<String, String> unit = codes(r, REMINDER_UNIT_CATALOG_PREFIX);
        if (!unit.isEmpty()) {
            b.reminderUnitCatalog(unit);
        }
        return b.build();
    }

    private static Map<String, String> codes(PropertyReader r, String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        new TreeMap<>(r.under(prefix)).forEach((key, v) -> out.put(key.substring(prefix.length()), v));
        return out;
    }

    private static int fieldNumber(String key) {
        String n = key.substring(FIELD_COLUMN_PREFIX.length());
        try {
            return Integer.parseInt(n);
        } catch (NumberFormatException e) {
            throw PropertyReader.invalid(key, "a key ending in an A1 field number such as " + FIELD_COLUMN_PREFIX + "58",
                    key);
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** The table of A1 tasks. */
    public String taskTable() { return taskTable; }
    /** The table of reps. */
    public String repTable() { return repTable; }
    /** The task's id column (its opaque id; text or number). */
    public String taskIdColumn() { return taskIdColumn; }
    /** The column the CRM sets to its clock on every insert, update and deletion mark. */
    public String modifiedAtColumn() { return modifiedAtColumn; }
    /**
     * The deletion mark: a boolean, number (non-zero) or text (Y, 1, T, X) column that is set for
     * deleted tasks; empty when the CRM deletes rows and logs them in {@link #deletionLogTable()}.
     */
    public Optional<String> deletedColumn() { return Optional.ofNullable(deletedColumn); }
    /**
     * A table where the CRM logs the ids of the rows it deletes, with the deletion time; empty
     * when the CRM marks deleted rows instead (or as well).
     */
    public Optional<String> deletionLogTable() { return Optional.ofNullable(deletionLogTable); }
    /** The deletion log's task id column (same type as the task id). */
    public String deletionLogTaskIdColumn() { return deletionLogTaskIdColumn; }
    /** The deletion log's time column (same type as the modification time, from the same clock). */
    public String deletionLogDeletedAtColumn() { return deletionLogDeletedAtColumn; }
    /**
     * A column that holds {@code COALESCE(due, start)} (a generated column), or empty when the
     * adapter should use that expression itself (then index the expression).
     */
    public Optional<String> scheduledDayColumn() { return Optional.ofNullable(scheduledDayColumn); }
    /** The column of an A1 field, empty when the field is switched off (never for required fields). */
    public Optional<String> fieldColumn(A1Field field) { return Optional.ofNullable(fieldColumns.get(field)); }
    /** Further A1 fields (number → column) that land in {@code CrmTask.extraFields()}. */
    public Map<Integer, String> extraFieldColumns() { return extraFieldColumns; }
    public String repIdColumn() { return repIdColumn; }
    public String repDisplayNameColumn() { return repDisplayNameColumn; }
    public String repEmailColumn() { return repEmailColumn; }
    /** Empty when the rep table has no time zone (every rep then uses the engine's default zone). */
    public Optional<String> repTimeZoneColumn() { return Optional.ofNullable(repTimeZoneColumn); }
    /** Empty when the rep table has no enabled flag (every rep then takes part). */
    public Optional<String> repEnabledColumn() { return Optional.ofNullable(repEnabledColumn); }
    /** Database status code → catalog value ("Open", "In Progress", ...). */
    public Map<String, String> statusCatalog() { return statusCatalog; }
    /** Database priority code → catalog value ("Low", "Normal", "High"). */
    public Map<String, String> priorityCatalog() { return priorityCatalog; }
    /** Database reminder unit code → catalog value ("minutes", "hours", "days", "weeks"). */
    public Map<String, String> reminderUnitCatalog() { return reminderUnitCatalog; }
    /**
     * How far the change cursor stays behind the database clock at the end of a read, so that a
     * transaction that stamped its rows and committed later is still read: the longest time a
     * CRM transaction may take between stamping a row and committing.
     */
    public Duration changeSafetyLag() { return changeSafetyLag; }
    /** The zone of modification times stored without a time zone (ignored for TIMESTAMP WITH TIME ZONE). */
    public ZoneId databaseTimeZone() { return databaseTimeZone; }
    /** How many ids one {@code IN (...)} list holds when tasks are read by id. */
    public int idsPerQuery() { return idsPerQuery; }
    /** The SQL dialect forced by {@value #DIALECT}; empty to choose it from the database's product name. */
    public Optional<CrmDialect> dialect() { return Optional.ofNullable(dialect); }
    /** The PostgreSQL NOTIFY channel of the change feed; empty when the feed is switched off. */
    public Optional<String> notifyChannel() { return Optional.ofNullable(notifyChannel); }
    /** The longest wait of the change feed between attempts to listen again. */
    public Duration notifyReconnectMaxWait() { return notifyReconnectMaxWait; }

    /** Every configured table and column name, by the key that sets it (for checks against the database's limits). */
    public Map<String, String> identifiers() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(TASK_TABLE, taskTable);
        out.put(REP_TABLE, repTable);
        out.put(TASK_ID_COLUMN, taskIdColumn);
        out.put(MODIFIED_AT_COLUMN, modifiedAtColumn);
        if (deletedColumn != null) {
            out.put(DELETED_COLUMN, deletedColumn);
        }
        if (scheduledDayColumn != null) {
            out.put(SCHEDULED_DAY_COLUMN, scheduledDayColumn);
        }
        if (deletionLogTable != null) {
            out.put(DELETION_LOG_TABLE, deletionLogTable);
            out.put(DELETION_LOG_TASK_ID_COLUMN, deletionLogTaskIdColumn);
            out.put(DELETION_LOG_DELETED_AT_COLUMN, deletionLogDeletedAtColumn);
        }
        fieldColumns.forEach((f, c) -> out.put(FIELD_COLUMN_PREFIX + f.number(), c));
        extraFieldColumns.forEach((n, c) -> out.put(FIELD_COLUMN_PREFIX + n, c));
        out.put(REP_ID_COLUMN, repIdColumn);
        out.put(REP_DISPLAY_NAME_COLUMN, repDisplayNameColumn);
        out.put(REP_EMAIL_COLUMN, repEmailColumn);
        if (repTimeZoneColumn != null) {
            out.put(REP_TIME_ZONE_COLUMN, repTimeZoneColumn);
        }
        if (repEnabledColumn != null) {
            out.put(REP_ENABLED_COLUMN, repEnabledColumn);
        }
        return out;
    }

    @Override
    public String toString() {
        return "JdbcCrmSettings{taskTable=" + taskTable + ", repTable=" + repTable + ", id=" + taskIdColumn
                + ", modifiedAt=" + modifiedAtColumn + ", deleted=" + deletedColumn
                + ", deletionLog=" + (deletionLogTable == null ? null
                        : deletionLogTable + "(" + deletionLogTaskIdColumn + ", " + deletionLogDeletedAtColumn + ")")
                + ", scheduledDay=" + (scheduledDayColumn == null ? "(expression)" : scheduledDayColumn)
                + ", fields=" + fieldColumns + ", extraFields=" + extraFieldColumns
                + ", rep={id=" + repIdColumn + ", displayName=" + repDisplayNameColumn + ", email=" + repEmailColumn
                + ", timeZone=" + repTimeZoneColumn + ", enabled=" + repEnabledColumn + "}"
                + ", statusCatalog=" + statusCatalog + ", priorityCatalog=" + priorityCatalog
                + ", reminderUnitCatalog=" + reminderUnitCatalog + ", changeSafetyLag=" + changeSafetyLag
                + ", databaseTimeZone=" + databaseTimeZone + ", idsPerQuery=" + idsPerQuery
                + ", dialect=" + (dialect == null ? "auto" : dialect.settingValue())
                + ", notifyChannel=" + (notifyChannel == null ? "off" : notifyChannel) + "}";
    }

    /**
     * Builds {@link JdbcCrmSettings}; starts from the reference schema's defaults. Each setter
     * checks its value at once; {@link #build()} checks what depends on several values.
     */
    public static final class Builder {
        private String taskTable = "a1_task";
        private String repTable = "crm_rep";
        private String taskIdColumn = "id";
        private String modifiedAtColumn = "modified_at";
        private String deletedColumn = "deleted";
        private String scheduledDayColumn = "scheduled_day";
        private String deletionLogTable;
        private String deletionLogTaskIdColumn = "task_id";
        private String deletionLogDeletedAtColumn = "deleted_at";
        private final Map<A1Field, String> fieldColumns = new EnumMap<>(A1Field.class);
        private final Map<Integer, String> extraFieldColumns = new TreeMap<>();
        private String repIdColumn = "id";
        private String repDisplayNameColumn = "display_name";
        private String repEmailColumn = "email";
        private String repTimeZoneColumn = "time_zone";
        private String repEnabledColumn = "sync_enabled";
        private Map<String, String> statusCatalog = new LinkedHashMap<>();
        private Map<String, String> priorityCatalog = new LinkedHashMap<>();
        private Map<String, String> reminderUnitCatalog = new LinkedHashMap<>();
        private Duration changeSafetyLag = Duration.ofMinutes(5);
        private ZoneId databaseTimeZone = ZoneOffset.UTC;
        private int idsPerQuery = 500;
        private CrmDialect dialect;
        private String notifyChannel = "tasksync_task_change";
        private Duration notifyReconnectMaxWait = Duration.ofSeconds(30);

        private Builder() {
            fieldColumns.put(A1Field.REP, "rep_id");
            fieldColumns.put(A1Field.CREATED_BY_REP, "created_by_rep_id");
            fieldColumns.put(A1Field.START_DATE, "start_date");
            fieldColumns.put(A1Field.DUE_DATE, "due_date");
            fieldColumns.put(A1Field.STATUS, "status");
            fieldColumns.put(A1Field.PRIORITY, "priority");
            fieldColumns.put(A1Field.COMPLETE_PERCENT, "percent_complete");
            fieldColumns.put(A1Field.COMPLETE_DATE, "complete_date");
            fieldColumns.put(A1Field.REMINDER_DURATION, "reminder_duration");
            fieldColumns.put(A1Field.REMINDER_UNIT, "reminder_unit");
            fieldColumns.put(A1Field.SUBJECT, "subject");
            fieldColumns.put(A1Field.COMMENTS, "comments");
            statusCatalog.put("0", "Open");
            statusCatalog.put("1", "In Progress");
            statusCatalog.put("2", "Completed");
            statusCatalog.put("3", "Missed");
            priorityCatalog.put("1", "Low");
            priorityCatalog.put("2", "Normal");
            priorityCatalog.put("3", "High");
            reminderUnitCatalog.put("0", "minutes");
            reminderUnitCatalog.put("1", "hours");
            reminderUnitCatalog.put("2", "days");
            reminderUnitCatalog.put("3", "weeks");
        }

        private Builder(JdbcCrmSettings s) {
            taskTable = s.taskTable;
            repTable = s.repTable;
            taskIdColumn = s.taskIdColumn;
            modifiedAtColumn = s.modifiedAtColumn;
            deletedColumn = s.deletedColumn;
            scheduledDayColumn = s.scheduledDayColumn;
            deletionLogTable = s.deletionLogTable;
            deletionLogTaskIdColumn = s.deletionLogTaskIdColumn;
            deletionLogDeletedAtColumn = s.deletionLogDeletedAtColumn;
            fieldColumns.putAll(s.fieldColumns);
            extraFieldColumns.putAll(s.extraFieldColumns);
            repIdColumn = s.repIdColumn;
            repDisplayNameColumn = s.repDisplayNameColumn;
            repEmailColumn = s.repEmailColumn;
            repTimeZoneColumn = s.repTimeZoneColumn;
            repEnabledColumn = s.repEnabledColumn;
            statusCatalog = new LinkedHashMap<>(s.statusCatalog);
            priorityCatalog = new LinkedHashMap<>(s.priorityCatalog);
            reminderUnitCatalog = new LinkedHashMap<>(s.reminderUnitCatalog);
            changeSafetyLag = s.changeSafetyLag;
            databaseTimeZone = s.databaseTimeZone;
            idsPerQuery = s.idsPerQuery;
            dialect = s.dialect;
            notifyChannel = s.notifyChannel;
            notifyReconnectMaxWait = s.notifyReconnectMaxWait;
        }

        public Builder taskTable(String name) { taskTable = identifier(TASK_TABLE, name); return this; }
        public Builder repTable(String name) { repTable = identifier(REP_TABLE, name); return this; }
        public Builder taskIdColumn(String name) { taskIdColumn = identifier(TASK_ID_COLUMN, name); return this; }
        public Builder modifiedAtColumn(String name) { modifiedAtColumn = identifier(MODIFIED_AT_COLUMN, name); return this; }
        /** The deletion mark column, or null when the CRM deletes rows (then configure the deletion log). */
        public Builder deletedColumn(String nameOrNull) {
            deletedColumn = nameOrNull == null ? null : identifier(DELETED_COLUMN, nameOrNull);
            return this;
        }

        /** The table where the CRM logs deleted task ids, or null for none. */
        public Builder deletionLogTable(String nameOrNull) {
            deletionLogTable = nameOrNull == null ? null : identifier(DELETION_LOG_TABLE, nameOrNull);
            return this;
        }

        public Builder deletionLogTaskIdColumn(String name) {
            deletionLogTaskIdColumn = identifier(DELETION_LOG_TASK_ID_COLUMN, name);
            return this;
        }

        public Builder deletionLogDeletedAtColumn(String name) {
            deletionLogDeletedAtColumn = identifier(DELETION_LOG_DELETED_AT_COLUMN, name);
            return this;
        }

        /** A column holding {@code COALESCE(due, start)}, or null to let the adapter use the expression. */
        public Builder scheduledDayColumn(String nameOrNull) {
            scheduledDayColumn = nameOrNull == null ? null : identifier(SCHEDULED_DAY_COLUMN, nameOrNull);
            return this;
        }

        /**
         * The column of an A1 field. For the fields of SPEC §2 this replaces the default; null
         * switches an optional field off (its value is then always empty), while the required
         * fields (#2 Status, #4 Rep, #58 Subject) cannot be switched off. Any other field number
         * adds an extra field (null removes it), read as text into {@code CrmTask.extraFields()}.
         */
        public Builder fieldColumn(int a1Number, String columnOrNull) {
            String key = FIELD_COLUMN_PREFIX + a1Number;
            if (a1Number <= 0) {
                throw PropertyReader.invalid(key, "a key ending in a positive A1 field number", key);
            }
            Optional<A1Field> standard = A1Field.byNumber(a1Number);
            if (columnOrNull == null) {
                if (standard.isPresent() && standard.get().required()) {
                    throw new IllegalArgumentException(key + " (" + standard.get().label()
                            + ") is required and cannot be switched off");
                }
                standard.ifPresentOrElse(fieldColumns::remove, () -> extraFieldColumns.remove(a1Number));
                return this;
            }
            String column = identifier(key, columnOrNull);
            standard.ifPresentOrElse(f -> fieldColumns.put(f, column), () -> extraFieldColumns.put(a1Number, column));
            return this;
        }

        public Builder fieldColumn(A1Field field, String columnOrNull) {
            return fieldColumn(field.number(), columnOrNull);
        }

        public Builder repIdColumn(String name) { repIdColumn = identifier(REP_ID_COLUMN, name); return this; }
        public Builder repDisplayNameColumn(String name) { repDisplayNameColumn = identifier(REP_DISPLAY_NAME_COLUMN, name); return this; }
        public Builder repEmailColumn(String name) { repEmailColumn = identifier(REP_EMAIL_COLUMN, name); return this; }

        /** Null when the rep table has no time zone column. */
        public Builder repTimeZoneColumn(String nameOrNull) {
            repTimeZoneColumn = nameOrNull == null ? null : identifier(REP_TIME_ZONE_COLUMN, nameOrNull);
            return this;
        }

        /** Null when the rep table has no enabled flag: every rep then takes part. */
        public Builder repEnabledColumn(String nameOrNull) {
            repEnabledColumn = nameOrNull == null ? null : identifier(REP_ENABLED_COLUMN, nameOrNull);
            return this;
        }

        /** Replaces the status catalog: database code → catalog value; values must be distinct (write-back maps back). */
        public Builder statusCatalog(Map<String, String> codeToValue) {
            Map<String, String> c = catalog(STATUS_CATALOG_PREFIX, codeToValue);
            Map<String, String> seen = new HashMap<>();
            c.forEach((code, value) -> {
                String other = seen.put(value, code);
                if (other != null) {
                    throw PropertyReader.invalid(STATUS_CATALOG_PREFIX + code, "a status value no other code has ("
                            + STATUS_CATALOG_PREFIX + other + " has it too, so a status written back would have two codes)",
                            value);
                }
            });
            statusCatalog = c;
            return this;
        }

        /** Replaces the priority catalog: database code → catalog value. */
        public Builder priorityCatalog(Map<String, String> codeToValue) {
            priorityCatalog = catalog(PRIORITY_CATALOG_PREFIX, codeToValue);
            return this;
        }

        /** Replaces the reminder unit catalog: database code → "minutes", "hours", "days" or "weeks". */
        public Builder reminderUnitCatalog(Map<String, String> codeToValue) {
            reminderUnitCatalog = catalog(REMINDER_UNIT_CATALOG_PREFIX, codeToValue);
            return this;
        }

        public Builder changeSafetyLag(Duration lag) {
            if (lag == null || lag.isNegative() || lag.compareTo(MAX_SAFETY_LAG) > 0) {
                throw PropertyReader.invalid(CHANGE_SAFETY_LAG, "between PT0S and " + MAX_SAFETY_LAG, lag);
            }
            changeSafetyLag = lag;
            return this;
        }

        public Builder databaseTimeZone(ZoneId zone) {
            databaseTimeZone = Objects.requireNonNull(zone, DATABASE_TIME_ZONE);
            return this;
        }

        public Builder idsPerQuery(int n) {
            idsPerQuery = PropertyReader.checkBetween(IDS_PER_QUERY, n, 1, MAX_IDS_PER_QUERY);
            return this;
        }

        /** Forces a SQL dialect; null (the default) chooses it from the database's product name. */
        public Builder dialect(CrmDialect dialectOrNull) {
            dialect = dialectOrNull;
            return this;
        }

        /** The NOTIFY channel of the change feed (lower case, at most 63 characters), or null to switch the feed off. */
        public Builder notifyChannel(String channelOrNull) {
            if (channelOrNull != null && !CHANNEL.matcher(channelOrNull).matches()) {
                throw new IllegalArgumentException(NOTIFY_CHANNEL + " = '" + channelOrNull
                        + "' is not a lower-case PostgreSQL channel name (a letter or '_', then letters, digits"
                        + " or '_', at most 63 characters)");
            }
            notifyChannel = channelOrNull;
            return this;
        }

        public Builder notifyReconnectMaxWait(Duration wait) {
            if (wait == null || wait.compareTo(Duration.ofMillis(100)) < 0 || wait.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException(NOTIFY_RECONNECT_MAX_WAIT + " = '" + wait
                        + "' must be between PT0.1S and PT1H");
            }
            notifyReconnectMaxWait = wait;
            return this;
        }

        public JdbcCrmSettings build() {
            if (deletedColumn == null && deletionLogTable == null) {
                throw new IllegalArgumentException(DELETED_COLUMN + " and " + DELETION_LOG_TABLE
                        + " are both empty: deletions in the CRM would never reach Exchange; configure one of them");
            }
            requireCatalogFor(A1Field.STATUS, statusCatalog, STATUS_CATALOG_PREFIX);
            requireCatalogFor(A1Field.PRIORITY, priorityCatalog, PRIORITY_CATALOG_PREFIX);
            requireCatalogFor(A1Field.REMINDER_UNIT, reminderUnitCatalog, REMINDER_UNIT_CATALOG_PREFIX);
            return new JdbcCrmSettings(this);
        }

        private void requireCatalogFor(A1Field field, Map<String, String> catalog, String prefix) {
            if (fieldColumns.containsKey(field) && catalog.isEmpty()) {
                throw new IllegalArgumentException(prefix + "*: no codes are configured, but "
                        + FIELD_COLUMN_PREFIX + field.number() + " (" + field.label() + ") = '"
                        + fieldColumns.get(field) + "' is read");
            }
        }

        private static Map<String, String> catalog(String prefix, Map<String, String> codeToValue) {
            Objects.requireNonNull(codeToValue, prefix + "*");
            Map<String, String> out = new LinkedHashMap<>();
            codeToValue.forEach((code, value) -> {
                if (code == null || code.isBlank()) {
                    throw PropertyReader.invalid(prefix + "<code>", "given with a code, not an empty one, for value '"
                            + value + "'", code);
                }
                if (value == null || value.isBlank()) {
                    throw PropertyReader.invalid(prefix + code, "a catalog value, not empty", value);
                }
                if (out.put(code.trim(), value.trim()) != null) {
                    throw PropertyReader.invalid(prefix + code.trim(), "given once, but the code is given twice", value);
                }
            });
            return out;
        }

        private static String identifier(String key, String name) {
            if (name == null || !IDENTIFIER.matcher(name).matches()) {
                throw PropertyReader.invalid(key, "a plain SQL identifier (a letter or '_', then letters, digits or '_')",
                        name);
            }
            return name;
        }
    }
}

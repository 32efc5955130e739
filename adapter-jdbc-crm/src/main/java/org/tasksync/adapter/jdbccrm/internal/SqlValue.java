package org.tasksync.adapter.jdbccrm.internal;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Set;

/**
 * How values of the CRM's columns are bound and read, decided from the column types the driver
 * reports, so that one configuration fits text and numeric ids, boolean and 0/1 flags, and
 * timestamps with or without time zone.
 */
public final class SqlValue {

    private static final Set<String> TRUE_TEXT = Set.of("1", "Y", "YES", "T", "TRUE", "X", "J", "JA");

    private SqlValue() {
    }

    public static boolean isNumeric(ResultSetMetaData md, int column) throws SQLException {
        switch (md.getColumnType(column)) {
            case Types.TINYINT:
            case Types.SMALLINT:
            case Types.INTEGER:
            case Types.BIGINT:
            case Types.NUMERIC:
            case Types.DECIMAL:
                return true;
            default:
                return false;
        }
    }

    /** A key (id, rep id, catalog code) as the column's type wants it, or null when it cannot be one. */
    public static Object key(String value, boolean numeric) {
        if (!numeric) {
            return value;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * A key read back from the database (a page position), as the column wants it: like
     * {@link #key}, but a number that is no whole number stays a decimal instead of being refused.
     */
    public static Object positionKey(String value, boolean numeric) {
        Object key = key(value, numeric);
        if (key != null || !numeric) {
            return key;
        }
        try {
            return new BigDecimal(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Binds a value from {@link #key}; numbers as long so that the database can use its index on the column. */
    public static void bindKey(PreparedStatement ps, int index, Object key) throws SQLException {
        if (key instanceof Long) {
            ps.setLong(index, (Long) key);
        } else if (key instanceof BigDecimal) {
            ps.setBigDecimal(index, (BigDecimal) key);
        } else {
            ps.setString(index, (String) key);
        }
    }

    /** A flag (deletion mark, rep enabled) read as Boolean, number (non-zero is true) or text (1, Y, T, true, X). */
    public static boolean flag(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean) {
            return (Boolean) value;
        }
        if (value instanceof Number) {
            return new BigDecimal(value.toString()).signum() != 0;
        }
        return TRUE_TEXT.contains(value.toString().trim().toUpperCase(Locale.ROOT));
    }

    /**
     * An SQL condition that is true when the flag column {@code column} is not set; a boolean or
     * bit column compares with FALSE where SQL has that literal, else with 0 (a T-SQL bit).
     */
    public static String flagNotSet(String column, int sqlType, boolean booleanLiterals) {
        switch (sqlType) {
            case Types.BOOLEAN:
            case Types.BIT:
                return "(" + column + " IS NULL OR " + column + (booleanLiterals ? " = FALSE)" : " = 0)");
            case Types.TINYINT:
            case Types.SMALLINT:
            case Types.INTEGER:
            case Types.BIGINT:
            case Types.NUMERIC:
            case Types.DECIMAL:
                return "(" + column + " IS NULL OR " + column + " = 0)";
            default:
                // LTRIM(RTRIM()) rather than TRIM(): SQL Server has TRIM only from 2017 on ("TRIM (Transact-SQL)")
                return "(" + column + " IS NULL OR UPPER(LTRIM(RTRIM(" + column + "))) NOT IN ('1', 'Y', 'YES', 'T', 'TRUE', 'X', 'J', 'JA'))";
        }
    }

    /** Literals for a set and an unset flag in a column of this type (for rows that have no such column). */
    public static String[] flagLiterals(int sqlType, boolean booleanLiterals) {
        switch (sqlType) {
            case Types.BOOLEAN:
            case Types.BIT:
                return booleanLiterals ? new String[] {"TRUE", "FALSE"} : new String[] {"1", "0"};
            case Types.TINYINT:
            case Types.SMALLINT:
            case Types.INTEGER:
            case Types.BIGINT:
            case Types.NUMERIC:
            case Types.DECIMAL:
                return new String[] {"1", "0"};
            default:
                return new String[] {"'Y'", "'N'"};
        }
    }

    /**
     * A modification time column: with or without time zone (then in {@code zone}), and its
     * fractional second digits, which decide the smallest step by which a write advances it.
     */
    public record Timestamps(boolean withZone, ZoneId zone, int fractionDigits) {

        public static Timestamps of(ResultSetMetaData md, int column, ZoneId zone) throws SQLException {
            String typeName = String.valueOf(md.getColumnTypeName(column)).toLowerCase(Locale.ROOT);
            boolean withZone = md.getColumnType(column) == Types.TIMESTAMP_WITH_TIMEZONE
                    || typeName.contains("timestamptz") || typeName.contains("time zone")
                    || typeName.equals("datetimeoffset"); // SQL Server's driver reports its own type code
            int scale = md.getScale(column);
            // Drivers that report nothing useful get the common case: microseconds.
            int digits = scale <= 0 || scale > 9 ? 6 : scale;
            return new Timestamps(withZone, zone, digits);
        }

        public Instant read(ResultSet rs, int column) throws SQLException {
            if (withZone) {
                OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
                return t == null ? null : t.toInstant();
            }
            LocalDateTime t = rs.getObject(column, LocalDateTime.class);
            return t == null ? null : t.atZone(zone).toInstant();
        }

        public void bind(PreparedStatement ps, int index, Instant value) throws SQLException {
            if (withZone) {
                ps.setObject(index, OffsetDateTime.ofInstant(value, ZoneOffset.UTC));
            } else {
                ps.setObject(index, LocalDateTime.ofInstant(value, zone));
            }
        }

        /** The smallest step the column can store. */
        public long stepNanos() {
            long step = 1;
            for (int i = fractionDigits; i < 9; i++) {
                step *= 10;
            }
            return step;
        }

        /** {@code t} cut to what the column can store. */
        public Instant truncate(Instant t) {
            long step = stepNanos();
            long nanos = t.getNano();
            return t.truncatedTo(ChronoUnit.SECONDS).plusNanos(nanos - nanos % step);
        }
    }
}

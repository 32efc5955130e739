package org.tasksync.adapter.jdbccrm;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.tasksync.core.settings.PropertyReader;

/**
 * The SQL dialect of the CRM's database: the few constructs in which H2, PostgreSQL, SQL Server
 * 2016+ and Oracle 12c+ differ (row limits, NULL ordering, ordered parts of a UNION, the database
 * clock, boolean literals, identifier lengths). Everything else the adapter sends is one SQL for all.
 *
 * <p>Chosen from {@link DatabaseMetaData#getDatabaseProductName()} unless forced with
 * {@value JdbcCrmSettings#DIALECT}. Each construct and the vendor page it follows are listed in
 * {@code docs/jdbc-crm.md}.
 */
public enum CrmDialect {

    H2("h2", "H2"),
    POSTGRESQL("postgresql", "PostgreSQL"),
    /** Microsoft SQL Server 2016 (13.x) and later, and Azure SQL Database. */
    SQLSERVER("sqlserver", "Microsoft SQL Server"),
    /** Oracle Database 12c Release 1 and later. */
    ORACLE("oracle", "Oracle");

    private final String settingValue;
    private final String productName;

    CrmDialect(String settingValue, String productName) {
        this.settingValue = settingValue;
        this.productName = productName;
    }

    /** The value of {@value JdbcCrmSettings#DIALECT} that forces this dialect. */
    public String settingValue() {
        return settingValue;
    }

    /** The product name the database's JDBC driver reports for it. */
    public String productName() {
        return productName;
    }

    /** The dialect of the database behind {@code md}. */
    public static CrmDialect of(DatabaseMetaData md) throws SQLException {
        return ofProduct(md.getDatabaseProductName(), md.getDatabaseProductVersion());
    }

    /**
     * The dialect of a product name as drivers report it: "H2", "PostgreSQL", "Microsoft SQL
     * Server", "Oracle".
     *
     * @throws IllegalStateException for any other database, naming it and the setting that forces a dialect
     */
    public static CrmDialect ofProduct(String productName, String version) {
        String p = productName == null ? "" : productName.trim().toLowerCase(Locale.ROOT);
        if (p.equals("h2")) {
            return H2;
        }
        if (p.equals("postgresql")) {
            return POSTGRESQL;
        }
        if (p.equals("microsoft sql server")) {
            return SQLSERVER;
        }
        if (p.equals("oracle")) {
            return ORACLE;
        }
        throw new IllegalStateException("the JDBC CRM adapter has no SQL dialect for '" + productName + " " + version
                + "'; it speaks " + productNames() + ". If the database understands one of them, set "
                + JdbcCrmSettings.DIALECT + " to " + settingValues());
    }

    /**
     * The dialect a setting value names; null for {@code auto} (chosen from the database).
     *
     * @throws IllegalArgumentException naming the key and the value
     */
    public static CrmDialect parse(String key, String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("auto")) {
            return null;
        }
        for (CrmDialect d : values()) {
            if (d.settingValue.equals(v)) {
                return d;
            }
        }
        throw PropertyReader.invalid(key, "auto or one of " + settingValues(), value);
    }

    private static String settingValues() {
        return Arrays.stream(values()).map(CrmDialect::settingValue).collect(Collectors.joining(", "));
    }

    private static String productNames() {
        return Arrays.stream(values()).map(CrmDialect::productName).collect(Collectors.joining(", "));
    }

    // --- the constructs that differ ---------------------------------------------------------------

    /**
     * What goes before the row count of a limit after an ORDER BY: T-SQL has FETCH only after
     * OFFSET (ORDER BY clause, OFFSET and FETCH); the others take the standard FETCH FIRST alone.
     */
    public String fetchFirst() {
        return this == SQLSERVER ? " OFFSET 0 ROWS FETCH NEXT " : " FETCH FIRST ";
    }

    /** Whether OFFSET/FETCH needs an ORDER BY (T-SQL: it does). */
    public boolean limitNeedsOrderBy() {
        return this == SQLSERVER;
    }

    /**
     * An ascending sort key on {@code column} with NULLs first. T-SQL has no NULLS FIRST, but
     * sorts NULLs lowest; the CASE keeps the order one that no index delivers, as NULLS FIRST does
     * on the others (see TaskTable).
     */
    public String nullsFirst(String column) {
        return this == SQLSERVER ? "CASE WHEN " + column + " IS NULL THEN 0 ELSE 1 END, " + column
                : column + " NULLS FIRST";
    }

    /**
     * Whether a UNION ALL may have parenthesised parts with their own ORDER BY and row limit
     * (standard SQL, PostgreSQL, H2, Oracle's subquery grammar). T-SQL allows ORDER BY only at the
     * end of a UNION, so there each part becomes a derived table with named columns.
     */
    public boolean orderedUnionParts() {
        return this != SQLSERVER;
    }

    /** The query that reads the database clock as a timestamp with its offset. */
    public String clockQuery() {
        switch (this) {
            case SQLSERVER:
                return "SELECT SYSDATETIMEOFFSET()";
            case ORACLE:
                return "SELECT SYSTIMESTAMP FROM DUAL";
            default:
                return "SELECT CURRENT_TIMESTAMP";
        }
    }

    /** Whether SQL has TRUE and FALSE literals (T-SQL has none; Oracle SQL only from 23ai). */
    public boolean booleanLiterals() {
        return this == H2 || this == POSTGRESQL;
    }

    /** A constant "not deleted" in the select list, for a CRM without a deletion mark column. */
    public String notDeletedConstant() {
        return booleanLiterals() ? "FALSE" : "0";
    }

    /**
     * The longest table or column name the database takes, in characters of a plain identifier
     * (which are bytes): SQL Server 128; Oracle 30 before 12.2 and 128 from 12.2 on; PostgreSQL 63
     * (longer names are cut silently); H2 has no practical limit.
     */
    public int maxIdentifierLength(int majorVersion, int minorVersion) {
        switch (this) {
            case SQLSERVER:
                return 128;
            case ORACLE:
                return majorVersion > 12 || majorVersion == 12 && minorVersion >= 2 ? 128 : 30;
            case POSTGRESQL:
                return 63;
            default:
                return Integer.MAX_VALUE;
        }
    }
}

package org.tasksync.core.state;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What differs between the databases {@link JdbcSyncStateStore} runs on: the column types, the
 * statements that create a table or index only when it is missing, the upserts, the isolation
 * level of a snapshot read, how a lost insert race shows, and the longest name. Each SQL Server
 * and Oracle construct follows the vendor page named in {@code docs/state-store.md}.
 */
enum SqlDialect {

    // H2 serves "mailbox = ? AND item_id IN (...)" from the (mailbox, item_id) index by mailbox
    // alone, reading every link of the mailbox for each IN list; a row-value IN uses both columns
    H2("H2", "h2", "CHARACTER VARYING", "CHARACTER LARGE OBJECT", "BOOLEAN", "BIGINT", true) {
        @Override
        String upsert(String table, List<String> columns, String key) {
            return "MERGE INTO " + table + " (" + String.join(", ", columns) + ") KEY (" + key + ") VALUES ("
                    + placeholders(columns.size()) + ")";
        }

        @Override
        String insertIfAbsent(String table, String key) {
            return "MERGE INTO " + table + " (" + key + ") KEY (" + key + ") VALUES (?)";
        }

        @Override
        String insertOrIgnore(String table, List<String> columns, String key) {
            // H2 has no INSERT that ignores a duplicate outside its PostgreSQL mode; the caller
            // takes the unique violation (23505) as "ignored"
            return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                    + placeholders(columns.size()) + ")";
        }
    },

    POSTGRESQL("PostgreSQL", "postgresql", "TEXT", "TEXT", "BOOLEAN", "BIGINT", false) {
        @Override
        String upsert(String table, List<String> columns, String key) {
            return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                    + placeholders(columns.size()) + ") ON CONFLICT (" + key + ") DO UPDATE SET "
                    + columns.stream().filter(c -> !c.equals(key)).map(c -> c + " = EXCLUDED." + c)
                    .collect(Collectors.joining(", "));
        }

        @Override
        String insertIfAbsent(String table, String key) {
            return "INSERT INTO " + table + " (" + key + ") VALUES (?) ON CONFLICT (" + key + ") DO NOTHING";
        }

        @Override
        String insertOrIgnore(String table, List<String> columns, String key) {
            return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                    + placeholders(columns.size()) + ") ON CONFLICT (" + key + ") DO NOTHING";
        }
    },

    /**
     * SQL Server 2016 and later. Keys are NVARCHAR(400): 800 bytes, within the 900 of a clustered
     * primary key, and two of them (1,600) within the 1,700 of a nonclustered index. MERGE takes
     * HOLDLOCK so that two sessions upserting one new key do not both insert it (MERGE alone reads
     * the key without a range lock); T-SQL wants MERGE ended by a semicolon.
     */
    SQLSERVER("Microsoft SQL Server", "sqlserver", "NVARCHAR(400)", "NVARCHAR(MAX)", "BIT", "BIGINT", false) {
        @Override
        String upsert(String table, List<String> columns, String key) {
            return merge(table, columns, key, true);
        }

        @Override
        String insertIfAbsent(String table, String key) {
            return merge(table, List.of(key), key, false);
        }

        @Override
        String insertOrIgnore(String table, List<String> columns, String key) {
            return merge(table, columns, key, false);
        }

        private String merge(String table, List<String> columns, String key, boolean update) {
            String cols = String.join(", ", columns);
            String set = columns.stream().filter(c -> !c.equals(key)).map(c -> c + " = source." + c)
                    .collect(Collectors.joining(", "));
            return "MERGE INTO " + table + " WITH (HOLDLOCK) AS target USING (VALUES (" + placeholders(columns.size())
                    + ")) AS source (" + cols + ") ON target." + key + " = source." + key
                    + (update && !set.isEmpty() ? " WHEN MATCHED THEN UPDATE SET " + set : "")
                    + " WHEN NOT MATCHED THEN INSERT (" + cols + ") VALUES ("
                    + columns.stream().map(c -> "source." + c).collect(Collectors.joining(", ")) + ");";
        }

        @Override
        String createTable(String table, String body) {
            return "IF OBJECT_ID(N'" + table + "', N'U') IS NULL CREATE TABLE " + table + " (" + body + ")";
        }

        @Override
        String createIndex(String index, String table, String columns) {
            return "IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'" + index + "' AND object_id = OBJECT_ID(N'"
                    + table + "')) CREATE INDEX " + index + " ON " + table + " (" + columns + ")";
        }

        @Override
        boolean isUniqueViolation(SQLException e) {
            return e.getErrorCode() == 2627 || e.getErrorCode() == 2601; // PRIMARY KEY / unique index violation
        }

        @Override
        boolean statementSeesOneState() {
            // locking READ COMMITTED (the default unless READ_COMMITTED_SNAPSHOT is on) releases a row's
            // lock once read, so a row moved between two tables during a statement can be missed
            return false;
        }
    },

    /**
     * Oracle 12c and later. Keys are VARCHAR2(700 CHAR): two of them in AL32UTF8 (5,600 bytes)
     * stay within the index key limit of an 8 KB block. A table or index is created in a PL/SQL
     * block that ignores ORA-00955 (name already used), as Oracle before 23ai has no IF NOT
     * EXISTS. Concurrent MERGEs of one new key can both insert: the loser gets ORA-00001, and the
     * store tries again (then the key is there).
     */
    ORACLE("Oracle", "oracle", "VARCHAR2(700 CHAR)", "CLOB", "NUMBER(1)", "NUMBER(19)", false) {
        @Override
        String upsert(String table, List<String> columns, String key) {
            return merge(table, columns, key, true);
        }

        @Override
        String insertIfAbsent(String table, String key) {
            return merge(table, List.of(key), key, false);
        }

        @Override
        String insertOrIgnore(String table, List<String> columns, String key) {
            return merge(table, columns, key, false);
        }

        private String merge(String table, List<String> columns, String key, boolean update) {
            String set = columns.stream().filter(c -> !c.equals(key)).map(c -> "target." + c + " = source." + c)
                    .collect(Collectors.joining(", "));
            return "MERGE INTO " + table + " target USING (SELECT "
                    + columns.stream().map(c -> "? AS " + c).collect(Collectors.joining(", ")) + " FROM DUAL) source ON"
                    + " (target." + key + " = source." + key + ")"
                    + (update && !set.isEmpty() ? " WHEN MATCHED THEN UPDATE SET " + set : "")
                    + " WHEN NOT MATCHED THEN INSERT (" + String.join(", ", columns) + ") VALUES ("
                    + columns.stream().map(c -> "source." + c).collect(Collectors.joining(", ")) + ")";
        }

        @Override
        String createTable(String table, String body) {
            return ignoringNameInUse("CREATE TABLE " + table + " (" + body + ")");
        }

        @Override
        String createIndex(String index, String table, String columns) {
            return ignoringNameInUse("CREATE INDEX " + index + " ON " + table + " (" + columns + ")");
        }

        private String ignoringNameInUse(String ddl) {
            return "BEGIN EXECUTE IMMEDIATE '" + ddl.replace("'", "''") + "'; EXCEPTION WHEN OTHERS THEN"
                    + " IF SQLCODE != -955 THEN RAISE; END IF; END;";
        }

        @Override
        boolean isUniqueViolation(SQLException e) {
            return e.getErrorCode() == 1; // ORA-00001: unique constraint violated
        }

        @Override
        boolean isConflict(SQLException e) {
            // ORA-08177 cannot serialize access; ORA-00060 deadlock
            return isUniqueViolation(e) || e.getErrorCode() == 8177 || e.getErrorCode() == 60;
        }

        @Override
        int snapshotIsolation() {
            return Connection.TRANSACTION_SERIALIZABLE; // Oracle has READ COMMITTED and SERIALIZABLE only
        }

        @Override
        int maxNameLength(int majorVersion, int minorVersion) {
            return majorVersion > 12 || majorVersion == 12 && minorVersion >= 2 ? 128 : 30;
        }
    };

    private final String productName;
    private final String settingValue;
    /** Text without a length limit that can still be a key or be indexed. */
    final String text;
    /** Text of any length that is only stored and read back. */
    final String longText;
    final String booleanType;
    final String bigintType;
    /** Whether lookups by item write {@code (mailbox, item_id) IN ((?, ?), ...)}, one mailbox per item. */
    final boolean pairsMailboxWithItems;

    SqlDialect(String productName, String settingValue, String text, String longText, String booleanType,
               String bigintType, boolean pairsMailboxWithItems) {
        this.productName = productName;
        this.settingValue = settingValue;
        this.text = text;
        this.longText = longText;
        this.booleanType = booleanType;
        this.bigintType = bigintType;
        this.pairsMailboxWithItems = pairsMailboxWithItems;
    }

    /**
     * The type of {@code last_written}. On H2 the key-and-id text ({@code CHARACTER VARYING}, up to
     * 1,000,000,000 characters there): a {@code CHARACTER LARGE OBJECT} longer than H2's in-place limit
     * (256 bytes) goes through H2's LOB maps on every save, which cost 1.3 to 2 times the CPU and 3 to 4
     * times the allocation per saved link (docs/perf/storecpu.md). Tables made before keep their large
     * object column; both read and write the same way.
     */
    String lastWrittenType() {
        return this == H2 ? text : longText;
    }

    /** Inserts a row or, when the key exists, replaces its other columns. */
    abstract String upsert(String table, List<String> columns, String key);

    /** Inserts a one-column row unless it exists. */
    abstract String insertIfAbsent(String table, String key);

    /**
     * Inserts a row unless its key exists, leaving an existing row as it is: an update count of 0,
     * or a unique violation ({@link #isUniqueViolation}) that fails only the statement.
     */
    abstract String insertOrIgnore(String table, List<String> columns, String key);

    /** Creates the table unless a table of that name exists. */
    String createTable(String table, String body) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (" + body + ")";
    }

    /** Creates the index unless an index of that name exists. */
    String createIndex(String index, String table, String columns) {
        return "CREATE INDEX IF NOT EXISTS " + index + " ON " + table + " (" + columns + ")";
    }

    /** An insert that lost to a concurrent one with the same key. */
    boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    /** A failure that trying the transaction again may cure, besides SQL state class 40 (every database's). */
    boolean isConflict(SQLException e) {
        return isUniqueViolation(e) || "90131".equals(e.getSQLState()); // 90131: H2's concurrent update
    }

    /**
     * Whether one statement sees one committed state of all the tables it reads, at the connection's
     * default level: H2 (a statement snapshot of every map it reads), PostgreSQL and Oracle
     * (statement-level read consistency).
     */
    boolean statementSeesOneState() {
        return true;
    }

    /** The isolation level at which several reads see one state of the tables. */
    int snapshotIsolation() {
        return Connection.TRANSACTION_REPEATABLE_READ;
    }

    /** The longest table or index name. */
    int maxNameLength(int majorVersion, int minorVersion) {
        return this == POSTGRESQL ? 63 : 128;
    }

    String productName() {
        return productName;
    }

    /**
     * The dialect of a database, from {@link java.sql.DatabaseMetaData#getDatabaseProductName()}.
     *
     * @throws IllegalArgumentException for any other database
     */
    static SqlDialect of(String databaseProductName, String version) {
        String p = databaseProductName == null ? "" : databaseProductName.trim().toLowerCase(Locale.ROOT);
        for (SqlDialect d : values()) {
            if (d.productName.toLowerCase(Locale.ROOT).equals(p)) {
                return d;
            }
        }
        throw new IllegalArgumentException("the JDBC state store runs on H2, PostgreSQL, SQL Server and Oracle, not on '"
                + databaseProductName + " " + version + "'");
    }

    /**
     * The dialect a setting names ({@code h2}, {@code postgresql}, {@code sqlserver}, {@code oracle});
     * null for {@code auto}.
     *
     * @throws IllegalArgumentException naming the key and the value
     */
    static SqlDialect parse(String key, String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("auto")) {
            return null;
        }
        for (SqlDialect d : values()) {
            if (d.settingValue.equals(v)) {
                return d;
            }
        }
        throw new IllegalArgumentException(key + " must be auto or one of "
                + Arrays.stream(values()).map(d -> d.settingValue).collect(Collectors.joining(", ")) + ", not '"
                + value + "'");
    }

    private static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }
}

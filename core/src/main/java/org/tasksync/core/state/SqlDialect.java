package org.tasksync.core.state;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What differs between the databases {@link JdbcSyncStateStore} runs on: the column types for
 * unbounded text and the upsert statement.
 */
enum SqlDialect {

    // H2 serves "mailbox = ? AND item_id IN (...)" from the (mailbox, item_id) index by mailbox
    // alone, reading every link of the mailbox for each IN list; a row-value IN uses both columns
    H2("H2", "CHARACTER VARYING", "CHARACTER LARGE OBJECT", true) {
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

    POSTGRESQL("PostgreSQL", "TEXT", "TEXT", false) {
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
    };

    private final String productName;
    /** Text without a length limit that can still be a key or be indexed. */
    final String text;
    /** Text of any length that is only stored and read back. */
    final String longText;
    /** Whether lookups by item write {@code (mailbox, item_id) IN ((?, ?), ...)}, one mailbox per item. */
    final boolean pairsMailboxWithItems;

    SqlDialect(String productName, String text, String longText, boolean pairsMailboxWithItems) {
        this.productName = productName;
        this.text = text;
        this.longText = longText;
        this.pairsMailboxWithItems = pairsMailboxWithItems;
    }

    /** Inserts a row or, when the key exists, replaces its other columns. */
    abstract String upsert(String table, List<String> columns, String key);

    /** Inserts a one-column row unless it exists. */
    abstract String insertIfAbsent(String table, String key);

    /**
     * Inserts a row unless its key exists, leaving an existing row as it is: an update count of 0,
     * or on H2 a unique violation (SQLState 23505) that fails only the statement.
     */
    abstract String insertOrIgnore(String table, List<String> columns, String key);

    String productName() {
        return productName;
    }

    /**
     * The dialect of a database, from {@link java.sql.DatabaseMetaData#getDatabaseProductName()}.
     *
     * @throws IllegalArgumentException for any database but H2 and PostgreSQL
     */
    static SqlDialect of(String databaseProductName, String version) {
        String p = databaseProductName == null ? "" : databaseProductName.toLowerCase(Locale.ROOT);
        if (p.equals("h2")) {
            return H2;
        }
        if (p.equals("postgresql")) {
            return POSTGRESQL;
        }
        throw new IllegalArgumentException("the JDBC state store runs on H2 and PostgreSQL, not on '"
                + databaseProductName + " " + version + "'");
    }

    private static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }
}

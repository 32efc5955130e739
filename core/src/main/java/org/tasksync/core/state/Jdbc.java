package org.tasksync.core.state;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC plumbing every table of {@link JdbcSyncStateStore} shares: one transaction per call on a
 * connection of its own, conflicts tried again, failures turned into {@link StateStoreException}s
 * without credentials, and the small helpers for IN lists and batches.
 */
final class Jdbc {

    /** Ids per IN list and rows per batch: well below every driver's limit on parameters. */
    static final int CHUNK = 500;

    /** For {@link #transaction(String, String, int, Work)}: the connection's isolation level as the pool hands it out. */
    static final int AS_IT_COMES = -1;

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSyncStateStore.class);
    private static final int MAX_ATTEMPTS = 3;

    private final DataSource dataSource;
    /** Null only while connecting, before the database is known. */
    private final SqlDialect dialect;

    Jdbc(DataSource dataSource, SqlDialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
    }

    SqlDialect dialect() {
        return dialect;
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in a transaction of its own and commits it; tries again when the database
     * reports a conflict with a concurrent transaction; turns every other failure into a
     * {@link StateStoreException} naming {@code operation} and {@code table}.
     */
    <T> T transaction(String operation, String table, boolean snapshot, Work<T> work) {
        return transaction(operation, table, snapshot ? dialect.snapshotIsolation() : AS_IT_COMES, work);
    }

    /** As above, at this isolation level (or a stricter one the connection has), or {@link #AS_IT_COMES}. */
    <T> T transaction(String operation, String table, int isolation, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return attempt(isolation, work);
            } catch (SQLException e) {
                if (attempt < MAX_ATTEMPTS && isConflict(e)) {
                    LOG.debug("{} on {} met a concurrent transaction ({}); trying again", operation, table,
                            e.getSQLState());
                    continue;
                }
                throw new StateStoreException(operation + " on table " + table + " failed: " + describe(e), e);
            }
        }
    }

    private <T> T attempt(int wanted, Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            int isolation = c.getTransactionIsolation();
            boolean raiseIsolation = wanted != AS_IT_COMES && isolation != wanted
                    && isolation != Connection.TRANSACTION_SERIALIZABLE;
            try {
                if (autoCommit) {
                    c.setAutoCommit(false);
                }
                if (raiseIsolation) {
                    c.setTransactionIsolation(wanted);
                }
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException r) {
                    e.addSuppressed(r);
                }
                throw e;
            } finally {
                // a pooled connection goes back the way it came
                try {
                    if (raiseIsolation) {
                        c.setTransactionIsolation(isolation);
                    }
                    if (autoCommit) {
                        c.setAutoCommit(true);
                    }
                } catch (SQLException e) {
                    LOG.debug("could not reset a connection after use: {}", e.getMessage());
                }
            }
        }
    }

    /** Serialization failure, deadlock, H2's concurrent update, or an upsert that lost an insert race. */
    private boolean isConflict(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                String state = ((SQLException) t).getSQLState();
                // the dialect is null only while connecting, where nothing is tried again but class 40
                // 42710/42P07: PostgreSQL's CREATE TABLE IF NOT EXISTS racing another store's (the
                // loser sees "type ... already exists"); tried again, it finds the tables there
                if (state != null && (state.startsWith("40") || "42710".equals(state) || "42P07".equals(state))
                        || dialect != null && dialect.isConflict((SQLException) t)
                        || dialect == null && ("23505".equals(state) || "90131".equals(state))) {
                    return true;
                }
                SQLException next = ((SQLException) t).getNextException();
                if (next != null && next != t && isConflict(next)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String describe(SQLException e) {
        SQLException shown = e;
        // a failed batch's own message is often just "batch entry n was aborted"; the reason is next
        if (e instanceof BatchUpdateException && e.getNextException() != null) {
            shown = e.getNextException();
        }
        String state = shown.getSQLState() == null ? "" : "[" + shown.getSQLState() + "] ";
        return state + withoutSecrets(String.valueOf(shown.getMessage()));
    }

    /** Runs the one-parameter {@code sql} once per value, in batches of {@link #CHUNK}. */
    static Object batch(Connection c, String sql, List<String> values) throws SQLException {
        if (values.isEmpty()) {
            return null;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int n = 0;
            for (String v : values) {
                ps.setString(1, v);
                ps.addBatch();
                if (++n % CHUNK == 0) {
                    ps.executeBatch();
                }
            }
            if (n % CHUNK != 0) {
                ps.executeBatch();
            }
        }
        return null;
    }

    static List<String> distinct(Collection<String> ids, String name) {
        Objects.requireNonNull(ids, name);
        Set<String> out = new LinkedHashSet<>();
        for (String id : ids) {
            out.add(Objects.requireNonNull(id, () -> name + " contains null"));
        }
        return new ArrayList<>(out);
    }

    static <T> List<List<T>> chunks(List<T> ids) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += CHUNK) {
            out.add(ids.subList(i, Math.min(ids.size(), i + CHUNK)));
        }
        return out;
    }

    static void bind(PreparedStatement ps, int first, List<String> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            ps.setString(first + i, values.get(i));
        }
    }

    static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    /** A LIKE pattern matching every string that starts with {@code prefix}, with {@code !} as escape. */
    static String likePrefix(String prefix) {
        return prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }

    /** {@code text} with passwords in URL parameters and user info masked. */
    static String withoutSecrets(String text) {
        if (text == null) {
            return null;
        }
        return text.replaceAll("(?i)(password|passwd|pwd)=[^;&\\s]*", "$1=***")
                .replaceAll("//[^/@\\s]*:[^/@\\s]*@", "//***@")
                // Oracle's thin driver takes user/password@ right after the subprotocol
                .replaceAll("(?i)(jdbc:oracle:[a-z0-9]+:)[^@/\\s]*/[^@\\s]*@", "$1***@");
    }
}

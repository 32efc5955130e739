package org.tasksync.core.state;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.SyncStateStore;

/**
 * A {@link SyncStateStore} in a relational database, H2 (2.x), PostgreSQL, SQL Server 2016+ or
 * Oracle 12c+ (chosen from the driver's product name, or forced with {@link Builder#dialect}), through JDBC. It
 * creates its four tables ({@code <prefix>links}, {@code <prefix>cursors},
 * {@code <prefix>pending}, {@code <prefix>leases}) and their indexes when they are missing, so a
 * host only points it at a database:
 *
 * <pre>{@code
 * SyncStateStore store = JdbcSyncStateStore.builder(dataSource).build();
 * SyncStateStore store = JdbcSyncStateStore.builder("jdbc:postgresql://db/crm", "sync", secret)
 *         .tablePrefix("tasksync_")
 *         .build();
 * }</pre>
 *
 * <p>Every method runs in a transaction of its own on a connection of its own and commits before
 * it returns, so each call is atomic and, as far as the database makes commits durable, durable.
 * H2 file databases do so only with {@code WRITE_DELAY=0} (see {@code docs/state-store.md}); the
 * store warns when it finds another setting. {@link TaskValues} are kept in the text form of
 * {@link TaskValuesCodec}, instants as ISO-8601 text so that nothing is rounded.
 *
 * <p>Thread-safe: it holds no mutable state, and concurrent writes are left to the database's
 * transactions (a write that loses a race with a concurrent one is tried again, up to three
 * times). Every failure of the database surfaces as a {@link StateStoreException} that names the
 * operation and the table; credentials appear in no message, log line or {@link #toString()}.
 */
public final class JdbcSyncStateStore implements SyncStateStore {

    /** The settings key of the table prefix, as named in errors. */
    public static final String TABLE_PREFIX_KEY = "tasksync.state.jdbc.table-prefix";
    /** The settings key of the JDBC URL, as named in errors. */
    public static final String URL_KEY = "tasksync.state.jdbc.url";
    /** The settings key of the SQL dialect: auto (from the driver's product name), h2, postgresql, sqlserver, oracle. */
    public static final String DIALECT_KEY = "tasksync.state.jdbc.dialect";
    public static final String DEFAULT_TABLE_PREFIX = "tasksync_";
    /** The longest prefix: with the longest index name it stays within PostgreSQL's 63 characters. */
    public static final int MAX_TABLE_PREFIX_LENGTH = 40;

    /** Ids per IN list and rows per batch: well below every driver's limit on parameters. */
    static final int CHUNK = 500;

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSyncStateStore.class);
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final int MAX_ATTEMPTS = 3;
    private static final List<String> LINK_COLUMNS = List.of("crm_task_id", "mailbox", "item_id", "change_key",
            "state", "last_written", "last_crm_status", "last_crm_modified_at", "last_exchange_status", "delegated");
    private static final List<String> CURSOR_COLUMNS = List.of("cursor_key", "cursor_value");

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final String linksTable;
    private final String cursorsTable;
    private final String pendingTable;
    private final String leasesTable;
    private final String database;

    private final String selectLinks;
    private final String upsertLink;
    private final String upsertCursor;
    private final String insertPending;

    /** The longest name the store makes from its prefix: the prefix plus this many characters. */
    private static final int LONGEST_SUFFIX = "links_mailbox_state".length();

    private JdbcSyncStateStore(DataSource dataSource, String prefix, SqlDialect forced) {
        this.dataSource = dataSource;
        this.linksTable = prefix + "links";
        this.cursorsTable = prefix + "cursors";
        this.pendingTable = prefix + "pending";
        this.leasesTable = prefix + "leases";
        DatabaseInfo found = transaction("connect", linksTable, false, c -> {
            DatabaseMetaData md = c.getMetaData();
            SqlDialect d = forced != null ? forced : SqlDialect.of(md.getDatabaseProductName(), md.getDatabaseProductVersion());
            // a dialect forced onto another product (a test database in a compatibility mode) has no version of its own
            boolean own = d.productName().equalsIgnoreCase(String.valueOf(md.getDatabaseProductName()).trim());
            int longest = own ? d.maxNameLength(md.getDatabaseMajorVersion(), md.getDatabaseMinorVersion())
                    : d.maxNameLength(Integer.MAX_VALUE, 0);
            return new DatabaseInfo(d, withoutSecrets(md.getURL()),
                    md.getDatabaseProductName() + " " + md.getDatabaseProductVersion(), longest);
        });
        if (prefix.length() + LONGEST_SUFFIX > found.longestName()) {
            throw new IllegalArgumentException(TABLE_PREFIX_KEY + " = '" + prefix + "' is too long for " + found.product()
                    + ", which takes names of at most " + found.longestName() + " characters: the store's longest name"
                    + " is the prefix and " + LONGEST_SUFFIX + " more, so use at most "
                    + (found.longestName() - LONGEST_SUFFIX) + " characters");
        }
        this.dialect = found.dialect();
        this.database = found.url();
        this.selectLinks = "SELECT " + String.join(", ", LINK_COLUMNS) + " FROM " + linksTable;
        this.upsertLink = dialect.upsert(linksTable, LINK_COLUMNS, "crm_task_id");
        this.upsertCursor = dialect.upsert(cursorsTable, CURSOR_COLUMNS, "cursor_key");
        this.insertPending = dialect.insertIfAbsent(pendingTable, "crm_task_id");
        createTables();
        warnIfCommitsAreDelayed();
        LOG.info("State store ready: {} at {}, tables {}, {}, {}, {}", found.product(), database, linksTable,
                cursorsTable, pendingTable, leasesTable);
    }

    private record DatabaseInfo(SqlDialect dialect, String url, String product, int longestName) {
    }

    /** A store on the database behind {@code dataSource}, which should hand out a fresh or pooled connection per call. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /**
     * A store that opens its connections through {@link java.sql.DriverManager}: for hosts without a
     * connection pool. The password is kept for connecting and shown nowhere.
     *
     * @throws IllegalArgumentException if {@code jdbcUrl} does not start with {@code jdbc:}
     */
    public static Builder builder(String jdbcUrl, String user, String password) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
            throw new IllegalArgumentException(URL_KEY + " must be a JDBC URL starting with 'jdbc:', not "
                    + (jdbcUrl == null ? "null" : "'" + withoutSecrets(jdbcUrl) + "'"));
        }
        return new Builder(new DriverManagerDataSource(jdbcUrl, user, password));
    }

    /** Builds a {@link JdbcSyncStateStore}; each setter checks its value at once. */
    public static final class Builder {
        private final DataSource dataSource;
        private String tablePrefix = DEFAULT_TABLE_PREFIX;
        private SqlDialect dialect;

        private Builder(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        /**
         * What the names of the store's tables and indexes start with; default {@code tasksync_}.
         *
         * @throws IllegalArgumentException unless a plain SQL identifier of at most
         *                                  {@value JdbcSyncStateStore#MAX_TABLE_PREFIX_LENGTH} characters
         */
        public Builder tablePrefix(String prefix) {
            if (prefix == null || prefix.length() > MAX_TABLE_PREFIX_LENGTH || !IDENTIFIER.matcher(prefix).matches()) {
                throw new IllegalArgumentException(TABLE_PREFIX_KEY + " must be a plain SQL identifier (a letter or"
                        + " '_', then letters, digits or '_') of at most " + MAX_TABLE_PREFIX_LENGTH
                        + " characters, not " + (prefix == null ? "null" : "'" + prefix + "'"));
            }
            this.tablePrefix = prefix;
            return this;
        }

        /**
         * The SQL dialect: {@code auto} (the default: from the driver's product name), {@code h2},
         * {@code postgresql}, {@code sqlserver} or {@code oracle}.
         *
         * @throws IllegalArgumentException naming {@value JdbcSyncStateStore#DIALECT_KEY} and the value
         */
        public Builder dialect(String name) {
            this.dialect = SqlDialect.parse(DIALECT_KEY, name);
            return this;
        }

        /**
         * Connects, checks that the database is H2, PostgreSQL, SQL Server or Oracle, and creates
         * the tables that are missing.
         *
         * @throws IllegalArgumentException for another database
         * @throws StateStoreException      if the database cannot be reached or the tables cannot be
         *                                  created
         */
        public JdbcSyncStateStore build() {
            return new JdbcSyncStateStore(dataSource, tablePrefix, dialect);
        }
    }

    // ---------------------------------------------------------------- links

    @Override
    public Map<String, Link> findLinks(Collection<String> crmTaskIds) {
        List<String> ids = distinct(crmTaskIds, "crmTaskIds");
        Map<String, Link> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        // several IN lists must see one state of the table, hence the snapshot
        return transaction("findLinks", linksTable, ids.size() > CHUNK, c -> {
            for (List<String> chunk : chunks(ids)) {
                String sql = selectLinks + " WHERE crm_task_id IN (" + placeholders(chunk.size()) + ")";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    bind(ps, 1, chunk);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Link l = readLink(rs);
                            out.put(l.crmTaskId(), l);
                        }
                    }
                }
            }
            return out;
        });
    }

    @Override
    public Map<String, Link> findLinksByItems(String mailbox, Collection<String> itemIds) {
        Objects.requireNonNull(mailbox, "mailbox");
        List<String> ids = distinct(itemIds, "itemIds");
        Map<String, Link> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        return transaction("findLinksByItems", linksTable, ids.size() > CHUNK, c -> {
            for (List<String> chunk : chunks(ids)) {
                try (PreparedStatement ps = c.prepareStatement(selectLinks + " WHERE " + byItems(chunk.size()))) {
                    if (dialect.pairsMailboxWithItems) {
                        for (int i = 0; i < chunk.size(); i++) {
                            ps.setString(2 * i + 1, mailbox);
                            ps.setString(2 * i + 2, chunk.get(i));
                        }
                    } else {
                        ps.setString(1, mailbox);
                        bind(ps, 2, chunk);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Link l = readLink(rs);
                            out.put(l.itemId(), l);
                        }
                    }
                }
            }
            return out;
        });
    }

    @Override
    public void saveLinks(Collection<Link> links) {
        Objects.requireNonNull(links, "links");
        // one row per id, the last one winning as in a map; a driver that rewrites the batch into a
        // single multi-row upsert would otherwise fail on the repeated key
        Map<String, Link> byId = new LinkedHashMap<>();
        for (Link l : links) {
            Objects.requireNonNull(l, "links contains null");
            byId.remove(l.crmTaskId());
            byId.put(l.crmTaskId(), l);
        }
        if (byId.isEmpty()) {
            return;
        }
        transaction("saveLinks", linksTable, false, c -> {
            try (PreparedStatement ps = c.prepareStatement(upsertLink)) {
                int n = 0;
                for (Link l : byId.values()) {
                    ps.setString(1, l.crmTaskId());
                    ps.setString(2, l.mailbox());
                    ps.setString(3, l.itemId());
                    ps.setString(4, l.changeKey());
                    ps.setString(5, l.state().name());
                    ps.setString(6, TaskValuesCodec.encode(l.lastWritten()));
                    ps.setString(7, l.lastCrmStatus());
                    ps.setString(8, l.lastCrmModifiedAt() == null ? null : l.lastCrmModifiedAt().toString());
                    ps.setString(9, l.lastExchangeStatus() == null ? null : l.lastExchangeStatus().name());
                    ps.setBoolean(10, l.delegated());
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
        });
        LOG.debug("saved {} links", byId.size());
    }

    @Override
    public void deleteLinks(Collection<String> crmTaskIds) {
        List<String> ids = distinct(crmTaskIds, "crmTaskIds");
        if (ids.isEmpty()) {
            return;
        }
        transaction("deleteLinks", linksTable, false,
                c -> batch(c, "DELETE FROM " + linksTable + " WHERE crm_task_id = ?", ids));
        LOG.debug("deleted the links of {} tasks", ids.size());
    }

    @Override
    public int countLinks(String mailbox) {
        Objects.requireNonNull(mailbox, "mailbox");
        return transaction("countLinks", linksTable, false, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COUNT(*) FROM " + linksTable + " WHERE mailbox = ? AND state = ?")) {
                ps.setString(1, mailbox);
                ps.setString(2, Link.State.LINKED.name());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return Math.toIntExact(rs.getLong(1));
                }
            }
        });
    }

    // ---------------------------------------------------------------- cursors

    @Override
    public Optional<String> cursor(String key) {
        Objects.requireNonNull(key, "key");
        return transaction("cursor", cursorsTable, false, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT cursor_value FROM " + cursorsTable + " WHERE cursor_key = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    @Override
    public Map<String, String> cursors(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return transaction("cursors", cursorsTable, false, c -> {
            Map<String, String> out = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT cursor_key, cursor_value FROM " + cursorsTable
                    + " WHERE cursor_key LIKE ? ESCAPE '!'")) {
                ps.setString(1, likePrefix(prefix));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String key = rs.getString(1);
                        // LIKE may ignore case (H2 with IGNORECASE); the SPI's prefix does not
                        if (key.startsWith(prefix)) {
                            out.put(key, rs.getString(2));
                        }
                    }
                }
            }
            return out;
        });
    }

    @Override
    public void saveCursors(Map<String, String> values) {
        Objects.requireNonNull(values, "values");
        List<String[]> upserts = new ArrayList<>();
        List<String> deletes = new ArrayList<>();
        values.forEach((k, v) -> {
            Objects.requireNonNull(k, "values contains a null key");
            if (v == null) {
                deletes.add(k);
            } else {
                upserts.add(new String[] {k, v});
            }
        });
        if (upserts.isEmpty() && deletes.isEmpty()) {
            return;
        }
        transaction("saveCursors", cursorsTable, false, c -> {
            if (!upserts.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(upsertCursor)) {
                    int n = 0;
                    for (String[] kv : upserts) {
                        ps.setString(1, kv[0]);
                        ps.setString(2, kv[1]);
                        ps.addBatch();
                        if (++n % CHUNK == 0) {
                            ps.executeBatch();
                        }
                    }
                    if (n % CHUNK != 0) {
                        ps.executeBatch();
                    }
                }
            }
            if (!deletes.isEmpty()) {
                batch(c, "DELETE FROM " + cursorsTable + " WHERE cursor_key = ?", deletes);
            }
            return null;
        });
        LOG.debug("saved {} cursors, removed {}", upserts.size(), deletes.size());
    }

    // ---------------------------------------------------------------- pending

    @Override
    public Set<String> pendingTaskIds() {
        return transaction("pendingTaskIds", pendingTable, false, c -> {
            Set<String> out = new HashSet<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT crm_task_id FROM " + pendingTable)) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return Set.copyOf(out);
        });
    }

    @Override
    public void addPending(Collection<String> crmTaskIds) {
        List<String> ids = distinct(crmTaskIds, "crmTaskIds");
        if (!ids.isEmpty()) {
            transaction("addPending", pendingTable, false, c -> batch(c, insertPending, ids));
        }
    }

    @Override
    public void removePending(Collection<String> crmTaskIds) {
        List<String> ids = distinct(crmTaskIds, "crmTaskIds");
        if (!ids.isEmpty()) {
            transaction("removePending", pendingTable, false,
                    c -> batch(c, "DELETE FROM " + pendingTable + " WHERE crm_task_id = ?", ids));
        }
    }

    // ---------------------------------------------------------------- leases

    /**
     * A conditional UPDATE (the row is free, expired or already ours), and when it finds no row an
     * INSERT that loses quietly to a concurrent one. Both databases serialize writers of one row: a
     * second UPDATE waits for the first and then sees its new owner and expiry (PostgreSQL re-checks
     * the WHERE clause on the new row version, H2 reports a concurrent update, which is tried again),
     * so of several contenders exactly one is granted. Expiries are epoch milliseconds; the expiry
     * is rounded up and {@code now} down, so a lease never ends early.
     */
    @Override
    public boolean tryLease(String mailbox, String owner, Instant now, Duration ttl) {
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("lease duration must be positive, was " + ttl);
        }
        long nowMillis = now.toEpochMilli();
        Instant end = now.plus(ttl);
        long expires = end.toEpochMilli() + (end.getNano() % 1_000_000 == 0 ? 0 : 1);
        return transaction("tryLease", leasesTable, false, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + leasesTable
                    + " SET owner = ?, expires_at = ? WHERE mailbox = ? AND (owner = ? OR expires_at <= ?)")) {
                ps.setString(1, owner);
                ps.setLong(2, expires);
                ps.setString(3, mailbox);
                ps.setString(4, owner);
                ps.setLong(5, nowMillis);
                if (ps.executeUpdate() == 1) {
                    return true;
                }
            }
            // no row, or a live lease of another owner: only an INSERT can still win
            try (PreparedStatement ps = c.prepareStatement(dialect.insertOrIgnore(leasesTable,
                    List.of("mailbox", "owner", "expires_at"), "mailbox"))) {
                ps.setString(1, mailbox);
                ps.setString(2, owner);
                ps.setLong(3, expires);
                return ps.executeUpdate() == 1;
            } catch (SQLException e) {
                if (dialect.isUniqueViolation(e)) {
                    return false; // another owner inserted it first (its statement failed, not the transaction)
                }
                throw e;
            }
        });
    }

    @Override
    public void releaseLeases(String owner, Collection<String> mailboxes) {
        Objects.requireNonNull(owner, "owner");
        List<String> names = distinct(mailboxes, "mailboxes");
        if (names.isEmpty()) {
            return;
        }
        transaction("releaseLeases", leasesTable, false, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM " + leasesTable + " WHERE mailbox = ? AND owner = ?")) {
                int n = 0;
                for (String mailbox : names) {
                    ps.setString(1, mailbox);
                    ps.setString(2, owner);
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
        });
        LOG.debug("{} released the leases of {} mailboxes", owner, names.size());
    }

    @Override
    public String toString() {
        return "JdbcSyncStateStore[" + dialect.productName() + " at " + database + ", tables " + linksTable + ", "
                + cursorsTable + ", " + pendingTable + ", " + leasesTable + "]";
    }

    // ---------------------------------------------------------------- schema

    private void createTables() {
        String text = dialect.text;
        List<String> ddl = List.of(
                dialect.createTable(linksTable, ""
                        + "crm_task_id " + text + " NOT NULL PRIMARY KEY, "
                        + "mailbox " + text + " NOT NULL, "
                        + "item_id " + text + ", "
                        + "change_key " + text + ", "
                        + "state VARCHAR(32) NOT NULL, "
                        + "last_written " + dialect.longText + " NOT NULL, "
                        + "last_crm_status " + text + ", "
                        + "last_crm_modified_at VARCHAR(64), "
                        + "last_exchange_status VARCHAR(32), "
                        + "delegated " + dialect.booleanType + " NOT NULL"),
                dialect.createIndex(linksTable + "_mailbox_item", linksTable, "mailbox, item_id"),
                dialect.createIndex(linksTable + "_mailbox_state", linksTable, "mailbox, state"),
                dialect.createTable(cursorsTable, ""
                        + "cursor_key " + text + " NOT NULL PRIMARY KEY, "
                        + "cursor_value " + dialect.longText + " NOT NULL"),
                dialect.createTable(pendingTable, ""
                        + "crm_task_id " + text + " NOT NULL PRIMARY KEY"),
                dialect.createTable(leasesTable, ""
                        + "mailbox " + text + " NOT NULL PRIMARY KEY, "
                        + "owner " + text + " NOT NULL, "
                        + "expires_at " + dialect.bigintType + " NOT NULL"));
        String tables = linksTable + ", " + cursorsTable + ", " + pendingTable + ", " + leasesTable;
        // two stores starting at once may both try to create; the loser's unique violation is retried
        // and then finds the tables there
        transaction("create tables", tables, false, c -> {
            try (Statement st = c.createStatement()) {
                for (String sql : ddl) {
                    st.execute(sql);
                }
            }
            return null;
        });
        // tables of the same names made by something else fail here, at build time, not in a cycle
        transaction("check tables", tables, false, c -> {
            try (Statement st = c.createStatement()) {
                st.executeQuery(selectLinks + " WHERE 1 = 0").close();
                st.executeQuery("SELECT cursor_key, cursor_value FROM " + cursorsTable + " WHERE 1 = 0").close();
                st.executeQuery("SELECT crm_task_id FROM " + pendingTable + " WHERE 1 = 0").close();
                st.executeQuery("SELECT mailbox, owner, expires_at FROM " + leasesTable + " WHERE 1 = 0").close();
            }
            return null;
        });
    }

    /** H2 writes committed data to its file in the background unless WRITE_DELAY is 0: a crash can lose it. */
    private void warnIfCommitsAreDelayed() {
        if (dialect != SqlDialect.H2 || database.contains("mem:")) {
            return;
        }
        String delay = transaction("check WRITE_DELAY", "INFORMATION_SCHEMA.SETTINGS", false, c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
                return rs.next() ? rs.getString(1) : null;
            }
        });
        if (delay != null && !delay.equals("0")) {
            LOG.warn("H2 database {} has WRITE_DELAY={} ms: a crash within that time after a commit loses the "
                    + "commit. Add ;WRITE_DELAY=0 to the JDBC URL so that the sync state survives a crash.",
                    database, delay);
        }
    }

    // ---------------------------------------------------------------- JDBC plumbing

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in a transaction of its own and commits it; tries again when the database
     * reports a conflict with a concurrent transaction; turns every other failure into a
     * {@link StateStoreException} naming {@code operation} and {@code table}.
     */
    private <T> T transaction(String operation, String table, boolean snapshot, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return attempt(snapshot, work);
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

    private <T> T attempt(boolean snapshot, Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            int isolation = c.getTransactionIsolation();
            boolean raiseIsolation = snapshot && isolation != dialect.snapshotIsolation()
                    && isolation != Connection.TRANSACTION_SERIALIZABLE;
            try {
                if (autoCommit) {
                    c.setAutoCommit(false);
                }
                if (raiseIsolation) {
                    c.setTransactionIsolation(dialect.snapshotIsolation());
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

    private static Object batch(Connection c, String sql, List<String> values) throws SQLException {
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

    private Link readLink(ResultSet rs) throws SQLException {
        String id = rs.getString("crm_task_id");
        String column = "state";
        try {
            Link.State state = Link.State.valueOf(rs.getString("state"));
            column = "last_written";
            TaskValues written = TaskValuesCodec.decode(rs.getString("last_written"));
            column = "last_crm_modified_at";
            String modified = rs.getString("last_crm_modified_at");
            column = "last_exchange_status";
            String exchangeStatus = rs.getString("last_exchange_status");
            column = "item_id";
            return new Link(id, rs.getString("mailbox"), rs.getString("item_id"), rs.getString("change_key"), state,
                    written, rs.getString("last_crm_status"), modified == null ? null : Instant.parse(modified),
                    exchangeStatus == null ? null : ExchangeStatus.valueOf(exchangeStatus),
                    rs.getBoolean("delegated"));
        } catch (IllegalArgumentException | NullPointerException | DateTimeException e) {
            throw new SQLDataException("the row of crm_task_id '" + id + "' has an unreadable " + column + ": "
                    + e.getMessage(), e);
        }
    }

    private static List<String> distinct(Collection<String> ids, String name) {
        Objects.requireNonNull(ids, name);
        Set<String> out = new LinkedHashSet<>();
        for (String id : ids) {
            out.add(Objects.requireNonNull(id, () -> name + " contains null"));
        }
        return new ArrayList<>(out);
    }

    private static List<List<String>> chunks(List<String> ids) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += CHUNK) {
            out.add(ids.subList(i, Math.min(ids.size(), i + CHUNK)));
        }
        return out;
    }

    private static void bind(PreparedStatement ps, int first, List<String> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            ps.setString(first + i, values.get(i));
        }
    }

    private String byItems(int n) {
        if (dialect.pairsMailboxWithItems) {
            return "(mailbox, item_id) IN (" + String.join(", ", Collections.nCopies(n, "(?, ?)")) + ")";
        }
        return "mailbox = ? AND item_id IN (" + placeholders(n) + ")";
    }

    private static String placeholders(int n) {
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

package org.tasksync.core.state;

import java.sql.DatabaseMetaData;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.SyncStateStore;

/**
 * A {@link SyncStateStore} in a relational database, H2 (2.x), PostgreSQL, SQL Server 2016+ or
 * Oracle 12c+ (chosen from the driver's product name, or forced with {@link Builder#dialect}), through JDBC. It
 * creates its five tables ({@code <prefix>links}, {@code <prefix>intents}, {@code <prefix>cursors},
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

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSyncStateStore.class);
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final SqlDialect dialect;
    private final String database;
    private final String tables;
    private final LinksTable links;
    private final CursorsTable cursors;
    private final PendingTable pending;
    private final LeasesTable leases;

    /** The longest name the store makes from its prefix: the prefix plus this many characters. */
    private static final int LONGEST_SUFFIX = "links_mailbox_state".length();

    private JdbcSyncStateStore(DataSource dataSource, String prefix, SqlDialect forced) {
        DatabaseInfo found = new Jdbc(dataSource, null).transaction("connect", prefix + "links", false, c -> {
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
        Jdbc jdbc = new Jdbc(dataSource, dialect);
        this.links = new LinksTable(jdbc, prefix + "links", prefix + "intents");
        this.cursors = new CursorsTable(jdbc, prefix + "cursors");
        this.pending = new PendingTable(jdbc, prefix + "pending");
        this.leases = new LeasesTable(jdbc, prefix + "leases");
        this.tables = prefix + "links, " + prefix + "intents, " + prefix + "cursors, " + prefix + "pending, " + prefix + "leases";
        StateSchema.create(jdbc, prefix, links.select(), links.selectIntents());
        StateSchema.warnIfCommitsAreDelayed(jdbc, database);
        LOG.info("State store ready: {} at {}, tables {}", found.product(), database, tables);
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

    // ---------------------------------------------------------------- the tables

    @Override
    public Map<String, Link> findLinks(Collection<String> crmTaskIds) {
        return links.find(crmTaskIds);
    }

    @Override
    public Map<String, Link> findLinksByItems(String mailbox, Collection<String> itemIds) {
        return links.findByItems(mailbox, itemIds);
    }

    @Override
    public void saveLinks(Collection<Link> links) {
        this.links.save(links);
    }

    @Override
    public void deleteLinks(Collection<String> crmTaskIds) {
        links.delete(crmTaskIds);
    }

    @Override
    public int countLinks(String mailbox) {
        return links.count(mailbox);
    }

    @Override
    public Optional<String> cursor(String key) {
        return cursors.get(key);
    }

    @Override
    public Map<String, String> cursors(String prefix) {
        return cursors.withPrefix(prefix);
    }

    @Override
    public void saveCursors(Map<String, String> values) {
        cursors.save(values);
    }

    @Override
    public Set<String> pendingTaskIds() {
        return pending.ids();
    }

    @Override
    public void addPending(Collection<String> crmTaskIds) {
        pending.add(crmTaskIds);
    }

    @Override
    public void removePending(Collection<String> crmTaskIds) {
        pending.remove(crmTaskIds);
    }

    /** See {@link LeasesTable#tryLease}: a conditional UPDATE, then an INSERT that loses quietly to a concurrent one. */
    @Override
    public boolean tryLease(String mailbox, String owner, Instant now, Duration ttl) {
        return leases.tryLease(mailbox, owner, now, ttl);
    }

    @Override
    public void releaseLeases(String owner, Collection<String> mailboxes) {
        leases.releaseLeases(owner, mailboxes);
    }

    @Override
    public String toString() {
        return "JdbcSyncStateStore[" + dialect.productName() + " at " + database + ", tables " + tables + "]";
    }

    /** A LIKE pattern matching every string that starts with {@code prefix}, with {@code !} as escape. */
    static String likePrefix(String prefix) {
        return Jdbc.likePrefix(prefix);
    }

    /** {@code text} with passwords in URL parameters and user info masked. */
    static String withoutSecrets(String text) {
        return Jdbc.withoutSecrets(text);
    }
}

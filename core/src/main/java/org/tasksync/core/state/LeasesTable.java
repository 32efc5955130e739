package org.tasksync.core.state;

import static org.tasksync.core.state.Jdbc.CHUNK;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The leases table of {@link JdbcSyncStateStore}: which cluster node syncs a mailbox, until when. */
final class LeasesTable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSyncStateStore.class);

    private final Jdbc jdbc;
    private final SqlDialect dialect;
    private final String leasesTable;

    LeasesTable(Jdbc jdbc, String table) {
        this.jdbc = jdbc;
        this.dialect = jdbc.dialect();
        this.leasesTable = table;
    }

    /**
     * A conditional UPDATE (the row is free, expired or already ours), and when it finds no row an
     * INSERT that loses quietly to a concurrent one. Both databases serialize writers of one row: a
     * second UPDATE waits for the first and then sees its new owner and expiry (PostgreSQL re-checks
     * the WHERE clause on the new row version, H2 reports a concurrent update, which is tried again),
     * so of several contenders exactly one is granted. Expiries are epoch milliseconds; the expiry
     * is rounded up and {@code now} down, so a lease never ends early.
     */
    boolean tryLease(String mailbox, String owner, Instant now, Duration ttl) {
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(now, "now");
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("lease duration must be positive, was " + ttl);
        }
        long nowMillis = now.toEpochMilli();
        Instant end = now.plus(ttl);
        long expires = end.toEpochMilli() + (end.getNano() % 1_000_000 == 0 ? 0 : 1);
        return jdbc.transaction("tryLease", leasesTable, false, c -> {
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

    void releaseLeases(String owner, Collection<String> mailboxes) {
        Objects.requireNonNull(owner, "owner");
        List<String> names = Jdbc.distinct(mailboxes, "mailboxes");
        if (names.isEmpty()) {
            return;
        }
        jdbc.transaction("releaseLeases", leasesTable, false, c -> {
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
}

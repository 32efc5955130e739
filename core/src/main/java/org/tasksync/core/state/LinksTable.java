package org.tasksync.core.state;

import static org.tasksync.core.state.Jdbc.CHUNK;
import static org.tasksync.core.state.Jdbc.bind;
import static org.tasksync.core.state.Jdbc.chunks;
import static org.tasksync.core.state.Jdbc.distinct;
import static org.tasksync.core.state.Jdbc.placeholders;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.Link;

/**
 * The links of {@link JdbcSyncStateStore}, in two tables of the same columns: {@code <prefix>links}, one row
 * per CRM task that the engine links to an Exchange item, and {@code <prefix>intents}, the creates in
 * flight (see {@link #isIntent}).
 */
final class LinksTable {

    static final List<String> COLUMNS = List.of("crm_task_id", "mailbox", "item_id", "change_key",
            "state", "last_written", "last_crm_status", "last_crm_modified_at", "last_exchange_status", "delegated");

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSyncStateStore.class);

    private final Jdbc jdbc;
    private final SqlDialect dialect;
    private final String table;
    private final String intents;
    /** Both tables, as errors name them. */
    private final String tables;
    private final String select;
    private final String selectIntents;
    /** Both tables' rows, each marked with the table it came from (0 links, 1 intents), before the WHERE. */
    private final String selectBothLinks;
    private final String selectBothIntents;
    private final String upsert;
    private final String upsertIntent;

    LinksTable(Jdbc jdbc, String table, String intents) {
        this.jdbc = jdbc;
        this.dialect = jdbc.dialect();
        this.table = table;
        this.intents = intents;
        this.tables = table + ", " + intents;
        String columns = String.join(", ", COLUMNS);
        this.select = "SELECT " + columns + " FROM " + table;
        this.selectIntents = "SELECT " + columns + " FROM " + intents;
        this.selectBothLinks = "SELECT " + columns + ", 0 FROM " + table;
        this.selectBothIntents = " UNION ALL SELECT " + columns + ", 1 FROM " + intents;
        this.upsert = dialect.upsert(table, COLUMNS, "crm_task_id");
        this.upsertIntent = dialect.upsert(intents, COLUMNS, "crm_task_id");
    }

    /** The statement that reads every column of the links table, for the schema check. */
    String select() {
        return select;
    }

    /** The same for the intents table. */
    String selectIntents() {
        return selectIntents;
    }

    /**
     * Whether a link is kept in the intents table: a create in flight, which has no item yet. Of a
     * created task's two saves only the result's then writes the links table's scattered
     * {@code crm_task_id} index, as an INSERT, where an intent in the links table had it written twice
     * (H2 2.3 rewrites every index entry of a row it updates; docs/perf/intents.md).
     * An intent has no item id and is not {@code LINKED}, so {@code findLinksByItems} and
     * {@code countLinks} never need the intents table. A {@code CREATE_INTENDED} link with an item id,
     * which the SPI allows but the engine never saves, stays in the links table, where lookups by
     * item find it as they always did.
     */
    static boolean isIntent(Link l) {
        return l.state() == Link.State.CREATE_INTENDED && l.itemId() == null;
    }

    /**
     * Reads both tables in one statement per IN list: a save moves a row between them in one
     * transaction, and one statement sees one state of both on H2, PostgreSQL and Oracle, so a moving
     * row is seen once, never missed. SQL Server's locking READ COMMITTED and REPEATABLE READ do not
     * promise that; there the read is SERIALIZABLE. Should a task have a row in both tables (only a
     * writer of an earlier version, which knows only the links table, can leave that: this one deletes
     * the other row in the same transaction), the links row wins, being the later write.
     */
    Map<String, Link> find(Collection<String> crmTaskIds) {
        List<String> ids = distinct(crmTaskIds, "crmTaskIds");
        Map<String, Link> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        // several IN lists must see one state of the tables, hence the snapshot
        int isolation = !dialect.statementSeesOneState() ? Connection.TRANSACTION_SERIALIZABLE
                : ids.size() > CHUNK ? dialect.snapshotIsolation() : Jdbc.AS_IT_COMES;
        return jdbc.transaction("findLinks", tables, isolation, c -> {
            for (List<String> chunk : chunks(ids)) {
                String in = " WHERE crm_task_id IN (" + placeholders(chunk.size()) + ")";
                String sql = selectBothLinks + in + selectBothIntents + in;
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    bind(ps, 1, chunk);
                    bind(ps, 1 + chunk.size(), chunk);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Link l = read(rs);
                            if (rs.getInt(COLUMNS.size() + 1) == 0 || !out.containsKey(l.crmTaskId())) {
                                out.put(l.crmTaskId(), l);
                            }
                        }
                    }
                }
            }
            return out;
        });
    }

    Map<String, Link> findByItems(String mailbox, Collection<String> itemIds) {
        Objects.requireNonNull(mailbox, "mailbox");
        List<String> ids = distinct(itemIds, "itemIds");
        Map<String, Link> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        return jdbc.transaction("findLinksByItems", table, ids.size() > CHUNK, c -> {
            for (List<String> chunk : chunks(ids)) {
                try (PreparedStatement ps = c.prepareStatement(select + " WHERE " + byItems(chunk.size()))) {
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
                            Link l = read(rs);
                            out.put(l.itemId(), l);
                        }
                    }
                }
            }
            return out;
        });
    }

    void save(Collection<Link> links) {
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
        List<Link> toIntents = new ArrayList<>();
        List<Link> toLinks = new ArrayList<>();
        for (Link l : byId.values()) {
            (isIntent(l) ? toIntents : toLinks).add(l);
        }
        // every row goes to its table and leaves the other one, in one transaction. The intents table is
        // written first in every call, so two saves of one task lock its rows in the same order. For a new
        // task the DELETE from the links table finds nothing and writes nothing.
        jdbc.transaction("saveLinks", tables, false, c -> {
            upsert(c, upsertIntent, toIntents);
            deleteIn(c, intents, idsOf(toLinks));
            deleteIn(c, table, idsOf(toIntents));
            upsert(c, upsert, toLinks);
            return null;
        });
        LOG.debug("saved {} links", byId.size());
    }

    private static void upsert(Connection c, String sql, List<Link> links) throws SQLException {
        if (links.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int n = 0;
            for (Link l : links) {
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
    }

    /** One DELETE per IN list, not one per row: a statement run per row cost more than the rows it removed. */
    private static void deleteIn(Connection c, String table, List<String> ids) throws SQLException {
        for (List<String> chunk : chunks(ids)) {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM " + table + " WHERE crm_task_id IN (" + placeholders(chunk.size()) + ")")) {
                bind(ps, 1, chunk);
                ps.executeUpdate();
            }
        }
    }

    private static List<String> idsOf(List<Link> links) {
        List<String> out = new ArrayList<>(links.size());
        for (Link l : links) {
            out.add(l.crmTaskId());
        }
        return out;
    }

    void delete(Collection<String> crmTaskIds) {
        List<String> ids = distinct(crmTaskIds, "crmTaskIds");
        if (ids.isEmpty()) {
            return;
        }
        jdbc.transaction("deleteLinks", tables, false, c -> {
            deleteIn(c, intents, ids);
            deleteIn(c, table, ids);
            return null;
        });
        LOG.debug("deleted the links of {} tasks", ids.size());
    }

    int count(String mailbox) {
        Objects.requireNonNull(mailbox, "mailbox");
        return jdbc.transaction("countLinks", table, false, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COUNT(*) FROM " + table + " WHERE mailbox = ? AND state = ?")) {
                ps.setString(1, mailbox);
                ps.setString(2, Link.State.LINKED.name());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return Math.toIntExact(rs.getLong(1));
                }
            }
        });
    }

    /** A row of {@link #select}, read by column position (in the order of {@link #COLUMNS}), not by name. */
    private static Link read(ResultSet rs) throws SQLException {
        String id = rs.getString(1);
        String column = "state";
        try {
            Link.State state = Link.State.valueOf(rs.getString(5));
            column = "last_written";
            TaskValues written = TaskValuesCodec.decode(rs.getString(6));
            column = "last_crm_modified_at";
            String modified = rs.getString(8);
            Instant modifiedAt = modified == null ? null : TaskValuesCodec.parseInstant(modified);
            column = "last_exchange_status";
            String exchangeStatus = rs.getString(9);
            column = "item_id";
            return new Link(id, rs.getString(2), rs.getString(3), rs.getString(4), state, written, rs.getString(7),
                    modifiedAt, exchangeStatus == null ? null : ExchangeStatus.valueOf(exchangeStatus),
                    rs.getBoolean(10));
        } catch (IllegalArgumentException | NullPointerException | DateTimeException e) {
            throw new SQLDataException("the row of crm_task_id '" + id + "' has an unreadable " + column + ": "
                    + e.getMessage(), e);
        }
    }

    private String byItems(int n) {
        if (dialect.pairsMailboxWithItems) {
            return "(mailbox, item_id) IN (" + String.join(", ", Collections.nCopies(n, "(?, ?)")) + ")";
        }
        return "mailbox = ? AND item_id IN (" + placeholders(n) + ")";
    }
}

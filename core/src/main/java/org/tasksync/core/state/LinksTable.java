package org.tasksync.core.state;

import static org.tasksync.core.state.Jdbc.CHUNK;
import static org.tasksync.core.state.Jdbc.bind;
import static org.tasksync.core.state.Jdbc.chunks;
import static org.tasksync.core.state.Jdbc.distinct;
import static org.tasksync.core.state.Jdbc.placeholders;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
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

/** The links table of {@link JdbcSyncStateStore}: one row per CRM task that the engine links to an Exchange item. */
final class LinksTable {

    static final List<String> COLUMNS = List.of("crm_task_id", "mailbox", "item_id", "change_key",
            "state", "last_written", "last_crm_status", "last_crm_modified_at", "last_exchange_status", "delegated");

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSyncStateStore.class);

    private final Jdbc jdbc;
    private final SqlDialect dialect;
    private final String table;
    private final String select;
    private final String upsert;

    LinksTable(Jdbc jdbc, String table) {
        this.jdbc = jdbc;
        this.dialect = jdbc.dialect();
        this.table = table;
        this.select = "SELECT " + String.join(", ", COLUMNS) + " FROM " + table;
        this.upsert = dialect.upsert(table, COLUMNS, "crm_task_id");
    }

    /** The statement that reads every column, for the schema check. */
    String select() {
        return select;
    }

    Map<String, Link> find(Collection<String> crmTaskIds) {
        List<String> ids = distinct(crmTaskIds, "crmTaskIds");
        Map<String, Link> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        // several IN lists must see one state of the table, hence the snapshot
        return jdbc.transaction("findLinks", table, ids.size() > CHUNK, c -> {
            for (List<String> chunk : chunks(ids)) {
                String sql = select + " WHERE crm_task_id IN (" + placeholders(chunk.size()) + ")";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    bind(ps, 1, chunk);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Link l = read(rs);
                            out.put(l.crmTaskId(), l);
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
        jdbc.transaction("saveLinks", table, false, c -> {
            try (PreparedStatement ps = c.prepareStatement(upsert)) {
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

    void delete(Collection<String> crmTaskIds) {
        List<String> ids = distinct(crmTaskIds, "crmTaskIds");
        if (ids.isEmpty()) {
            return;
        }
        jdbc.transaction("deleteLinks", table, false,
                c -> Jdbc.batch(c, "DELETE FROM " + table + " WHERE crm_task_id = ?", ids));
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

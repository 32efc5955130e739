package org.tasksync.core.state;

import static org.tasksync.core.state.Jdbc.CHUNK;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The cursors table of {@link JdbcSyncStateStore}: opaque cursor values by key. */
final class CursorsTable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSyncStateStore.class);

    private final Jdbc jdbc;
    private final String table;
    private final String upsert;

    CursorsTable(Jdbc jdbc, String table) {
        this.jdbc = jdbc;
        this.table = table;
        this.upsert = jdbc.dialect().upsert(table, List.of("cursor_key", "cursor_value"), "cursor_key");
    }

    Optional<String> get(String key) {
        Objects.requireNonNull(key, "key");
        return jdbc.transaction("cursor", table, false, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT cursor_value FROM " + table + " WHERE cursor_key = ?")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    Map<String, String> withPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return jdbc.transaction("cursors", table, false, c -> {
            Map<String, String> out = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT cursor_key, cursor_value FROM " + table
                    + " WHERE cursor_key LIKE ? ESCAPE '!'")) {
                ps.setString(1, Jdbc.likePrefix(prefix));
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

    void save(Map<String, String> values) {
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
        jdbc.transaction("saveCursors", table, false, c -> {
            if (!upserts.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(upsert)) {
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
                Jdbc.batch(c, "DELETE FROM " + table + " WHERE cursor_key = ?", deletes);
            }
            return null;
        });
        LOG.debug("saved {} cursors, removed {}", upserts.size(), deletes.size());
    }
}

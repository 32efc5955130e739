package org.tasksync.core.state;

import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates and checks the five tables of {@link JdbcSyncStateStore}, and warns of an H2 file that delays its commits. */
final class StateSchema {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSyncStateStore.class);

    private StateSchema() {
    }

    static void create(Jdbc jdbc, String prefix, String selectLinks, String selectIntents) {
        SqlDialect dialect = jdbc.dialect();
        String linksTable = prefix + "links";
        String intentsTable = prefix + "intents";
        String cursorsTable = prefix + "cursors";
        String pendingTable = prefix + "pending";
        String leasesTable = prefix + "leases";
        String text = dialect.text;
        String linkColumns = ""
                + "crm_task_id " + text + " NOT NULL PRIMARY KEY, "
                + "mailbox " + text + " NOT NULL, "
                + "item_id " + text + ", "
                + "change_key " + text + ", "
                + "state VARCHAR(32) NOT NULL, "
                + "last_written " + dialect.lastWrittenType() + " NOT NULL, "
                + "last_crm_status " + text + ", "
                + "last_crm_modified_at VARCHAR(64), "
                + "last_exchange_status VARCHAR(32), "
                + "delegated " + dialect.booleanType + " NOT NULL";
        List<String> ddl = List.of(
                dialect.createTable(linksTable, linkColumns),
                dialect.createIndex(linksTable + "_mailbox_item", linksTable, "mailbox, item_id"),
                dialect.createIndex(linksTable + "_mailbox_state", linksTable, "mailbox, state"),
                // creates in flight only, read by crm_task_id only: no other index, so it stays a few pages
                dialect.createTable(intentsTable, linkColumns),
                dialect.createTable(cursorsTable, ""
                        + "cursor_key " + text + " NOT NULL PRIMARY KEY, "
                        + "cursor_value " + dialect.longText + " NOT NULL"),
                dialect.createTable(pendingTable, ""
                        + "crm_task_id " + text + " NOT NULL PRIMARY KEY"),
                dialect.createTable(leasesTable, ""
                        + "mailbox " + text + " NOT NULL PRIMARY KEY, "
                        + "owner " + text + " NOT NULL, "
                        + "expires_at " + dialect.bigintType + " NOT NULL"));
        String tables = linksTable + ", " + intentsTable + ", " + cursorsTable + ", " + pendingTable + ", " + leasesTable;
        // two stores starting at once may both try to create; the loser's unique violation is retried
        // and then finds the tables there
        jdbc.transaction("create tables", tables, false, c -> {
            try (Statement st = c.createStatement()) {
                for (String sql : ddl) {
                    st.execute(sql);
                }
            }
            return null;
        });
        // tables of the same names made by something else fail here, at build time, not in a cycle
        jdbc.transaction("check tables", tables, false, c -> {
            try (Statement st = c.createStatement()) {
                st.executeQuery(selectLinks + " WHERE 1 = 0").close();
                st.executeQuery(selectIntents + " WHERE 1 = 0").close();
                st.executeQuery("SELECT cursor_key, cursor_value FROM " + cursorsTable + " WHERE 1 = 0").close();
                st.executeQuery("SELECT crm_task_id FROM " + pendingTable + " WHERE 1 = 0").close();
                st.executeQuery("SELECT mailbox, owner, expires_at FROM " + leasesTable + " WHERE 1 = 0").close();
            }
            return null;
        });
    }

    /** H2 writes committed data to its file in the background unless WRITE_DELAY is 0: a crash can lose it. */
    static void warnIfCommitsAreDelayed(Jdbc jdbc, String database) {
        if (jdbc.dialect() != SqlDialect.H2 || database.contains("mem:")) {
            return;
        }
        String delay = jdbc.transaction("check WRITE_DELAY", "INFORMATION_SCHEMA.SETTINGS", false, c -> {
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
}

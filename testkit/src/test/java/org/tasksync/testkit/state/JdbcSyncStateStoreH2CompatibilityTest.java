package org.tasksync.testkit.state;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.tasksync.core.spi.SyncStateStore;
import org.tasksync.core.state.JdbcSyncStateStore;

/** Core's JDBC state store on H2 passes the state-store kit; each test gets a database of its own. */
class JdbcSyncStateStoreH2CompatibilityTest extends SyncStateStoreCompatibilityKit {

    /** Keeps the in-memory database alive for the test; closing it drops the database. */
    private Connection keepAlive;

    @Override
    protected SyncStateStore newStore() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:state-" + UUID.randomUUID());
        ds.setUser("sa");
        ds.setPassword("");
        try {
            keepAlive = ds.getConnection();
        } catch (SQLException e) {
            throw new IllegalStateException("could not open an H2 database for the test", e);
        }
        return JdbcSyncStateStore.builder(ds).build();
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        if (keepAlive != null) {
            keepAlive.close();
        }
    }
}

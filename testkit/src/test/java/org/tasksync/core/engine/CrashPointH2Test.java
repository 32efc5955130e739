package org.tasksync.core.engine;

import org.h2.jdbcx.JdbcDataSource;
import org.tasksync.core.spi.SyncStateStore;
import org.tasksync.core.state.JdbcSyncStateStore;

/** The crash points against the JDBC state store on H2, the embedded default. */
class CrashPointH2Test extends CrashPointContract {
    @Override
    protected SyncStateStore freshStore(String name) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:crash-" + name + "-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        return JdbcSyncStateStore.builder(ds).build();
    }
}

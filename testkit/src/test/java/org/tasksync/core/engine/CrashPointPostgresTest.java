package org.tasksync.core.engine;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.tasksync.core.spi.SyncStateStore;
import org.tasksync.core.state.JdbcSyncStateStore;
import org.tasksync.testkit.jdbc.PooledDataSource;

/** The crash points against the JDBC state store on a real PostgreSQL (each scenario its own tables). */
class CrashPointPostgresTest extends CrashPointContract {

    private static EmbeddedPostgres postgres;
    private static PooledDataSource pool;

    @BeforeAll
    static void start() throws Exception {
        // the server must answer within this (the library's default, 10 s, is short on a loaded machine)
        postgres = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofMinutes(2)).start();
        pool = new PooledDataSource(postgres.getPostgresDatabase());
    }

    @AfterAll
    static void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    protected SyncStateStore freshStore(String name) {
        return JdbcSyncStateStore.builder(pool).tablePrefix("cp_" + name + "_").build();
    }
}

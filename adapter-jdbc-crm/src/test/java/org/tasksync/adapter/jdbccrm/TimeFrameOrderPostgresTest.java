package org.tasksync.adapter.jdbccrm;

import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;

/** The time frame's order, on the reference schema in a database of an embedded PostgreSQL. */
class TimeFrameOrderPostgresTest extends TimeFrameOrderScenarios {

    private static DataSource db;

    @BeforeAll
    static void startPostgres() {
        db = TestDatabases.postgres();
    }

    @Override
    protected DataSource database() {
        return db;
    }
}

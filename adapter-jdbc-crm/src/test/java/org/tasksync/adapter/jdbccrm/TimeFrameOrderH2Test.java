package org.tasksync.adapter.jdbccrm;

import javax.sql.DataSource;

/** The time frame's order, on the reference schema in H2. */
class TimeFrameOrderH2Test extends TimeFrameOrderScenarios {

    private static final DataSource DB = TestDatabases.h2();

    @Override
    protected DataSource database() {
        return DB;
    }
}

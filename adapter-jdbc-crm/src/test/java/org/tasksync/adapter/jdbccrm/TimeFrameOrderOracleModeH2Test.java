package org.tasksync.adapter.jdbccrm;

import javax.sql.DataSource;

/** The time frame's order with the ORACLE dialect forced, on H2 in MODE=Oracle. */
class TimeFrameOrderOracleModeH2Test extends TimeFrameOrderScenarios {

    private static final DataSource DB = TestDatabases.h2("Oracle");

    @Override
    protected DataSource database() {
        return DB;
    }

    @Override
    protected CrmDialect dialect() {
        return CrmDialect.ORACLE;
    }
}

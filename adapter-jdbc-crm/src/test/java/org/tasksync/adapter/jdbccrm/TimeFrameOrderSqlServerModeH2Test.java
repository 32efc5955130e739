package org.tasksync.adapter.jdbccrm;

import javax.sql.DataSource;

/** The time frame's order with the SQLSERVER dialect forced, on H2 in MODE=MSSQLServer. */
class TimeFrameOrderSqlServerModeH2Test extends TimeFrameOrderScenarios {

    private static final DataSource DB = TestDatabases.h2("MSSQLServer");

    @Override
    protected DataSource database() {
        return DB;
    }

    @Override
    protected CrmDialect dialect() {
        return CrmDialect.SQLSERVER;
    }
}

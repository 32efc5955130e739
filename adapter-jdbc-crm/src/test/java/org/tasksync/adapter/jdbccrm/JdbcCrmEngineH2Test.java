package org.tasksync.adapter.jdbccrm;

import javax.sql.DataSource;

/** The engine over the JDBC CRM adapter, CRM and state store in one H2 database. */
class JdbcCrmEngineH2Test extends JdbcCrmEngineScenarios {

    private static final DataSource DB = TestDatabases.h2();

    @Override
    protected DataSource database() {
        return DB;
    }
}

package org.tasksync.adapter.jdbccrm;

import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;

/** The engine over the JDBC CRM adapter, CRM and state store in one database of an embedded PostgreSQL. */
class JdbcCrmEnginePostgresTest extends JdbcCrmEngineScenarios {

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

package org.tasksync.adapter.jdbccrm;

import org.junit.jupiter.api.BeforeAll;
import org.tasksync.testkit.crm.CrmChangeFeedCompatibilityKit;
import org.tasksync.testkit.crm.CrmFixture;

/**
 * The CRM adapter contract and its change feed's, on the reference schema in an embedded PostgreSQL
 * with the change trigger installed.
 */
class JdbcCrmAdapterPostgresTest extends CrmChangeFeedCompatibilityKit {

    private static JdbcCrmFixture crm;

    @BeforeAll
    static void startPostgres() {
        crm = JdbcCrmFixture.referenceSchema(TestDatabases.postgres());
        crm.crm().installChangeNotifications();
    }

    @Override
    protected CrmFixture fixture() {
        return crm;
    }
}

package org.tasksync.adapter.jdbccrm;

import org.junit.jupiter.api.BeforeAll;
import org.tasksync.testkit.crm.CrmAdapterCompatibilityKit;
import org.tasksync.testkit.crm.CrmFixture;

/** The CRM adapter contract, on the reference schema in an embedded PostgreSQL with the change trigger installed. */
class JdbcCrmAdapterPostgresTest extends CrmAdapterCompatibilityKit {

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

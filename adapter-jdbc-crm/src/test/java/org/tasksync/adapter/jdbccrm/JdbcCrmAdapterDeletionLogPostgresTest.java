package org.tasksync.adapter.jdbccrm;

import org.junit.jupiter.api.BeforeAll;
import org.tasksync.testkit.crm.CrmChangeFeedCompatibilityKit;
import org.tasksync.testkit.crm.CrmFixture;

/**
 * The CRM adapter contract and its change feed's in PostgreSQL, for a CRM that deletes rows and logs
 * them in a table; the change trigger is installed (it hears the row deletions).
 */
class JdbcCrmAdapterDeletionLogPostgresTest extends CrmChangeFeedCompatibilityKit {

    private static JdbcCrmFixture crm;

    @BeforeAll
    static void startPostgres() {
        crm = JdbcCrmFixture.deletionLog(TestDatabases.postgres());
        crm.crm().installChangeNotifications();
    }

    @Override
    protected CrmFixture fixture() {
        return crm;
    }
}

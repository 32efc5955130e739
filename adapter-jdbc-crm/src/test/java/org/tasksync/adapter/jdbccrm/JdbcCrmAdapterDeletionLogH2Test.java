package org.tasksync.adapter.jdbccrm;

import org.tasksync.testkit.crm.CrmAdapterCompatibilityKit;
import org.tasksync.testkit.crm.CrmFixture;

/** The CRM adapter contract in H2, for a CRM that deletes rows and logs them in a table. */
class JdbcCrmAdapterDeletionLogH2Test extends CrmAdapterCompatibilityKit {

    private static final JdbcCrmFixture CRM = JdbcCrmFixture.deletionLog(TestDatabases.h2());

    @Override
    protected CrmFixture fixture() {
        return CRM;
    }
}

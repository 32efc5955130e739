package org.tasksync.adapter.jdbccrm;

import org.tasksync.testkit.crm.CrmAdapterCompatibilityKit;
import org.tasksync.testkit.crm.CrmFixture;

/** The CRM adapter contract, on the reference schema in H2. */
class JdbcCrmAdapterH2Test extends CrmAdapterCompatibilityKit {

    private static final JdbcCrmFixture CRM = JdbcCrmFixture.referenceSchema(TestDatabases.h2());

    @Override
    protected CrmFixture fixture() {
        return CRM;
    }
}

package org.tasksync.adapter.jdbccrm;

import org.tasksync.testkit.crm.CrmAdapterCompatibilityKit;
import org.tasksync.testkit.crm.CrmFixture;

/** The CRM adapter contract for a CRM with a deletion log, ORACLE dialect forced, on H2 in MODE=Oracle. */
class JdbcCrmAdapterDeletionLogOracleModeH2Test extends CrmAdapterCompatibilityKit {

    private static final JdbcCrmFixture CRM = JdbcCrmFixture.deletionLog(TestDatabases.h2("Oracle"), CrmDialect.ORACLE);

    @Override
    protected CrmFixture fixture() {
        return CRM;
    }
}

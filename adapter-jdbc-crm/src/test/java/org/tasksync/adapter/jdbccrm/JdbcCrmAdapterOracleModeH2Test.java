package org.tasksync.adapter.jdbccrm;

import org.tasksync.testkit.crm.CrmAdapterCompatibilityKit;
import org.tasksync.testkit.crm.CrmFixture;

/**
 * The CRM adapter contract with the ORACLE dialect forced, on H2 in MODE=Oracle. Weak: H2 accepts
 * more than the real server (issue 17), so this runs the dialect's logic, not its grammar; the
 * grammar is in CrmDialectSqlTest and the real server's word comes from the CRM probe.
 */
class JdbcCrmAdapterOracleModeH2Test extends CrmAdapterCompatibilityKit {

    private static final JdbcCrmFixture CRM = JdbcCrmFixture.referenceSchema(TestDatabases.h2("Oracle"), CrmDialect.ORACLE);

    @Override
    protected CrmFixture fixture() {
        return CRM;
    }
}

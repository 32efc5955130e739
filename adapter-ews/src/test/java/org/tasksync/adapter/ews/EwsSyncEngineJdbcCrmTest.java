package org.tasksync.adapter.ews;

import java.util.Optional;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.tasksync.adapter.jdbccrm.ReferenceCrm;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.testkit.MutableClock;

/**
 * The SPEC §6 stories with the original product's pairing: the JDBC CRM (reference schema on H2)
 * and Exchange through EWS. The CRM stamps rows with the database clock, as a real CRM does.
 */
class EwsSyncEngineJdbcCrmTest extends EwsSyncEngineStories {
    @Override
    protected StoryCrm newCrm(MutableClock clock) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:ews-e2e-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        ReferenceCrm crm = ReferenceCrm.of(ds).createSchema();
        CrmAdapter adapter = crm.adapter();
        return new StoryCrm() {
            public CrmAdapter adapter() { return adapter; }
            public void putRep(Rep rep) { crm.putRep(rep); }
            public void upsertTask(CrmTask task) { crm.putTask(task); }
            public Optional<CrmTask> task(String id) { return crm.readTask(id); }
            public void deleteTask(String id) { crm.deleteTask(id); }
        };
    }
}

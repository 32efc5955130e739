package org.tasksync.adapter.graph;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.tasksync.adapter.jdbccrm.ReferenceCrm;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.CrmAdapter;

/** The Graph stories with the JDBC CRM on its reference schema (H2), stamping rows with the database clock. */
class GraphSyncEngineJdbcCrmTest extends GraphSyncEngineStories {
    @Override
    protected StoryCrm newCrm(Clock clock) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:graph-e2e-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
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

package org.tasksync.adapter.graph;

import java.time.Clock;
import java.util.Optional;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.testkit.inmemory.InMemoryCrm;

/** The Graph stories with testkit's in-memory CRM. */
class GraphSyncEngineInMemoryCrmTest extends GraphSyncEngineStories {
    @Override
    protected StoryCrm newCrm(Clock clock) {
        InMemoryCrm crm = new InMemoryCrm(clock);
        return new StoryCrm() {
            public CrmAdapter adapter() { return crm; }
            public void putRep(Rep rep) { crm.putRep(rep); }
            public void upsertTask(CrmTask task) { crm.upsertTask(task); }
            public Optional<CrmTask> task(String id) { return crm.task(id); }
            public void deleteTask(String id) { crm.deleteTask(id); }
        };
    }
}

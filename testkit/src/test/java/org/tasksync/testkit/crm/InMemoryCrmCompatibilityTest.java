package org.tasksync.testkit.crm;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.testkit.inmemory.InMemoryCrm;

/** The in-memory CRM passes the same kit as the JDBC adapter. */
class InMemoryCrmCompatibilityTest extends CrmAdapterCompatibilityKit {

    private final Clock clock = Clock.systemUTC();

    @Override
    protected CrmFixture fixture() {
        return new CrmFixture() {
            private InMemoryCrm crm = new InMemoryCrm(clock);

            @Override
            public CrmAdapter adapter() {
                return crm;
            }

            @Override
            public void reset() {
                crm = new InMemoryCrm(clock);
            }

            @Override
            public Instant now() {
                return clock.instant();
            }

            @Override
            public void putRep(Rep rep) {
                crm.putRep(rep);
            }

            @Override
            public Instant putTask(CrmTask task) {
                return crm.upsertTask(task).modifiedAt();
            }

            @Override
            public Instant putTaskWithUnknownStatus(CrmTask task) {
                return crm.upsertTaskWithUnknownStatus(task, "99").modifiedAt();
            }

            @Override
            public void deleteTask(String id) {
                crm.deleteTask(id);
            }

            @Override
            public void setModifiedAt(String id, Instant modifiedAt) {
                crm.setModifiedAt(id, modifiedAt);
            }

            @Override
            public Optional<CrmTask> readTask(String id) {
                return crm.task(id);
            }
        };
    }
}

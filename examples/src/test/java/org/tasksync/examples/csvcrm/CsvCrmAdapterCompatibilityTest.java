package org.tasksync.examples.csvcrm;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.testkit.crm.CrmAdapterCompatibilityKit;
import org.tasksync.testkit.crm.CrmFixture;

/**
 * The CSV adapter passes the contract every CRM adapter passes. All an adapter's test needs is a
 * {@link CrmFixture}: the CRM written the way the CRM writes it (here {@link CsvCrmFiles}), and
 * the adapter reading it.
 */
class CsvCrmAdapterCompatibilityTest extends CrmAdapterCompatibilityKit {

    @TempDir
    Path folder;

    @Override
    protected CrmFixture fixture() {
        CsvCrmFiles files = CsvCrmFiles.open(folder, Clock.systemUTC());
        CsvCrmAdapter adapter = new CsvCrmAdapter(files);
        return new CrmFixture() {
            @Override
            public CrmAdapter adapter() {
                return adapter;
            }

            @Override
            public void reset() {
                files.clear();
            }

            @Override
            public Instant now() {
                return files.now();
            }

            @Override
            public void putRep(Rep rep) {
                files.putRep(rep);
            }

            @Override
            public Instant putTask(CrmTask task) {
                return files.putTask(task);
            }

            @Override
            public Instant putTaskWithUnknownStatus(CrmTask task) {
                return files.putTask(task, "Postponed");
            }

            @Override
            public void deleteTask(String id) {
                files.deleteTask(id);
            }

            @Override
            public void setModifiedAt(String id, Instant modifiedAt) {
                files.setModifiedAt(id, modifiedAt);
            }

            @Override
            public Optional<CrmTask> readTask(String id) {
                return adapter.tasksById(List.of(id)).tasks().stream().findFirst();
            }
        };
    }
}

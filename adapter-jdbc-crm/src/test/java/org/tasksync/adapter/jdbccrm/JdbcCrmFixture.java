package org.tasksync.adapter.jdbccrm;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.testkit.crm.CrmFixture;

/**
 * The reference schema in a real database, as the compatibility kit's CRM; also the starting
 * point for tests that run the engine against the JDBC adapter.
 */
final class JdbcCrmFixture implements CrmFixture {

    /** The kit plays late commits of 2 s; the adapter under test tolerates 10 s. */
    static final Duration SAFETY_LAG = Duration.ofSeconds(10);

    private final ReferenceCrm crm;
    private final JdbcCrmAdapter adapter;

    private JdbcCrmFixture(DataSource dataSource, JdbcCrmSettings settings) {
        this.crm = ReferenceCrm.of(dataSource, settings).createSchema();
        this.adapter = crm.adapter();
    }

    /** The reference schema in {@code dataSource}, with the default settings but a short safety lag. */
    static JdbcCrmFixture referenceSchema(DataSource dataSource) {
        return new JdbcCrmFixture(dataSource, JdbcCrmSettings.builder().changeSafetyLag(SAFETY_LAG).build());
    }

    /** As {@link #referenceSchema(DataSource)}, with the adapter's SQL dialect forced. */
    static JdbcCrmFixture referenceSchema(DataSource dataSource, CrmDialect dialect) {
        return new JdbcCrmFixture(dataSource, JdbcCrmSettings.builder().changeSafetyLag(SAFETY_LAG).dialect(dialect).build());
    }

    /** As {@link #deletionLog(DataSource)}, with the adapter's SQL dialect forced. */
    static JdbcCrmFixture deletionLog(DataSource dataSource, CrmDialect dialect) {
        return new JdbcCrmFixture(dataSource, JdbcCrmSettings.builder().changeSafetyLag(SAFETY_LAG).dialect(dialect)
                .deletedColumn(null).deletionLogTable("a1_task_deletion").build());
    }

    /**
     * The reference schema in {@code dataSource} for a CRM that deletes rows and logs them in
     * {@code a1_task_deletion} instead of marking them.
     */
    static JdbcCrmFixture deletionLog(DataSource dataSource) {
        return new JdbcCrmFixture(dataSource, JdbcCrmSettings.builder().changeSafetyLag(SAFETY_LAG)
                .deletedColumn(null).deletionLogTable("a1_task_deletion").build());
    }

    ReferenceCrm crm() {
        return crm;
    }

    @Override
    public CrmAdapter adapter() {
        return adapter;
    }

    @Override
    public void reset() {
        crm.clear();
    }

    @Override
    public Instant now() {
        return crm.now();
    }

    @Override
    public void putRep(Rep rep) {
        crm.putRep(rep);
    }

    @Override
    public Instant putTask(CrmTask task) {
        return crm.putTask(task);
    }

    @Override
    public Instant putTaskWithUnknownStatus(CrmTask task) {
        return crm.putTask(task, "99");
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
        return crm.readTask(id);
    }
}

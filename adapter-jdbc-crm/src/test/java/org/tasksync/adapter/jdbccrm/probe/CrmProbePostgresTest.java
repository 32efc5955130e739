package org.tasksync.adapter.jdbccrm.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tasksync.adapter.jdbccrm.JdbcCrmSettings;
import org.tasksync.adapter.jdbccrm.ReferenceCrm;
import org.tasksync.adapter.jdbccrm.TestDatabases;

/**
 * The CRM probe on PostgreSQL with 30,000 analyzed task rows around today: the change queries
 * show their index, and a task table that lacks the (modification time, id) index shows the
 * change reads as whole-table reads.
 */
class CrmProbePostgresTest {

    private static DataSource db;

    @BeforeAll
    static void fillTheTaskTables() throws SQLException {
        db = TestDatabases.postgres();
        ReferenceCrm crm = ReferenceCrm.of(db).createSchema();
        crm.insertDemoRows(LocalDate.now(ZoneOffset.UTC));
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            String rows = " SELECT 'A1:' || lpad(g::text, 7, '0'), 'R-' || (g % 100),"
                    + " CURRENT_DATE - 200 + (g % 400), g % 4, 'Task ' || g,"
                    + " TIMESTAMPTZ '2024-01-01 00:00:00+00' + g * INTERVAL '1 minute', g % 97 = 0"
                    + " FROM generate_series(1, 30000) g";
            String columns = " (id, rep_id, due_date, status, subject, modified_at, deleted)";
            st.execute("INSERT INTO a1_task" + columns + rows);
            // the same rows in a table without the change index
            st.execute("CREATE TABLE a1_task_noidx (LIKE a1_task INCLUDING ALL)");
            st.execute("INSERT INTO a1_task_noidx" + columns + rows);
            st.execute("DROP INDEX a1_task_noidx_modified_at_id_idx");
            st.execute("ANALYZE a1_task");
            st.execute("ANALYZE a1_task_noidx");
        }
    }

    @Test
    void theChangeQueriesUseTheirIndexAndNoStatementReadsAWholeTable() {
        CrmProbe.Report report = CrmProbe.of(db, JdbcCrmSettings.ofDefaults()).run();
        System.out.println(report.toText());

        assertThat(report.failures()).isEmpty();
        assertThat(report.wholeTableReads()).isEmpty();
        assertThat(report.changeQueries()).hasSizeGreaterThanOrEqualTo(3).allSatisfy(f ->
                assertThat(f.indexes()).as(f.sql()).contains("a1_task_modified"));
        assertThat(report.findings()).anySatisfy(f -> {
            assertThat(f.sql()).startsWith("UPDATE a1_task");
            assertThat(f.indexes()).isNotEmpty();
            assertThat(f.accesses()).noneMatch(CrmProbe.Access::whole);
        });
        assertThat(report.toText()).contains("reads a1_task: index a1_task_modified");
    }

    @Test
    void withoutTheChangeIndexTheChangeQueriesAreReportedAsWholeTableReads() {
        CrmProbe.Report report = CrmProbe.of(db, JdbcCrmSettings.builder().taskTable("a1_task_noidx").build()).run();
        System.out.println(report.toText());

        assertThat(report.failures()).isEmpty();
        assertThat(report.ok()).isFalse();
        assertThat(report.wholeTableReads()).isNotEmpty()
                .anyMatch(f -> f.operation().equals("changes since the current cursor"))
                .allSatisfy(f -> assertThat(f.accesses()).contains(new CrmProbe.Access("a1_task_noidx", null, true)));
        assertThat(report.toText()).contains("[WHOLE TABLE] changes").contains("Seq Scan on a1_task_noidx");
    }
}

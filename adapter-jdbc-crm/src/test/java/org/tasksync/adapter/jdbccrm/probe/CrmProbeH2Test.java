package org.tasksync.adapter.jdbccrm.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tasksync.adapter.jdbccrm.CrmDialect;
import org.tasksync.adapter.jdbccrm.JdbcCrmSettings;
import org.tasksync.adapter.jdbccrm.TestDatabases;
import org.tasksync.adapter.jdbccrm.ReferenceCrm;
import org.tasksync.core.model.CrmTask;

/** The CRM probe on the reference schema in H2, with the demo rows. */
class CrmProbeH2Test {

    private DataSource db;
    private ReferenceCrm crm;

    @BeforeEach
    void demoCrm() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:probe-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        db = ds;
        crm = ReferenceCrm.of(db).createSchema();
        crm.insertDemoRows(LocalDate.now(ZoneOffset.UTC));
    }

    @Test
    void everyStatementRunsAndTheChangeQueriesUseTheModificationIndex() {
        CrmProbe.Report report = CrmProbe.of(db, crm.settings()).run();
        System.out.println(report.toText());

        assertThat(report.failures()).isEmpty();
        assertThat(report.wholeTableReads()).isEmpty();
        assertThat(report.ok()).isTrue();
        assertThat(report.findings()).extracting(CrmProbe.Finding::operation)
                .contains("reps", "read the column types", "changes since the current cursor",
                        "changes after a row (next page)", "tasks by id", "status write (rolled back)",
                        "status write on a stale time (conflict check)");
        assertThat(report.findings()).anyMatch(f -> f.sql().startsWith("UPDATE a1_task SET status = ?"))
                .anyMatch(f -> f.sql().contains("NULLS FIRST")).anyMatch(f -> f.sql().contains("UNION ALL"));
        assertThat(report.changeQueries()).isNotEmpty().allSatisfy(f -> {
            if (f.sql().contains("FROM a1_task")) {
                assertThat(f.indexes()).as(f.sql()).contains("A1_TASK_MODIFIED");
            }
        });
        assertThat(report.toText()).contains("0 failed, 0 read a whole table").contains("index A1_TASK_MODIFIED")
                .doesNotContain("index null");
        assertThat(report.findings()).filteredOn(f -> f.operation().equals("read the column types"))
                .singleElement().satisfies(f -> assertThat(f.accesses()).isEmpty());
    }

    @Test
    void theStatusWriteIsRolledBack() {
        CrmTask before = crm.readTask("A1:1-1").orElseThrow();

        CrmProbe.of(db, crm.settings()).run();

        CrmTask after = crm.readTask("A1:1-1").orElseThrow();
        assertThat(after.modifiedAt()).isEqualTo(before.modifiedAt());
        assertThat(after).isEqualTo(before);
    }

    @Test
    void aMissingIndexShowsAsAWholeTableReadOfTheChangeQueries() throws SQLException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP INDEX a1_task_modified");
        }

        CrmProbe.Report report = CrmProbe.of(db, crm.settings()).run();
        System.out.println(report.toText());

        assertThat(report.ok()).isFalse();
        assertThat(report.wholeTableReads()).isNotEmpty()
                .allMatch(f -> f.operation().startsWith("changes"))
                .anyMatch(f -> f.accesses().contains(new CrmProbe.Access("A1_TASK", null, true)));
        assertThat(report.toText()).contains("[WHOLE TABLE] changes");
    }

    @Test
    void aColumnThatDoesNotExistIsReportedWithTheDatabasesMessage() {
        JdbcCrmSettings wrong = crm.settings().toBuilder().fieldColumn(58, "subjekt").build();

        CrmProbe.Report report = CrmProbe.of(db, wrong).run();
        System.out.println(report.toText());

        assertThat(report.failures()).isNotEmpty()
                .allSatisfy(f -> assertThat(f.error()).containsIgnoringCase("SUBJEKT"));
        assertThat(report.toText()).contains("[FAILED]");
        assertThat(report.notes()).isNotEmpty();
    }

    @Test
    void withTheSqlServerDialectForcedTheProbeRunsItsStatementsAndExplainsThemTheDatabasesWay() {
        DataSource mssql = TestDatabases.h2("MSSQLServer");
        ReferenceCrm mode = ReferenceCrm.of(mssql).createSchema();
        mode.insertDemoRows(LocalDate.now(ZoneOffset.UTC));

        CrmProbe.Report report = CrmProbe.of(mssql, mode.settings().toBuilder().dialect(CrmDialect.SQLSERVER).build()).run();
        System.out.println(report.toText());

        assertThat(report.dialect()).isEqualTo(CrmDialect.SQLSERVER);
        assertThat(report.failures()).isEmpty();
        assertThat(report.wholeTableReads()).isEmpty();
        assertThat(report.findings()).anyMatch(f -> f.sql().equals("SELECT SYSDATETIMEOFFSET()"))
                .anyMatch(f -> f.sql().contains("OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY"))
                .noneMatch(f -> f.sql().contains("NULLS FIRST"));
        assertThat(report.changeQueries()).isNotEmpty()
                .allSatisfy(f -> assertThat(f.indexes()).as(f.sql()).contains("A1_TASK_MODIFIED"));
    }

    @Test
    void columnTypesThatHurtOnSqlServerOrOracleAreNoted() {
        assertThat(CrmProbe.typeNotes(CrmDialect.SQLSERVER, "varchar", "datetime", 3, false))
                .anyMatch(n -> n.contains("datetime2")).anyMatch(n -> n.contains("sendStringParametersAsUnicode=false"));
        assertThat(CrmProbe.typeNotes(CrmDialect.SQLSERVER, "varchar", "datetimeoffset", 6, true)).isEmpty();
        assertThat(CrmProbe.typeNotes(CrmDialect.SQLSERVER, "nvarchar", "datetime2", 6, false)).isEmpty();
        assertThat(CrmProbe.typeNotes(CrmDialect.ORACLE, "VARCHAR2", "DATE", 0, false))
                .singleElement().asString().contains("whole seconds");
        assertThat(CrmProbe.typeNotes(CrmDialect.H2, "CHARACTER VARYING", "TIMESTAMP WITH TIME ZONE", 6, false))
                .isEmpty();
    }

    @Test
    void plansOfTheOtherDatabasesAreReadFromTheirOwnForms() {
        // SQL Server showplan: a seek on the modification index and a clustered index scan
        String showplan = "<ShowPlanXML><BatchSequence><Batch><Statements><StmtSimple><QueryPlan>"
                + "<RelOp PhysicalOp=\"Top\"><Top><RelOp PhysicalOp=\"Index Seek\"><IndexScan>"
                + "<Object Database=\"[crm]\" Schema=\"[dbo]\" Table=\"[a1_task]\" Index=\"[a1_task_modified]\"/>"
                + "</IndexScan></RelOp></Top></RelOp>"
                + "<RelOp PhysicalOp=\"Clustered Index Scan\"><IndexScan>"
                + "<Object Database=\"[crm]\" Schema=\"[dbo]\" Table=\"[a1_task_deletion]\" Index=\"[pk_log]\"/>"
                + "</IndexScan></RelOp></QueryPlan></StmtSimple></Statements></Batch></BatchSequence></ShowPlanXML>";
        assertThat(Plans.sqlServer(showplan).accesses()).containsExactly(
                new CrmProbe.Access("a1_task", "a1_task_modified", false),
                new CrmProbe.Access("a1_task_deletion", "pk_log", true));
        // Oracle PLAN_TABLE rows
        assertThat(Plans.oracle(List.of(new String[] {"SELECT STATEMENT", null, null},
                new String[] {"COUNT", "STOPKEY", null},
                new String[] {"TABLE ACCESS", "BY INDEX ROWID", "A1_TASK"},
                new String[] {"INDEX", "RANGE SCAN", "A1_TASK_MODIFIED"},
                new String[] {"TABLE ACCESS", "FULL", "A1_TASK_DELETION"})).accesses()).containsExactly(
                new CrmProbe.Access(null, "A1_TASK_MODIFIED", false),
                new CrmProbe.Access("A1_TASK_DELETION", null, true));
        assertThat(Plans.numberedBinds("SELECT a FROM t WHERE b = ? AND c NOT IN ('?', 'Y') AND d > ?"))
                .isEqualTo("SELECT a FROM t WHERE b = :1 AND c NOT IN ('?', 'Y') AND d > :2");
    }
}

package org.tasksync.adapter.jdbccrm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tasksync.adapter.jdbccrm.internal.ChangeCursor;
import org.tasksync.adapter.jdbccrm.internal.FramePosition;
import org.tasksync.adapter.jdbccrm.internal.TaskTable;

/**
 * Golden strings of every statement shape the adapter sends, per dialect. The SQL Server and
 * Oracle strings were reviewed clause by clause against the vendors' grammar, as listed in
 * docs/jdbc-crm.md (T-SQL: ORDER BY clause with OFFSET and FETCH, UNION with ORDER BY only at the
 * end, FROM clause derived tables with column aliases, SYSDATETIMEOFFSET; Oracle: SELECT subquery
 * with order_by_clause and row_limiting_clause, SYSTIMESTAMP, DUAL). H2 and PostgreSQL share the
 * standard form, which must stay byte for byte what it was before the dialects.
 */
class CrmDialectSqlTest {

    private static final String COLS = "id, modified_at, deleted, scheduled_day, rep_id, created_by_rep_id, start_date,"
            + " due_date, status, priority, percent_complete, complete_date, reminder_duration, reminder_unit, subject,"
            + " comments";
    private static final String LOG_COLS = COLS.replace("deleted,", "%s,");
    private static final String NULLS = "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL";
    private static final String C17 = "c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17";
    private static final LocalDate FROM = LocalDate.of(2031, 5, 1);
    private static final LocalDate TO = LocalDate.of(2031, 5, 31);

    private static DataSource db;

    @BeforeAll
    static void referenceSchema() {
        db = TestDatabases.h2();
        ReferenceCrm.of(db, JdbcCrmSettings.builder().deletionLogTable("a1_task_deletion").build()).createSchema();
    }

    /** The standard form, as H2 and PostgreSQL got it before there were dialects. */
    private static Map<String, String> standard() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("clock", "SELECT CURRENT_TIMESTAMP");
        m.put("changes from the first", "SELECT " + COLS + " FROM a1_task WHERE modified_at IS NOT NULL"
                + " ORDER BY modified_at, id FETCH FIRST ? ROWS ONLY");
        m.put("changes from a time", "SELECT " + COLS + " FROM a1_task WHERE modified_at >= ?"
                + " ORDER BY modified_at, id FETCH FIRST ? ROWS ONLY");
        m.put("changes after a row", "SELECT " + COLS + " FROM a1_task WHERE modified_at >= ? AND (modified_at > ? OR id > ?)"
                + " ORDER BY modified_at, id FETCH FIRST ? ROWS ONLY");
        m.put("changes with the deletion log", "(SELECT " + LOG_COLS.formatted("FALSE") + ", 0 FROM a1_task"
                + " WHERE modified_at >= ? AND (modified_at > ? OR id > ?) ORDER BY modified_at, id FETCH FIRST ? ROWS ONLY)"
                + " UNION ALL (SELECT task_id, deleted_at, TRUE, CAST(NULL AS DATE), " + NULLS + ", 1 FROM a1_task_deletion"
                + " WHERE deleted_at >= ? AND (deleted_at > ? OR task_id >= ?) ORDER BY deleted_at, task_id FETCH FIRST ? ROWS ONLY)"
                + " ORDER BY 2, 1, 17 FETCH FIRST ? ROWS ONLY");
        m.put("more scheduled than", "SELECT 1 FROM a1_task WHERE scheduled_day >= ? AND scheduled_day <= ?"
                + " AND rep_id IN (?, ?) OFFSET ? ROWS FETCH FIRST 1 ROWS ONLY");
        m.put("sorted", "SELECT " + COLS + " FROM a1_task WHERE scheduled_day >= ? AND scheduled_day <= ?"
                + " AND (deleted IS NULL OR deleted = FALSE) AND (rep_id > ? OR (rep_id = ? AND (scheduled_day > ?"
                + " OR (scheduled_day = ? AND id > ?)))) ORDER BY rep_id NULLS FIRST, scheduled_day, id FETCH FIRST ? ROWS ONLY");
        m.put("one rep with the unscheduled", "(SELECT " + COLS + " FROM a1_task WHERE rep_id = ? AND scheduled_day >= ?"
                + " AND scheduled_day <= ? AND (deleted IS NULL OR deleted = FALSE) ORDER BY rep_id, scheduled_day, id"
                + " FETCH FIRST ? ROWS ONLY) UNION ALL (SELECT " + COLS + " FROM a1_task WHERE rep_id = ?"
                + " AND scheduled_day IS NULL AND (deleted IS NULL OR deleted = FALSE) ORDER BY rep_id, scheduled_day, id"
                + " FETCH FIRST ? ROWS ONLY) ORDER BY 4 NULLS LAST, 1 FETCH FIRST ? ROWS ONLY");
        m.put("tasks without a rep", "SELECT " + COLS + " FROM a1_task WHERE rep_id IS NULL AND scheduled_day >= ?"
                + " AND scheduled_day <= ? AND (deleted IS NULL OR deleted = FALSE) ORDER BY rep_id, scheduled_day, id"
                + " FETCH FIRST ? ROWS ONLY");
        m.put("first rep", "SELECT MIN(rep_id) FROM a1_task");
        m.put("next rep", "SELECT rep_id FROM a1_task WHERE rep_id > ? ORDER BY rep_id FETCH FIRST 1 ROWS ONLY");
        m.put("by id", "SELECT " + COLS + " FROM a1_task WHERE id IN (?, ?, ?)");
        m.put("status write", "UPDATE a1_task SET status = ?, modified_at = ? WHERE id = ? AND modified_at = ?"
                + " AND (deleted IS NULL OR deleted = FALSE)");
        m.put("current state", "SELECT modified_at, deleted FROM a1_task WHERE id = ?");
        m.put("current state without a mark", "SELECT modified_at, FALSE FROM a1_task WHERE id = ?");
        return m;
    }

    @Test
    void aTextDeletionMarkIsTrimmedWithFunctionsEveryDialectHasSqlServer2016Included() {
        // "TRIM (Transact-SQL)" applies to SQL Server 2017 and later; LTRIM and RTRIM are older
        assertThat(org.tasksync.adapter.jdbccrm.internal.SqlValue.flagNotSet("deleted", java.sql.Types.VARCHAR, false))
                .isEqualTo("(deleted IS NULL OR UPPER(LTRIM(RTRIM(deleted))) NOT IN ('1', 'Y', 'YES', 'T', 'TRUE', 'X', "
                        + "'J', 'JA'))");
    }

    @Test
    void h2AndPostgresqlSendTheStandardSqlAsBeforeButPostgresqlMarksItsStatusWrite() throws SQLException {
        assertThat(rendered(CrmDialect.H2)).containsExactlyEntriesOf(standard());
        Map<String, String> postgres = standard();
        // the change trigger leaves out the adapter's own write-backs (docs/jdbc-crm.md "Change notifications")
        postgres.put("status write", postgres.get("status write")
                + " AND set_config('tasksync.origin', 'engine', true) = 'engine'");
        assertThat(rendered(CrmDialect.POSTGRESQL)).containsExactlyEntriesOf(postgres);
    }

    @Test
    void sqlServerGetsOffsetFetchDerivedTablesAndNoNullsFirstOrBooleanLiterals() throws SQLException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("clock", "SELECT SYSDATETIMEOFFSET()");
        m.put("changes from the first", "SELECT " + COLS + " FROM a1_task WHERE modified_at IS NOT NULL"
                + " ORDER BY modified_at, id OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY");
        m.put("changes from a time", "SELECT " + COLS + " FROM a1_task WHERE modified_at >= ?"
                + " ORDER BY modified_at, id OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY");
        m.put("changes after a row", "SELECT " + COLS + " FROM a1_task WHERE modified_at >= ? AND (modified_at > ? OR id > ?)"
                + " ORDER BY modified_at, id OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY");
        m.put("changes with the deletion log", "SELECT * FROM (SELECT " + LOG_COLS.formatted("0") + ", 0 FROM a1_task"
                + " WHERE modified_at >= ? AND (modified_at > ? OR id > ?) ORDER BY modified_at, id"
                + " OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY) AS t (" + C17 + ")"
                + " UNION ALL SELECT * FROM (SELECT task_id, deleted_at, 1, CAST(NULL AS DATE), " + NULLS + ", 1"
                + " FROM a1_task_deletion WHERE deleted_at >= ? AND (deleted_at > ? OR task_id >= ?)"
                + " ORDER BY deleted_at, task_id OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY) AS l (" + C17 + ")"
                + " ORDER BY c2, c1, c17 OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY");
        m.put("more scheduled than", "SELECT 1 FROM a1_task WHERE scheduled_day >= ? AND scheduled_day <= ?"
                + " AND rep_id IN (?, ?) ORDER BY scheduled_day, id OFFSET ? ROWS FETCH FIRST 1 ROWS ONLY");
        m.put("sorted", "SELECT " + COLS + " FROM a1_task WHERE scheduled_day >= ? AND scheduled_day <= ?"
                + " AND (deleted IS NULL OR deleted = 0) AND (rep_id > ? OR (rep_id = ? AND (scheduled_day > ?"
                + " OR (scheduled_day = ? AND id > ?)))) ORDER BY CASE WHEN rep_id IS NULL THEN 0 ELSE 1 END, rep_id,"
                + " scheduled_day, id OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY");
        m.put("one rep with the unscheduled", "SELECT * FROM (SELECT " + COLS + ", 0 FROM a1_task WHERE rep_id = ?"
                + " AND scheduled_day >= ? AND scheduled_day <= ? AND (deleted IS NULL OR deleted = 0)"
                + " ORDER BY rep_id, scheduled_day, id OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY) AS s (" + C17 + ")"
                + " UNION ALL SELECT * FROM (SELECT " + COLS + ", 1 FROM a1_task WHERE rep_id = ? AND scheduled_day IS NULL"
                + " AND (deleted IS NULL OR deleted = 0) ORDER BY rep_id, scheduled_day, id OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY)"
                + " AS u (" + C17 + ") ORDER BY c17, c4, c1 OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY");
        m.put("tasks without a rep", "SELECT " + COLS + " FROM a1_task WHERE rep_id IS NULL AND scheduled_day >= ?"
                + " AND scheduled_day <= ? AND (deleted IS NULL OR deleted = 0) ORDER BY rep_id, scheduled_day, id"
                + " OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY");
        m.put("first rep", "SELECT MIN(rep_id) FROM a1_task");
        m.put("next rep", "SELECT rep_id FROM a1_task WHERE rep_id > ? ORDER BY rep_id OFFSET 0 ROWS FETCH NEXT 1 ROWS ONLY");
        m.put("by id", "SELECT " + COLS + " FROM a1_task WHERE id IN (?, ?, ?)");
        m.put("status write", "UPDATE a1_task SET status = ?, modified_at = ? WHERE id = ? AND modified_at = ?"
                + " AND (deleted IS NULL OR deleted = 0)");
        m.put("current state", "SELECT modified_at, deleted FROM a1_task WHERE id = ?");
        m.put("current state without a mark", "SELECT modified_at, 0 FROM a1_task WHERE id = ?");

        Map<String, String> sql = rendered(CrmDialect.SQLSERVER);
        assertThat(sql).containsExactlyEntriesOf(m);
        // what T-SQL rejects (issue 17): NULLS FIRST/LAST, FETCH without OFFSET, ORDER BY inside a UNION's part
        assertThat(sql.values()).noneMatch(s -> s.contains("NULLS ") || s.contains(" FETCH FIRST ?")
                || s.contains("TRUE") || s.contains("FALSE") || s.startsWith("("));
    }

    @Test
    void oracleKeepsTheStandardRowLimitButHasNoBooleanLiteralsAndReadsItsClockFromDual() throws SQLException {
        Map<String, String> m = new LinkedHashMap<>();
        standard().forEach((k, v) -> m.put(k, v.replace("= FALSE", "= 0").replace(", FALSE", ", 0")
                .replace("deleted_at, TRUE", "deleted_at, 1")));
        m.put("clock", "SELECT SYSTIMESTAMP FROM DUAL");

        assertThat(rendered(CrmDialect.ORACLE)).containsExactlyEntriesOf(m);
        assertThat(m.get("changes with the deletion log")).startsWith("(SELECT id, modified_at, 0, scheduled_day");
        assertThat(m.get("status write")).endsWith("AND (deleted IS NULL OR deleted = 0)");
    }

    @Test
    void theProductNamesOfTheDriversPickTheDialect() {
        assertThat(CrmDialect.ofProduct("H2", "2.3.232")).isEqualTo(CrmDialect.H2);
        assertThat(CrmDialect.ofProduct("PostgreSQL", "16.4")).isEqualTo(CrmDialect.POSTGRESQL);
        assertThat(CrmDialect.ofProduct("Microsoft SQL Server", "13.00.5026")).isEqualTo(CrmDialect.SQLSERVER);
        assertThat(CrmDialect.ofProduct("Oracle", "Oracle Database 19c")).isEqualTo(CrmDialect.ORACLE);
        assertThatThrownBy(() -> CrmDialect.ofProduct("MySQL", "8.0.36"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'MySQL 8.0.36'")
                .hasMessageContaining(JdbcCrmSettings.DIALECT);
    }

    @Test
    void oracleBefore12Point2TakesNamesOf30CharactersAndNoMore() {
        assertThat(CrmDialect.ORACLE.maxIdentifierLength(12, 1)).isEqualTo(30);
        assertThat(CrmDialect.ORACLE.maxIdentifierLength(12, 2)).isEqualTo(128);
        assertThat(CrmDialect.ORACLE.maxIdentifierLength(19, 0)).isEqualTo(128);
        assertThat(CrmDialect.SQLSERVER.maxIdentifierLength(13, 0)).isEqualTo(128);
    }

    @Test
    void aNameLongerThanTheDatabaseTakesIsRefusedWithItsKey() throws SQLException {
        String longName = "a_column_name_of_sixty_four_characters_which_postgres_would_cut_";
        try (Connection c = db.getConnection()) {
            c.createStatement().execute("ALTER TABLE a1_task ADD COLUMN IF NOT EXISTS " + longName + " VARCHAR(10)");
            JdbcCrmSettings settings = JdbcCrmSettings.builder().dialect(CrmDialect.POSTGRESQL).fieldColumn(999, longName)
                    .build();
            assertThatThrownBy(() -> TaskTable.probe(c, settings))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(JdbcCrmSettings.FIELD_COLUMN_PREFIX + "999 = '" + longName + "'")
                    .hasMessageContaining("at most 63");
            // H2 itself takes it
            assertThat(TaskTable.probe(c, settings.toBuilder().dialect(CrmDialect.H2).build())).isNotNull();
        }
    }

    @Test
    void theDialectSettingIsReadAndBadValuesAreNamed() {
        java.util.Properties p = new java.util.Properties();
        p.setProperty(JdbcCrmSettings.DIALECT, "SqlServer");
        assertThat(JdbcCrmSettings.fromProperties(p).dialect()).contains(CrmDialect.SQLSERVER);
        p.setProperty(JdbcCrmSettings.DIALECT, "auto");
        assertThat(JdbcCrmSettings.fromProperties(p).dialect()).isEmpty();
        p.setProperty(JdbcCrmSettings.DIALECT, "db2");
        assertThatThrownBy(() -> JdbcCrmSettings.fromProperties(p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("tasksync.crm.jdbc.dialect must be auto or one of ")
                .hasMessageEndingWith(", was 'db2'")
                .hasMessageContaining("sqlserver");
    }

    private static Map<String, String> rendered(CrmDialect d) throws SQLException {
        try (Connection c = db.getConnection()) {
            TaskTable t = TaskTable.probe(c, JdbcCrmSettings.builder().dialect(d).build());
            TaskTable logged = TaskTable.probe(c, JdbcCrmSettings.builder().dialect(d).deletedColumn(null)
                    .deletionLogTable("a1_task_deletion").build());
            ChangeCursor afterRow = new ChangeCursor(Instant.EPOCH, "A1:1", false, null);
            Map<String, String> m = new LinkedHashMap<>();
            m.put("clock", t.clockQuery());
            m.put("changes from the first", t.changes(null));
            m.put("changes from a time", t.changes(ChangeCursor.before(Instant.EPOCH)));
            m.put("changes after a row", t.changes(afterRow));
            m.put("changes with the deletion log", logged.changes(afterRow));
            m.put("more scheduled than", t.scheduledBeyond(FROM, TO, List.of("R-1", "R-2"), 20).text());
            m.put("sorted", t.sortedScheduled(FROM, TO, null, FramePosition.after(false, "R-1", FROM, "A1:1"), 11).text());
            m.put("one rep with the unscheduled", t.ofRep("R-1", FROM, TO, true, null, 11).text());
            m.put("tasks without a rep", t.ofRep(null, FROM, TO, false, null, 11).text());
            m.put("first rep", t.firstRep().text());
            m.put("next rep", t.repAfter("R-1").text());
            m.put("by id", t.byIds(3));
            m.put("status write", t.writeStatus());
            m.put("current state", t.currentState());
            m.put("current state without a mark", logged.currentState());
            return m;
        }
    }
}

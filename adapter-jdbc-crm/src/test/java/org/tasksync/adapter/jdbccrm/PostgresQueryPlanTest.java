package org.tasksync.adapter.jdbccrm;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tasksync.adapter.jdbccrm.internal.ChangeCursor;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.spi.CrmPage;
import org.tasksync.core.spi.StatusWriteResult;
import org.tasksync.core.spi.TimeFrameQuery;

/**
 * SPEC §10: after the first cycle no CRM query reads the whole task table. On 60,000 analyzed
 * rows in PostgreSQL, every statement the adapter runs for changes, the time frame, reads by id
 * and the status write-back is prepared again and run under {@code EXPLAIN EXECUTE}, both as the
 * custom plan for its values and as the generic plan a server-prepared statement may switch to;
 * no plan may scan the task table sequentially. The days that enter the window, read for all
 * reps, must not walk the (rep, scheduled day, id) index either.
 */
class PostgresQueryPlanTest {

    private static final int ROWS = 60_000;
    private static DataSource db;

    @BeforeAll
    static void fillTheTaskTable() throws SQLException {
        db = TestDatabases.postgres();
        ReferenceCrm.of(db).createSchema();
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE a1_task_expr (LIKE a1_task)");
            st.execute("ALTER TABLE a1_task_expr DROP COLUMN scheduled_day");
            st.execute("ALTER TABLE a1_task_expr ADD PRIMARY KEY (id)");
            st.execute("CREATE INDEX a1_task_expr_modified ON a1_task_expr (modified_at, id)");
            st.execute("CREATE INDEX a1_task_expr_scheduled ON a1_task_expr (COALESCE(due_date, start_date), id)");
            st.execute("CREATE INDEX a1_task_expr_rep ON a1_task_expr (rep_id, COALESCE(due_date, start_date), id)");
            String rows = " SELECT 'A1:' || lpad(g::text, 7, '0'), 'R-' || (g % 200), 'R-' || (g % 7),"
                    + " CASE WHEN g % 20 = 0 THEN NULL ELSE DATE '2020-01-01' + (g % 3650) END,"
                    + " CASE WHEN g % 20 = 0 OR g % 3 = 0 THEN NULL ELSE DATE '2020-01-01' + (g % 3650) + 2 END,"
                    + " g % 4, 1 + g % 3, (g % 11) * 10, 'Task ' || g, repeat('x', 200),"
                    + " TIMESTAMPTZ '2024-01-01 00:00:00+00' + g * INTERVAL '1 minute', g % 97 = 0"
                    + " FROM generate_series(1, " + ROWS + ") g";
            String columns = " (id, rep_id, created_by_rep_id, start_date, due_date, status, priority,"
                    + " percent_complete, subject, comments, modified_at, deleted)";
            st.execute("INSERT INTO a1_task" + columns + rows);
            st.execute("INSERT INTO a1_task_expr" + columns + rows);
            st.execute("INSERT INTO a1_task_deletion (task_id, deleted_at) SELECT 'A1:x' || lpad(g::text, 7, '0'),"
                    + " TIMESTAMPTZ '2024-01-01 00:00:30+00' + g * INTERVAL '2 minute' FROM generate_series(1, 20000) g");
            st.execute("ANALYZE a1_task");
            st.execute("ANALYZE a1_task_deletion");
            st.execute("ANALYZE a1_task_expr");
        }
    }

    @Test
    void everyQueryOfALaterCycleUsesAnIndexOfTheTaskTable() throws SQLException {
        List<StatementRecorder.Executed> executed = record(JdbcCrmSettings.ofDefaults(), adapter -> {
            // changes: a fresh cursor, and one a day before the last stamps, over several pages
            adapter.changesSince(adapter.currentChangeCursor(), 100);
            readChanges(adapter, ChangeCursor.before(Instant.parse("2024-02-10T00:00:00Z")).encode());
            // the time frame: with the unscheduled tasks (rep by rep), with a rep filter (sorted), and
            // a year without filter (rep by rep, because it is more than 20 pages)
            readFrame(adapter, new TimeFrameQuery(LocalDate.of(2025, 3, 1), LocalDate.of(2025, 3, 30), true, null));
            readFrame(adapter, new TimeFrameQuery(LocalDate.of(2025, 3, 1), LocalDate.of(2025, 3, 30), false,
                    Set.of("R-1", "R-2", "R-3")));
            readFrame(adapter, new TimeFrameQuery(LocalDate.of(2025, 3, 1), LocalDate.of(2026, 2, 28), false, null));
            // by id, a full chunk
            List<String> ids = new ArrayList<>();
            for (int i = 1000; i < 1500; i++) {
                ids.add(String.format("A1:%07d", i));
            }
            assertThat(adapter.tasksById(ids).size()).isEqualTo(500);
            // write-back, written and conflicting
            CrmTask t = adapter.tasksById(List.of("A1:0001001")).tasks().get(0);
            assertThat(adapter.writeStatus(t.id(), "Completed", t.modifiedAt()).outcome())
                    .isEqualTo(StatusWriteResult.Outcome.WRITTEN);
            assertThat(adapter.writeStatus(t.id(), "Open", t.modifiedAt()).outcome())
                    .isEqualTo(StatusWriteResult.Outcome.CONFLICT);
        });

        List<String> checked = assertNoSequentialScan(executed, "a1_task");
        assertThat(checked).as("statements checked").hasSizeGreaterThanOrEqualTo(10)
                .anyMatch(sql -> sql.contains("modified_at >= ?"))
                .anyMatch(sql -> sql.contains("scheduled_day >= ?"))
                .anyMatch(sql -> sql.contains("scheduled_day IS NULL"))
                .anyMatch(sql -> sql.contains("rep_id IN"))
                .anyMatch(sql -> sql.contains("WHERE rep_id = ?"))
                .anyMatch(sql -> sql.contains("WHERE rep_id IS NULL"))
                .anyMatch(sql -> sql.contains("WHERE rep_id > ?"))
                .anyMatch(sql -> sql.contains(" IN (?, ?, ?"))
                .anyMatch(sql -> sql.startsWith("UPDATE"));
    }

    @Test
    void theDaysEnteringTheWindowForAllRepsAreReadThroughTheDayIndexOnly() throws SQLException {
        // the engine reads a day that entered the window for every rep whose window moved, without a
        // rep filter when they are more than ids-per-query
        List<StatementRecorder.Executed> executed = record(JdbcCrmSettings.ofDefaults(), adapter -> {
            readFrame(adapter, new TimeFrameQuery(LocalDate.of(2025, 3, 1), LocalDate.of(2025, 3, 1), false, null));
            readFrame(adapter, new TimeFrameQuery(LocalDate.of(2025, 3, 1), LocalDate.of(2025, 3, 7), false, null));
        });

        Consumer<String> throughTheDayIndex = plan -> {
            if (!plan.contains("One-Time Filter: false")) { // the probe of the column types
                assertThat(plan).as("a read of a few days over all reps must not walk the rep index")
                        .doesNotContain("a1_task_rep").contains("a1_task_scheduled");
            }
        };
        assertThat(assertNoSequentialScan(executed, "a1_task", throughTheDayIndex))
                .anyMatch(sql -> sql.contains("ORDER BY rep_id NULLS FIRST"));
    }

    @Test
    void changesMergedWithADeletionLogUseTheIndexesOfBothTables() throws SQLException {
        JdbcCrmSettings settings = JdbcCrmSettings.builder().deletionLogTable("a1_task_deletion").build();

        List<StatementRecorder.Executed> executed = record(settings, adapter -> {
            adapter.changesSince(adapter.currentChangeCursor(), 100);
            readChanges(adapter, ChangeCursor.before(Instant.parse("2024-02-10T00:00:00Z")).encode());
        });

        assertThat(assertNoSequentialScan(executed, "a1_task")).filteredOn(sql -> sql.contains("UNION ALL"))
                .hasSizeGreaterThan(2);
        assertThat(assertNoSequentialScan(executed, "a1_task_deletion")).hasSizeGreaterThan(2);
    }

    @Test
    void withoutAScheduledDayColumnTheTimeFrameUsesAnExpressionIndex() throws SQLException {
        JdbcCrmSettings settings = JdbcCrmSettings.builder().taskTable("a1_task_expr").scheduledDayColumn(null).build();

        List<StatementRecorder.Executed> executed = record(settings, adapter ->
                readFrame(adapter, new TimeFrameQuery(LocalDate.of(2025, 3, 1), LocalDate.of(2025, 3, 30), true, null)));

        List<String> checked = assertNoSequentialScan(executed, "a1_task_expr");
        assertThat(checked).anyMatch(sql -> sql.contains("COALESCE(due_date, start_date) >= ?"))
                .anyMatch(sql -> sql.contains("COALESCE(due_date, start_date) IS NULL"));
    }

    @Test
    void aCommitAfterTheReadPassedItsStampIsReadNextTime() throws SQLException {
        DataSource fresh = TestDatabases.postgres();
        LateCommitScenario.run(fresh, ReferenceCrm.of(fresh).createSchema());
    }

    private static List<StatementRecorder.Executed> record(JdbcCrmSettings settings, Consumer<JdbcCrmAdapter> calls) {
        StatementRecorder recorder = new StatementRecorder(db);
        calls.accept(JdbcCrmAdapter.create(recorder, settings));
        return recorder.executed();
    }

    /** Explains each statement on {@code table} (custom and generic plan); returns the SQL checked. */
    private static List<String> assertNoSequentialScan(List<StatementRecorder.Executed> executed, String table)
            throws SQLException {
        return assertNoSequentialScan(executed, table, plan -> { });
    }

    /** As above, and every plan passes {@code alsoCheck}. */
    private static List<String> assertNoSequentialScan(List<StatementRecorder.Executed> executed, String table,
                                                       Consumer<String> alsoCheck) throws SQLException {
        List<String> checked = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false); // EXPLAIN of the UPDATE does not run it; roll back anyway
            for (StatementRecorder.Executed e : executed) {
                if (!e.sql().contains(" " + table + " ") && !e.sql().endsWith(" " + table)) {
                    continue;
                }
                for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
                    try (Statement st = c.createStatement()) {
                        st.execute("SET plan_cache_mode = " + mode);
                    }
                    String plan = explain(c, e);
                    assertThat(plan).as("%s plan of%n%s", mode, e.sql())
                            .doesNotContain("Seq Scan on " + table)
                            .containsPattern("Index (Only )?Scan|Bitmap Index Scan|One-Time Filter: false");
                    alsoCheck.accept(plan);
                }
                checked.add(e.sql());
            }
            c.rollback();
        }
        return checked;
    }

    /**
     * The plan of a statement as {@code plan_cache_mode} asks for it. {@code EXPLAIN} of a statement
     * with bound values always plans for those values; only a prepared statement that is run by
     * {@code EXECUTE} gets the generic plan a server-prepared statement of the driver may switch to.
     */
    private static String explain(Connection c, StatementRecorder.Executed e) throws SQLException {
        StringBuilder numbered = new StringBuilder();
        int n = 0;
        for (char ch : e.sql().toCharArray()) {
            if (ch == '?') {
                numbered.append('$').append(++n);
            } else {
                numbered.append(ch);
            }
        }
        String[] values = new String[n];
        for (StatementRecorder.Binding b : e.bindings()) {
            values[(Integer) b.args()[0] - 1] = literal(b);
        }
        StringBuilder plan = new StringBuilder();
        try (Statement st = c.createStatement()) {
            st.execute("PREPARE tasksync_plan AS " + numbered);
            try (ResultSet rs = st.executeQuery("EXPLAIN EXECUTE tasksync_plan"
                    + (n == 0 ? "" : "(" + String.join(", ", values) + ")"))) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            } finally {
                st.execute("DEALLOCATE tasksync_plan");
            }
        }
        return plan.toString();
    }

    private static String literal(StatementRecorder.Binding b) {
        Object v = b.method().getName().equals("setNull") ? null : b.args()[1];
        if (v == null) {
            return "NULL";
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        return "'" + v.toString().replace("'", "''") + "'";
    }

    private static void readChanges(JdbcCrmAdapter adapter, String cursor) {
        CrmPage page;
        int pages = 0;
        do {
            page = adapter.changesSince(cursor, 500);
            cursor = page.next();
            pages++;
        } while (page.hasMore());
        assertThat(pages).isGreaterThan(2);
    }

    private static void readFrame(JdbcCrmAdapter adapter, TimeFrameQuery query) {
        String token = null;
        CrmPage page;
        int read = 0;
        do {
            page = adapter.tasksInTimeFrame(query, token, 200);
            read += page.size();
            token = page.next();
        } while (page.hasMore());
        assertThat(read).isGreaterThan(0);
    }
}

package org.tasksync.adapter.jdbccrm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tasksync.core.TaskError;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.CrmPage;
import org.tasksync.core.spi.StatusWriteResult;
import org.tasksync.core.spi.TimeFrameQuery;

/**
 * A CRM schema unlike the reference one in every way the settings allow: other names, numeric
 * ids, its own status codes, letter codes for priority, percent in a text column, modification
 * time without time zone (in Vienna), a Y/N deletion mark, no scheduled-day column, extra fields,
 * fields switched off, a 0/1 enabled flag.
 */
class LegacySchemaTest {

    private static final ZoneId VIENNA = ZoneId.of("Europe/Vienna");
    private static final LocalDate D = LocalDate.of(2031, 5, 12);
    private static final LocalDateTime T = LocalDateTime.of(2030, 3, 30, 12, 0);

    private DataSource db;
    private JdbcCrmAdapter adapter;

    @BeforeEach
    void createLegacyCrm() throws SQLException {
        db = TestDatabases.h2();
        sql("CREATE TABLE mc_user (user_no INTEGER PRIMARY KEY, full_name VARCHAR(100), smtp VARCHAR(200),"
                + " tz VARCHAR(64), active SMALLINT)");
        sql("CREATE TABLE mc_task (task_no BIGINT PRIMARY KEY, owner_no INTEGER, begins DATE, ends DATE,"
                + " state INTEGER, prio CHAR(1), pct VARCHAR(10), reminder_qty INTEGER, betreff VARCHAR(300),"
                + " notes VARCHAR(4000), region VARCHAR(20), visits INTEGER, upd_time TIMESTAMP, del_flag CHAR(1))");
        JdbcCrmSettings settings = JdbcCrmSettings.builder()
                .taskTable("mc_task").taskIdColumn("task_no").modifiedAtColumn("upd_time").deletedColumn("del_flag")
                .scheduledDayColumn(null)
                .fieldColumn(A1Field.REP, "owner_no").fieldColumn(A1Field.CREATED_BY_REP, null)
                .fieldColumn(A1Field.START_DATE, "begins").fieldColumn(A1Field.DUE_DATE, "ends")
                .fieldColumn(A1Field.STATUS, "state").fieldColumn(A1Field.PRIORITY, "prio")
                .fieldColumn(A1Field.COMPLETE_PERCENT, "pct").fieldColumn(A1Field.COMPLETE_DATE, null)
                .fieldColumn(A1Field.REMINDER_DURATION, "reminder_qty").fieldColumn(A1Field.REMINDER_UNIT, null)
                .fieldColumn(A1Field.SUBJECT, "betreff").fieldColumn(A1Field.COMMENTS, "notes")
                .fieldColumn(70, "region").fieldColumn(71, "visits")
                .repTable("mc_user").repIdColumn("user_no").repDisplayNameColumn("full_name").repEmailColumn("smtp")
                .repTimeZoneColumn("tz").repEnabledColumn("active")
                .statusCatalog(Map.of("10", "Open", "20", "In Progress", "30", "Completed", "40", "Missed"))
                .priorityCatalog(Map.of("L", "Low", "N", "Normal", "H", "High"))
                .databaseTimeZone(VIENNA)
                .changeSafetyLag(Duration.ofSeconds(10))
                .build();
        adapter = JdbcCrmAdapter.create(db, settings);
    }

    @Test
    void everyMappedColumnLandsInItsFieldAndSwitchedOffFieldsStayEmpty() throws SQLException {
        task(7, 12, null, D, 20, "H", "40", "Call Contoso", "N", T);

        CrmPage page = adapter.changesSince(null, 10);

        assertThat(page.errors()).isEmpty();
        CrmTask t = page.tasks().get(0);
        assertThat(t.id()).isEqualTo("7");
        assertThat(t.repId()).isEqualTo("12");
        assertThat(t.createdByRepId()).isNull();
        assertThat(t.dueDate()).isEqualTo(D);
        assertThat(t.status()).isEqualTo("In Progress");
        assertThat(t.priority()).isEqualTo("High");
        assertThat(t.percentComplete()).isEqualTo(40);
        assertThat(t.completeDate()).isNull();
        assertThat(t.reminderUnit()).isNull();
        assertThat(t.subject()).isEqualTo("Call Contoso");
        assertThat(t.modifiedAt()).isEqualTo(T.atZone(VIENNA).toInstant());
        assertThat(t.extraFields()).containsOnly(entry(70, "North"), entry(71, "3"));
    }

    @Test
    void changesPageOnNumericIdsAndALetterDeletionMark() throws SQLException {
        task(9, 12, null, D, 10, "N", "0", "nine", "N", T);
        task(10, 12, null, D, 10, "N", "0", "ten", "Y", T);
        task(100, 12, null, D, 10, "N", "0", "hundred", "n", T);
        task(11, 12, null, D, 10, "N", "0", "eleven", null, T.plusMinutes(1));

        CrmPage first = adapter.changesSince(null, 2);
        CrmPage second = adapter.changesSince(first.next(), 2);

        // numeric order, not text order: 9, 10, 100 at T, then 11 a minute later
        assertThat(first.tasks()).extracting(CrmTask::id).containsExactly("9");
        assertThat(first.deletedTaskIds()).containsExactly("10");
        assertThat(second.tasks()).extracting(CrmTask::id).containsExactly("100", "11");
        assertThat(second.hasMore()).isFalse();
    }

    @Test
    void theTimeFrameUsesTheDueOrStartDateExpressionAndNumericRepIds() throws SQLException {
        task(1, 12, null, D, 10, "N", "0", "due in frame", "N", T);
        task(2, 12, D.plusDays(1), null, 10, "N", "0", "start in frame", "N", T);
        task(3, 12, D, D.plusDays(9), 10, "N", "0", "due after frame", "N", T);
        task(4, 13, null, D, 10, "N", "0", "other rep", "N", T);
        task(5, 12, null, null, 10, "N", "0", "unscheduled", "N", T);

        CrmPage page = adapter.tasksInTimeFrame(new TimeFrameQuery(D, D.plusDays(2), true, Set.of("12", "not-a-number")),
                null, 10);

        assertThat(page.tasks()).extracting(CrmTask::subject)
                .containsExactly("due in frame", "start in frame", "unscheduled");
    }

    @Test
    void tasksByIdReportsIdsThatCannotBeNumbersAsMissing() throws SQLException {
        task(7, 12, null, D, 10, "N", "0", "seven", "N", T);

        CrmPage page = adapter.tasksById(List.of("7", "x-7", "999", "007"));

        assertThat(page.tasks()).extracting(CrmTask::id).containsExactly("7");
        assertThat(page.deletedTaskIds()).containsExactly("x-7", "999");
    }

    @Test
    void writeStatusWritesTheConfiguredCodeAndStampsInTheDatabaseZone() throws SQLException {
        task(7, 12, null, D, 10, "N", "0", "seven", "N", T);
        Instant before = T.atZone(VIENNA).toInstant();

        StatusWriteResult written = adapter.writeStatus("7", "Completed", before);
        StatusWriteResult stale = adapter.writeStatus("7", "Open", before);

        assertThat(written.outcome()).isEqualTo(StatusWriteResult.Outcome.WRITTEN);
        assertThat(stale.outcome()).isEqualTo(StatusWriteResult.Outcome.CONFLICT);
        assertThat(stale.newModifiedAt()).isEqualTo(written.newModifiedAt());
        try (Connection c = db.getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT state, upd_time FROM mc_task WHERE task_no = 7")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(30);
            LocalDateTime stored = rs.getObject(2, LocalDateTime.class);
            assertThat(stored.atZone(VIENNA).toInstant()).isEqualTo(written.newModifiedAt());
        }
    }

    @Test
    void repsReadANumericFlagAndTreatAnInvalidOrEmptyZoneAsNone() throws SQLException {
        sql("INSERT INTO mc_user VALUES (12, 'Ada', 'ada@example.com', 'Europe/Vienna', 1)");
        sql("INSERT INTO mc_user VALUES (13, 'Bob', ' ', 'Mars/Olympus', 0)");
        sql("INSERT INTO mc_user VALUES (14, 'Cyd', 'cyd@example.com', '  ', NULL)");

        assertThat(adapter.reps()).containsExactly(
                new Rep("12", "Ada", "ada@example.com", VIENNA, true),
                new Rep("13", "Bob", null, null, false),
                new Rep("14", "Cyd", "cyd@example.com", null, false));
    }

    @Test
    void unreadableValuesAreErrorsNamingFieldAndValueAndTheOthersGoOn() throws SQLException {
        task(1, 12, null, D, 10, "N", "abc", "text percent", "N", T);
        task(2, 12, null, D, 10, "N", "12.5", "fractional percent", "N", T);
        task(3, 12, null, D, 10, "Z", "x", "two bad values", "N", T);
        task(4, 12, null, D, 10, "N", " 12 ", "fine", "N", T);
        task(5, null, null, D, null, "N", "0", "no rep, no status", "N", T);

        CrmPage page = adapter.changesSince(null, 10);

        assertThat(page.tasks()).extracting(CrmTask::id, CrmTask::percentComplete)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("4", 12));
        assertThat(page.errors()).extracting(TaskError::taskId, TaskError::field, TaskError::value).containsExactly(
                org.assertj.core.groups.Tuple.tuple("1", "#56 Complete %", "abc"),
                org.assertj.core.groups.Tuple.tuple("2", "#56 Complete %", "12.5"),
                org.assertj.core.groups.Tuple.tuple("3", "#5 Priority", "Z"),
                org.assertj.core.groups.Tuple.tuple("5", "#4 Rep", null));
        assertThat(page.errors().get(2).reason()).contains("#56 Complete %").contains("'x'");
        assertThat(page.errors().get(3).reason()).contains("#2 Status");
        assertThat(page.errors().get(0).toString()).contains("task 1").contains("#56 Complete %").contains("'abc'");
    }

    private void task(long id, Integer owner, LocalDate begins, LocalDate ends, Integer state, String prio, String pct,
                      String subject, String deleted, LocalDateTime updated) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO mc_task (task_no, owner_no, begins, ends, state, prio,"
                     + " pct, reminder_qty, betreff, notes, region, visits, upd_time, del_flag)"
                     + " VALUES (?, ?, ?, ?, ?, ?, ?, 15, ?, 'notes', 'North', 3, ?, ?)")) {
            ps.setLong(1, id);
            ps.setObject(2, owner);
            ps.setObject(3, begins);
            ps.setObject(4, ends);
            ps.setObject(5, state);
            ps.setString(6, prio);
            ps.setString(7, pct);
            ps.setString(8, subject);
            ps.setObject(9, updated);
            ps.setString(10, deleted);
            ps.executeUpdate();
        }
    }

    private void sql(String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}

package org.tasksync.adapter.jdbccrm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.CrmPage;
import org.tasksync.core.spi.TimeFrameQuery;

/** What the JDBC adapter does beyond the common contract, on the reference schema in H2. */
class JdbcCrmAdapterTest {

    private static final LocalDate D = LocalDate.of(2031, 5, 12);

    private DataSource db;
    private ReferenceCrm crm;

    @BeforeEach
    void createCrm() {
        db = TestDatabases.h2();
        crm = ReferenceCrm.of(db, JdbcCrmSettings.builder().changeSafetyLag(Duration.ofSeconds(10)).build())
                .createSchema();
    }

    @Test
    void aCommitAfterTheReadPassedItsStampIsReadNextTime() throws SQLException {
        // the lag must cover the saves between the open transaction's stamp and the read, however slow
        LateCommitScenario.run(db, ReferenceCrm.of(db, crm.settings().toBuilder()
                .changeSafetyLag(Duration.ofMinutes(2)).build()));
    }

    @Test
    void aReadLongerThanTheSafetyLagKeepsTheFloorOfItsFirstPage() throws InterruptedException {
        JdbcCrmAdapter adapter = JdbcCrmAdapter.create(db, crm.settings().toBuilder()
                .changeSafetyLag(Duration.ofSeconds(1)).build());
        String cursor = adapter.currentChangeCursor();
        for (String id : List.of("A1:1", "A1:2", "A1:3")) {
            crm.putTask(task(id).build());
        }
        CrmPage first = adapter.changesSince(cursor, 1);
        assertThat(first.hasMore()).isTrue();
        // stamped half a second before, committed now: within the 1 s lag, but behind the read
        crm.putTask(task("A1:late").build());
        crm.setModifiedAt("A1:late", crm.now().minusMillis(500));
        Thread.sleep(1500); // the rest of the read runs more than the lag after its first page

        String next = first.next();
        CrmPage page;
        do {
            page = adapter.changesSince(next, 1);
            next = page.next();
        } while (page.hasMore());
        List<String> again = new ArrayList<>();
        do {
            page = adapter.changesSince(next, 1);
            page.tasks().forEach(t -> again.add(t.id()));
            next = page.next();
        } while (page.hasMore());

        assertThat(again).contains("A1:late");
    }

    @Test
    void currentChangeCursorStandsTheSafetyLagBeforeTheDatabaseClock() {
        // a lag of a minute: "recent" stays inside it however slowly the cursor is taken after the stamp
        JdbcCrmAdapter adapter = JdbcCrmAdapter.create(db, crm.settings().toBuilder()
                .changeSafetyLag(Duration.ofMinutes(1)).build());
        crm.putTask(task("A1:old").build());
        crm.setModifiedAt("A1:old", crm.now().minus(Duration.ofMinutes(10)));
        crm.putTask(task("A1:recent").build());
        crm.setModifiedAt("A1:recent", crm.now().minusSeconds(5));

        CrmPage page = adapter.changesSince(adapter.currentChangeCursor(), 10);

        assertThat(page.tasks()).extracting(CrmTask::id).containsExactly("A1:recent");
    }

    @Test
    void aLoggedDeletionAndATaskRowWithTheSameTimeAndIdAreEachReadOnce() throws SQLException {
        JdbcCrmSettings logged = crm.settings().toBuilder().deletedColumn(null).deletionLogTable("a1_task_deletion")
                .build();
        ReferenceCrm logging = ReferenceCrm.of(db, logged);
        JdbcCrmAdapter adapter = logging.adapter();
        String cursor = adapter.currentChangeCursor();
        logging.putTask(task("A1:x").build());
        logging.deleteTask("A1:x");
        logging.putTask(task("A1:x").subject("created again").build());
        logging.putTask(task("A1:y").build());
        Instant same = logging.now();
        logging.setModifiedAt("A1:x", same);
        logging.setModifiedAt("A1:y", same);
        try (Connection c = db.getConnection()) {
            c.createStatement().executeUpdate("UPDATE a1_task_deletion SET deleted_at = TIMESTAMP WITH TIME ZONE '"
                    + java.time.OffsetDateTime.ofInstant(same, java.time.ZoneOffset.UTC) + "'");
        }

        List<String> seen = new ArrayList<>();
        CrmPage page;
        do {
            page = adapter.changesSince(cursor, 1);
            page.tasks().forEach(t -> seen.add("task " + t.id()));
            page.deletedTaskIds().forEach(id -> seen.add("deleted " + id));
            cursor = page.next();
        } while (page.hasMore());

        assertThat(seen).containsExactly("task A1:x", "deleted A1:x", "task A1:y");
    }

    @Test
    void tasksByIdAsksInChunksOfTheConfiguredSize() {
        JdbcCrmAdapter adapter = JdbcCrmAdapter.create(db, crm.settings().toBuilder().idsPerQuery(3).build());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            crm.putTask(task("A1:" + i).build());
            ids.add("A1:" + i);
        }
        ids.add("A1:missing");

        CrmPage page = adapter.tasksById(ids);

        assertThat(page.tasks()).extracting(CrmTask::id).containsExactlyElementsOf(ids.subList(0, 10));
        assertThat(page.deletedTaskIds()).containsExactly("A1:missing");
    }

    @Test
    void theTimeFrameTakesNoRepFilterWhenMoreRepsAreAskedThanOneQueryHolds() {
        JdbcCrmAdapter adapter = JdbcCrmAdapter.create(db, crm.settings().toBuilder().idsPerQuery(2).build());
        crm.putTask(task("A1:ada").repId("R-ADA").dueDate(D).build());
        crm.putTask(task("A1:bob").repId("R-BOB").dueDate(D).build());

        CrmPage few = adapter.tasksInTimeFrame(new TimeFrameQuery(D, D, false, java.util.Set.of("R-ADA")), null, 10);
        CrmPage many = adapter.tasksInTimeFrame(
                new TimeFrameQuery(D, D, false, java.util.Set.of("R-ADA", "R-CYD", "R-DAN")), null, 10);

        assertThat(few.tasks()).extracting(CrmTask::id).containsExactly("A1:ada");
        assertThat(many.tasks()).extracting(CrmTask::id).containsExactly("A1:ada", "A1:bob");
    }

    @Test
    void theStatusCatalogDecidesWhatIsReadAndWhatIsWrittenBack() throws SQLException {
        JdbcCrmSettings custom = crm.settings().toBuilder()
                .statusCatalog(Map.of("0", "Offen", "1", "In Arbeit", "2", "Erledigt", "3", "Versäumt"))
                .build();
        ReferenceCrm german = ReferenceCrm.of(db, custom);
        Instant stamp = german.putTask(task("A1:1").status("In Arbeit").build());

        JdbcCrmAdapter adapter = german.adapter();
        assertThat(adapter.tasksById(List.of("A1:1")).tasks()).extracting(CrmTask::status).containsExactly("In Arbeit");
        adapter.writeStatus("A1:1", "Erledigt", stamp);
        try (Connection c = db.getConnection();
             var rs = c.createStatement().executeQuery("SELECT status FROM a1_task WHERE id = 'A1:1'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(2);
        }
        assertThatThrownBy(() -> adapter.writeStatus("A1:1", "Completed", stamp))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'Completed'")
                .hasMessageContaining("Erledigt");
    }

    @Test
    void statusCodesThatAreNoNumbersFailOnANumericStatusColumnNamingTheKey() {
        JdbcCrmAdapter adapter = JdbcCrmAdapter.create(db, crm.settings().toBuilder()
                .statusCatalog(Map.of("O", "Open", "C", "Completed")).build());

        assertThatThrownBy(adapter::currentChangeCursor).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tasksync.crm.jdbc.catalog.status.");
    }

    @Test
    void aColumnMissingFromTheTableFailsWithTheDatabasesMessage() {
        JdbcCrmAdapter adapter = JdbcCrmAdapter.create(db, crm.settings().toBuilder()
                .fieldColumn(A1Field.SUBJECT, "betreff").build());

        assertThatThrownBy(() -> adapter.changesSince(null, 10)).isInstanceOf(CrmAccessException.class)
                .hasMessageContaining("BETREFF");
    }

    @Test
    void cursorsTokensAndPageSizesOfAnotherKindAreRejected() {
        JdbcCrmAdapter adapter = crm.adapter();
        TimeFrameQuery q = new TimeFrameQuery(D, D, true, null);

        assertThatThrownBy(() -> adapter.changesSince("42", 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'42'");
        assertThatThrownBy(() -> adapter.changesSince("c1|yesterday||", 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> adapter.tasksInTimeFrame(q, "c1|2030-01-01T00:00:00Z||", 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> adapter.changesSince(null, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> adapter.tasksInTimeFrame(q, null, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNullCursorReadsEveryChangeFromTheFirstOn() {
        crm.putTask(task("A1:1").build());
        crm.setModifiedAt("A1:1", Instant.parse("2001-01-01T00:00:00Z"));
        crm.putTask(task("A1:2").build());

        assertThat(crm.adapter().changesSince(null, 10).tasks()).extracting(CrmTask::id).containsExactly("A1:1", "A1:2");
    }

    @Test
    void secretsInADriverMessageDoNotReachTheException() {
        DataSource failing = new FailingDataSource(
                "Connection to jdbc:h2:tcp://crm/db;USER=crm;PASSWORD=s3cret refused (password=s3cret)");
        JdbcCrmAdapter adapter = JdbcCrmAdapter.create(failing, JdbcCrmSettings.ofDefaults());

        assertThatThrownBy(adapter::reps).isInstanceOf(CrmAccessException.class)
                .hasMessageContaining("refused")
                .hasMessageNotContaining("s3cret")
                .hasNoCause();
        assertThat(adapter.toString()).doesNotContain("s3cret").contains("a1_task");
    }

    @Test
    void theDemoRowsGiveAFewRepsAndTasksAroundToday() {
        LocalDate today = LocalDate.of(2030, 6, 1);
        crm.insertDemoRows(today);
        JdbcCrmAdapter adapter = crm.adapter();

        assertThat(adapter.reps()).extracting(Rep::id).containsExactly("R-ADA", "R-BOB", "R-CYD", "R-DAN");
        CrmPage frame = adapter.tasksInTimeFrame(new TimeFrameQuery(today.minusDays(7), today.plusDays(30), true, null),
                null, 100);
        assertThat(frame.errors()).isEmpty();
        assertThat(frame.tasks()).extracting(CrmTask::id)
                .containsExactlyInAnyOrder("A1:1-1", "A1:1-2", "A1:1-3", "A1:1-4", "A1:1-5", "A1:1-6", "A1:1-8");
    }

    private static CrmTask.Builder task(String id) {
        return CrmTask.builder(id).repId("R-ADA").subject("Task " + id);
    }

    /** A data source whose driver fails with a message that shows its password, as some do. */
    private static final class FailingDataSource implements DataSource {
        private final String message;

        FailingDataSource(String message) {
            this.message = message;
        }

        @Override
        public Connection getConnection() throws SQLException {
            throw new SQLException(message, "08001");
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLException(message, "08001");
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }

        @Override
        public String toString() {
            return "FailingDataSource password=s3cret";
        }
    }
}

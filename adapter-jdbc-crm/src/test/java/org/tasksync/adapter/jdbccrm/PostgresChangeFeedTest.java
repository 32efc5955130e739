package org.tasksync.adapter.jdbccrm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tasksync.adapter.jdbccrm.internal.PostgresChangeFeed;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.spi.CrmChangeFeed;
import org.tasksync.core.spi.CrmChangeListener;
import org.tasksync.core.spi.StatusWriteResult;

/**
 * The PostgreSQL change feed on the reference schema with the shipped trigger, in an embedded
 * PostgreSQL: who hears what, the adapter's own write-backs, a killed LISTEN connection, close().
 * A hint is awaited up to {@link #BOUND}, a bound for a broken feed, not a speed requirement.
 */
class PostgresChangeFeedTest {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final LocalDate D = LocalDate.of(2031, 5, 12);

    private static TestDatabases.Postgres db;
    private static ReferenceCrm crm;
    private static JdbcCrmAdapter adapter;

    private final List<CrmChangeFeed> feeds = new ArrayList<>();

    @BeforeAll
    static void postgresWithTheTrigger() {
        db = TestDatabases.postgresDatabase();
        crm = ReferenceCrm.of(db.pooled(), JdbcCrmSettings.builder().changeSafetyLag(Duration.ofSeconds(10))
                .notifyReconnectMaxWait(Duration.ofMillis(500)).build()).createSchema().installChangeNotifications();
        adapter = crm.adapter();
    }

    @BeforeEach
    void empty() {
        crm.clear();
    }

    @AfterEach
    void closeFeeds() {
        feeds.forEach(CrmChangeFeed::close);
    }

    @Test
    void aTaskInsertedUpdatedOrDeletedBySomebodyElseIsHinted() throws Exception {
        Hints hints = new Hints();
        open(adapter, hints);

        crm.putTask(task("A1:9-1").build());
        assertThat(hints.nextIds()).containsExactly("A1:9-1");
        crm.putTask(task("A1:9-1").subject("Renamed").build());
        assertThat(hints.nextIds()).containsExactly("A1:9-1");
        crm.deleteTask("A1:9-1");
        assertThat(hints.nextIds()).containsExactly("A1:9-1");
        try (Connection c = db.direct().getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM a1_task WHERE id = 'A1:9-1'"); // a CRM that deletes rows
        }
        assertThat(hints.nextIds()).containsExactly("A1:9-1");
        assertThat(hints.gaps).isEmpty();
    }

    @Test
    void theAdaptersOwnStatusWriteIsNotHintedButTheSameUpdateBySomebodyElseIs() throws Exception {
        var written = crm.putTask(task("A1:9-2").build());
        Hints hints = new Hints();
        open(adapter, hints);

        assertThat(adapter.writeStatus("A1:9-2", "Completed", written).outcome())
                .isEqualTo(StatusWriteResult.Outcome.WRITTEN);
        crm.putTask(task("A1:9-MARK").build()); // committed after the write-back, so heard after it

        assertThat(hints.idsUntil("A1:9-MARK")).doesNotContain("A1:9-2");

        // the same UPDATE statement without the adapter's mark is somebody else's write
        try (Connection c = db.direct().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE a1_task SET status = 2 WHERE id = 'A1:9-2'")) {
            ps.executeUpdate();
        }
        assertThat(hints.nextIds()).containsExactly("A1:9-2");
    }

    @Test
    void aKilledListenConnectionIsAGapAndHintsResumeAfterTheFeedListensAgain() throws Exception {
        Hints hints = new Hints();
        open(adapter.listeningThrough(db.direct()), hints);
        crm.putTask(task("A1:9-3").build());
        assertThat(hints.nextIds()).containsExactly("A1:9-3");

        try (Connection c = db.direct().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                     + " WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN %'")) {
            assertThat(rs.next()).as("the LISTEN backend").isTrue();
        }

        String lost = hints.nextGap();
        assertThat(lost).contains("lost the LISTEN connection of tasksync_task_change");
        String again = hints.nextGap();
        assertThat(again).contains("listening again on tasksync_task_change");
        crm.putTask(task("A1:9-4").build());
        assertThat(hints.idsUntil("A1:9-4")).contains("A1:9-4");
    }

    @Test
    void aFirstListenThatFailsIsAGapWithoutThePasswordAndTheFeedListensWhenItCan() throws Exception {
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        javax.sql.DataSource flaky = new org.tasksync.testkit.jdbc.WrappingDataSource() {
            @Override
            public Connection getConnection() throws SQLException {
                if (attempts.incrementAndGet() <= 2) {
                    throw new SQLException("connection refused: jdbc:postgresql://crm-db/crm?password=hunter2", "08001");
                }
                return db.direct().getConnection();
            }
        };
        Hints hints = new Hints();
        open(adapter.listeningThrough(flaky), hints);

        String reason = hints.nextGap();
        assertThat(reason).contains("could not LISTEN on tasksync_task_change", "08001").doesNotContain("hunter2");
        assertThat(hints.nextGap()).contains("listening again");
        crm.putTask(task("A1:9-6").build());
        assertThat(hints.idsUntil("A1:9-6")).contains("A1:9-6");
    }

    @Test
    void closeEndsTheThreadAndNoHintComesAfterIt() throws Exception {
        Hints closedOne = new Hints();
        CrmChangeFeed feed = open(adapter, closedOne);
        Hints witness = new Hints();
        open(adapter, witness);
        assertThat(listenThreads()).hasSize(2);

        feed.close();
        assertThat(((PostgresChangeFeed) feed).running()).isFalse();
        assertThat(listenThreads()).hasSize(1);
        crm.putTask(task("A1:9-5").build());

        assertThat(witness.nextIds()).containsExactly("A1:9-5"); // the notification went out
        assertThat(closedOne.all).isEmpty();
        feed.close(); // again: nothing happens
    }

    @Test
    void aClosedFeedHandsItsConnectionBackToThePoolNotListening() throws SQLException {
        open(adapter, new Hints()).close();

        List<Connection> borrowed = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) { // every idle connection of the test pool, the feed's among them
                Connection c = db.pooled().getConnection();
                borrowed.add(c);
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_listening_channels()")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("channels a pooled connection listens to").isZero();
                }
            }
        } finally {
            for (Connection c : borrowed) {
                c.close();
            }
        }
    }

    @Test
    void aBulkUpdateComesAsHintsOfBoundedSizeThatNameEveryTaskOnce() throws Exception {
        for (int i = 0; i < 1_200; i++) {
            crm.putTask(task("A1:8-" + i).build());
        }
        Hints hints = new Hints();
        open(adapter, hints);

        try (Connection c = db.direct().getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.executeUpdate("UPDATE a1_task SET priority = 3");
            st.executeUpdate("UPDATE a1_task SET priority = 1"); // the same payloads again: PostgreSQL folds them
            c.commit();
        }
        Set<String> seen = new HashSet<>();
        List<String> got = new ArrayList<>();
        while (seen.size() < 1_200) {
            Collection<String> ids = hints.nextIds();
            assertThat(ids.size()).isLessThanOrEqualTo(PostgresChangeFeed.MAX_IDS_PER_HINT);
            got.addAll(ids);
            seen.addAll(ids);
        }
        assertThat(got).doesNotHaveDuplicates();
    }

    @Test
    void aTaskIdTooLongForAPayloadIsAGap() throws Exception {
        try (Connection c = db.direct().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE long_task (id TEXT PRIMARY KEY, subject TEXT)");
        }
        ReferenceCrm longIds = ReferenceCrm.of(db.pooled(), JdbcCrmSettings.builder().taskTable("long_task")
                .notifyChannel("long_task_change").dialect(CrmDialect.POSTGRESQL).build());
        longIds.installChangeNotifications();
        Hints hints = new Hints();
        JdbcCrmAdapter other = JdbcCrmAdapter.create(db.pooled(), longIds.settings());
        open(other, hints);

        try (Connection c = db.direct().getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO long_task VALUES (repeat('x', 9000), 'long')"); // the insert is not refused
            st.executeUpdate("INSERT INTO long_task VALUES ('short', 'short')");
        }
        // one batch may carry both: the order of hint and gap is not the point
        List<String> ids = new ArrayList<>();
        while (hints.gaps.isEmpty() || !ids.contains("short")) {
            Object next = hints.all.poll(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(next).as("the gap and the hint of 'short' within %s", BOUND).isNotNull();
            if (next instanceof List<?> l) {
                l.forEach(id -> ids.add((String) id));
            }
        }
        assertThat(hints.gaps).singleElement().asString().contains("named no task");
        assertThat(ids).containsExactly("short");
    }

    @Test
    void theTriggerFollowsTheConfiguredTableIdColumnAndChannel() {
        List<String> sql = ReferenceCrm.changeNotificationStatements(JdbcCrmSettings.builder().taskTable("crm_activity")
                .taskIdColumn("activity_key").notifyChannel("crm_activity_change").build());

        assertThat(sql).hasSize(3);
        assertThat(sql.get(0)).startsWith("CREATE OR REPLACE FUNCTION tasksync_crm_activity_notify()")
                .contains("OLD.activity_key", "NEW.activity_key", "pg_notify('crm_activity_change', task_id)")
                .doesNotContain("OLD.id", "NEW.id", "tasksync_task_change", "--");
        assertThat(sql.get(1)).isEqualTo("DROP TRIGGER IF EXISTS tasksync_crm_activity_notify ON crm_activity");
        assertThat(sql.get(2)).contains("AFTER INSERT OR UPDATE OR DELETE ON crm_activity", "FOR EACH ROW");
        assertThat(ReferenceCrm.changeNotificationSql()).contains("ON a1_task", "'tasksync_task_change'");
    }

    @Test
    void installingTheTriggerTwiceLeavesOneTrigger() throws SQLException {
        crm.installChangeNotifications();
        try (Connection c = db.direct().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_trigger WHERE tgname = 'tasksync_a1_task_notify'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void noFeedOnH2OrWithTheChannelSwitchedOff() {
        JdbcCrmAdapter h2 = ReferenceCrm.of(TestDatabases.h2()).createSchema().adapter();
        assertThat(h2.changeFeed(new Hints())).isEmpty();
        JdbcCrmAdapter off = JdbcCrmAdapter.create(db.pooled(), JdbcCrmSettings.builder().notifyChannel(null).build());
        assertThat(off.changeFeed(new Hints())).isEmpty();
    }

    @Test
    void aChannelThatIsNoLowerCaseIdentifierIsRefusedNamingKeyAndValue() {
        assertThatThrownBy(() -> JdbcCrmSettings.builder().notifyChannel("Tasks Changed"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tasksync.crm.jdbc.notify-channel = 'Tasks Changed'");
        java.util.Properties p = new java.util.Properties();
        p.setProperty(JdbcCrmSettings.NOTIFY_CHANNEL, "");
        p.setProperty(JdbcCrmSettings.NOTIFY_RECONNECT_MAX_WAIT, "PT5S");
        JdbcCrmSettings s = JdbcCrmSettings.fromProperties(p);
        assertThat(s.notifyChannel()).isEmpty();
        assertThat(s.notifyReconnectMaxWait()).isEqualTo(Duration.ofSeconds(5));
        assertThat(JdbcCrmSettings.ofDefaults().notifyChannel()).contains("tasksync_task_change");
    }

    // --- helpers -----------------------------------------------------------------------------------

    private CrmChangeFeed open(JdbcCrmAdapter a, Hints hints) {
        Optional<CrmChangeFeed> feed = a.changeFeed(hints);
        assertThat(feed).as("a change feed on PostgreSQL").isPresent();
        feeds.add(feed.get());
        return feed.get();
    }

    private static List<Thread> listenThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("tasksync-crm-listen-")).toList();
    }

    private static CrmTask.Builder task(String id) {
        return CrmTask.builder(id).repId("R-ADA").subject("Task " + id).status("Open").priority("Normal")
                .percentComplete(0).dueDate(D);
    }

    /** Records hints and gaps in the order they come. */
    static final class Hints implements CrmChangeListener {
        final BlockingQueue<Object> all = new LinkedBlockingQueue<>();
        final List<String> gaps = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void changed(Collection<String> crmTaskIds) {
            all.add(List.copyOf(crmTaskIds));
        }

        @Override
        public void gap(String reason) {
            gaps.add(reason);
            all.add(reason);
        }

        /** The next hint's ids (gaps before it fail the test). */
        @SuppressWarnings("unchecked")
        Collection<String> nextIds() throws InterruptedException {
            Object next = all.poll(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(next).as("a hint within %s", BOUND).isInstanceOf(List.class);
            return (Collection<String>) next;
        }

        /** The next gap's reason, hints before it skipped. */
        String nextGap() throws InterruptedException {
            while (true) {
                Object next = all.poll(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(next).as("a gap within %s", BOUND).isNotNull();
                if (next instanceof String reason) {
                    return reason;
                }
            }
        }

        /** Every id hinted until (and with) the hint that names {@code last}. */
        List<String> idsUntil(String last) throws InterruptedException {
            List<String> ids = new ArrayList<>();
            while (!ids.contains(last)) {
                Object next = all.poll(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(next).as("a hint of %s within %s", last, BOUND).isNotNull();
                if (next instanceof List<?> l) {
                    l.forEach(id -> ids.add((String) id));
                }
            }
            return ids;
        }
    }
}

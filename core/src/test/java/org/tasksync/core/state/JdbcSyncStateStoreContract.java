package org.tasksync.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.SyncStateStore;

/**
 * What only a database store can promise, beyond the contract every store passes (testkit's
 * {@code SyncStateStoreCompatibilityKit}, which runs this store on H2 and PostgreSQL): its data
 * outlives the store object, several stores share one database, and database failures come out as
 * {@link StateStoreException}s that say what failed.
 */
abstract class JdbcSyncStateStoreContract {

    static final String ANNA = "anna@example.com";
    static final String BEN = "ben@example.com";

    /** The store of the current test, on {@link #dataSource}. */
    protected SyncStateStore store;

    /** The database of the current test. */
    protected DataSource dataSource;

    /** A new, empty database (or schema) for one test; the subclass cleans it up after the test. */
    protected abstract DataSource freshDatabase() throws Exception;

    @BeforeEach
    void openStore() {
        try {
            dataSource = freshDatabase();
        } catch (Exception e) {
            throw new IllegalStateException("could not make a database for the test", e);
        }
        store = JdbcSyncStateStore.builder(dataSource).build();
    }

    // The kit's fixtures again: core's tests cannot use testkit, which depends on core.

    /** Values with every field set, and text that trips careless encodings. */
    static TaskValues richValues(String seed) {
        return TaskValues.builder()
                .subject("Call " + seed + " ; a=b \\ \"quoted\" – Grüße 日本 🚀")
                .body("line 1\nline 2\r\n\ttabbed\\n not a newline\u0001\u007f;=;=\\")
                .startDate(LocalDate.of(2024, 2, 29))
                .dueDate(LocalDate.of(2024, 3, 1))
                .status(ExchangeStatus.WAITING_ON_OTHERS)
                .importance(Importance.HIGH)
                .percentComplete(42)
                .completeDate(LocalDate.of(1999, 12, 31))
                .reminder(true, Instant.parse("2024-02-28T07:30:15.123456789Z"))
                .owner("Ännä Ømega")
                .createdBy("")
                .extended("Region", "North;East=1")
                .extended("Empty", "")
                .extended("Multi.line-field_1", "a\nb")
                .build();
    }

    static Link linked(String crmId, String mailbox, String itemId) {
        return new Link(crmId, mailbox, itemId, "ck-" + itemId, Link.State.LINKED, richValues(crmId), "2",
                Instant.parse("2024-01-15T10:00:00.000000001Z"), ExchangeStatus.IN_PROGRESS, false);
    }

    static Link intended(String crmId, String mailbox) {
        return new Link(crmId, mailbox, null, null, Link.State.CREATE_INTENDED, TaskValues.builder().build(), null,
                null, null, false);
    }

    protected int update(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            return st.executeUpdate(sql);
        }
    }

    protected long count(String table) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aStoreOpenedLaterOnTheSameDatabaseSeesEverything() {
        Link a = linked("A1:1", ANNA, "i1");
        Link b = intended("A1:2", BEN);
        store.saveLinks(List.of(a, b));
        store.saveCursors(Map.of("mailbox:" + ANNA, "s".repeat(5000), "crm", "c"));
        store.addPending(List.of("A1:3"));

        SyncStateStore reopened = JdbcSyncStateStore.builder(dataSource).build();

        assertThat(reopened.findLinks(List.of("A1:1", "A1:2"))).containsOnly(Map.entry("A1:1", a), Map.entry("A1:2", b));
        assertThat(reopened.cursors("")).containsOnly(Map.entry("mailbox:" + ANNA, "s".repeat(5000)), Map.entry("crm", "c"));
        assertThat(reopened.pendingTaskIds()).containsExactly("A1:3");
        assertThat(reopened.countLinks(ANNA)).isEqualTo(1);
    }

    @Test
    void writesAreCommittedAlsoOnConnectionsThatComeWithAutoCommitOff() {
        // as some pools hand them out; closing such a connection rolls back whatever was not committed
        SyncStateStore pooled = JdbcSyncStateStore.builder(new AutoCommitOffDataSource(dataSource)).build();
        pooled.saveLinks(List.of(linked("A1:1", ANNA, "i1")));
        pooled.saveCursors(Map.of("crm", "c1"));
        pooled.addPending(List.of("A1:2"));
        pooled.deleteLinks(List.of("A1:gone"));

        assertThat(store.findLinks(List.of("A1:1"))).containsOnlyKeys("A1:1");
        assertThat(store.cursor("crm")).contains("c1");
        assertThat(store.pendingTaskIds()).containsExactly("A1:2");
        assertThat(pooled.findLinks(List.of("A1:1"))).containsOnlyKeys("A1:1");

        pooled.removePending(List.of("A1:2"));
        assertThat(store.pendingTaskIds()).isEmpty();
    }

    @Test
    void twoStoresOnOneDatabaseShareTheTables() throws SQLException {
        SyncStateStore second = JdbcSyncStateStore.builder(dataSource).build();

        store.saveLinks(List.of(linked("A1:1", ANNA, "i1")));
        second.saveLinks(List.of(linked("A1:2", ANNA, "i2")));
        second.addPending(List.of("A1:9"));

        assertThat(store.findLinks(List.of("A1:1", "A1:2"))).containsOnlyKeys("A1:1", "A1:2");
        assertThat(store.pendingTaskIds()).containsExactly("A1:9");
        assertThat(count("tasksync_links")).isEqualTo(2);
    }

    @Test
    void storesWithDifferentPrefixesKeepApart() throws SQLException {
        String longest = "p".repeat(39) + "_";
        SyncStateStore other = JdbcSyncStateStore.builder(dataSource).tablePrefix(longest).build();

        store.saveLinks(List.of(linked("A1:1", ANNA, "i1")));
        other.saveLinks(List.of(linked("A1:1", BEN, "j1"), linked("A1:2", BEN, "j2")));
        other.saveCursors(Map.of("crm", "other"));
        other.addPending(List.of("A1:2"));

        assertThat(store.findLinks(List.of("A1:1")).get("A1:1").mailbox()).isEqualTo(ANNA);
        assertThat(store.findLinks(List.of("A1:2"))).isEmpty();
        assertThat(store.cursor("crm")).isEmpty();
        assertThat(store.pendingTaskIds()).isEmpty();
        assertThat(other.countLinks(BEN)).isEqualTo(2);
        assertThat(count(longest + "links")).isEqualTo(2);
        assertThat(count(longest + "cursors")).isEqualTo(1);
        assertThat(count(longest + "pending")).isEqualTo(1);
        assertThat(count("tasksync_links")).isEqualTo(1);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "1st_", "sync-", "sync state_", "x;DROP TABLE y;--", "tâches_", "\"quoted\"",
            "a234567890123456789012345678901234567890x"})
    void aPrefixThatIsNotAPlainIdentifierIsRefused(String prefix) {
        JdbcSyncStateStore.Builder builder = JdbcSyncStateStore.builder(dataSource);

        assertThatThrownBy(() -> builder.tablePrefix(prefix))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tasksync.state.jdbc.table-prefix")
                .hasMessageContaining(prefix == null ? "null" : "'" + prefix + "'");
    }

    @Test
    void aFailedSaveLeavesNoPartOfItBehind() throws SQLException {
        update("ALTER TABLE tasksync_links ADD CONSTRAINT test_refuses_bad CHECK (mailbox <> 'bad@example.com')");
        store.saveLinks(List.of(linked("A1:0", ANNA, "before")));

        List<Link> links = IntStream.range(1, 1200).mapToObj(i -> linked("A1:" + i, ANNA, "i" + i))
                .collect(Collectors.toCollection(ArrayList::new));
        links.add(linked("A1:0", ANNA, "after"));
        links.add(linked("A1:bad", "bad@example.com", "x"));

        assertThatThrownBy(() -> store.saveLinks(links))
                .isInstanceOf(StateStoreException.class)
                .hasMessageContaining("saveLinks")
                .hasMessageContaining("tasksync_links");

        assertThat(store.countLinks(ANNA)).isEqualTo(1);
        assertThat(store.findLinks(List.of("A1:0")).get("A1:0").itemId()).isEqualTo("before");
    }

    @Test
    void aDatabaseFailureNamesTheOperationAndTheTable() throws SQLException {
        update("DROP TABLE tasksync_cursors");

        assertThatThrownBy(() -> store.cursors("mailbox:"))
                .isInstanceOf(StateStoreException.class)
                .hasMessageStartingWith("cursors on table tasksync_cursors failed")
                .hasCauseInstanceOf(SQLException.class);
        assertThatThrownBy(() -> store.saveCursors(Map.of("crm", "c")))
                .isInstanceOf(StateStoreException.class)
                .hasMessageStartingWith("saveCursors on table tasksync_cursors failed");
        // the other tables still work
        assertThatCode(() -> store.addPending(List.of("A1:1"))).doesNotThrowAnyException();
    }

    @Test
    void aDamagedRowIsReportedWithItsTaskIdInsteadOfBeingSkipped() throws SQLException {
        store.saveLinks(List.of(linked("A1:1", ANNA, "i1"), linked("A1:2", ANNA, "i2")));
        update("UPDATE tasksync_links SET last_written = 'TV1;st=FINISHED' WHERE crm_task_id = 'A1:2'");

        assertThatThrownBy(() -> store.findLinks(List.of("A1:1", "A1:2")))
                .isInstanceOf(StateStoreException.class)
                .hasMessageContaining("findLinks on table tasksync_links")
                .hasMessageContaining("A1:2")
                .hasMessageContaining("last_written")
                .hasMessageContaining("FINISHED");
    }

    @Test
    void theTablesCanBeRebuiltAfterTheyWereDropped() throws SQLException {
        store.saveLinks(List.of(linked("A1:1", ANNA, "i1")));
        update("DROP TABLE tasksync_links");

        SyncStateStore fresh = JdbcSyncStateStore.builder(dataSource).build();

        assertThat(fresh.findLinks(List.of("A1:1"))).isEmpty();
        fresh.saveLinks(List.of(linked("A1:1", ANNA, "i1")));
        assertThat(store.findLinks(List.of("A1:1"))).containsOnlyKeys("A1:1");
    }

    @Test
    void aTableOfTheSameNameButAnotherShapeIsRefusedAtBuildTime() throws SQLException {
        update("CREATE TABLE clash_links (id INTEGER PRIMARY KEY)");

        assertThatThrownBy(() -> JdbcSyncStateStore.builder(dataSource).tablePrefix("clash_").build())
                .isInstanceOf(StateStoreException.class)
                .hasMessageContaining("clash_links");
    }

    // ---------------------------------------------------------------- creates in flight (the intents table)

    @Test
    void anIntentThenItsResultLeaveOneRowInLinksAndNoneInIntents() throws SQLException {
        store.saveLinks(List.of(intended("A1:1", ANNA)));

        // the intent is not in the links table, so its save did not write that table's indexes
        assertThat(count("tasksync_links")).isZero();
        assertThat(count("tasksync_intents")).isEqualTo(1);
        assertThat(store.findLinks(List.of("A1:1"))).containsOnly(Map.entry("A1:1", intended("A1:1", ANNA)));
        assertThat(store.countLinks(ANNA)).isZero();

        Link result = linked("A1:1", ANNA, "i1");
        store.saveLinks(List.of(result));

        assertThat(count("tasksync_intents")).isZero();
        assertThat(count("tasksync_links")).isEqualTo(1);
        assertThat(store.findLinks(List.of("A1:1"))).containsOnly(Map.entry("A1:1", result));
        assertThat(store.findLinksByItems(ANNA, List.of("i1"))).containsOnly(Map.entry("i1", result));
        assertThat(store.countLinks(ANNA)).isEqualTo(1);
    }

    @Test
    void anIntentOverALinkDeletedInOutlookIsFoundAsTheIntentAfterACrash() throws SQLException {
        Link deleted = linked("A1:1", ANNA, "i1").withState(Link.State.DELETED_IN_OUTLOOK);
        store.saveLinks(List.of(deleted, linked("A1:2", ANNA, "i2")));
        // the CRM task changed, so it is created again: the intent is saved, then the process dies
        store.saveLinks(List.of(intended("A1:1", ANNA)));

        SyncStateStore afterCrash = JdbcSyncStateStore.builder(dataSource).build();

        assertThat(afterCrash.findLinks(List.of("A1:1", "A1:2")).get("A1:1")).isEqualTo(intended("A1:1", ANNA));
        assertThat(afterCrash.findLinksByItems(ANNA, List.of("i1", "i2"))).containsOnlyKeys("i2");
        assertThat(afterCrash.countLinks(ANNA)).isEqualTo(1);
        assertThat(count("tasksync_links")).isEqualTo(1);
    }

    @Test
    void aStoreOfTheOldShapeWithAnIntentInTheLinksTableFindsItAndReplacesItByItsResult() throws SQLException {
        // as an earlier version left it: no intents table, the intent a row of the links table
        update("DROP TABLE tasksync_intents");
        update("INSERT INTO tasksync_links (crm_task_id, mailbox, state, last_written, delegated)"
                + " VALUES ('A1:1', '" + ANNA + "', 'CREATE_INTENDED', 'TV1', " + falseLiteral() + ")");

        SyncStateStore upgraded = JdbcSyncStateStore.builder(dataSource).build();

        assertThat(count("tasksync_intents")).isZero();
        assertThat(upgraded.findLinks(List.of("A1:1"))).containsOnly(Map.entry("A1:1", intended("A1:1", ANNA)));
        Link result = linked("A1:1", ANNA, "i1");
        upgraded.saveLinks(List.of(result));
        assertThat(upgraded.findLinks(List.of("A1:1"))).containsOnly(Map.entry("A1:1", result));
        assertThat(count("tasksync_links")).isEqualTo(1);
        assertThat(count("tasksync_intents")).isZero();

        update("INSERT INTO tasksync_links (crm_task_id, mailbox, state, last_written, delegated)"
                + " VALUES ('A1:2', '" + ANNA + "', 'CREATE_INTENDED', 'TV1', " + falseLiteral() + ")");
        upgraded.deleteLinks(List.of("A1:2"));
        assertThat(upgraded.findLinks(List.of("A1:2"))).isEmpty();
        assertThat(count("tasksync_links")).isEqualTo(1);
    }

    @Test
    void whenATaskHasARowInBothTablesTheLinksRowWins() throws SQLException {
        // only a writer of an earlier version (which knows only the links table) can leave this
        store.saveLinks(List.of(intended("A1:1", ANNA)));
        update("INSERT INTO tasksync_links (crm_task_id, mailbox, item_id, change_key, state, last_written, delegated)"
                + " VALUES ('A1:1', '" + ANNA + "', 'i1', 'ck', 'LINKED', 'TV1', " + falseLiteral() + ")");

        assertThat(store.findLinks(List.of("A1:1")).get("A1:1").state()).isEqualTo(Link.State.LINKED);
        // and the next save of the task leaves one row
        store.saveLinks(List.of(linked("A1:1", ANNA, "i1")));
        assertThat(count("tasksync_intents")).isZero();
        store.deleteLinks(List.of("A1:1"));
        assertThat(count("tasksync_links") + count("tasksync_intents")).isZero();
    }

    @Test
    void deletingLinksDeletesTheirIntentsToo() throws SQLException {
        store.saveLinks(List.of(intended("A1:1", ANNA), linked("A1:2", ANNA, "i2"), intended("A1:3", BEN)));

        store.deleteLinks(List.of("A1:1", "A1:2"));

        assertThat(store.findLinks(List.of("A1:1", "A1:2", "A1:3"))).containsOnlyKeys("A1:3");
        assertThat(count("tasksync_intents")).isEqualTo(1);
        assertThat(count("tasksync_links")).isZero();
    }

    @Test
    void theIntentsOfAnotherPrefixAreNotTouched() throws SQLException {
        SyncStateStore other = JdbcSyncStateStore.builder(dataSource).tablePrefix("other_").build();
        other.saveLinks(List.of(intended("A1:1", BEN), linked("A1:2", BEN, "j2")));

        store.saveLinks(List.of(intended("A1:1", ANNA), intended("A1:2", ANNA)));
        store.saveLinks(List.of(linked("A1:1", ANNA, "i1")));
        store.deleteLinks(List.of("A1:2"));

        assertThat(other.findLinks(List.of("A1:1", "A1:2")))
                .containsOnly(Map.entry("A1:1", intended("A1:1", BEN)), Map.entry("A1:2", linked("A1:2", BEN, "j2")));
        assertThat(count("other_intents")).isEqualTo(1);
        assertThat(count("other_links")).isEqualTo(1);
        assertThat(store.findLinks(List.of("A1:1", "A1:2"))).containsOnly(Map.entry("A1:1", linked("A1:1", ANNA, "i1")));
    }

    @Test
    void aLinkMovingBetweenTheTablesIsNeverMissedByAConcurrentRead() throws Exception {
        List<String> ids = IntStream.range(0, 20).mapToObj(i -> "A1:" + i).collect(Collectors.toList());
        store.saveLinks(ids.stream().map(id -> linked(id, ANNA, "i" + id)).collect(Collectors.toList()));
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        List<Integer> sizes = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                sizes.add(store.findLinks(ids).size());
            }
        });
        reader.start();
        try {
            // created again (intent over the old link), then linked: each save moves all 20 rows
            for (int round = 0; round < 150; round++) {
                store.saveLinks(ids.stream().map(id -> intended(id, ANNA)).collect(Collectors.toList()));
                store.saveLinks(ids.stream().map(id -> linked(id, ANNA, "i" + id)).collect(Collectors.toList()));
            }
        } finally {
            done.set(true);
            reader.join();
        }
        assertThat(sizes).isNotEmpty().containsOnly(ids.size());
    }

    @Test
    void anIntentsTableOfAnotherShapeIsRefusedAtBuildTime() throws SQLException {
        update("CREATE TABLE clash_intents (id INTEGER PRIMARY KEY)");

        assertThatThrownBy(() -> JdbcSyncStateStore.builder(dataSource).tablePrefix("clash_").build())
                .isInstanceOf(StateStoreException.class)
                .hasMessageStartingWith("check tables")
                .hasMessageContaining("clash_intents");
    }

    /** How a false {@code delegated} is written in SQL here. */
    protected String falseLiteral() {
        return "FALSE";
    }

    /** Hands out the connections of another data source with auto-commit switched off. */
    private static final class AutoCommitOffDataSource implements DataSource {
        private final DataSource target;

        AutoCommitOffDataSource(DataSource target) {
            this.target = target;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection c = target.getConnection();
            c.setAutoCommit(false);
            return c;
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            Connection c = target.getConnection(user, password);
            c.setAutoCommit(false);
            return c;
        }

        @Override
        public java.io.PrintWriter getLogWriter() throws SQLException {
            return target.getLogWriter();
        }

        @Override
        public void setLogWriter(java.io.PrintWriter out) throws SQLException {
            target.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            target.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return target.getLoginTimeout();
        }

        @Override
        public java.util.logging.Logger getParentLogger() throws java.sql.SQLFeatureNotSupportedException {
            return target.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            return target.unwrap(type);
        }

        @Override
        public boolean isWrapperFor(Class<?> type) throws SQLException {
            return target.isWrapperFor(type);
        }
    }
}

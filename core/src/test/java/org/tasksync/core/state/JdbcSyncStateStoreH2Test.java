package org.tasksync.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.SyncStateStore;

class JdbcSyncStateStoreH2Test extends JdbcSyncStateStoreContract {

    /** Keeps the in-memory database alive for the test; closing it drops the database. */
    private Connection keepAlive;

    @Override
    protected DataSource freshDatabase() throws SQLException {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:state-" + UUID.randomUUID());
        ds.setUser("sa");
        ds.setPassword("");
        keepAlive = ds.getConnection();
        return ds;
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        if (keepAlive != null) {
            keepAlive.close();
        }
    }

    @Test
    void cursorsLiveInALargeObjectColumnAndWhatWasWrittenInAVaryingOne() throws SQLException {
        try (ResultSet rs = keepAlive.getMetaData().getColumns(null, null, "TASKSYNC_CURSORS", "CURSOR_VALUE")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("TYPE_NAME")).isEqualTo("CHARACTER LARGE OBJECT");
        }
        // a large object beyond H2's in-place limit goes through its LOB maps on every save (docs/perf/storecpu.md)
        try (ResultSet rs = keepAlive.getMetaData().getColumns(null, null, "TASKSYNC_LINKS", "LAST_WRITTEN")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("TYPE_NAME")).isEqualTo("CHARACTER VARYING");
        }
    }

    @Test
    void aLongBodySurvivesTheVaryingColumn() {
        Link link = withBody(linked("T-long", "rita@example.com", "item-long"), 200_000);
        store.saveLinks(List.of(link));
        assertThat(store.findLinks(List.of("T-long"))).containsEntry("T-long", link);
    }

    /** A links table made before last_written became CHARACTER VARYING keeps its large object column and works. */
    @Test
    void aStoreMadeWithALargeObjectColumnKeepsWorking() throws SQLException {
        String url = "jdbc:h2:mem:old-shape-" + UUID.randomUUID();
        try (Connection owner = DriverManager.getConnection(url, "sa", "");
             java.sql.Statement st = owner.createStatement()) {
            st.execute("CREATE TABLE tasksync_links (crm_task_id CHARACTER VARYING NOT NULL PRIMARY KEY, "
                    + "mailbox CHARACTER VARYING NOT NULL, item_id CHARACTER VARYING, change_key CHARACTER VARYING, "
                    + "state VARCHAR(32) NOT NULL, last_written CHARACTER LARGE OBJECT NOT NULL, "
                    + "last_crm_status CHARACTER VARYING, last_crm_modified_at VARCHAR(64), "
                    + "last_exchange_status VARCHAR(32), delegated BOOLEAN NOT NULL)");
            Link before = linked("T-old", "rita@example.com", "item-old");
            JdbcSyncStateStore old = JdbcSyncStateStore.builder(url, "sa", "").build();
            old.saveLinks(List.of(before));
            Link longer = withBody(before, 5_000);
            old.saveLinks(List.of(longer, intended("T-new", "rita@example.com")));

            SyncStateStore reopened = JdbcSyncStateStore.builder(url, "sa", "").build();
            assertThat(reopened.findLinks(List.of("T-old", "T-new"))).containsEntry("T-old", longer)
                    .containsEntry("T-new", intended("T-new", "rita@example.com"));
            try (ResultSet rs = owner.getMetaData().getColumns(null, null, "TASKSYNC_LINKS", "LAST_WRITTEN")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("TYPE_NAME")).isEqualTo("CHARACTER LARGE OBJECT");
            }
        }
    }

    private static Link withBody(Link l, int length) {
        String body = "Bring the price list; ask for the signed form.\n".repeat(length / 47 + 1).substring(0, length);
        return new Link(l.crmTaskId(), l.mailbox(), l.itemId(), l.changeKey(), l.state(),
                l.lastWritten().toBuilder().body(body).build(), l.lastCrmStatus(), l.lastCrmModifiedAt(),
                l.lastExchangeStatus(), l.delegated());
    }

    @Test
    void thePasswordAppearsInNoMessageAndNoToString() {
        String url = "jdbc:h2:mem:secret-" + UUID.randomUUID();
        String password = "Tr0ub4dor&3-horse";
        try (Connection owner = openAs(url, "owner", password)) {
            JdbcSyncStateStore good = JdbcSyncStateStore.builder(url, "owner", password).build();
            good.saveCursors(Map.of("crm", "c"));
            assertThat(good.cursor("crm")).contains("c");
            try (ResultSet rs = owner.createStatement().executeQuery("SELECT cursor_value FROM tasksync_cursors")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("c");
            }
            assertThat(good.toString()).contains("H2").contains("tasksync_links").doesNotContain(password);

            String wrong = "wrong-" + password;
            assertThatThrownBy(() -> JdbcSyncStateStore.builder(url, "owner", wrong).build())
                    .isInstanceOf(StateStoreException.class)
                    .satisfies(e -> {
                        for (Throwable t = e; t != null; t = t.getCause()) {
                            assertThat(String.valueOf(t.getMessage())).doesNotContain(wrong).doesNotContain(password);
                        }
                    });
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aPasswordInTheUrlIsMaskedInToString() {
        String url = "jdbc:h2:mem:masked-" + UUID.randomUUID() + ";USER=sa;PASSWORD=hunter2-secret";
        try (Connection keepAlive = DriverManager.getConnection(url)) {
            JdbcSyncStateStore s = JdbcSyncStateStore.builder(url, null, null).build();
            s.addPending(List.of("A1:1"));

            assertThat(s.pendingTaskIds()).containsExactly("A1:1");
            try (ResultSet rs = keepAlive.createStatement().executeQuery("SELECT crm_task_id FROM tasksync_pending")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("A1:1");
            }
            assertThat(s.toString()).doesNotContain("hunter2-secret");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        assertThat(JdbcSyncStateStore.withoutSecrets("jdbc:postgresql://db:5432/crm?user=sync&password=hunter2&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/crm?user=sync&password=***&ssl=true");
        assertThat(JdbcSyncStateStore.withoutSecrets("jdbc:postgresql://sync:hunter2@db/crm"))
                .isEqualTo("jdbc:postgresql://***@db/crm");
        assertThat(JdbcSyncStateStore.withoutSecrets("jdbc:oracle:thin:sync/hunter2@//db:1521/CRM"))
                .isEqualTo("jdbc:oracle:thin:***@//db:1521/CRM");
        assertThat(JdbcSyncStateStore.withoutSecrets("jdbc:oracle:thin:@//db:1521/CRM"))
                .isEqualTo("jdbc:oracle:thin:@//db:1521/CRM");
    }

    @Test
    void aUrlThatIsNotJdbcIsRefusedWithTheKey() {
        assertThatThrownBy(() -> JdbcSyncStateStore.builder("postgres://db/crm", "u", "p"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tasksync.state.jdbc.url")
                .hasMessageContaining("'postgres://db/crm'");
    }

    /**
     * The SPI promises that a call which returned survives a crash. A second JVM writes through the
     * store into an H2 file and halts at once, without closing anything; this one then reads the file.
     */
    @Test
    void whatACallWroteSurvivesACrashRightAfterIt(@TempDir Path dir) throws Exception {
        String url = "jdbc:h2:" + dir.resolve("state").toAbsolutePath() + ";WRITE_DELAY=0";
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CrashingWriter.class.getName());
        command.add(url);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).as(output).isEqualTo(CrashingWriter.HALT_STATUS);
        assertThat(output).contains(CrashingWriter.WROTE);

        SyncStateStore after = JdbcSyncStateStore.builder(url, "sa", "").build();
        assertThat(after.findLinks(List.of("A1:1", "A1:2"))).containsOnlyKeys("A1:1", "A1:2");
        assertThat(after.findLinks(List.of("A1:1")).get("A1:1")).isEqualTo(CrashingWriter.LINK);
        assertThat(after.cursor("mailbox:" + ANNA)).contains("after-the-crash");
        assertThat(after.pendingTaskIds()).containsExactly("A1:2");
        assertThat(new File(dir.toFile(), "state.mv.db")).exists();
    }

    private static Connection openAs(String url, String user, String password) throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }
}

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
    void longTextsLiveInLargeObjectColumns() throws SQLException {
        try (ResultSet rs = keepAlive.getMetaData().getColumns(null, null, "TASKSYNC_CURSORS", "CURSOR_VALUE")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("TYPE_NAME")).isEqualTo("CHARACTER LARGE OBJECT");
        }
        try (ResultSet rs = keepAlive.getMetaData().getColumns(null, null, "TASKSYNC_LINKS", "LAST_WRITTEN")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("TYPE_NAME")).isEqualTo("CHARACTER LARGE OBJECT");
        }
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

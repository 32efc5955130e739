package org.tasksync.examples.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tasksync.adapter.jdbccrm.ReferenceCrm;

class CrmProbeMainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return CrmProbeMain.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theDemoProbesTheReferenceSchemaAndFindsNothingWrong() {
        assertThat(run(Map.of(), "--demo")).isEqualTo(0);
        System.out.println(out());
        assertThat(out()).contains("CRM probe of H2").contains("0 failed, 0 read a whole table")
                .contains("[ok] changes since the current cursor").contains("index A1_TASK_MODIFIED")
                .contains("[ok] status write (rolled back)");
    }

    @Test
    void aServicePropertiesFilePointsTheProbeAtTheCrmAndAMissingIndexIsAProblem(@TempDir Path dir) throws Exception {
        String url = "jdbc:h2:mem:crm-main-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        ds.setUser("probe");
        ds.setPassword("s3cret-probe");
        ReferenceCrm.of(ds).createSchema().insertDemoRows(LocalDate.of(2031, 5, 12));
        try (Connection c = DriverManager.getConnection(url, "probe", "s3cret-probe"); Statement st = c.createStatement()) {
            st.execute("DROP INDEX a1_task_modified");
        }
        Path file = dir.resolve("service.properties");
        Files.writeString(file, "tasksync.service.crm.jdbc-url=" + url + "\n"
                + "tasksync.service.exchange=ews\ntasksync.crm.jdbc.change-safety-lag=PT1M\n");

        int status = run(Map.of("TASKSYNC_CRM_DB_USER", "probe", "TASKSYNC_CRM_DB_PASSWORD", "s3cret-probe"),
                file.toString());

        System.out.println(out());
        assertThat(status).isEqualTo(1);
        assertThat(out()).contains("[WHOLE TABLE] changes").contains("The probe found problems")
                .doesNotContain("s3cret-probe");
    }

    @Test
    void aPasswordInTheUrlOrAMissingUrlIsRefusedByKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("service.properties");
        Files.writeString(file, "tasksync.service.crm.jdbc-url=jdbc:h2:mem:x;PASSWORD=hunter2\n");
        assertThat(run(Map.of(), file.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("tasksync.service.crm.jdbc-url")
                .contains("TASKSYNC_CRM_DB_PASSWORD").doesNotContain("hunter2");

        err.reset();
        Files.writeString(file, "tasksync.crm.jdbc.task-table=a1_task\n");
        assertThat(run(Map.of(), file.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("tasksync.service.crm.jdbc-url");

        assertThat(run(Map.of())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage");
    }
}

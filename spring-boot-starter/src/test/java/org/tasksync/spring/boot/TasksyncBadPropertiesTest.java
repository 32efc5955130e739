package org.tasksync.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.tasksync.adapter.ews.EwsSettings;
import org.tasksync.adapter.graph.GraphSettings;
import org.tasksync.adapter.jdbccrm.JdbcCrmSettings;
import org.tasksync.core.SyncSettings;

/** A bad property stops the application at startup, with the message the library gives for it. */
@ExtendWith(OutputCaptureExtension.class)
class TasksyncBadPropertiesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, TasksyncAutoConfiguration.class))
            .withPropertyValues("spring.datasource.url=jdbc:h2:mem:bad-properties;DB_CLOSE_DELAY=-1",
                    "tasksync.scheduler.enabled=false");

    @Test
    void anEngineSettingFailsWithSyncSettingsMessage() {
        assertSameMessage(SyncSettings::fromProperties, "tasksync.tasks.interval-minutes", "0");
        assertSameMessage(SyncSettings::fromProperties, "tasksync.default-zone", "Mars/Olympus");
        assertSameMessage(SyncSettings::fromProperties, "tasksync.tasks.intervall-minutes", "5");
    }

    @Test
    void anAdapterSettingFailsWithItsReadersMessage() {
        assertSameMessage(EwsSettings::fromProperties, "tasksync.ews.timeout-ms", "soon",
                "tasksync.ews.url", "http://127.0.0.1:1/EWS/Exchange.asmx", "tasksync.ews.username", "u",
                "tasksync.ews.password", "p");
        assertSameMessage(GraphSettings::fromProperties, "tasksync.graph.batch-size", "50",
                "tasksync.exchange", "graph");
        assertSameMessage(JdbcCrmSettings::fromProperties, "tasksync.crm.jdbc.task-table", "tasks; drop table x",
                "tasksync.ews.url", "http://127.0.0.1:1/EWS/Exchange.asmx", "tasksync.ews.username", "u",
                "tasksync.ews.password", "p");
    }

    @Test
    void theStartersOwnKeysAreCheckedToo() {
        assertFails("tasksync.exchange must be ews (Exchange Server) or graph (Microsoft 365), was 'owa'",
                "tasksync.exchange", "owa");
        assertFails("tasksync.scheduler.stop-grace-seconds must be a whole number of seconds from 1 to 86400, was '0'",
                "tasksync.scheduler.stop-grace-seconds", "0");
        assertFails("tasksync.sheduler.enabled: unknown tasksync setting; see docs/spring-boot.md for the keys the "
                + "Spring Boot starter reads", "tasksync.sheduler.enabled", "false");
        assertFails("tasksync.state.jdbc.dialect must be auto or one of h2, postgresql, sqlserver, oracle, not 'db2'",
                "tasksync.state.jdbc.dialect", "db2");
        assertFails("tasksync.state.jdbc.passwort: unknown tasksync setting; see docs/spring-boot.md for the keys the "
                + "Spring Boot starter reads", "tasksync.state.jdbc.passwort", "Hunter2-secret");
    }

    @Test
    void aCredentialUnderAKeyThatDoesNotTakeOneIsNotRepeated() {
        // JdbcCrmSettings repeats the value of a key it does not know; a password put there must not be
        runner.withPropertyValues("tasksync.crm.jdbc.password=Hunter2-secret").run(context -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            assertThat(failure).rootCause().isInstanceOf(TasksyncPropertiesException.class)
                    .hasMessageContaining("tasksync.crm.jdbc.password");
            assertThat(stackText(failure)).doesNotContain("Hunter2-secret");
        });
    }

    @Test
    void theFailureAnalyzerReportsTheLibrarysMessage() {
        TasksyncPropertiesException cause = new TasksyncPropertiesException(
                new IllegalArgumentException("tasksync.tasks.interval-minutes must be at least 1, was 0"));
        FailureAnalysis analysis = new TasksyncFailureAnalyzer().analyze(new BeanCreationException("tasksyncSettings",
                "Error creating bean", cause));
        assertThat(analysis.getDescription()).isEqualTo("tasksync.tasks.interval-minutes must be at least 1, was 0");
        assertThat(analysis.getAction()).contains("docs/spring-boot.md");
    }

    @Test
    void aSpringBootApplicationWithABadPropertyStopsWithTheAnalysis(CapturedOutput output) {
        SpringApplication app = new SpringApplication(App.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        assertThatThrownBy(() -> app.run("--spring.datasource.url=jdbc:h2:mem:bad-app;DB_CLOSE_DELAY=-1",
                "--tasksync.tasks.interval-minutes=0", "--tasksync.ews.url=http://127.0.0.1:1/EWS/Exchange.asmx"))
                .isInstanceOf(BeanCreationException.class);
        assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
                .contains("tasksync.tasks.interval-minutes must be at least 1, was '0'")
                .contains("docs/spring-boot.md");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {
    }

    /** {@code key=value} (with {@code more} pairs) fails at startup with exactly the message of {@code reader}. */
    private void assertSameMessage(Function<Properties, ?> reader, String key, String value, String... more) {
        Properties p = new Properties();
        p.setProperty(key, value);
        for (int i = 0; i < more.length; i += 2) {
            p.setProperty(more[i], more[i + 1]);
        }
        String expected;
        try {
            reader.apply(p);
            throw new AssertionError(key + "=" + value + " is accepted by the library");
        } catch (IllegalArgumentException e) {
            expected = e.getMessage();
        }
        String[] pairs = new String[more.length + 2];
        pairs[0] = key;
        pairs[1] = value;
        System.arraycopy(more, 0, pairs, 2, more.length);
        assertFails(expected, pairs);
    }

    private void assertFails(String message, String... pairs) {
        String[] props = new String[pairs.length / 2];
        for (int i = 0; i < pairs.length; i += 2) {
            props[i / 2] = pairs[i] + "=" + pairs[i + 1];
        }
        runner.withPropertyValues(props).run(context -> {
            assertThat(context).hasFailed();
            Throwable t = context.getStartupFailure();
            while (!(t instanceof TasksyncPropertiesException)) {
                assertThat(t.getCause()).as("a TasksyncPropertiesException among the causes of %s", context.getStartupFailure())
                        .isNotNull();
                t = t.getCause();
            }
            assertThat(t.getMessage()).isEqualTo(message);
        });
    }

    private static String stackText(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }
}

package org.tasksync.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.actuate.autoconfigure.condition.ConditionsReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.beans.BeansEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.condition.ConditionsReportEndpoint;
import org.springframework.boot.actuate.beans.BeansEndpoint;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.logging.ConditionEvaluationReportLoggingListener;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.tasksync.core.SyncReport;
import org.tasksync.spring.boot.actuate.TasksyncActuatorAutoConfiguration;
import org.tasksync.spring.boot.actuate.TasksyncEndpoint;
import org.tasksync.spring.boot.actuate.TasksyncHealthIndicator;
import org.tasksync.testkit.ews.EwsSimulator;

/**
 * The health indicator and the endpoint of a running application, and no credential in anything
 * Actuator shows or the application logs: the environment and configuration reports with their
 * values shown, the conditions report, the beans, the health, the last report.
 */
@ExtendWith(OutputCaptureExtension.class)
class TasksyncActuatorTest {

    private EwsSimulator ews;
    private String crmUrl;
    private final ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private ApplicationContextRunner app() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        TasksyncAutoConfiguration.class, TasksyncActuatorAutoConfiguration.class,
                        EndpointAutoConfiguration.class, EnvironmentEndpointAutoConfiguration.class,
                        ConfigurationPropertiesReportEndpointAutoConfiguration.class,
                        ConditionsReportEndpointAutoConfiguration.class, BeansEndpointAutoConfiguration.class))
                // the conditions report in the log, as --debug prints it
                .withInitializer(ConditionEvaluationReportLoggingListener.forLogLevel(LogLevel.INFO))
                .withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=*",
                        "management.endpoint.env.show-values=always", "management.endpoint.configprops.show-values=always",
                        "spring.datasource.url=" + crmUrl, "tasksync.ews.url=" + ews.url(),
                        "tasksync.ews.username=" + Fixtures.EWS_USER,
                        // the credential carried in other shapes than its own key
                        "spring.application.json={\"tasksync\":{\"ews\":{\"password\":\"" + Fixtures.EWS_PASSWORD + "\"}}}",
                        "app.copy-of-the-password=" + Fixtures.EWS_PASSWORD)
                // ...and the way a host normally gives it: an environment variable
                .withInitializer(ctx -> ctx.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource("systemEnvironment",
                                Map.of("TASKSYNC_EWS_PASSWORD", Fixtures.EWS_PASSWORD))))
                .withUserConfiguration(WithConfigurationProperties.class);
    }

    @EnableConfigurationProperties
    static class WithConfigurationProperties {
    }

    @BeforeEach
    void start() {
        crmUrl = Fixtures.demoCrm();
    }

    @AfterEach
    void stop() {
        if (ews != null) {
            ews.close();
        }
    }

    @Test
    void aHealthyScheduleIsUpAndTheEndpointShowsTheLastReport(CapturedOutput output) throws Exception {
        ews = EwsSimulator.builder().basicAuth(Fixtures.EWS_USER, Fixtures.EWS_PASSWORD).rejectUnknownMailboxes().start();
        Fixtures.MAILBOXES.forEach(ews::registerMailbox);
        app().run(context -> {
            assertThat(context).hasNotFailed();
            SyncReport first = TasksyncAutoConfigurationTest.awaitFirstCycle(context.getBean(TasksyncRuns.class));
            assertThat(first.created()).isPositive();

            Health health = context.getBean(TasksyncHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("failedMailboxes", 0).containsEntry("mailboxes", 2);

            Map<String, Object> shown = context.getBean(TasksyncEndpoint.class).lastReport();
            @SuppressWarnings("unchecked")
            Map<String, Object> last = (Map<String, Object>) shown.get("lastCycle");
            assertThat(last).containsEntry("created", first.created()).containsEntry("clean", true);
            assertThat((List<?>) last.get("mailboxes")).hasSize(2);

            assertNoCredentialIn(context, output);
        });
    }

    @Test
    void everyMailboxFailingIsDownWithEachMailboxInTheDetailsAndNoCredential(CapturedOutput output) throws Exception {
        // the simulator takes another password than the application's: every mailbox fails to sign in
        ews = EwsSimulator.builder().basicAuth(Fixtures.EWS_USER, "another-password").rejectUnknownMailboxes().start();
        Fixtures.MAILBOXES.forEach(ews::registerMailbox);
        app().run(context -> {
            assertThat(context).hasNotFailed();
            SyncReport first = TasksyncAutoConfigurationTest.awaitFirstCycle(context.getBean(TasksyncRuns.class));
            assertThat(first.failedMailboxes()).hasSize(2);

            Health health = context.getBean(TasksyncHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            @SuppressWarnings("unchecked")
            Map<String, String> failing = (Map<String, String>) health.getDetails().get("failing");
            assertThat(failing).containsOnlyKeys(Fixtures.MAILBOXES);
            assertThat(failing.values()).allSatisfy(reason -> assertThat(reason).isNotBlank());

            assertNoCredentialIn(context, output);
        });
    }

    private void assertNoCredentialIn(org.springframework.context.ApplicationContext context, CapturedOutput output)
            throws Exception {
        String env = json.writeValueAsString(context.getBean(EnvironmentEndpoint.class).environment(null));
        String configprops = json.writeValueAsString(
                context.getBean(ConfigurationPropertiesReportEndpoint.class).configurationProperties());
        String conditions = json.writeValueAsString(context.getBean(ConditionsReportEndpoint.class).conditions());
        String beans = json.writeValueAsString(context.getBean(BeansEndpoint.class).beans());
        String health = json.writeValueAsString(context.getBean(TasksyncHealthIndicator.class).health());
        String report = json.writeValueAsString(context.getBean(TasksyncEndpoint.class).lastReport());
        // values are shown (so a credential would be): the URL is there, the credential is not
        assertThat(env).contains(ews.url().toString()).contains("TASKSYNC_EWS_PASSWORD")
                .contains("app.copy-of-the-password");
        String basic = Base64.getEncoder().encodeToString((Fixtures.EWS_USER + ":" + Fixtures.EWS_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        for (String shown : List.of(env, configprops, conditions, beans, health, report, output.getAll())) {
            assertThat(shown).doesNotContain(Fixtures.EWS_PASSWORD).doesNotContain(basic);
        }
        assertThat(output.getAll()).contains("CONDITIONS EVALUATION REPORT");
    }
}

package org.tasksync.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.tasksync.spring.boot.TasksyncRuns;

/** The example application end to end: started, one scheduled cycle, Actuator read over HTTP. */
class TasksyncBootExampleTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theApplicationSyncsOnItsScheduleAndShowsItsHealthAndLastReport() throws Exception {
        try (ConfigurableApplicationContext context = TasksyncBootExample.start(0,
                "jdbc:h2:mem:example-test;DB_CLOSE_DELAY=-1", "--server.port=0")) {
            TasksyncRuns runs = context.getBean(TasksyncRuns.class);
            // bounded only so that a broken schedule fails the test instead of hanging the build
            Instant giveUp = Instant.now().plusSeconds(120);
            while (runs.last().isEmpty() && Instant.now().isBefore(giveUp)) {
                Thread.sleep(100);
            }
            assertThat(runs.last()).as("a first cycle").isPresent();
            assertThat(runs.last().get().report().created()).isPositive();
            String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");

            HttpResponse<String> health = get(base + "/actuator/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"tasksync\"").contains("\"status\":\"UP\"")
                    .doesNotContain("example-password-42");

            HttpResponse<String> report = get(base + "/actuator/tasksync");
            assertThat(report.statusCode()).isEqualTo(200);
            assertThat(report.body()).contains("\"created\":" + runs.last().get().report().created())
                    .contains("ada.lovelace@example.com").doesNotContain("example-password-42");

            HttpResponse<String> metrics = get(base + "/actuator/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("\"tasksync.cycle.duration\"", "\"tasksync.tasks.created\"");
            HttpResponse<String> created = get(base + "/actuator/metrics/tasksync.tasks.created");
            assertThat(created.statusCode()).isEqualTo(200);
            // a cumulative count: at least the first cycle's creations, whichever cycle ran last
            assertThat(created.body()).containsPattern("\"statistic\":\"COUNT\",\"value\":[1-9]");
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

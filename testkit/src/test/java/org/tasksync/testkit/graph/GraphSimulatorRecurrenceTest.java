package org.tasksync.testkit.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Recurring To Do tasks in the Graph simulator, with a plain HTTP client shaped as Graph's pages show:
 * {@code recurrence} (patternedRecurrence) in POST and PATCH, read back, refused when invalid, and what
 * completing a recurring task does under both readings the simulator offers (Graph's pages are silent).
 */
class GraphSimulatorRecurrenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANNA = "anna@example.com";
    private static final String WEEKLY = "{\"pattern\":{\"type\":\"weekly\",\"interval\":1,\"daysOfWeek\":[\"monday\"]},"
            + "\"range\":{\"type\":\"noEnd\",\"startDate\":\"2026-12-07\"}}";

    private final GraphSimulator sim = GraphSimulator.start(Clock.fixed(Instant.parse("2026-12-04T09:00:00Z"),
            ZoneOffset.UTC));
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        sim.close();
    }

    private record Reply(int status, JsonNode json) {
    }

    private Reply call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + sim.token());
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()));
    }

    private String tasksPath() throws Exception {
        Reply lists = call("GET", "/users/" + ANNA + "/todo/lists?$filter="
                + URLEncoder.encode("wellknownListName eq 'defaultList'", StandardCharsets.UTF_8), null);
        return "/users/" + ANNA + "/todo/lists/" + URLEncoder.encode(lists.json().at("/value/0/id").asText(),
                StandardCharsets.UTF_8) + "/tasks";
    }

    /** A task due Monday 2026-12-07, tagged as a client tags it (linked resource and open extension). */
    private String taggedTask(String tasks) throws Exception {
        Reply created = call("POST", tasks, "{\"title\":\"Call ACME\",\"dueDateTime\":{\"dateTime\":\"2026-12-07T00:00:00\","
                + "\"timeZone\":\"UTC\"},\"linkedResources\":[{\"applicationName\":\"crm\",\"externalId\":\"A1:1\","
                + "\"displayName\":\"A1:1\"}],\"extensions\":[{\"@odata.type\":\"microsoft.graph.openTypeExtension\","
                + "\"extensionName\":\"org.example.crm\",\"crmId\":\"A1:1\"}]}");
        assertThat(created.status()).isEqualTo(201);
        return created.json().get("id").asText();
    }

    private List<JsonNode> all(String tasks) throws Exception {
        Reply r = call("GET", tasks + "?$expand=linkedResources,extensions", null);
        assertThat(r.status()).isEqualTo(200);
        List<JsonNode> out = new java.util.ArrayList<>();
        r.json().get("value").forEach(out::add);
        return out;
    }

    private static String day(JsonNode task) {
        return task.at("/dueDateTime/dateTime").asText().substring(0, 10);
    }

    @Test
    void aRecurrenceIsTakenInAPatchAndReadBackWithTheMembersGraphSends() throws Exception {
        sim.addUser(ANNA);
        String tasks = tasksPath();
        String id = taggedTask(tasks);

        Reply patched = call("PATCH", tasks + "/" + id, "{\"recurrence\":" + WEEKLY + "}");

        assertThat(patched.status()).isEqualTo(200);
        JsonNode rec = call("GET", tasks + "/" + id, null).json().get("recurrence");
        assertThat(rec.at("/pattern/type").asText()).isEqualTo("weekly");
        assertThat(rec.at("/pattern/interval").asInt()).isEqualTo(1);
        assertThat(rec.at("/pattern/daysOfWeek/0").asText()).isEqualTo("monday");
        assertThat(rec.at("/pattern/firstDayOfWeek").asText()).isEqualTo("sunday");
        assertThat(rec.at("/range/type").asText()).isEqualTo("noEnd");
        assertThat(rec.at("/range/startDate").asText()).isEqualTo("2026-12-07");

        assertThat(call("PATCH", tasks + "/" + id, "{\"recurrence\":null}").status()).isEqualTo(200);
        assertThat(call("GET", tasks + "/" + id, null).json().has("recurrence")).isFalse();
    }

    @Test
    void anInvalidRecurrenceIsRefusedNamingTheProperty() throws Exception {
        sim.addUser(ANNA);
        String tasks = tasksPath();
        String id = taggedTask(tasks);

        Reply noDays = call("PATCH", tasks + "/" + id, "{\"recurrence\":{\"pattern\":{\"type\":\"weekly\",\"interval\":1},"
                + "\"range\":{\"type\":\"noEnd\",\"startDate\":\"2026-12-07\"}}}");
        Reply zero = call("PATCH", tasks + "/" + id, "{\"recurrence\":{\"pattern\":{\"type\":\"daily\",\"interval\":0},"
                + "\"range\":{\"type\":\"noEnd\",\"startDate\":\"2026-12-07\"}}}");
        Reply relative = call("PATCH", tasks + "/" + id, "{\"recurrence\":{\"pattern\":{\"type\":\"relativeMonthly\","
                + "\"interval\":1,\"daysOfWeek\":[\"monday\"],\"index\":\"first\"},\"range\":{\"type\":\"noEnd\","
                + "\"startDate\":\"2026-12-07\"}}}");

        assertThat(noDays.status()).isEqualTo(400);
        assertThat(noDays.json().at("/error/message").asText()).contains("daysOfWeek");
        assertThat(zero.status()).isEqualTo(400);
        assertThat(zero.json().at("/error/message").asText()).contains("recurrence/pattern/interval");
        assertThat(relative.status()).isEqualTo(400);
        assertThat(relative.json().at("/error/message").asText()).contains("does not simulate").contains("relativeMonthly");
        assertThat(call("GET", tasks + "/" + id, null).json().has("recurrence")).isFalse();
    }

    @Test
    void completingARecurringTaskMakesTheCompletedOccurrenceANewTaskByDefault() throws Exception {
        sim.addUser(ANNA);
        String tasks = tasksPath();
        String id = taggedTask(tasks);
        call("PATCH", tasks + "/" + id, "{\"recurrence\":" + WEEKLY + "}");

        assertThat(call("PATCH", tasks + "/" + id, "{\"status\":\"completed\"}").status()).isEqualTo(200);

        List<JsonNode> all = all(tasks);
        assertThat(all).hasSize(2);
        JsonNode series = all.stream().filter(t -> t.get("id").asText().equals(id)).findFirst().orElseThrow();
        JsonNode done = all.stream().filter(t -> !t.get("id").asText().equals(id)).findFirst().orElseThrow();
        assertThat(series.get("status").asText()).isEqualTo("notStarted");
        assertThat(day(series)).isEqualTo("2026-12-14");
        assertThat(series.has("recurrence")).isTrue();
        assertThat(series.has("completedDateTime")).isFalse();
        assertThat(done.get("status").asText()).isEqualTo("completed");
        assertThat(day(done)).isEqualTo("2026-12-07");
        assertThat(done.has("recurrence")).isFalse();
        assertThat(done.at("/linkedResources/0/externalId").asText()).isEqualTo("A1:1");
        assertThat(done.at("/linkedResources/0/id").asText()).isNotEqualTo(series.at("/linkedResources/0/id").asText());
        assertThat(done.at("/extensions/0/crmId").asText()).isEqualTo("A1:1");
    }

    @Test
    void theOtherReadingCompletesTheTaskInPlaceAndMakesTheNextOccurrenceANewTask() throws Exception {
        sim.addUser(ANNA);
        sim.recurringCompletion(GraphSimulator.RecurringCompletion.NEXT_OCCURRENCE_IS_NEW);
        String tasks = tasksPath();
        String id = taggedTask(tasks);
        call("PATCH", tasks + "/" + id, "{\"recurrence\":" + WEEKLY + "}");

        sim.toDo().setStatus(ANNA, id, "completed"); // the rep in the To Do app

        List<JsonNode> all = all(tasks);
        assertThat(all).hasSize(2);
        JsonNode done = all.stream().filter(t -> t.get("id").asText().equals(id)).findFirst().orElseThrow();
        JsonNode next = all.stream().filter(t -> !t.get("id").asText().equals(id)).findFirst().orElseThrow();
        assertThat(done.get("status").asText()).isEqualTo("completed");
        assertThat(day(done)).isEqualTo("2026-12-07");
        assertThat(next.get("status").asText()).isEqualTo("notStarted");
        assertThat(day(next)).isEqualTo("2026-12-14");
        assertThat(next.has("recurrence")).isTrue();
        assertThat(next.at("/linkedResources/0/externalId").asText()).isEqualTo("A1:1");
        assertThat(next.at("/extensions/0/crmId").asText()).isEqualTo("A1:1");
    }

    @Test
    void theDeltaOfTheListReportsBothTasks() throws Exception {
        sim.addUser(ANNA);
        String tasks = tasksPath();
        String id = taggedTask(tasks);
        call("PATCH", tasks + "/" + id, "{\"recurrence\":" + WEEKLY + "}");
        Reply first = call("GET", tasks + "/delta", null);
        String deltaLink = first.json().get("@odata.deltaLink").asText();

        call("PATCH", tasks + "/" + id, "{\"status\":\"completed\"}");

        Reply changes = call("GET", deltaLink.substring(sim.baseUrl().length()), null);
        assertThat(changes.status()).isEqualTo(200);
        assertThat(changes.json().get("value")).hasSize(2);
    }
}

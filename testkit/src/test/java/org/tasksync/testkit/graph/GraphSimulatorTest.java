package org.tasksync.testkit.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulator speaks Graph's To Do protocol, checked with a plain HTTP client. */
class GraphSimulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final GraphSimulator sim = GraphSimulator.start().pageSize(3);
    private final HttpClient http = HttpClient.newHttpClient();
    private static final String ANNA = "anna@example.com";

    @AfterEach
    void stop() {
        sim.close();
    }

    private record Reply(int status, JsonNode json, HttpResponse<String> raw) {
    }

    private Reply call(String method, String urlOrPath, String body, String token) throws Exception {
        String url = urlOrPath.startsWith("http") ? urlOrPath : sim.baseUrl() + urlOrPath;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()), r);
    }

    private Reply call(String method, String path, String body) throws Exception {
        return call(method, path, body, sim.token());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private String defaultList(String user) throws Exception {
        Reply r = call("GET", "/users/" + user + "/todo/lists?$filter=" + enc("wellknownListName eq 'defaultList'"), null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("value")).hasSize(1);
        return r.json().get("value").get(0).get("id").asText();
    }

    private String tasksPath(String user, String list) {
        return "/users/" + user + "/todo/lists/" + enc(list) + "/tasks";
    }

    @Test
    void requestsWithoutTheRightTokenAreRefused() throws Exception {
        sim.addUser(ANNA);
        assertThat(call("GET", "/users/" + ANNA + "/todo/lists", null, null).status()).isEqualTo(401);
        Reply wrong = call("GET", "/users/" + ANNA + "/todo/lists", null, "stolen");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().at("/error/code").asText()).isEqualTo("InvalidAuthenticationToken");
        assertThat(call("GET", "/users/" + ANNA + "/todo/lists", null).status()).isEqualTo(200);
    }

    @Test
    void anUnknownUserIsNotFound() throws Exception {
        Reply r = call("GET", "/users/nobody@example.com/todo/lists", null);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().at("/error/message").asText()).contains("nobody@example.com");
    }

    @Test
    void tasksAreCreatedReadPatchedAndDeletedWithTheirLinksAndExtensions() throws Exception {
        sim.addUser(ANNA);
        String list = defaultList(ANNA);
        Reply created = call("POST", tasksPath(ANNA, list), """
                {"title":"Call ACME","status":"inProgress","importance":"high",
                 "body":{"content":"a &amp; b","contentType":"html"},
                 "dueDateTime":{"dateTime":"2026-04-02T00:00:00","timeZone":"W. Europe Standard Time"},
                 "linkedResources":[{"applicationName":"tasksync","externalId":"A1:1"}],
                 "extensions":[{"@odata.type":"microsoft.graph.openTypeExtension","extensionName":"org.x","n":"1"}]}""");
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(created.json().at("/dueDateTime/dateTime").asText()).isEqualTo("2026-04-01T22:00:00.0000000");
        assertThat(created.json().at("/dueDateTime/timeZone").asText()).isEqualTo("UTC");
        String etag = created.json().get("@odata.etag").asText();

        Reply expanded = call("GET", tasksPath(ANNA, list) + "/" + enc(id) + "?$expand=extensions,linkedResources", null);
        assertThat(expanded.json().at("/linkedResources/0/externalId").asText()).isEqualTo("A1:1");
        assertThat(expanded.json().at("/extensions/0/n").asText()).isEqualTo("1");
        Reply plain = call("GET", tasksPath(ANNA, list) + "/" + enc(id), null);
        assertThat(plain.json().has("extensions")).isFalse();

        Reply patched = call("PATCH", tasksPath(ANNA, list) + "/" + enc(id), "{\"status\":\"completed\",\"dueDateTime\":null}");
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.json().get("@odata.etag").asText()).isNotEqualTo(etag);
        assertThat(patched.json().has("completedDateTime")).as("completing sets the completion time").isTrue();
        assertThat(patched.json().has("dueDateTime")).isFalse();

        assertThat(call("PATCH", tasksPath(ANNA, list) + "/" + enc(id) + "/extensions/org.x",
                "{\"@odata.type\":\"microsoft.graph.openTypeExtension\",\"extensionName\":\"org.x\",\"n\":\"2\",\"m\":\"3\"}")
                .status()).isEqualTo(200);
        Reply ext = call("GET", tasksPath(ANNA, list) + "/" + enc(id) + "/extensions/org.x", null);
        assertThat(ext.json().get("n").asText()).isEqualTo("2");
        assertThat(ext.json().get("m").asText()).as("PATCH merges into an open extension").isEqualTo("3");

        Reply found = call("GET", tasksPath(ANNA, list) + "?$filter="
                + enc("linkedResources/any(r:r/externalId eq 'A1:1')") + "&$expand=linkedResources", null);
        assertThat(found.json().get("value")).hasSize(1);

        assertThat(call("DELETE", tasksPath(ANNA, list) + "/" + enc(id), null).status()).isEqualTo(204);
        assertThat(call("GET", tasksPath(ANNA, list) + "/" + enc(id), null).status()).isEqualTo(404);
    }

    @Test
    void whatGraphRefusesIsRefused() throws Exception {
        sim.addUser(ANNA);
        String list = defaultList(ANNA);
        assertThat(call("POST", tasksPath(ANNA, list), "{}").status()).as("a task needs a title").isEqualTo(400);
        assertThat(call("POST", tasksPath(ANNA, list), "{\"title\":\"x\",\"status\":\"done\"}").status()).isEqualTo(400);
        assertThat(call("POST", tasksPath(ANNA, list), "{\"title\":\"x\",\"percentComplete\":5}").status()).isEqualTo(400);
        assertThat(call("POST", tasksPath(ANNA, list),
                "{\"title\":\"x\",\"dueDateTime\":{\"dateTime\":\"2026-04-02T00:00:00\",\"timeZone\":\"Mars/Olympus\"}}")
                .status()).isEqualTo(400);
        assertThat(call("GET", tasksPath(ANNA, list) + "/delta?$expand=extensions", null).status()).isEqualTo(400);
    }

    @Test
    void deltaPagesWithAbsoluteLinksAndReportsRemovals() throws Exception {
        sim.addUser(ANNA);
        String list = defaultList(ANNA);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(call("POST", tasksPath(ANNA, list), "{\"title\":\"T" + i + "\"}").json().get("id").asText());
        }
        List<String> seen = new ArrayList<>();
        String next = tasksPath(ANNA, list) + "/delta()";
        String deltaLink = null;
        while (next != null) {
            Reply page = call("GET", next, null);
            assertThat(page.status()).isEqualTo(200);
            page.json().get("value").forEach(t -> seen.add(t.get("id").asText()));
            next = page.json().path("@odata.nextLink").asText(null);
            deltaLink = page.json().path("@odata.deltaLink").asText(null);
            if (next != null) {
                assertThat(next).startsWith(sim.baseUrl());
            }
        }
        assertThat(seen).containsExactlyElementsOf(ids);
        assertThat(deltaLink).startsWith(sim.baseUrl()).contains("$deltatoken=");

        sim.toDo().setTitle(ANNA, ids.get(1), "Renamed");
        sim.toDo().delete(ANNA, ids.get(2));
        Reply changes = call("GET", deltaLink, null);
        JsonNode values = changes.json().get("value");
        assertThat(values).hasSize(2);
        assertThat(values.get(0).get("title").asText()).isEqualTo("Renamed");
        assertThat(values.get(1).get("id").asText()).isEqualTo(ids.get(2));
        assertThat(values.get(1).at("/@removed/reason").asText()).isEqualTo("deleted");

        sim.expireDeltaTokens(ANNA);
        Reply gone = call("GET", changes.json().get("@odata.deltaLink").asText(), null);
        assertThat(gone.status()).isEqualTo(400);
        assertThat(gone.json().at("/error/code").asText()).isEqualTo("syncStateNotFound");
    }

    @Test
    void aTaskMovedToAnotherListLeavesTheFirstListsDelta() throws Exception {
        sim.addUser(ANNA);
        String list = defaultList(ANNA);
        String id = sim.toDo().createTask(ANNA, "Mine");
        String deltaLink = call("GET", tasksPath(ANNA, list) + "/delta", null).json().get("@odata.deltaLink").asText();
        String other = sim.toDo().createList(ANNA, "Private");
        String newId = sim.toDo().moveTo(ANNA, id, other);
        assertThat(newId).isNotEqualTo(id);
        JsonNode values = call("GET", deltaLink, null).json().get("value");
        assertThat(values).singleElement().satisfies(v -> assertThat(v.has("@removed")).isTrue());
        assertThat(sim.toDo().tasks(ANNA)).singleElement().satisfies(t -> assertThat(t.listId()).isEqualTo(other));
    }

    @Test
    void batchRunsUpToTwentyStepsInOrderWithDependencies() throws Exception {
        sim.addUser(ANNA);
        String list = defaultList(ANNA);
        String base = "/users/" + ANNA + "/todo/lists/" + enc(list) + "/tasks";
        StringBuilder steps = new StringBuilder();
        for (int i = 1; i <= 20; i++) {
            if (i > 1) steps.append(',');
            steps.append("{\"id\":\"").append(i).append("\",\"method\":\"POST\",\"url\":\"").append(base)
                    .append("\",\"headers\":{\"Content-Type\":\"application/json\"},\"body\":{\"title\":\"B").append(i)
                    .append("\"}").append(i > 1 ? ",\"dependsOn\":[\"" + (i - 1) + "\"]" : "").append('}');
        }
        Reply r = call("POST", "/$batch", "{\"requests\":[" + steps + "]}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("responses")).hasSize(20).allSatisfy(s -> assertThat(s.get("status").asInt()).isEqualTo(201));
        assertThat(sim.requests(GraphSimulator.Op.BATCH)).isEqualTo(1);
        assertThat(sim.batchSteps(GraphSimulator.Op.CREATE_TASK)).isEqualTo(20);
        assertThat(sim.requests(ANNA)).as("the list lookup and the batch").isEqualTo(2);

        String tooMany = "{\"requests\":[" + steps + ",{\"id\":\"21\",\"method\":\"GET\",\"url\":\"" + base + "\"}]}";
        assertThat(call("POST", "/$batch", tooMany).status()).isEqualTo(400);
    }

    @Test
    void faultsAreInjectedAsAsked() throws Exception {
        sim.addUser(ANNA);
        String list = defaultList(ANNA);
        sim.throttle(1, 7, GraphSimulator.Op.LIST_TASKS);
        Reply throttled = call("GET", tasksPath(ANNA, list), null);
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.raw().headers().firstValue("Retry-After")).contains("7");
        assertThat(call("GET", tasksPath(ANNA, list), null).status()).isEqualTo(200);

        sim.unavailable(1, null);
        assertThat(call("GET", tasksPath(ANNA, list), null).status()).isEqualTo(503);

        sim.throttleBatchSteps(1, 3);
        String body = "{\"requests\":[{\"id\":\"1\",\"method\":\"POST\",\"url\":\"" + tasksPath(ANNA, list)
                + "\",\"headers\":{\"Content-Type\":\"application/json\"},\"body\":{\"title\":\"x\"}},"
                + "{\"id\":\"2\",\"method\":\"POST\",\"url\":\"" + tasksPath(ANNA, list)
                + "\",\"headers\":{\"Content-Type\":\"application/json\"},\"body\":{\"title\":\"y\"},\"dependsOn\":[\"1\"]}]}";
        JsonNode responses = call("POST", "/$batch", body).json().get("responses");
        assertThat(responses.get(0).get("status").asInt()).isEqualTo(429);
        assertThat(responses.get(0).at("/headers/Retry-After").asText()).isEqualTo("3");
        assertThat(responses.get(1).get("status").asInt()).as("a step behind a failed one").isEqualTo(424);

        sim.dropConnections(2); // the JDK's client sends a GET once more by itself
        assertThatThrownBy(() -> call("GET", tasksPath(ANNA, list), null)).isInstanceOf(IOException.class);
        sim.dropResponses(1, GraphSimulator.Op.CREATE_TASK);
        assertThatThrownBy(() -> call("POST", tasksPath(ANNA, list), "{\"title\":\"lost answer\"}"))
                .isInstanceOf(IOException.class);
        assertThat(sim.toDo().tasks(ANNA)).extracting(GraphSimulator.SimTask::title).contains("lost answer");
    }

    @Test
    void answersAreRewrittenAsAskedInsideAndOutsideBatch() throws Exception {
        sim.addUser(ANNA);
        sim.addUser("ben@example.com");
        String list = defaultList(ANNA);
        String id = sim.toDo().createTask(ANNA, "Call ACME");
        sim.rewriteResponses(ANNA, json -> json.replace("\"status\":\"notStarted\"", "\"status\":42"),
                GraphSimulator.Op.GET_TASK);
        // one request of the kind, for the mailbox
        assertThat(call("GET", tasksPath(ANNA, list) + "/" + enc(id), null).json().get("status").asInt()).isEqualTo(42);
        // other kinds are left alone
        assertThat(call("GET", tasksPath(ANNA, list), null).json().at("/value/0/status").asText()).isEqualTo("notStarted");
        // a step inside $batch
        String step = "{\"id\":\"1\",\"method\":\"GET\",\"url\":\"" + tasksPath(ANNA, list) + "/" + enc(id) + "\"}";
        JsonNode responses = call("POST", "/$batch", "{\"requests\":[" + step + "]}").json().get("responses");
        assertThat(responses.get(0).at("/body/status").asInt()).isEqualTo(42);

        // a step rewritten into something that is not JSON makes the whole $batch answer malformed
        sim.rewriteResponses(json -> json.contains("Call ACME") ? "{\"title\": Call ACME" : json, GraphSimulator.Op.GET_TASK);
        HttpResponse<String> raw = http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/$batch"))
                .header("Authorization", "Bearer " + sim.token()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"requests\":[" + step + "]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.body()).contains("\"body\":{\"title\": Call ACME");
        assertThatThrownBy(() -> JSON.readTree(raw.body())).isInstanceOf(IOException.class);

        // healed: answered as before
        sim.heal();
        assertThat(call("GET", tasksPath(ANNA, list) + "/" + enc(id), null).json().get("status").asText())
                .isEqualTo("notStarted");
    }

    @Test
    void anAssignedTaskCarriesAPlannerLink() throws Exception {
        sim.addUser(ANNA);
        String id = sim.toDo().createTask(ANNA, "Hand over");
        sim.toDo().assign(ANNA, id, "Ben");
        assertThat(sim.toDo().tasks(ANNA).get(0).json().at("/linkedResources/0/applicationName").asText())
                .isEqualTo(GraphSimulator.ASSIGNMENT_APPLICATION);
    }
}

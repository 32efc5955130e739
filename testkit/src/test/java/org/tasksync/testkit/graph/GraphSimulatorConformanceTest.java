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
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rules of docs/conformance.md ("Graph simulator"), each shown with plain HTTP requests shaped as
 * Microsoft's Graph pages show them (the bodies of their examples, with this simulator's ids), not
 * through any adapter. Where {@code shared/graph-schema} is found beside the repository, every
 * answer that is a todoTask, todoTaskList or extension is also checked against Graph's published
 * types.
 */
class GraphSimulatorConformanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANNA = "anna@example.com";
    private static final Optional<GraphSchema> SCHEMA = GraphSchema.locate();

    private final GraphSimulator sim = GraphSimulator.start();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String list;

    GraphSimulatorConformanceTest() throws Exception {
        sim.addUser(ANNA);
        list = listId("defaultList");
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private record Reply(int status, JsonNode json, HttpResponse<String> raw) {
    }

    private Reply call(String method, String urlOrPath, String body) throws Exception {
        String url = urlOrPath.startsWith("http") ? urlOrPath : sim.baseUrl() + urlOrPath;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + sim.token());
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()), r);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private String listId(String wellknown) throws Exception {
        Reply r = call("GET", "/users/" + ANNA + "/todo/lists", null);
        for (JsonNode l : r.json().get("value")) {
            conforms(l, "todoTaskList");
            if (l.get("wellknownListName").asText().equals(wellknown)) {
                return l.get("id").asText();
            }
        }
        throw new AssertionError("no list " + wellknown + " in " + r.json());
    }

    private String tasks() {
        return "/users/" + ANNA + "/todo/lists/" + enc(list) + "/tasks";
    }

    private static void conforms(JsonNode json, String type) {
        SCHEMA.ifPresent(s -> assertThat(s.violations(json, type)).as("%s as Graph's %s", json, type).isEmpty());
    }

    private String create(String body) throws Exception {
        Reply r = call("POST", tasks(), body);
        assertThat(r.status()).as(r.raw().body()).isEqualTo(201);
        conforms(r.json(), "todoTask");
        return r.json().get("id").asText();
    }

    private Reply batch(String requests) throws Exception {
        return call("POST", "/$batch", "{\"requests\":[" + requests + "]}");
    }

    private String step(String id, String method, String url, String extra) {
        return "{\"id\":\"" + id + "\",\"method\":\"" + method + "\",\"url\":\"" + url + "\"" + extra + "}";
    }

    private static final String JSON_BODY = ",\"headers\":{\"Content-Type\":\"application/json\"},\"body\":{\"title\":\"x\"}";

    @Test
    void theTypeCheckFindsWhatGraphWouldNotSend() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(SCHEMA.isPresent(), "shared/graph-schema is not beside the repository");
        JsonNode bad = JSON.readTree("""
                {"id":"x","status":"bogus","title":5,"isReminderOn":null,"dueDateTime":{"dateTime":"2026-01-01T00:00:00",
                 "timeZone":"UTC","extra":1},"percentComplete":3}""");
        assertThat(SCHEMA.get().violations(bad, "todoTask")).hasSize(5);
    }

    @Test
    void tasksInListsDeltaAndExpandedReadsHaveGraphsTypes() throws Exception {
        String id = create("""
                {"title":"Typed","importance":"high","categories":["Customer"],"isReminderOn":true,
                 "reminderDateTime":{"dateTime":"2026-04-02T09:00:00","timeZone":"UTC"},
                 "dueDateTime":{"dateTime":"2026-04-02T00:00:00","timeZone":"Tokyo Standard Time"},
                 "linkedResources":[{"applicationName":"tasksync","externalId":"A1:1","displayName":"CRM"}],
                 "extensions":[{"@odata.type":"microsoft.graph.openTypeExtension","extensionName":"org.x","n":"1"}]}""");
        sim.toDo().setStatus(ANNA, id, "completed");
        List<JsonNode> tasks = new java.util.ArrayList<>();
        call("GET", tasks() + "/delta", null).json().get("value").forEach(tasks::add);
        call("GET", tasks() + "?$expand=extensions,linkedResources", null).json().get("value").forEach(tasks::add);
        tasks.add(call("GET", tasks() + "/" + enc(id) + "?$expand=extensions,linkedResources", null).json());
        assertThat(tasks).hasSize(3).allSatisfy(t -> {
            assertThat(t.get("id").asText()).isEqualTo(id);
            conforms(t, "todoTask");
        });
        assertThat(tasks.get(2).at("/extensions/0/extensionName").asText()).isEqualTo("org.x");
    }

    // ------------------------------------------------------------------ JSON batching

    @Test
    void aBatchIsFullyParallelOrFullySequentialElse400() throws Exception {
        String a = create("{\"title\":\"A\"}");
        String b = create("{\"title\":\"B\"}");
        String pa = tasks() + "/" + enc(a);
        String pb = tasks() + "/" + enc(b);
        // the shape of microsoft-graph-docs issue #16280: requests 1 and 3 first, then 2 behind 1 and 4 behind 3
        Reply mixed = batch(String.join(",",
                step("1", "GET", pa, ""), step("2", "GET", pa, ",\"dependsOn\":[\"1\"]"),
                step("3", "GET", pb, ""), step("4", "GET", pb, ",\"dependsOn\":[\"3\"]")));
        assertThat(mixed.status()).isEqualTo(400);
        assertThat(mixed.json().at("/error/message").asText()).contains("fully sequential or fully parallel");
        assertThat(sim.batchSteps(GraphSimulator.Op.GET_TASK)).as("nothing of it is done").isZero();

        // JSON batching, "Sequencing requests with the dependsOn property": 1, then 2, then 4, then 3
        Reply sequential = batch(String.join(",",
                step("1", "GET", pa, ""), step("2", "GET", pb, ",\"dependsOn\":[\"1\"]"),
                step("4", "GET", pa, ",\"dependsOn\":[\"2\"]"), step("3", "GET", pb, ",\"dependsOn\":[\"4\"]")));
        assertThat(sequential.status()).isEqualTo(200);
        assertThat(sequential.json().get("responses")).hasSize(4).allSatisfy(r -> assertThat(r.get("status").asInt())
                .isEqualTo(200));

        Reply parallel = batch(String.join(",", step("1", "GET", pa, ""), step("2", "GET", pb, ""),
                step("3", "DELETE", pa, "")));
        assertThat(parallel.status()).isEqualTo(200);

        // a step depending on two others is not a sequence either
        Reply fork = batch(String.join(",", step("1", "GET", pa, ""), step("2", "GET", pb, ",\"dependsOn\":[\"1\"]"),
                step("3", "GET", pb, ",\"dependsOn\":[\"1\",\"2\"]")));
        assertThat(fork.status()).isEqualTo(400);
    }

    @Test
    void aFailedStepFailsTheStepsBehindItWith424() throws Exception {
        Reply r = batch(String.join(",", step("1", "GET", tasks() + "/nope", ""),
                step("2", "GET", tasks(), ",\"dependsOn\":[\"1\"]")));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().at("/responses/0/status").asInt()).isEqualTo(404);
        assertThat(r.json().at("/responses/1/status").asInt()).isEqualTo(424);
    }

    @Test
    void stepIdsAreNotCaseSensitiveAndMustBeUnique() throws Exception {
        Reply r = batch(String.join(",", step("a", "GET", tasks(), ""), step("A", "GET", tasks(), "")));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/message").asText()).contains("'A'");
        // and a dependsOn may name its step in another case
        Reply dep = batch(String.join(",", step("a", "GET", tasks(), ""), step("b", "GET", tasks(), ",\"dependsOn\":[\"A\"]")));
        assertThat(dep.status()).isEqualTo(200);
        assertThat(dep.json().at("/responses/1/status").asInt()).isEqualTo(200);
    }

    @Test
    void aStepWithABodyNeedsAContentTypeHeader() throws Exception {
        Reply none = batch(step("1", "POST", tasks(), ",\"body\":{\"title\":\"x\"}"));
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.json().at("/error/message").asText()).contains("Content-Type");
        assertThat(batch(step("1", "POST", tasks(), JSON_BODY)).json().at("/responses/0/status").asInt()).isEqualTo(201);
    }

    @Test
    void aStepUrlIsRelative() throws Exception {
        Reply absolute = batch(step("1", "GET", sim.baseUrl() + tasks(), ""));
        assertThat(absolute.status()).isEqualTo(400);
        assertThat(absolute.json().at("/error/message").asText()).contains("absolute");
        // JSON batching's example 5 has no leading slash: "users?$select=..."
        Reply bare = batch(step("1", "GET", tasks().substring(1), ""));
        assertThat(bare.json().at("/responses/0/status").asInt()).isEqualTo(200);
    }

    @Test
    void aBatchHoldsOneToTwentyStepsEachWithIdAndMethod() throws Exception {
        assertThat(call("POST", "/$batch", "{\"requests\":[]}").status()).isEqualTo(400);
        StringBuilder steps = new StringBuilder();
        for (int i = 1; i <= 21; i++) {
            steps.append(i > 1 ? "," : "").append(step(Integer.toString(i), "GET", tasks(), ""));
        }
        assertThat(batch(steps.toString()).status()).isEqualTo(400);
        assertThat(batch("{\"method\":\"GET\",\"url\":\"" + tasks() + "\"}").status()).as("no id").isEqualTo(400);
        assertThat(batch("{\"id\":\"1\",\"url\":\"" + tasks() + "\"}").status()).as("no method").isEqualTo(400);
        assertThat(batch(step("1", "GET", tasks(), ",\"dependsOn\":[\"9\"]")).status()).as("unknown step").isEqualTo(400);
    }

    // ------------------------------------------------------------------ open extensions

    @Test
    void anExtensionPatchReplacesOrMergesAsChosenRefusesNullsAndAnswers200() throws Exception {
        String id = create("""
                {"title":"Ext","extensions":[{"@odata.type":"microsoft.graph.openTypeExtension",
                 "extensionName":"Com.Contoso.Referral","companyName":"Wingtip Toys","dealValue":"500050"}]}""");
        String ext = tasks() + "/" + enc(id) + "/extensions/Com.Contoso.Referral";
        // the body of "Update open extension", Request 1
        Reply ok = call("PATCH", ext, """
                {"@odata.type":"microsoft.graph.openTypeExtension","extensionName":"Com.Contoso.Referral",
                 "companyName":"Wingtip Toys (USA)","dealValue":"500100","updated":"2015-10-29T11:00:00.000Z"}""");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("companyName").asText()).isEqualTo("Wingtip Toys (USA)");
        assertThat(ok.json().get("updated").asText()).isEqualTo("2015-10-29T11:00:00.000Z");
        conforms(ok.json(), "openTypeExtension");

        Reply withNull = call("PATCH", ext, """
                {"@odata.type":"microsoft.graph.openTypeExtension","extensionName":"Com.Contoso.Referral","dealValue":null}""");
        assertThat(withNull.status()).isEqualTo(400);
        assertThat(withNull.json().at("/error/message").asText()).contains("dealValue").contains("null");
        assertThat(call("GET", ext, null).json().get("dealValue").asText()).as("nothing changed").isEqualTo("500100");

        assertThat(call("PATCH", ext, "{\"dealValue\":\"1\"}").status()).as("without @odata.type and extensionName")
                .isEqualTo(400);

        // by default a property left out is deleted (the page's rule for directory objects)
        Reply partial = call("PATCH", ext, """
                {"@odata.type":"microsoft.graph.openTypeExtension","extensionName":"Com.Contoso.Referral",
                 "companyName":"Contoso"}""");
        assertThat(partial.status()).isEqualTo(200);
        assertThat(partial.json().has("dealValue")).as("left out, so deleted").isFalse();
        assertThat(call("GET", ext, null).json().has("updated")).isFalse();
        assertThat(call("GET", ext, null).json().get("companyName").asText()).isEqualTo("Contoso");

        // on request a property left out keeps its value (the page's rule for Microsoft 365 resources)
        sim.extensionPatch(GraphSimulator.ExtensionPatch.MERGE);
        call("PATCH", ext, """
                {"@odata.type":"microsoft.graph.openTypeExtension","extensionName":"Com.Contoso.Referral",
                 "dealValue":"7"}""");
        Reply merged = call("PATCH", ext, """
                {"@odata.type":"microsoft.graph.openTypeExtension","extensionName":"Com.Contoso.Referral",
                 "companyName":"Fabrikam"}""");
        assertThat(merged.json().get("dealValue").asText()).as("left out, so kept").isEqualTo("7");
        assertThat(merged.json().get("companyName").asText()).isEqualTo("Fabrikam");
    }

    // ------------------------------------------------------------------ delta

    @Test
    void anExpiredDeltaTokenAnswersA40XWithSyncStateNotFound() throws Exception {
        create("{\"title\":\"T\"}");
        String deltaLink = call("GET", tasks() + "/delta", null).json().get("@odata.deltaLink").asText();
        sim.expireDeltaTokens(ANNA);
        Reply expired = call("GET", deltaLink, null);
        assertThat(expired.status()).isEqualTo(400);
        assertThat(expired.json().at("/error/code").asText()).isEqualTo("syncStateNotFound");

        String fresh = call("GET", tasks() + "/delta", null).json().get("@odata.deltaLink").asText();
        sim.expireDeltaTokens(ANNA, 404);
        assertThat(call("GET", fresh, null).status()).isEqualTo(404);
    }

    @Test
    void aSynchronizationResetAnswers410WithALocationThatStartsOver() throws Exception {
        create("{\"title\":\"T\"}");
        String deltaLink = call("GET", tasks() + "/delta", null).json().get("@odata.deltaLink").asText();
        sim.resetDeltaSync(ANNA);
        Reply gone = call("GET", deltaLink, null);
        assertThat(gone.status()).isEqualTo(410);
        String location = gone.raw().headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(sim.baseUrl()).contains("$deltatoken=").endsWith("$deltatoken=");
        Reply again = call("GET", location, null);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("value")).as("the full state again").hasSize(1);
    }

    // ------------------------------------------------------------------ time zones and dates

    @Test
    void timeZonesAreWindowsNamesOrTheListedIanaNames() throws Exception {
        for (String zone : List.of("W. Europe Standard Time", "Pacific Standard Time", "UTC", "Line Islands Standard Time",
                "Europe/Berlin", "Pacific/Kiritimati", "America/Los_Angeles")) {
            create("{\"title\":\"z\",\"dueDateTime\":{\"dateTime\":\"2026-04-02T00:00:00\",\"timeZone\":\"" + zone + "\"}}");
        }
        for (String zone : List.of("Europe/Rome", "Europe/Vienna", "Pacific/Pago_Pago", "Mars/Olympus", "CET")) {
            Reply r = call("POST", tasks(),
                    "{\"title\":\"z\",\"dueDateTime\":{\"dateTime\":\"2026-04-02T00:00:00\",\"timeZone\":\"" + zone + "\"}}");
            assertThat(r.status()).as(zone).isEqualTo(400);
            assertThat(r.json().at("/error/message").asText()).contains(zone);
        }
    }

    @Test
    void dueStartAndCompletionKeepTheDateInTheGivenZoneAndComeBackInUtc() throws Exception {
        String id = create("""
                {"title":"Dates","status":"completed",
                 "dueDateTime":{"dateTime":"2026-04-02T15:30:00","timeZone":"Tokyo Standard Time"},
                 "startDateTime":{"dateTime":"2026-03-30T00:00:00","timeZone":"Pacific Standard Time"},
                 "completedDateTime":{"dateTime":"2026-04-01T00:00:00","timeZone":"UTC"},
                 "reminderDateTime":{"dateTime":"2026-04-02T09:15:00","timeZone":"W. Europe Standard Time"}}""");
        JsonNode t = call("GET", tasks() + "/" + enc(id), null).json();
        // the date of 2026-04-02 in Tokyo (UTC+9), the time of day dropped: its midnight, in UTC
        assertThat(t.at("/dueDateTime/dateTime").asText()).isEqualTo("2026-04-01T15:00:00.0000000");
        assertThat(t.at("/dueDateTime/timeZone").asText()).isEqualTo("UTC");
        assertThat(t.at("/startDateTime/dateTime").asText()).isEqualTo("2026-03-30T07:00:00.0000000");
        assertThat(t.at("/completedDateTime/dateTime").asText()).isEqualTo("2026-04-01T00:00:00.0000000");
        // a reminder is a point in time, kept as sent
        assertThat(t.at("/reminderDateTime/dateTime").asText()).isEqualTo("2026-04-02T07:15:00.0000000");
        conforms(t, "todoTask");
    }

    // ------------------------------------------------------------------ tasks and lists

    @Test
    void everyMailboxHasTheFlaggedEmailsListWhichTakesNoTasks() throws Exception {
        String flagged = listId("flaggedEmails");
        Reply r = call("POST", "/users/" + ANNA + "/todo/lists/" + enc(flagged) + "/tasks", "{\"title\":\"x\"}");
        assertThat(r.status()).isEqualTo(400);
    }

    @Test
    void aCreateWithLinkedResourcesAnswers201WithThem() throws Exception {
        // the request of "Create todoTask"
        Reply r = call("POST", tasks(), """
                {"title":"A new task","linkedResources":[{"webUrl":"http://microsoft.com","applicationName":"Microsoft",
                 "displayName":"Microsoft"}]}""");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().at("/linkedResources/0/applicationName").asText()).isEqualTo("Microsoft");
        assertThat(r.json().at("/linkedResources/0/id").asText()).isNotEmpty();
        assertThat(r.json().get("status").asText()).isEqualTo("notStarted");
        conforms(r.json(), "todoTask");
    }

    @Test
    void categoriesAreKeptAsStrings() throws Exception {
        String id = create("{\"title\":\"C\",\"categories\":[\"Important\",\"Customer\"]}");
        assertThat(call("GET", tasks() + "/" + enc(id), null).json().get("categories"))
                .extracting(JsonNode::asText).containsExactly("Important", "Customer");
        assertThat(call("POST", tasks(), "{\"title\":\"C\",\"categories\":[1]}").status()).isEqualTo(400);
        assertThat(call("PATCH", tasks() + "/" + enc(id), "{\"categories\":[]}").json().get("categories")).isEmpty();
    }

    @Test
    void selectAndOrderbyShapeTheList() throws Exception {
        create("{\"title\":\"b\",\"importance\":\"high\"}");
        create("{\"title\":\"a\",\"importance\":\"low\"}");
        create("{\"title\":\"c\"}");
        Reply r = call("GET", tasks() + "?" + enc("$select") + "=title,importance&" + enc("$orderby") + "=" + enc("title desc"),
                null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("value")).extracting(v -> v.get("title").asText()).containsExactly("c", "b", "a");
        JsonNode first = r.json().at("/value/0");
        assertThat(first.has("id")).isTrue();
        assertThat(first.has("status")).as("not selected").isFalse();
        first.fields().forEachRemaining(e -> assertThat(e.getKey()).isIn("@odata.etag", "id", "title", "importance"));
        conforms(first, "todoTask");

        assertThat(call("GET", tasks() + "?" + enc("$select") + "=percentComplete", null).status()).isEqualTo(400);
        assertThat(call("GET", tasks() + "?" + enc("$orderby") + "=" + enc("title sideways"), null).status())
                .isEqualTo(400);
        assertThat(call("GET", tasks() + "/delta?" + enc("$orderby") + "=title", null).status())
                .as("delta promises no order").isEqualTo(400);
    }
}

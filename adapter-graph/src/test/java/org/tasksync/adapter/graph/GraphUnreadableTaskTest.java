package org.tasksync.adapter.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tasksync.testkit.graph.GraphRewrites.onTask;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.ChangePage;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.UnreadableItem;
import org.tasksync.testkit.graph.GraphSimulator;
import org.tasksync.testkit.graph.GraphSimulator.Op;

/**
 * Tasks Graph sends that the adapter cannot read (SPEC §8, issue 7): wrong JSON types, missing
 * fields, unknown values, malformed JSON. One such task is reported in {@link ChangePage#unreadable()}
 * with its item id, CRM id, field and raw value, and the other tasks of its page are read; what
 * cannot be told apart by item fails the mailbox, naming it and the operation.
 */
class GraphUnreadableTaskTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANNA = "anna@example.com";
    private static final Mailbox MAILBOX = new Mailbox(ANNA, "Anna Example", ZoneId.of("Europe/Vienna"));
    private static final String EXT = "extensions/org.tasksync.task/";

    private final GraphSimulator sim = GraphSimulator.start();
    private final GraphExchangeAdapter adapter;
    /** The item ids of the tasks of CRM tasks A1:1, A1:2 and A1:3. */
    private final List<String> ids = new ArrayList<>();

    GraphUnreadableTaskTest() throws MailboxException {
        sim.addUser(ANNA);
        adapter = GraphExchangeAdapter.builder(GraphSettings.builder().baseUrl(sim.baseUrl()).build())
                .tokenSource(GraphTokenSource.fixed(sim.token())).build();
        List<NewExchangeTask> news = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            news.add(new NewExchangeTask("A1:" + i, TaskValues.builder().subject("Task " + i)
                    .status(ExchangeStatus.NOT_STARTED).importance(Importance.NORMAL).percentComplete(10)
                    .dueDate(LocalDate.of(2026, 4, 2)).build()));
        }
        try (MailboxConnection c = adapter.connect(MAILBOX)) {
            c.create(news).forEach(o -> ids.add(o.itemId()));
        }
        sim.resetCounts();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private static Consumer<ObjectNode> inExtension(Consumer<ObjectNode> change) {
        return t -> t.path("extensions").forEach(e -> change.accept((ObjectNode) e));
    }

    // ------------------------------------------------------------------ one task of a page

    /** A bad task: how Graph's JSON is changed, and what the report must say. */
    record Case(String name, Consumer<ObjectNode> change, String field, String value, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> badTasks() {
        return Stream.of(
                new Case("a number where a string is expected (title 42)", t -> t.put("title", 42),
                        "title", "42", "a number where Graph sends a string"),
                new Case("a string for a dateTimeTimeZone (dueDateTime)", t -> t.put("dueDateTime", "2026-04-02"),
                        "dueDateTime", "2026-04-02", "a string where Graph sends a dateTimeTimeZone object"),
                new Case("status 'bogus'", t -> t.put("status", "bogus"),
                        "status", "bogus", "not a value Graph defines for status"),
                new Case("importance 42", t -> t.put("importance", 42),
                        "importance", "42", "a number where Graph sends a string"),
                new Case("importance 'urgent'", t -> t.put("importance", "urgent"),
                        "importance", "urgent", "not a value Graph defines for importance"),
                new Case("no status", t -> t.remove("status"),
                        "status", null, "missing"),
                new Case("no dueDateTime.timeZone", t -> ((ObjectNode) t.get("dueDateTime")).remove("timeZone"),
                        "dueDateTime/timeZone", null, "missing"),
                new Case("an unknown time zone", t -> ((ObjectNode) t.get("dueDateTime")).put("timeZone", "Mars/Olympus"),
                        "dueDateTime/timeZone", "Mars/Olympus", "a time zone this adapter does not know"),
                new Case("a dateTime that is no date", t -> ((ObjectNode) t.get("dueDateTime")).put("dateTime", "soon"),
                        "dueDateTime/dateTime", "soon", "not a date and time"),
                new Case("a timestamp the SDK cannot parse (lastModifiedDateTime 42)", t -> t.put("lastModifiedDateTime", 42),
                        "lastModifiedDateTime", "42", "a number where Graph sends a string"),
                new Case("isReminderOn 'yes'", t -> t.put("isReminderOn", "yes"),
                        "isReminderOn", "yes", "a string where Graph sends true or false"),
                new Case("a body that is a string", t -> t.put("body", "<p>hi</p>"),
                        "body", "<p>hi</p>", "a string where Graph sends an itemBody object"),
                new Case("percent complete 'lots' in the extension", inExtension(e -> e.put("percentComplete", "lots")),
                        EXT + "percentComplete", "lots", "not a whole number"),
                new Case("percent complete true in the extension", inExtension(e -> e.put("percentComplete", true)),
                        EXT + "percentComplete", "true", "not a whole number"),
                new Case("percent complete an object in the extension",
                        inExtension(e -> e.putObject("percentComplete").put("value", 50)),
                        EXT + "percentComplete", "{\"value\":50}", "not a whole number"),
                new Case("owner an array in the extension", inExtension(e -> e.putArray("owner").add("Ben")),
                        EXT + "owner", "[\"Ben\"]", "an array where the adapter writes a string"),
                new Case("linkedResources an object", t -> t.putObject("linkedResources"),
                        "linkedResources", "{}", "an object where Graph sends an array"),
                new Case("a category list that is no list (the SDK fails on it)", t -> t.put("categories", "red"),
                        "categories", "red", "Graph's SDK cannot read it"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTasks")
    void oneTaskThatCannotBeReadIsReportedAndTheOthersOfItsPageAreRead(Case c) throws Exception {
        String bad = ids.get(1);
        // delta and the read with $expand both carry it, as they would from Graph
        sim.rewriteResponses(onTask(bad, c.change()), Op.DELTA, Op.GET_TASK);
        try (MailboxConnection conn = adapter.connect(MAILBOX)) {
            ChangePage page = conn.changes(null);

            assertThat(page.changed()).extracting(ExchangeTask::itemId).containsExactlyInAnyOrder(ids.get(0), ids.get(2));
            assertThat(page.changed()).extracting(t -> t.values().subject()).containsExactlyInAnyOrder("Task 1", "Task 3");
            assertThat(page.changed()).allSatisfy(t -> {
                assertThat(t.values().status()).isEqualTo(ExchangeStatus.NOT_STARTED);
                assertThat(t.values().dueDate()).isEqualTo(LocalDate.of(2026, 4, 2));
            });
            assertThat(page.deletedItemIds()).isEmpty();
            assertThat(page.next()).isNotNull();
            UnreadableItem u = page.unreadable().get(0);
            assertThat(page.unreadable()).hasSize(1);
            assertThat(u.itemId()).isEqualTo(bad);
            assertThat(u.crmId()).isEqualTo("A1:2");
            assertThat(u.field()).isEqualTo(c.field());
            assertThat(u.value()).isEqualTo(c.value());
            assertThat(u.reason()).contains(c.reason());
        }
    }

    @Test
    void aWholeNumberForPercentIsReadThoughTheAdapterWritesAString() throws Exception {
        sim.rewriteResponses(onTask(ids.get(1), inExtension(e -> e.put("percentComplete", 40))), Op.GET_TASK);
        try (MailboxConnection conn = adapter.connect(MAILBOX)) {
            ChangePage page = conn.changes(null);
            assertThat(page.unreadable()).isEmpty();
            assertThat(page.changed()).filteredOn(t -> t.itemId().equals(ids.get(1))).singleElement()
                    .satisfies(t -> assertThat(t.values().percentComplete()).isEqualTo(40));
        }
    }

    @Test
    void aTaskAnsweredWithoutItsIdIsReportedUnderTheIdItWasAskedFor() throws Exception {
        sim.rewriteResponses(onTask(ids.get(1), t -> t.remove("id")), Op.GET_TASK);
        try (MailboxConnection conn = adapter.connect(MAILBOX)) {
            ChangePage page = conn.changes(null);
            assertThat(page.changed()).hasSize(2);
            assertThat(page.unreadable()).singleElement().satisfies(u -> {
                assertThat(u.itemId()).isEqualTo(ids.get(1));
                assertThat(u.crmId()).isEqualTo("A1:2");
                assertThat(u.field()).isEqualTo("id");
                assertThat(u.value()).isNull();
                assertThat(u.reason()).contains("missing");
            });
        }
    }

    @Test
    void aTaskWhoseCrmIdIsOnlyInTheExtensionIsStillNamedByIt() throws Exception {
        sim.rewriteResponses(onTask(ids.get(1), t -> {
            t.remove("linkedResources");
            t.put("status", "bogus");
        }), Op.GET_TASK);
        try (MailboxConnection conn = adapter.connect(MAILBOX)) {
            assertThat(conn.changes(null).unreadable()).singleElement()
                    .satisfies(u -> assertThat(u.crmId()).isEqualTo("A1:2"));
        }
    }

    // ------------------------------------------------------------------ malformed JSON

    @Test
    void malformedJsonInOneBatchStepIsReadAgainTaskByTaskAndOnlyThatTaskIsUnreadable() throws Exception {
        String bad = ids.get(1);
        sim.rewriteResponses(json -> json.contains(bad) && json.contains("\"Task 2\"")
                ? json.replace("\"title\":\"Task 2\"", "\"title\":Task 2") : json, Op.GET_TASK);
        try (MailboxConnection conn = adapter.connect(MAILBOX)) {
            ChangePage page = conn.changes(null);

            assertThat(page.changed()).extracting(ExchangeTask::itemId).containsExactlyInAnyOrder(ids.get(0), ids.get(2));
            assertThat(page.unreadable()).singleElement().satisfies(u -> {
                assertThat(u.itemId()).isEqualTo(bad);
                assertThat(u.crmId()).as("nothing can be read from it").isNull();
                assertThat(u.field()).isNull();
                assertThat(u.value()).contains("\"title\":Task 2");
                assertThat(u.reason()).startsWith("Graph's answer is not JSON");
            });
            assertThat(sim.requests(Op.BATCH)).as("one $batch, whose answer could not be read").isEqualTo(1);
            assertThat(sim.requests(Op.GET_TASK)).as("then each task on its own").isEqualTo(3);
        }
    }

    @Test
    void aStepAnswerThatIsJsonButNoTaskIsUnreadable() throws Exception {
        sim.rewriteResponses(json -> json.contains("\"Task 2\"") ? "\"Task 2\"" : json, Op.GET_TASK);
        try (MailboxConnection conn = adapter.connect(MAILBOX)) {
            ChangePage page = conn.changes(null);
            assertThat(page.changed()).hasSize(2);
            assertThat(page.unreadable()).singleElement().satisfies(u -> {
                assertThat(u.itemId()).isEqualTo(ids.get(1));
                assertThat(u.value()).isEqualTo("Task 2");
                assertThat(u.reason()).contains("a string, not a task");
            });
            assertThat(sim.requests(Op.GET_TASK)).as("the $batch answer itself was readable").isZero();
        }
    }

    @Test
    void aStepThatFailsInsideTheBatchIsUnreadableForThisCycleOnly() throws Exception {
        String bad = ids.get(1);
        sim.rewriteResponses(json -> {
            try {
                JsonNode root = JSON.readTree(json);
                for (JsonNode r : root.path("responses")) {
                    if (bad.equals(r.at("/body/id").asText(null))) {
                        ((ObjectNode) r).put("status", 500);
                        ((ObjectNode) r).putObject("body").putObject("error").put("code", "generalException")
                                .put("message", "Something went wrong");
                    }
                }
                return JSON.writeValueAsString(root);
            } catch (IOException e) {
                return json;
            }
        }, Op.BATCH);
        try (MailboxConnection conn = adapter.connect(MAILBOX)) {
            ChangePage page = conn.changes(null);
            assertThat(page.changed()).hasSize(2);
            assertThat(page.unreadable()).singleElement().satisfies(u -> {
                assertThat(u.itemId()).isEqualTo(bad);
                assertThat(u.reason()).contains("Graph answered 500 generalException: Something went wrong");
            });
        }
    }

    @Test
    void aDeltaPageWithMalformedJsonFailsTheMailboxNamingItAndTheOperation() throws Exception {
        sim.rewriteResponses(json -> json.replace("\"title\":\"Task 2\"", "\"title\":Task 2"), Op.DELTA);
        try (MailboxConnection conn = adapter.connect(MAILBOX)) {
            assertThatThrownBy(() -> conn.changes(null)).isInstanceOf(MailboxException.class)
                    .satisfies(e -> assertThat(((MailboxException) e).kind()).isEqualTo(MailboxException.Kind.PROTOCOL))
                    .hasMessageStartingWith("mailbox " + ANNA + ": protocol: read changes: Graph's answer is not JSON")
                    .hasMessageContaining("\"value\":[");
        }
    }

    @Test
    void aDeltaPageThatIsNotJsonAtAllFailsTheMailbox() throws Exception {
        sim.rewriteResponses(json -> "<html><body>502 Bad Gateway</body></html>", Op.DELTA);
        try (MailboxConnection conn = adapter.connect(MAILBOX)) {
            assertThatThrownBy(() -> conn.changes(null)).isInstanceOf(MailboxException.class)
                    .hasMessageStartingWith("mailbox " + ANNA + ": protocol: read changes: Graph's answer is not JSON: "
                            + "malformed JSON at line 1 column 1 path $ (<html><body>502 Bad Gateway");
        }
    }

    @Test
    void aDeltaEntryWithoutAnIdFailsTheMailboxForItCannotBeReportedOnItsOwn() throws Exception {
        sim.rewriteResponses(onTask(ids.get(1), t -> t.remove("id")), Op.DELTA);
        try (MailboxConnection conn = adapter.connect(MAILBOX)) {
            assertThatThrownBy(() -> conn.changes(null)).isInstanceOf(MailboxException.class)
                    .hasMessageStartingWith("mailbox " + ANNA + ": protocol: read changes: entry 2 of 3")
                    .hasMessageContaining("has no id").hasMessageContaining("\"title\":\"Task 2\"");
        }
    }

    @Test
    void aDeltaPageWithoutItsLinksFailsTheMailbox() throws Exception {
        sim.rewriteResponses(json -> json.replace("\"@odata.deltaLink\"", "\"deltaLinkGone\""), Op.DELTA);
        try (MailboxConnection conn = adapter.connect(MAILBOX)) {
            assertThatThrownBy(() -> conn.changes(null)).isInstanceOf(MailboxException.class)
                    .hasMessageContaining("read changes: Graph's delta answer has neither @odata.nextLink nor @odata.deltaLink");
        }
    }

    @Test
    void theWholeDeltaRequestFailingStillFailsTheMailbox() throws Exception {
        sim.unavailable(100, 1, Op.DELTA);
        GraphExchangeAdapter impatient = GraphExchangeAdapter.builder(GraphSettings.builder().baseUrl(sim.baseUrl())
                .maxRetries(1).build()).tokenSource(GraphTokenSource.fixed(sim.token())).sleeper(d -> { }).build();
        try (MailboxConnection conn = impatient.connect(MAILBOX)) {
            assertThatThrownBy(() -> conn.changes(null)).isInstanceOf(MailboxException.class)
                    .hasMessageStartingWith("mailbox " + ANNA + ": throttled: read changes");
        }
    }

    // ------------------------------------------------------------------ finding by CRM id

    @Test
    void findByCrmIdsFailsTheMailboxOnAFoundTaskItCannotRead() throws Exception {
        sim.rewriteResponses(onTask(ids.get(1), t -> t.put("status", "bogus")), Op.LIST_TASKS);
        try (MailboxConnection conn = adapter.connect(MAILBOX)) {
            assertThatThrownBy(() -> conn.findByCrmIds(List.of("A1:1", "A1:2"))).isInstanceOf(MailboxException.class)
                    .hasMessageStartingWith("mailbox " + ANNA + ": protocol: find tasks by CRM id: cannot read task "
                            + ids.get(1) + " (the task of CRM task A1:2): field status = 'bogus'")
                    .hasMessageContaining("not taken for missing");
        }
    }

    @Test
    void findByCrmIdsScanningTheListPassesOverABadTaskItDoesNotLookFor() throws Exception {
        sim.filterOnLinkedResources(false);
        String byHand = sim.toDo().createTask(ANNA, "Made by hand");
        sim.rewriteResponses(onTask(byHand, t -> t.put("status", "bogus")), Op.LIST_TASKS);
        sim.rewriteResponses(onTask(ids.get(2), t -> t.put("importance", 42)), Op.LIST_TASKS);
        try (MailboxConnection conn = adapter.connect(MAILBOX)) {
            assertThat(conn.findByCrmIds(List.of("A1:1"))).extracting(ExchangeTask::crmId).containsExactly("A1:1");
            assertThatThrownBy(() -> conn.findByCrmIds(List.of("A1:3"))).isInstanceOf(MailboxException.class)
                    .hasMessageContaining("(the task of CRM task A1:3): field importance = '42'");
        }
    }

    @Test
    void findByCrmIdsScanningTheListFailsOnATaskWhoseTagCannotBeRead() throws Exception {
        sim.filterOnLinkedResources(false);
        sim.rewriteResponses(onTask(ids.get(2), t -> {
            t.path("linkedResources").forEach(r -> ((ObjectNode) r).put("externalId", 3));
            t.path("extensions").forEach(e -> ((ObjectNode) e).put("crmId", 3));
        }), Op.LIST_TASKS);
        try (MailboxConnection conn = adapter.connect(MAILBOX)) {
            assertThatThrownBy(() -> conn.findByCrmIds(List.of("A1:1"))).isInstanceOf(MailboxException.class)
                    .hasMessageContaining("cannot read task " + ids.get(2) + ": field linkedResources/externalId = '3'");
        }
    }
}

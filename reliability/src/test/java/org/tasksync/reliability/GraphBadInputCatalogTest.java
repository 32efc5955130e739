package org.tasksync.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tasksync.testkit.graph.GraphRewrites.onTask;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.tasksync.adapter.graph.GraphExchangeAdapter;
import org.tasksync.adapter.graph.GraphSettings;
import org.tasksync.adapter.graph.GraphTokenSource;
import org.tasksync.adapter.jdbccrm.JdbcCrmAdapter;
import org.tasksync.adapter.jdbccrm.JdbcCrmSettings;
import org.tasksync.adapter.jdbccrm.ReferenceCrm;
import org.tasksync.core.MailboxReport;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.TaskError;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.state.JdbcSyncStateStore;
import org.tasksync.testkit.graph.GraphSimulator;
import org.tasksync.testkit.graph.GraphSimulator.Op;
import org.tasksync.testkit.graph.GraphSimulator.SimTask;

/**
 * The bad-input catalog's rows for Microsoft 365 (SPEC §8, issue 7: "wrong JSON types, missing
 * fields"): answers from Graph the adapter cannot read, through the Graph simulator's raw-response
 * hook, with the real engine, the JDBC CRM on H2, the JDBC state store and the Graph adapter. Kept
 * apart from {@link BadInputCatalogTest} (the EWS world) so that the two can change independently.
 *
 * <p>Each row has its own mailbox with three tasks: the rep completes task 1 (the one Graph then
 * sends unreadably) and task 2 in To Do, and the CRM renames task 3. A task that cannot be read must
 * be a per-task error naming the CRM task, the item, the field and the value, with its CRM status
 * left as it was (not guessed) and its To Do task not overwritten, while tasks 2 and 3 of the SAME
 * mailbox sync in the same cycle; once Graph answers well again, the rep's status reaches the CRM.
 * What cannot be told apart by item (a delta page that is not JSON, an entry without an id) fails
 * that mailbox only, naming it and the operation. One more mailbox gets no bad answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GraphBadInputCatalogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneId VIENNA = ZoneId.of("Europe/Vienna");
    private static final Rep RITA = new Rep("R-GRITA", "Rita Graph", "rita.graph@example.com", VIENNA, true);
    private static final String EXT = "extensions/org.tasksync.task/";

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterAll
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    // ------------------------------------------------------------------ the rig

    /** The CRM on H2, the state store on H2, the Graph simulator and the engine with the Graph adapter. */
    static final class GraphWorld implements AutoCloseable {
        final Clock clock = Clock.systemUTC();
        final ReferenceCrm crm;
        final GraphSimulator graph;
        final SyncEngine engine;
        final Map<String, Rep> reps = new LinkedHashMap<>();

        GraphWorld(List<Rep> repList) {
            String name = UUID.randomUUID().toString();
            JdbcDataSource crmDb = new JdbcDataSource();
            crmDb.setURL("jdbc:h2:mem:graph-crm-" + name + ";DB_CLOSE_DELAY=-1");
            JdbcCrmSettings crmSettings = JdbcCrmSettings.builder().changeSafetyLag(Duration.ZERO).build();
            crm = ReferenceCrm.of(crmDb, crmSettings).createSchema();
            JdbcDataSource storeDb = new JdbcDataSource();
            storeDb.setURL("jdbc:h2:mem:graph-state-" + name + ";DB_CLOSE_DELAY=-1");
            // Graph keeps modification times to the millisecond; a second ahead, as in the EWS rig, anyway
            graph = GraphSimulator.start(Clock.offset(clock, Duration.ofSeconds(1)));
            for (Rep rep : repList) {
                reps.put(rep.id(), rep);
                crm.putRep(rep);
                graph.addUser(rep.mailbox());
            }
            GraphExchangeAdapter adapter = GraphExchangeAdapter.builder(GraphSettings.builder().baseUrl(graph.baseUrl())
                    .maxRetries(2).maxWait(Duration.ofSeconds(2)).build())
                    .tokenSource(GraphTokenSource.fixed(graph.token())).build();
            engine = SyncEngine.builder().crm(JdbcCrmAdapter.create(crmDb, crmSettings)).exchange(adapter)
                    .stateStore(JdbcSyncStateStore.builder(storeDb).build())
                    .settings(SyncSettings.builder().pastDays(30).futureDays(60).build()).clock(clock).build();
        }

        SyncReport cycle() {
            return engine.runOnce();
        }

        String status(String crmId) {
            return crm.readTask(crmId).orElseThrow().status();
        }

        /** The To Do task of a CRM task in the rep's mailbox; fails unless there is exactly one. */
        SimTask inToDo(Rep rep, String crmId) {
            List<SimTask> found = graph.toDo().tasks(rep.mailbox()).stream()
                    .filter(t -> crmId.equals(t.json().at("/linkedResources/0/externalId").asText(null))).toList();
            assertThat(found).as("To Do tasks of %s in %s", crmId, rep.mailbox()).hasSize(1);
            return found.get(0);
        }

        @Override
        public void close() {
            graph.close();
        }
    }

    // ------------------------------------------------------------------ the rows

    /** How a row's answer is made bad: a rewrite aimed at the task's item, on these kinds of answer. */
    record Bad(Function<String, UnaryOperator<String>> rewriteFor, Op... ops) {
    }

    /**
     * A bad answer from Graph about one task, and what the report must say: a per-task error with
     * this field and value (field null: a mailbox error whose text contains {@code mailboxError}).
     */
    record Row(String name, Bad bad, String field, String value, String mailboxError) {
        boolean perTask() {
            return mailboxError == null;
        }
    }

    /** The task's field changed in delta and in the read with {@code $expand}, as Graph would send it in both. */
    static Bad task(Consumer<ObjectNode> change) {
        return new Bad(id -> onTask(id, change), Op.DELTA, Op.GET_TASK);
    }

    static Row perTask(String name, Consumer<ObjectNode> change, String field, String value) {
        return new Row(name, task(change), field, value, null);
    }

    static List<Row> rows() {
        return List.of(
                perTask("a number where a string is expected (title 42)", t -> t.put("title", 42), "title", "42"),
                perTask("a string for a dateTimeTimeZone (dueDateTime)", t -> t.put("dueDateTime", "2026-04-02"),
                        "dueDateTime", "2026-04-02"),
                perTask("a status of 'bogus'", t -> t.put("status", "bogus"), "status", "bogus"),
                perTask("an importance of 42", t -> t.put("importance", 42), "importance", "42"),
                perTask("a task without its status", t -> t.remove("status"), "status", null),
                perTask("a dueDateTime without its timeZone",
                        t -> ((ObjectNode) t.get("dueDateTime")).remove("timeZone"), "dueDateTime/timeZone", null),
                perTask("a time zone nobody knows", t -> ((ObjectNode) t.get("dueDateTime")).put("timeZone", "Mars/Olympus"),
                        "dueDateTime/timeZone", "Mars/Olympus"),
                perTask("a percent complete of true in the extension",
                        t -> t.path("extensions").forEach(e -> ((ObjectNode) e).put("percentComplete", true)),
                        EXT + "percentComplete", "true"),
                new Row("malformed JSON in the task's $batch step (read again alone)",
                        new Bad(id -> json -> json.contains("\"id\":\"" + id + "\"")
                                ? json.replaceFirst("\"title\":\"", "\"title\":") : json, Op.GET_TASK),
                        null, null, null),
                new Row("a delta page that is not JSON (mailbox error)",
                        new Bad(id -> json -> "<html><body>502 Bad Gateway</body></html>", Op.DELTA),
                        null, null, "read changes: Graph's answer is not JSON"),
                new Row("a delta entry without its id (mailbox error)",
                        new Bad(id -> onTask(id, t -> t.remove("id")), Op.DELTA),
                        null, null, "has no id"));
    }

    private static String id(Rep rep, int n) {
        return "A1:" + rep.id() + "-" + n;
    }

    @TestFactory
    Stream<DynamicTest> badAnswersFromGraph() {
        List<Row> rows = rows();
        List<Rep> reps = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            reps.add(new Rep("R-G" + i, "Gina " + i, "g" + i + "@example.com", VIENNA, true));
        }
        reps.add(RITA);
        GraphWorld world = new GraphWorld(reps);
        closing.add(world);
        LocalDate today = LocalDate.now(world.clock);
        for (Rep rep : reps) {
            for (int n = 1; n <= 3; n++) {
                world.crm.putTask(CrmTask.builder(id(rep, n)).repId(rep.id()).subject("Task " + n)
                        .dueDate(today.plusDays(n)).status("Open").percentComplete(10).build());
            }
        }
        assertThat(world.cycle().clean()).isTrue();
        world.cycle();
        Map<String, String> badItems = new LinkedHashMap<>();
        for (Rep rep : reps) {
            world.graph.toDo().setStatus(rep.mailbox(), world.inToDo(rep, id(rep, 1)).id(), "completed");
            world.graph.toDo().setStatus(rep.mailbox(), world.inToDo(rep, id(rep, 2)).id(), "completed");
            CrmTask three = world.crm.readTask(id(rep, 3)).orElseThrow();
            world.crm.putTask(three.toBuilder().subject("Task 3 renamed in the CRM").build());
            badItems.put(rep.id(), world.inToDo(rep, id(rep, 1)).id());
        }
        for (int i = 0; i < rows.size(); i++) {
            Rep rep = reps.get(i);
            Bad bad = rows.get(i).bad();
            world.graph.rewriteResponses(rep.mailbox(), bad.rewriteFor().apply(badItems.get(rep.id())), bad.ops());
        }

        SyncReport report = world.cycle();
        Map<String, List<String>> rightAfter = new LinkedHashMap<>();
        for (Rep rep : reps) {
            rightAfter.put(rep.id(), List.of(world.status(id(rep, 1)), world.status(id(rep, 2)),
                    world.inToDo(rep, id(rep, 1)).status(), world.inToDo(rep, id(rep, 3)).title()));
        }
        world.graph.heal();
        SyncReport healed = world.cycle();
        SyncReport after = world.cycle();

        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            Rep rep = reps.get(i);
            String item = badItems.get(rep.id());
            List<String> seen = rightAfter.get(rep.id());
            tests.add(DynamicTest.dynamicTest(row.name(), () -> {
                MailboxReport m = report.mailbox(rep.mailbox()).orElseThrow();
                assertThat(seen.get(0)).as("not read, so not guessed: the CRM status of the bad task").isEqualTo("Open");
                assertThat(seen.get(2)).as("the rep's status in To Do is not overwritten").isEqualTo("completed");
                if (row.perTask()) {
                    assertThat(m.failed()).as(report.toTable()).isFalse();
                    List<TaskError> errors = report.allTaskErrors().stream().filter(e -> e.taskId().equals(id(rep, 1)))
                            .toList();
                    assertThat(errors).as(report.toTable()).hasSize(1);
                    TaskError e = errors.get(0);
                    assertThat(report.toTable()).contains("task error: " + e);
                    assertThat(e.reason()).contains(item);
                    if (row.field() != null) {
                        assertThat(e.field()).isEqualTo("Exchange " + row.field());
                        assertThat(e.value()).isEqualTo(row.value());
                    } else {
                        // no field to name: the value is the start of what Graph sent
                        assertThat(e.field()).isNull();
                        assertThat(e.value()).contains("\"title\":Task 1");
                        assertThat(e.reason()).contains("Graph's answer is not JSON");
                    }
                    assertThat(seen.get(1)).as("the rep's status on another task of the same mailbox, same cycle")
                            .isEqualTo("Completed");
                    assertThat(seen.get(3)).as("a CRM change to another task of the same mailbox, same cycle")
                            .isEqualTo("Task 3 renamed in the CRM");
                } else {
                    assertThat(m.failed()).as(report.toTable()).isTrue();
                    assertThat(m.mailboxError()).startsWith("mailbox " + rep.mailbox() + ": protocol: ")
                            .contains(row.mailboxError());
                    assertThat(report.toTable()).contains("mailbox error: " + m.mailboxError());
                }
                assertThat(world.status(id(rep, 1))).as("once Graph answers well again, the rep's status is in the CRM")
                        .isEqualTo("Completed");
                assertThat(world.status(id(rep, 2))).isEqualTo("Completed");
                assertThat(world.inToDo(rep, id(rep, 3)).title()).isEqualTo("Task 3 renamed in the CRM");
            }));
        }
        tests.add(DynamicTest.dynamicTest("the mailbox without a bad answer is synchronized in the same cycle", () -> {
            MailboxReport m = report.mailbox(RITA.mailbox()).orElseThrow();
            assertThat(m.failed()).as(report.toTable()).isFalse();
            assertThat(m.statusesWrittenBack()).isEqualTo(2);
            assertThat(report.allTaskErrors()).noneMatch(e -> e.taskId().startsWith("A1:" + RITA.id()));
            assertThat(rightAfter.get(RITA.id())).containsExactly("Completed", "Completed", "completed",
                    "Task 3 renamed in the CRM");
            assertThat(healed.clean()).as(healed.toTable()).isTrue();
            assertThat(after.clean()).as(after.toTable()).isTrue();
            assertThat(after.updated() + after.created() + after.deleted()).as("nothing left to do").isZero();
        }));
        return tests.stream();
    }
}

package org.tasksync.adapter.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.ChangePage;
import org.tasksync.core.spi.CursorRejectedException;
import org.tasksync.core.spi.ExchangeTaskUpdate;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.WriteOutcome;
import org.tasksync.testkit.graph.GraphSimulator;
import org.tasksync.testkit.graph.GraphSimulator.Op;

/**
 * The adapter against the simulator's documented rules (docs/conformance.md, "Graph simulator"): the
 * requests it sends are ones Graph accepts, and it recovers from the answers Graph documents. Each
 * test here failed on the adapter before issue 12's fixes.
 */
class GraphDocumentedRulesTest {

    private static final String ANNA = "anna@example.com";
    private static final Mailbox MAILBOX = new Mailbox(ANNA, "Anna Example", ZoneId.of("Europe/Berlin"));
    private static final ExchangeField REGION = ExchangeField.extended("region");

    private final GraphSimulator sim = GraphSimulator.start();

    GraphDocumentedRulesTest() {
        sim.addUser(ANNA);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private GraphExchangeAdapter adapter(String listName) {
        GraphSettings.Builder settings = GraphSettings.builder().baseUrl(sim.baseUrl());
        if (listName != null) {
            settings.listName(listName);
        }
        return GraphExchangeAdapter.builder(settings.build()).tokenSource(GraphTokenSource.fixed(sim.token()))
                .sleeper(d -> { }).build();
    }

    private static TaskValues full(String subject) {
        return TaskValues.builder().subject(subject).status(ExchangeStatus.IN_PROGRESS).importance(Importance.HIGH)
                .percentComplete(40).owner("Anna Example").createdBy("Ben Boss").extended(REGION.name(), "North")
                .dueDate(LocalDate.of(2026, 4, 2)).build();
    }

    private static List<String> created(List<WriteOutcome> out) {
        assertThat(out).allSatisfy(o -> assertThat(o.succeeded()).as(o.toString()).isTrue());
        return out.stream().map(WriteOutcome::itemId).toList();
    }

    private static String drain(MailboxConnection c) throws MailboxException {
        String cursor = null;
        ChangePage p;
        do {
            p = c.changes(cursor);
            cursor = p.next();
        } while (p.hasMore());
        return cursor;
    }

    // ------------------------------------------------------------------ finding 2: $batch shape

    @Test
    void anEditOfManyTasksWithExtensionFieldsGoesInBatchesGraphAccepts() throws Exception {
        try (MailboxConnection c = adapter(null).connect(MAILBOX)) {
            List<NewExchangeTask> news = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                news.add(new NewExchangeTask("A1:b-" + i, full("Task " + i)));
            }
            List<String> ids = created(c.create(news));
            sim.resetCounts();
            List<ExchangeTaskUpdate> updates = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                TaskValues v = full("Renamed " + i).toBuilder().percentComplete(60).owner("Carla").build();
                updates.add(new ExchangeTaskUpdate(new ItemRef(ids.get(i), null), "A1:b-" + i, v,
                        Set.of(ExchangeField.SUBJECT, ExchangeField.PERCENT_COMPLETE, ExchangeField.OWNER)));
            }
            List<WriteOutcome> out = c.update(updates);
            assertThat(out).allSatisfy(o -> assertThat(o.succeeded()).as(o.toString()).isTrue());
            assertThat(sim.requests(Op.BATCH)).as("two rounds of twenty: extensions, then tasks").isEqualTo(2);
            assertThat(sim.batchSteps(Op.EXTENSIONS)).isEqualTo(20);
            assertThat(sim.batchSteps(Op.UPDATE_TASK)).isEqualTo(20);
            List<ExchangeTask> read = c.findByCrmIds(List.of("A1:b-3", "A1:b-17"));
            assertThat(read).extracting(t -> t.values().subject()).containsExactlyInAnyOrder("Renamed 3", "Renamed 17");
            assertThat(read).allSatisfy(t -> {
                assertThat(t.values().owner()).isEqualTo("Carla");
                assertThat(t.values().percentComplete()).isEqualTo(60);
            });
            // the etag each update returned is the task's final one: reading it back is no change by the rep
            for (ExchangeTask t : read) {
                int i = ids.indexOf(t.itemId());
                assertThat(out.get(i).changeKey()).isEqualTo(t.changeKey());
            }
        }
    }

    // ------------------------------------------------------------------ an extension PATCH may replace

    @ParameterizedTest
    @EnumSource(GraphSimulator.ExtensionPatch.class)
    void aCrmEditOfOneExtensionFieldKeepsTheOthers(GraphSimulator.ExtensionPatch mode) throws Exception {
        sim.extensionPatch(mode);
        try (MailboxConnection c = adapter(null).connect(MAILBOX)) {
            String id = created(c.create(List.of(new NewExchangeTask("A1:o", full("One field"))))).get(0);
            TaskValues v = full("One field").toBuilder().owner("Carla").build();
            List<WriteOutcome> out = c.update(List.of(new ExchangeTaskUpdate(new ItemRef(id, null), "A1:o", v,
                    Set.of(ExchangeField.OWNER))));
            assertThat(out.get(0).succeeded()).as(out.get(0).toString()).isTrue();
            TaskValues read = c.findByCrmIds(List.of("A1:o")).get(0).values();
            assertThat(read.owner()).isEqualTo("Carla");
            assertThat(read.createdBy()).as("created-by, not edited").isEqualTo("Ben Boss");
            assertThat(read.percentComplete()).as("Complete %%, not edited").isEqualTo(40);
            assertThat(read.extended()).as("extended fields, not edited").containsEntry(REGION.name(), "North");
            JsonNode ext = sim.toDo().tasks(ANNA).get(0).json().at("/extensions/0");
            assertThat(ext.path("crmId").asText()).as("the CRM id in the extension").isEqualTo("A1:o");
        }
    }

    // ------------------------------------------------------------------ finding 3: nulls in the extension

    @ParameterizedTest
    @EnumSource(GraphSimulator.ExtensionPatch.class)
    void fieldsTheCrmClearedAreClearedWithoutNullsInTheExtension(GraphSimulator.ExtensionPatch mode) throws Exception {
        sim.extensionPatch(mode);
        try (MailboxConnection c = adapter(null).connect(MAILBOX)) {
            String id = created(c.create(List.of(new NewExchangeTask("A1:n", full("Clear me"))))).get(0);
            TaskValues cleared = full("Clear me").toBuilder().owner(null).createdBy(null).percentComplete(null)
                    .extended(REGION.name(), null).build();
            List<WriteOutcome> out = c.update(List.of(new ExchangeTaskUpdate(new ItemRef(id, null), "A1:n", cleared,
                    Set.of(ExchangeField.OWNER, ExchangeField.CREATED_BY, ExchangeField.PERCENT_COMPLETE, REGION))));
            assertThat(out.get(0).succeeded()).as(out.get(0).toString()).isTrue();
            TaskValues read = c.findByCrmIds(List.of("A1:n")).get(0).values();
            assertThat(read.owner()).isNull();
            assertThat(read.createdBy()).isNull();
            assertThat(read.percentComplete()).isNull();
            assertThat(read.extended()).isEmpty();
            JsonNode ext = sim.toDo().tasks(ANNA).get(0).json().at("/extensions/0");
            for (Iterator<Map.Entry<String, JsonNode>> it = ext.fields(); it.hasNext(); ) {
                assertThat(it.next().getValue().isNull()).isFalse();
            }
            assertThat(ext.get("crmId").asText()).as("the tag stays").isEqualTo("A1:n");
        }
    }

    // ------------------------------------------------------------------ finding 4: expired delta tokens

    @Test
    void aDeltaTokenExpiredWith400SyncStateNotFoundRestartsTheRound() throws Exception {
        for (int status : new int[] {400, 404, 410}) {
            try (MailboxConnection c = adapter(null).connect(MAILBOX)) {
                c.create(List.of(new NewExchangeTask("A1:e" + status, full("E"))));
                String cursor = drain(c);
                sim.expireDeltaTokens(ANNA, status);
                try {
                    c.changes(cursor);
                    throw new AssertionError("an expired token (" + status + ") was taken");
                } catch (CursorRejectedException expected) {
                    assertThat(expected.getMessage()).contains(Integer.toString(status));
                }
                assertThat(drain(c)).as("a new round from the beginning").isNotNull();
            }
        }
    }

    @Test
    void aSynchronizationResetWith410AndLocationRestartsTheRound() throws Exception {
        try (MailboxConnection c = adapter(null).connect(MAILBOX)) {
            c.create(List.of(new NewExchangeTask("A1:r", full("R"))));
            String cursor = drain(c);
            sim.resetDeltaSync(ANNA);
            try {
                c.changes(cursor);
                throw new AssertionError("a reset was not noticed");
            } catch (CursorRejectedException expected) {
                assertThat(expected.getMessage()).contains("410");
            }
            ChangePage again = c.changes(null);
            assertThat(again.changed()).extracting(ExchangeTask::crmId).containsExactly("A1:r");
        }
    }

    // ------------------------------------------------------------------ finding 5: time-zone names

    @Test
    void repsInZonesGraphDoesNotListByIanaNameGetTheirTasks() throws Exception {
        for (String zone : List.of("Europe/Rome", "Europe/Vienna", "Pacific/Pago_Pago", "America/Argentina/Cordoba",
                "Asia/Kathmandu", "UTC")) {
            Mailbox mb = new Mailbox(ANNA, "Anna", ZoneId.of(zone));
            try (MailboxConnection c = adapter(null).connect(mb)) {
                LocalDate due = LocalDate.of(2026, 10, 25);
                String crmId = "A1:z-" + zone;
                String id = created(c.create(List.of(new NewExchangeTask(crmId, full("Z").toBuilder().dueDate(due)
                        .startDate(due.minusDays(2)).build())))).get(0);
                assertThat(sim.toDo().keptDate(ANNA, id, "dueDateTime")).as("the date To Do shows, %s", zone)
                        .isEqualTo(due);
                assertThat(c.findByCrmIds(List.of(crmId)).get(0).values().dueDate()).as(zone).isEqualTo(due);
            }
        }
    }

    // ------------------------------------------------------------------ finding 7: the flagged-emails list

    @Test
    void theFlaggedEmailsListIsNeverTheTarget() throws Exception {
        try (MailboxConnection c = adapter("Flagged emails").connect(MAILBOX)) {
            created(c.create(List.of(new NewExchangeTask("A1:f", full("F")))));
        }
        GraphSimulator.SimList flagged = sim.toDo().lists(ANNA).stream()
                .filter(l -> "flaggedEmails".equals(l.wellknownListName())).findFirst().orElseThrow();
        assertThat(sim.toDo().tasks(ANNA)).singleElement()
                .satisfies(t -> assertThat(t.listId()).isNotEqualTo(flagged.id()));
    }
}

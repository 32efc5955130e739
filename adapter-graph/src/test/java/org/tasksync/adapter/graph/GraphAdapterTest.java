package org.tasksync.adapter.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tasksync.adapter.graph.internal.Sleeper;
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

/** What the Graph adapter does beyond the kit: batching, throttling, cursors, HTML, lists, failures. */
class GraphAdapterTest {

    private static final String ANNA = "anna@example.com";
    private static final Mailbox MAILBOX = new Mailbox(ANNA, "Anna Example", ZoneId.of("Europe/Vienna"));

    private final GraphSimulator sim = GraphSimulator.start();
    /** The waits the adapter asked for, recorded instead of slept. */
    private final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());
    private final Sleeper recording = waits::add;

    GraphAdapterTest() {
        sim.addUser(ANNA);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private GraphExchangeAdapter adapter(UnaryOperator<GraphSettings.Builder> settings) {
        return GraphExchangeAdapter.builder(settings.apply(GraphSettings.builder().baseUrl(sim.baseUrl())).build())
                .tokenSource(GraphTokenSource.fixed(sim.token())).sleeper(recording).build();
    }

    private GraphExchangeAdapter adapter() {
        return adapter(b -> b);
    }

    private static TaskValues values(String subject) {
        return TaskValues.builder().subject(subject).status(ExchangeStatus.NOT_STARTED).importance(Importance.NORMAL)
                .percentComplete(0).dueDate(LocalDate.of(2026, 4, 2)).build();
    }

    private static List<NewExchangeTask> news(String prefix, int n) {
        List<NewExchangeTask> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new NewExchangeTask(prefix + i, values("Task " + prefix + i)));
        }
        return out;
    }

    private static List<ExchangeTask> readAll(MailboxConnection c) throws MailboxException {
        List<ExchangeTask> out = new ArrayList<>();
        String cursor = null;
        ChangePage p;
        do {
            p = c.changes(cursor);
            out.addAll(p.changed());
            cursor = p.next();
        } while (p.hasMore());
        return out;
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

    // ------------------------------------------------------------------ batching

    @Test
    void fortyFiveCreatesTakeThreeBatchRequests() throws Exception {
        try (MailboxConnection c = adapter().connect(MAILBOX)) {
            assertThat(c.maxBatchSize()).isEqualTo(20);
            List<NewExchangeTask> all = news("A1:n-", 45);
            List<WriteOutcome> out = new ArrayList<>();
            for (int from = 0; from < all.size(); from += c.maxBatchSize()) {
                out.addAll(c.create(all.subList(from, Math.min(all.size(), from + c.maxBatchSize()))));
            }
            assertThat(out).hasSize(45).allMatch(WriteOutcome::succeeded);
            assertThat(sim.requests(Op.BATCH)).isEqualTo(3);
            assertThat(sim.batchSteps(Op.CREATE_TASK)).isEqualTo(45);
            assertThat(sim.requests(Op.CREATE_TASK)).as("no create outside $batch").isZero();
            assertThat(sim.toDo().tasks(ANNA)).hasSize(45);
            assertThat(c.requestsSent()).as("the list lookup and three batches").isEqualTo(4);
        }
    }

    @Test
    void aBatchLargerThanTheConnectionTakesIsRefusedBeforeAnythingIsSent() {
        try (MailboxConnection c = adapter(b -> b.batchSize(5)).connect(MAILBOX)) {
            assertThatThrownBy(() -> c.create(news("A1:big-", 6))).isInstanceOf(IllegalArgumentException.class);
            assertThat(sim.requests()).isZero();
        }
    }

    @Test
    void anUpdateOfTaskAndExtensionFieldsReturnsTheEtagOfTheLastWrite() throws Exception {
        try (MailboxConnection c = adapter().connect(MAILBOX)) {
            String id = c.create(news("A1:u-", 1)).get(0).itemId();
            TaskValues wanted = values("Renamed").toBuilder().percentComplete(50).owner("Ben").build();
            WriteOutcome o = c.update(List.of(new ExchangeTaskUpdate(new ItemRef(id, null), "A1:u-0", wanted,
                    Set.of(ExchangeField.SUBJECT, ExchangeField.PERCENT_COMPLETE, ExchangeField.OWNER)))).get(0);
            WriteOutcome extOnly = c.update(List.of(new ExchangeTaskUpdate(new ItemRef(id, null), "A1:u-0",
                    wanted.toBuilder().createdBy("Carla").build(), Set.of(ExchangeField.CREATED_BY)))).get(0);
            assertThat(o.succeeded()).isTrue();
            assertThat(extOnly.succeeded()).isTrue();
            ExchangeTask read = readAll(c).get(0);
            assertThat(read.changeKey()).as("the engine must recognise its own write").isEqualTo(extOnly.changeKey());
            assertThat(read.values().subject()).isEqualTo("Renamed");
            assertThat(read.values().percentComplete()).isEqualTo(50);
            assertThat(read.values().owner()).isEqualTo("Ben");
            assertThat(read.values().createdBy()).isEqualTo("Carla");
        }
    }

    @Test
    void anUpdateOfATaskDeletedInToDoFailsForThatItemOnly() throws Exception {
        try (MailboxConnection c = adapter().connect(MAILBOX)) {
            List<WriteOutcome> created = c.create(news("A1:g-", 2));
            sim.toDo().delete(ANNA, created.get(0).itemId());
            List<WriteOutcome> out = c.update(List.of(
                    new ExchangeTaskUpdate(new ItemRef(created.get(0).itemId(), null), "A1:g-0", values("X"),
                            Set.of(ExchangeField.SUBJECT, ExchangeField.PERCENT_COMPLETE)),
                    new ExchangeTaskUpdate(new ItemRef(created.get(1).itemId(), null), "A1:g-1", values("Y"),
                            Set.of(ExchangeField.SUBJECT))));
            assertThat(out.get(0).succeeded()).isFalse();
            assertThat(out.get(0).error()).contains("not found");
            assertThat(out.get(1).succeeded()).isTrue();
        }
    }

    // ------------------------------------------------------------------ throttling

    @Test
    void aThrottledRequestIsSentAgainAfterTheWaitGraphAskedFor() throws Exception {
        try (MailboxConnection c = adapter().connect(MAILBOX)) {
            c.create(news("A1:t-", 3));
            sim.throttle(2, 7, Op.DELTA);
            assertThat(readAll(c)).hasSize(3);
            assertThat(waits).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(7));
        }
    }

    @Test
    void stepsThrottledInsideABatchAreSentAgainWithoutDuplicates() throws Exception {
        try (MailboxConnection c = adapter().connect(MAILBOX)) {
            sim.throttleBatchSteps(4, 3, Op.CREATE_TASK);
            List<WriteOutcome> out = c.create(news("A1:s-", 10));
            assertThat(out).hasSize(10).allMatch(WriteOutcome::succeeded);
            assertThat(sim.toDo().tasks(ANNA)).hasSize(10);
            assertThat(sim.requests(Op.BATCH)).as("one batch, then one for the throttled steps").isEqualTo(2);
            assertThat(waits).containsExactly(Duration.ofSeconds(3));
            List<ExchangeTask> read = readAll(c);
            for (int i = 0; i < 10; i++) {
                String crmId = "A1:s-" + i;
                assertThat(read).filteredOn(t -> crmId.equals(t.crmId())).singleElement()
                        .satisfies(t -> assertThat(t.itemId()).isEqualTo(out.get(Integer.parseInt(crmId.substring(5))).itemId()));
            }
        }
    }

    @Test
    void unavailableWithoutRetryAfterBacksOffAndSucceeds() throws Exception {
        try (MailboxConnection c = adapter().connect(MAILBOX)) {
            sim.unavailable(2, null, Op.BATCH);
            assertThat(c.create(news("A1:v-", 2))).allMatch(WriteOutcome::succeeded);
            assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
            assertThat(sim.toDo().tasks(ANNA)).hasSize(2);
        }
    }

    @Test
    void throttlingPastTheBoundFailsTheMailboxAsThrottled() throws Exception {
        GraphExchangeAdapter a = adapter(b -> b.maxRetries(3).maxWait(Duration.ofSeconds(60)));
        try (MailboxConnection c = a.connect(MAILBOX)) {
            c.changes(null);
            sim.throttle(100, 10);
            assertThatThrownBy(() -> c.changes(null)).isInstanceOfSatisfying(MailboxException.class, e -> {
                assertThat(e.kind()).isEqualTo(MailboxException.Kind.THROTTLED);
                assertThat(e.getMessage()).contains(ANNA).contains("429");
            });
            assertThat(waits).hasSize(3);
            waits.clear();
            sim.heal();
            sim.throttleBatchSteps(100, 40, Op.CREATE_TASK);
            assertThatThrownBy(() -> c.create(news("A1:b-", 2))).isInstanceOfSatisfying(MailboxException.class,
                    e -> assertThat(e.kind()).isEqualTo(MailboxException.Kind.THROTTLED));
            assertThat(waits).as("a wait that would pass the 60 s bound is not started")
                    .containsExactly(Duration.ofSeconds(40));
        }
    }

    @Test
    void theRealWaitIsMadeWhenGraphAsksForOne() throws Exception {
        GraphExchangeAdapter real = GraphExchangeAdapter.builder(GraphSettings.builder().baseUrl(sim.baseUrl()).build())
                .tokenSource(GraphTokenSource.fixed(sim.token())).build();
        try (MailboxConnection c = real.connect(MAILBOX)) {
            sim.throttle(1, 1, Op.BATCH);
            assertThat(c.create(news("A1:r-", 1))).allMatch(WriteOutcome::succeeded);
            assertThat(sim.requests(Op.BATCH)).isEqualTo(2);
        }
    }

    // ------------------------------------------------------------------ connections that drop

    @Test
    void aReadWhoseConnectionDroppedIsSentAgain() throws Exception {
        try (MailboxConnection c = adapter().connect(MAILBOX)) {
            c.create(news("A1:d-", 2));
            sim.dropConnections(1, Op.DELTA);
            assertThat(readAll(c)).hasSize(2);
        }
    }

    @Test
    void aCreateWhoseAnswerWasLostIsNotSentAgainButReportedAsUnknown() throws Exception {
        try (MailboxConnection c = adapter().connect(MAILBOX)) {
            c.changes(null);
            sim.dropResponses(1, Op.BATCH);
            List<WriteOutcome> out = c.create(news("A1:l-", 3));
            assertThat(out).hasSize(3).noneMatch(WriteOutcome::succeeded);
            assertThat(out.get(0).error()).contains("outcome unknown");
            assertThat(sim.toDo().tasks(ANNA)).as("done once, not repeated").hasSize(3);
            assertThat(c.findByCrmIds(List.of("A1:l-0", "A1:l-1", "A1:l-2"))).hasSize(3);
        }
    }

    @Test
    void aGraphTooSlowToAnswerMakesTheMailboxUnavailableNotThrottled() throws Exception {
        // The first read must be answered within the timeout on a loaded machine too; the latency then
        // lies far beyond it, so that a late timer still fires before any answer could come.
        GraphExchangeAdapter a = adapter(b -> b.requestTimeout(Duration.ofSeconds(10)).maxRetries(1));
        try (MailboxConnection c = a.connect(MAILBOX)) {
            c.changes(null);
            sim.latency(Duration.ofSeconds(30));
            assertThatThrownBy(() -> c.changes(null)).isInstanceOfSatisfying(MailboxException.class, e -> {
                assertThat(e.kind()).isEqualTo(MailboxException.Kind.UNAVAILABLE);
                assertThat(e.getMessage()).contains("connection");
            });
            assertThat(waits).as("one retry, after a back-off").hasSize(1);
        }
    }

    // ------------------------------------------------------------------ cursors

    @Test
    void anExpiredDeltaTokenRejectsTheCursor() throws Exception {
        try (MailboxConnection c = adapter().connect(MAILBOX)) {
            c.create(news("A1:x-", 2));
            String cursor = drain(c);
            sim.expireDeltaTokens(ANNA);
            assertThatThrownBy(() -> c.changes(cursor)).isInstanceOf(CursorRejectedException.class)
                    .hasMessageContaining("400").hasMessageContaining("syncStateNotFound");
            assertThat(readAll(c)).as("reading from the beginning still works").hasSize(2);
        }
    }

    @Test
    void aCursorOfAnotherListIsRejectedWithoutAsking() throws Exception {
        String cursor;
        try (MailboxConnection c = adapter().connect(MAILBOX)) {
            cursor = drain(c);
        }
        try (MailboxConnection c = adapter(b -> b.listName("CRM")).connect(MAILBOX)) {
            c.changes(null);
            long before = sim.requests();
            assertThatThrownBy(() -> c.changes(cursor)).isInstanceOf(CursorRejectedException.class);
            assertThat(sim.requests()).isEqualTo(before);
        }
    }

    @Test
    void aTaskMovedToAnotherListReadsAsDeleted() throws Exception {
        try (MailboxConnection c = adapter().connect(MAILBOX)) {
            String id = c.create(news("A1:m-", 1)).get(0).itemId();
            String cursor = drain(c);
            String other = sim.toDo().createList(ANNA, "Private");
            sim.toDo().moveTo(ANNA, id, other);
            ChangePage page = c.changes(cursor);
            assertThat(page.deletedItemIds()).containsExactly(id);
            assertThat(page.changed()).isEmpty();
        }
    }

    // ------------------------------------------------------------------ body and dates

    @Test
    void theBodyTravelsAsEscapedHtmlAndReadsBackAsTheText() throws Exception {
        String text = "Dear <Customer>,\r\nprice & terms: \"5 > 3\" isn't\n\n  indented\t<script>alert(1)</script> ✓ 😀\n";
        try (MailboxConnection c = adapter().connect(MAILBOX)) {
            c.create(List.of(new NewExchangeTask("A1:h", values("Html").toBuilder().body(text).build())));
            GraphSimulator.SimTask stored = sim.toDo().tasks(ANNA).get(0);
            assertThat(stored.bodyType()).isEqualTo("html");
            assertThat(stored.bodyContent()).doesNotContain("<script>").doesNotContain("<Customer>")
                    .contains("&lt;Customer&gt;").contains("<br>");
            assertThat(readAll(c).get(0).values().body()).isEqualTo(text);
        }
    }

    @Test
    void aBodyTheRepRewroteInToDoReadsAsTheTextShown() throws Exception {
        try (MailboxConnection c = adapter().connect(MAILBOX)) {
            String id = c.create(List.of(new NewExchangeTask("A1:h2", values("Html").toBuilder().body("old").build())))
                    .get(0).itemId();
            sim.toDo().patch(ANNA, id, "{\"body\":{\"contentType\":\"html\",\"content\":"
                    + "\"<html><head><style>p{}</style></head><body><p>First &amp; foremost</p>\\r\\n<p>Second</p></body></html>\"}}");
            assertThat(readAll(c).get(0).values().body()).isEqualTo("First & foremost\nSecond");
        }
    }

    @Test
    void datesKeepTheirDayWhenGraphKeepsOnlyTheDate() throws Exception {
        sim.dateSemantics(GraphSimulator.DateSemantics.DATE_ONLY);
        LocalDate due = LocalDate.of(2026, 3, 29);
        for (String zone : List.of("Pacific/Kiritimati", "America/Adak", "Asia/Kathmandu", "Europe/Vienna", "UTC")) {
            String address = "zone-" + zone.replace('/', '-').toLowerCase() + "@example.com";
            sim.addUser(address);
            Mailbox mb = new Mailbox(address, "Z", ZoneId.of(zone));
            try (MailboxConnection c = adapter().connect(mb)) {
                c.create(List.of(new NewExchangeTask("A1:z", values("Z").toBuilder().dueDate(due)
                        .startDate(due.minusDays(3)).build())));
                TaskValues read = readAll(c).get(0).values();
                assertThat(read.dueDate()).as("due date in %s", zone).isEqualTo(due);
                assertThat(read.startDate()).as("start date in %s", zone).isEqualTo(due.minusDays(3));
                assertThat(sim.toDo().tasks(address).get(0).json().at("/dueDateTime/dateTime").asText())
                        .as("the date To Do shows").startsWith(due.toString());
            }
        }
    }

    // ------------------------------------------------------------------ lists

    @Test
    void aNamedListIsCreatedOnceAndTheDefaultListIsLeftAlone() throws Exception {
        GraphExchangeAdapter a = adapter(b -> b.listName("CRM tasks"));
        try (MailboxConnection c = a.connect(MAILBOX)) {
            c.create(news("A1:l-", 2));
        }
        try (MailboxConnection c = adapter(b -> b.listName("CRM tasks")).connect(MAILBOX)) {
            assertThat(readAll(c)).hasSize(2);
        }
        List<GraphSimulator.SimList> lists = sim.toDo().lists(ANNA);
        assertThat(lists).extracting(GraphSimulator.SimList::displayName)
                .containsExactly("Tasks", "Flagged emails", "CRM tasks");
        String crmList = lists.get(2).id();
        assertThat(sim.toDo().tasks(ANNA)).hasSize(2).allMatch(t -> t.listId().equals(crmList));
        assertThat(sim.requests(Op.CREATE_LIST)).isEqualTo(1);
    }

    @Test
    void aListOfThatNameSharedBySomebodyElseIsNotUsed() throws Exception {
        String shared = sim.toDo().addListSharedByOthers(ANNA, "CRM tasks");
        try (MailboxConnection c = adapter(b -> b.listName("CRM tasks")).connect(MAILBOX)) {
            c.create(news("A1:o-", 1));
        }
        assertThat(sim.toDo().tasks(ANNA)).singleElement().satisfies(t -> assertThat(t.listId()).isNotEqualTo(shared));
    }

    @Test
    void theTargetListIsLookedUpOncePerMailbox() throws Exception {
        GraphExchangeAdapter a = adapter();
        for (int i = 0; i < 3; i++) {
            try (MailboxConnection c = a.connect(MAILBOX)) {
                c.changes(null);
            }
        }
        assertThat(sim.requests(Op.LIST_LISTS)).isEqualTo(1);
        assertThat(sim.requests(Op.DELTA)).isEqualTo(3);
    }

    // ------------------------------------------------------------------ finding and failing

    @Test
    void findByCrmIdsScansTheListWhenGraphDoesNotFilterOnLinkedResources() throws Exception {
        sim.filterOnLinkedResources(false);
        try (MailboxConnection c = adapter().connect(MAILBOX)) {
            c.create(news("A1:f-", 5));
            sim.toDo().createTask(ANNA, "By hand");
            List<ExchangeTask> found = c.findByCrmIds(List.of("A1:f-1", "A1:f-3", "A1:none"));
            assertThat(found).extracting(ExchangeTask::crmId).containsExactlyInAnyOrder("A1:f-1", "A1:f-3");
        }
    }

    @Test
    void anUnknownUserIsAMailboxNotFound() {
        Mailbox nobody = new Mailbox("nobody@example.com", "Nobody", ZoneId.of("UTC"));
        try (MailboxConnection c = adapter().connect(nobody)) {
            assertThatThrownBy(() -> c.changes(null)).isInstanceOfSatisfying(MailboxException.class, e -> {
                assertThat(e.kind()).isEqualTo(MailboxException.Kind.NOT_FOUND);
                assertThat(e.getMessage()).contains("nobody@example.com");
            });
        }
    }

    @Test
    void aRefusedTokenIsAnAuthenticationFailure() {
        GraphExchangeAdapter withOldToken = adapter();
        sim.acceptToken("a-newer-token");
        try (MailboxConnection c = withOldToken.connect(MAILBOX)) {
            assertThatThrownBy(() -> c.changes(null)).isInstanceOfSatisfying(MailboxException.class,
                    e -> assertThat(e.kind()).isEqualTo(MailboxException.Kind.AUTHENTICATION));
        }
    }

    @Test
    void aFailingTokenSourceIsAnAuthenticationFailure() {
        GraphExchangeAdapter a = GraphExchangeAdapter.builder(GraphSettings.builder().baseUrl(sim.baseUrl()).build())
                .tokenSource(() -> {
                    throw new IllegalStateException("vault sealed");
                }).sleeper(recording).build();
        try (MailboxConnection c = a.connect(MAILBOX)) {
            assertThatThrownBy(() -> c.changes(null)).isInstanceOfSatisfying(MailboxException.class,
                    e -> assertThat(e.kind()).isEqualTo(MailboxException.Kind.AUTHENTICATION));
        }
        assertThat(sim.requests()).isZero();
    }
}

package org.tasksync.adapter.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.ChangePage;
import org.tasksync.core.spi.ExchangeTaskUpdate;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.KnownVersions;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.WriteOutcome;
import org.tasksync.testkit.graph.GraphSimulator;
import org.tasksync.testkit.graph.GraphSimulator.Op;

/**
 * The read of changes leaves out what the engine itself wrote: every delta entry carries the task's
 * {@code @odata.etag}, and a task at the etag the engine holds is not read again through {@code $batch}.
 */
class GraphKnownVersionsTest {

    private static final String KIM = "kim@example.com";
    private static final Mailbox MAILBOX = new Mailbox(KIM, "Kim Example", ZoneId.of("Europe/Berlin"));

    private final GraphSimulator sim = GraphSimulator.start();

    GraphKnownVersionsTest() {
        sim.addUser(KIM);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private MailboxConnection connect() throws Exception {
        return GraphExchangeAdapter.builder(GraphSettings.builder().baseUrl(sim.baseUrl()).build())
                .tokenSource(GraphTokenSource.fixed(sim.token())).build().connect(MAILBOX);
    }

    private static TaskValues values(String subject) {
        return TaskValues.builder().subject(subject).status(ExchangeStatus.NOT_STARTED).importance(Importance.NORMAL)
                .percentComplete(0).dueDate(LocalDate.of(2026, 6, 1)).build();
    }

    /** What an engine holds after its writes: task id to the etag each write returned. */
    private static final class Held implements KnownVersions {
        final Map<String, String> etags = new HashMap<>();

        void remember(List<WriteOutcome> outcomes) {
            outcomes.forEach(o -> {
                assertThat(o.succeeded()).isTrue();
                etags.put(o.itemId(), o.changeKey());
            });
        }

        @Override
        public Map<String, String> of(Collection<String> itemIds) {
            Map<String, String> out = new HashMap<>();
            itemIds.stream().filter(etags::containsKey).forEach(id -> out.put(id, etags.get(id)));
            return out;
        }
    }

    private static List<WriteOutcome> create(MailboxConnection c, String prefix, int n) throws Exception {
        List<WriteOutcome> out = new ArrayList<>();
        for (int from = 0; from < n; from += c.maxBatchSize()) {
            List<NewExchangeTask> news = new ArrayList<>();
            for (int i = from; i < Math.min(n, from + c.maxBatchSize()); i++) {
                news.add(new NewExchangeTask(prefix + i, values("Task " + i)));
            }
            out.addAll(c.create(news));
        }
        return out;
    }

    private static String drain(MailboxConnection c) throws Exception {
        String cursor = null;
        ChangePage p;
        do {
            p = c.changes(cursor, KnownVersions.NONE);
            cursor = p.next();
        } while (p.hasMore());
        return cursor;
    }

    @Test
    void theReadRightAfterTheEnginesOwnCreatesIsOneDeltaRequestAndNoBatch() throws Exception {
        try (MailboxConnection c = connect()) {
            String cursor = drain(c);
            Held held = new Held();
            held.remember(create(c, "G:", 50));
            sim.resetCounts();

            ChangePage page = c.changes(cursor, held);

            assertThat(page.changed()).as("nothing but the engine's own creates happened").isEmpty();
            assertThat(page.hasMore()).isFalse();
            assertThat(sim.requests(Op.DELTA)).isEqualTo(1);
            assertThat(sim.requests(Op.BATCH)).as("no read-back of the 50 tasks").isZero();
            assertThat(sim.requests()).as("one request, as in any idle read").isEqualTo(1);
        }
    }

    @Test
    void theEnginesOwnUpdatesAreNotReadBackEither() throws Exception {
        try (MailboxConnection c = connect()) {
            Held held = new Held();
            List<WriteOutcome> created = create(c, "G:", 10);
            held.remember(created);
            String cursor = drain(c);
            List<ExchangeTaskUpdate> updates = new ArrayList<>();
            for (int i = 0; i < created.size(); i++) {
                // the status writes the extension's percent too: the etag returned must be the final one
                updates.add(new ExchangeTaskUpdate(new ItemRef(created.get(i).itemId(), created.get(i).changeKey()),
                        "G:" + i, values("Renamed " + i).toBuilder().status(ExchangeStatus.IN_PROGRESS)
                        .percentComplete(50).build(),
                        Set.of(ExchangeField.SUBJECT, ExchangeField.STATUS, ExchangeField.PERCENT_COMPLETE)));
            }
            held.remember(c.update(updates));
            sim.resetCounts();

            ChangePage page = c.changes(cursor, held);

            assertThat(page.changed()).isEmpty();
            assertThat(sim.requests(Op.BATCH)).isZero();
        }
    }

    @Test
    void aTaskTheRepChangedInToDoHasANewEtagAndIsRead() throws Exception {
        try (MailboxConnection c = connect()) {
            String cursor = drain(c);
            Held held = new Held();
            List<WriteOutcome> created = create(c, "G:", 10);
            held.remember(created);
            String edited = created.get(4).itemId();
            sim.toDo().setStatus(KIM, edited, "completed");
            sim.resetCounts();

            ChangePage page = c.changes(cursor, held);

            assertThat(page.changed()).extracting(ExchangeTask::itemId).containsExactly(edited);
            assertThat(page.changed().get(0).values().status()).isEqualTo(ExchangeStatus.COMPLETED);
            assertThat(sim.requests(Op.BATCH)).as("one $batch reads the rep's task").isEqualTo(1);
            assertThat(sim.batchSteps(Op.GET_TASK)).as("and only that task").isEqualTo(1);
        }
    }

    @Test
    void aTaskTheRepCreatedIsReadThoughTheEngineHoldsOthers() throws Exception {
        try (MailboxConnection c = connect()) {
            String cursor = drain(c);
            Held held = new Held();
            held.remember(create(c, "G:", 3));
            String own = sim.toDo().createTask(KIM, "The rep's own");

            ChangePage page = c.changes(cursor, held);

            assertThat(page.changed()).extracting(ExchangeTask::itemId).containsExactly(own);
        }
    }

    @Test
    void withoutKnownVersionsEveryChangeIsReadAsBefore() throws Exception {
        // the first cycle after a lost store: the engine holds nothing, so it must see every task
        try (MailboxConnection c = connect()) {
            String cursor = drain(c);
            create(c, "G:", 25);
            sim.resetCounts();

            ChangePage page = c.changes(cursor, KnownVersions.NONE);

            assertThat(page.changed()).hasSize(25);
            assertThat(sim.requests(Op.BATCH)).as("25 reads, 20 per $batch").isEqualTo(2);
        }
    }

    @Test
    void aHeldEtagThatIsNoLongerTheTasksMeansTheTaskIsRead() throws Exception {
        // the engine holds another etag than the server's (a write whose answer was lost, or the
        // server changed the task after the engine's write): the task is read, never assumed
        try (MailboxConnection c = connect()) {
            String cursor = drain(c);
            Held held = new Held();
            List<WriteOutcome> created = create(c, "G:", 4);
            held.remember(created);
            held.etags.put(created.get(0).itemId(), "W/\"c3RhbGU=\"");
            held.etags.put(created.get(1).itemId(), null);

            ChangePage page = c.changes(cursor, held);

            assertThat(page.changed()).extracting(ExchangeTask::itemId)
                    .containsExactlyInAnyOrder(created.get(0).itemId(), created.get(1).itemId());
        }
    }
}

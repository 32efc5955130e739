package org.tasksync.adapter.ews;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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
import org.tasksync.testkit.ews.EwsSimulator;

/**
 * The read of changes leaves out what the engine itself wrote: SyncFolderItems reports each item with
 * its ChangeKey, and an item at the key the engine holds is not fetched with GetItem again.
 */
class EwsKnownVersionsTest {

    private static final String REP = "kim.known@example.com";
    private static final Mailbox MAILBOX = new Mailbox(REP, "Kim Known", ZoneId.of("Europe/Berlin"));

    @RegisterExtension
    final SimulatedExchange.PerTest exchange = SimulatedExchange.perTest(REP);
    private final EwsSimulator ews = exchange.ews();

    private MailboxConnection connect() throws Exception {
        return EwsExchangeAdapter.create(SimulatedExchange.config(ews).batchSize(100).build()).connect(MAILBOX);
    }

    private static TaskValues values(String subject) {
        return TaskValues.builder().subject(subject).status(ExchangeStatus.NOT_STARTED).importance(Importance.NORMAL)
                .percentComplete(0).dueDate(LocalDate.of(2026, 6, 1)).owner("Kim Known").build();
    }

    private static List<NewExchangeTask> newTasks(int n) {
        List<NewExchangeTask> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new NewExchangeTask("K:" + i, values("Task " + i)));
        }
        return out;
    }

    /** What an engine holds after its writes: item id to the change key each write returned. */
    private static final class Held implements KnownVersions {
        final Map<String, String> keys = new HashMap<>();
        int asked;

        void remember(List<WriteOutcome> outcomes) {
            outcomes.forEach(o -> keys.put(o.itemId(), o.changeKey()));
        }

        @Override
        public Map<String, String> of(Collection<String> itemIds) {
            asked += itemIds.size();
            Map<String, String> out = new HashMap<>();
            itemIds.forEach(id -> {
                if (keys.containsKey(id)) {
                    out.put(id, keys.get(id));
                }
            });
            return out;
        }
    }

    private String cursorAfterEverything(MailboxConnection c) throws Exception {
        String cursor = null;
        ChangePage page;
        do {
            page = c.changes(cursor, KnownVersions.NONE);
            cursor = page.next();
        } while (page.hasMore());
        return cursor;
    }

    @Test
    void theReadRightAfterTheEnginesOwnCreatesIsOneSyncFolderItemsAndNoGetItem() throws Exception {
        try (MailboxConnection c = connect()) {
            String cursor = cursorAfterEverything(c);
            Held held = new Held();
            held.remember(c.create(newTasks(150)));
            ews.traffic().reset();

            ChangePage page = c.changes(cursor, held);

            assertThat(page.changed()).as("nothing but the engine's own creates happened").isEmpty();
            assertThat(page.deletedItemIds()).isEmpty();
            assertThat(ews.traffic().count(REP, "SyncFolderItems")).isEqualTo(1);
            assertThat(ews.traffic().count(REP, "GetItem")).isZero();
            assertThat(ews.traffic().total()).as("one request, as in any idle read").isEqualTo(1);
            assertThat(held.asked).as("the 150 reported items were looked up").isEqualTo(150);
        }
    }

    @Test
    void theEnginesOwnUpdatesAreNotReadBackEither() throws Exception {
        try (MailboxConnection c = connect()) {
            Held held = new Held();
            List<WriteOutcome> created = c.create(newTasks(20));
            held.remember(created);
            String cursor = cursorAfterEverything(c);
            List<ExchangeTaskUpdate> updates = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                updates.add(new ExchangeTaskUpdate(new ItemRef(created.get(i).itemId(), created.get(i).changeKey()),
                        "K:" + i, values("Renamed " + i), Set.of(ExchangeField.SUBJECT)));
            }
            held.remember(c.update(updates));
            ews.traffic().reset();

            ChangePage page = c.changes(cursor, held);

            assertThat(page.changed()).isEmpty();
            assertThat(ews.traffic().count(REP, "GetItem")).isZero();
        }
    }

    @Test
    void anItemTheRepChangedSinceHasANewChangeKeyAndIsRead() throws Exception {
        try (MailboxConnection c = connect()) {
            String cursor = cursorAfterEverything(c);
            Held held = new Held();
            List<WriteOutcome> created = c.create(newTasks(10));
            held.remember(created);
            String edited = created.get(3).itemId();
            ews.outlook(REP).setStatus(edited, "Completed");
            ews.traffic().reset();

            ChangePage page = c.changes(cursor, held);

            assertThat(page.changed()).extracting(ExchangeTask::itemId).containsExactly(edited);
            assertThat(page.changed().get(0).values().status()).isEqualTo(ExchangeStatus.COMPLETED);
            assertThat(ews.traffic().count(REP, "GetItem")).as("only the rep's item is read").isEqualTo(1);
        }
    }

    @Test
    void anItemCreatedByTheRepIsReadThoughTheEngineHoldsOthers() throws Exception {
        try (MailboxConnection c = connect()) {
            String cursor = cursorAfterEverything(c);
            Held held = new Held();
            held.remember(c.create(newTasks(5)));
            String own = ews.outlook(REP).create(e -> e.subject("The rep's own")).itemId();

            ChangePage page = c.changes(cursor, held);

            assertThat(page.changed()).extracting(ExchangeTask::itemId).containsExactly(own);
        }
    }

    @Test
    void withoutKnownVersionsEveryChangeIsReadAsBefore() throws Exception {
        // the first cycle after a lost store: the engine holds nothing, so it must see every item
        try (MailboxConnection c = connect()) {
            String cursor = cursorAfterEverything(c);
            c.create(newTasks(30));
            ews.traffic().reset();

            ChangePage page = c.changes(cursor, KnownVersions.NONE);

            assertThat(page.changed()).hasSize(30);
            assertThat(ews.traffic().count(REP, "GetItem")).isEqualTo(1);
        }
    }

    @Test
    void aHeldChangeKeyThatIsNoLongerTheItemsMeansTheItemIsRead() throws Exception {
        // the engine holds an older key than the server's (e.g. a write whose answer was lost, or the
        // server changed the item after the engine's write): the item is read, never assumed
        try (MailboxConnection c = connect()) {
            String cursor = cursorAfterEverything(c);
            Held held = new Held();
            List<WriteOutcome> created = c.create(newTasks(4));
            held.remember(created);
            held.keys.put(created.get(0).itemId(), "AQAAABYAAAstale");
            held.keys.put(created.get(1).itemId(), null);

            ChangePage page = c.changes(cursor, held);

            assertThat(page.changed()).extracting(ExchangeTask::itemId)
                    .containsExactlyInAnyOrder(created.get(0).itemId(), created.get(1).itemId());
        }
    }

    @Test
    void theDefaultChangesReadsEverythingAsBefore() throws Exception {
        try (MailboxConnection c = connect()) {
            c.create(newTasks(3));

            assertThat(c.changes(null).changed()).hasSize(3);
        }
    }
}

package org.tasksync.adapter.ews;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.WriteOutcome;
import org.tasksync.testkit.ews.EwsSimulator;
import org.tasksync.testkit.ews.ExtendedPropertyKey;
import org.tasksync.testkit.ews.OutlookTask;

/** What the adapter sends and writes, as the simulator and the rep in Outlook see it. */
class EwsRequestsTest {

    private static final String REP = "rita.rep@example.com";
    private static final ZoneId VIENNA = ZoneId.of("Europe/Vienna");
    private static final Mailbox MAILBOX = new Mailbox(REP, "Rita Rep", VIENNA);
    private static final ExtendedPropertyKey CRM_ID = ExtendedPropertyKey.named(EwsExchangeAdapter.PROPERTY_SET_ID,
            EwsExchangeAdapter.CRM_ID_PROPERTY);

    @RegisterExtension
    final SimulatedExchange.PerTest exchange = SimulatedExchange.perTest(REP);
    private final EwsSimulator ews = exchange.ews();

    private EwsExchangeAdapter adapter(int batchSize) {
        return EwsExchangeAdapter.create(SimulatedExchange.config(ews).batchSize(batchSize).build());
    }

    private static TaskValues values(String subject) {
        return TaskValues.builder().subject(subject).status(ExchangeStatus.NOT_STARTED).importance(Importance.NORMAL)
                .percentComplete(0).dueDate(LocalDate.of(2026, 5, 4)).owner("Rita Rep").build();
    }

    private static List<NewExchangeTask> newTasks(int n) {
        List<NewExchangeTask> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new NewExchangeTask("A1:9-" + i, values("Task " + i)));
        }
        return out;
    }

    private int requests(String operation) {
        return ews.traffic().count(REP, operation);
    }

    @Test
    void twoHundredFiftyCreatesWithBatchSize100TakeThreeCreateItemRequests() throws Exception {
        try (MailboxConnection c = adapter(100).connect(MAILBOX)) {
            List<WriteOutcome> out = c.create(newTasks(250));

            assertThat(out).hasSize(250).allMatch(WriteOutcome::succeeded);
            assertThat(requests("CreateItem")).isEqualTo(3);
            assertThat(c.requestsSent()).isEqualTo(3);
            Set<String> ids = new HashSet<>();
            out.forEach(o -> ids.add(o.itemId()));
            assertThat(ids).hasSize(250);
            List<OutlookTask> inOutlook = ews.outlook(REP).tasks();
            assertThat(inOutlook).hasSize(250);
            assertThat(ews.outlook(REP).tasksWith(CRM_ID, "A1:9-137")).singleElement()
                    .satisfies(t -> {
                        assertThat(t.itemId()).isEqualTo(out.get(137).itemId());
                        assertThat(t.subject()).isEqualTo("Task 137");
                    });
        }
    }

    @Test
    void updatesAndDeletesAreBatchedToo() throws Exception {
        try (MailboxConnection c = adapter(100).connect(MAILBOX)) {
            List<WriteOutcome> created = c.create(newTasks(150));
            List<ExchangeTaskUpdate> updates = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                updates.add(new ExchangeTaskUpdate(new ItemRef(created.get(i).itemId(), created.get(i).changeKey()),
                        "A1:9-" + i, values("Renamed " + i), Set.of(ExchangeField.SUBJECT)));
            }
            assertThat(c.update(updates)).hasSize(150).allMatch(WriteOutcome::succeeded);
            assertThat(requests("UpdateItem")).isEqualTo(2);
            assertThat(ews.outlook(REP).tasks()).allSatisfy(t -> assertThat(t.subject()).startsWith("Renamed "));

            List<ItemRef> all = created.stream().map(o -> new ItemRef(o.itemId(), null)).toList();
            assertThat(c.delete(all)).hasSize(150).allMatch(WriteOutcome::succeeded);
            assertThat(requests("DeleteItem")).isEqualTo(2);
            assertThat(ews.outlook(REP).tasks()).isEmpty();
        }
    }

    @Test
    void changesAreReadAsIdsFirstThenValuesInBatches() throws Exception {
        try (MailboxConnection c = adapter(40).connect(MAILBOX)) {
            c.create(newTasks(100));
            ews.traffic().reset();

            ChangePage page = c.changes(null);

            assertThat(page.changed()).hasSize(100);
            assertThat(page.hasMore()).isFalse();
            assertThat(requests("SyncFolderItems")).isEqualTo(1);
            assertThat(requests("GetItem")).as("100 items in batches of 40").isEqualTo(3);

            ews.traffic().reset();
            ChangePage idle = c.changes(page.next());
            assertThat(idle.changed()).isEmpty();
            assertThat(ews.traffic().total()).as("nothing changed: one SyncFolderItems and nothing else").isEqualTo(1);
        }
    }

    @Test
    void theBodyIsPlainTextNotHtml() throws Exception {
        String text = "Bring the <b>offer</b> & the contract\nSecond line: 5 < 7";
        try (MailboxConnection c = adapter(100).connect(MAILBOX)) {
            String id = c.create(List.of(new NewExchangeTask("A1:1-1", values("Body").toBuilder().body(text).build())))
                    .get(0).itemId();
            OutlookTask t = ews.outlook(REP).task(id).orElseThrow();
            assertThat(t.bodyType()).isEqualTo("Text");
            assertThat(t.body()).isEqualTo(text);

            c.update(List.of(new ExchangeTaskUpdate(new ItemRef(id, null), "A1:1-1",
                    values("Body").toBuilder().body("Now <i>this</i>").build(), Set.of(ExchangeField.BODY))));
            OutlookTask updated = ews.outlook(REP).task(id).orElseThrow();
            assertThat(updated.bodyType()).isEqualTo("Text");
            assertThat(updated.body()).isEqualTo("Now <i>this</i>");
        }
    }

    @Test
    void ownerCreatorAndCrmIdAreWrittenAsTheirOutlookProperties() throws Exception {
        LocalDate due = LocalDate.of(2026, 3, 30); // Vienna changes to summer time the day before
        TaskValues v = values("Props").toBuilder().createdBy("Ben Boss").dueDate(due).startDate(due.minusDays(2))
                .build();
        try (MailboxConnection c = adapter(100).connect(MAILBOX)) {
            String id = c.create(List.of(new NewExchangeTask("A1:77-1", v))).get(0).itemId();
            OutlookTask t = ews.outlook(REP).task(id).orElseThrow();
            assertThat(t.owner()).contains("Rita Rep");
            assertThat(t.creatorName()).contains("Ben Boss");
            assertThat(t.extended(CRM_ID)).contains("A1:77-1");
            assertThat(t.ownership()).isZero();
            assertThat(t.dueDate()).as("the date the rep sees in Outlook").isEqualTo(due);
            assertThat(t.startDate()).isEqualTo(due.minusDays(2));
        }
    }

    @Test
    void anUpdateClearsPropertiesNamedWithoutValueAndLeavesTheOthers() throws Exception {
        EwsExchangeAdapter adapter = EwsExchangeAdapter.create(SimulatedExchange.config(ews).extendedField("Region")
                .extendedField("Branch").build());
        TaskValues v = values("Extended").toBuilder().createdBy("Ben Boss").extended("Region", "North")
                .extended("Branch", "Graz").build();
        try (MailboxConnection c = adapter.connect(MAILBOX)) {
            String id = c.create(List.of(new NewExchangeTask("A1:5-5", v))).get(0).itemId();
            TaskValues wanted = v.toBuilder().createdBy(null).extended("Region", null).extended("Branch", "Linz").build();
            WriteOutcome o = c.update(List.of(new ExchangeTaskUpdate(new ItemRef(id, null), "A1:5-5", wanted,
                    Set.of(ExchangeField.CREATED_BY, ExchangeField.extended("Region"), ExchangeField.extended("Branch")))))
                    .get(0);
            assertThat(o.succeeded()).as(o.error()).isTrue();

            OutlookTask t = ews.outlook(REP).task(id).orElseThrow();
            assertThat(t.creatorName()).isEmpty();
            assertThat(t.owner()).as("not named in the update").contains("Rita Rep");
            assertThat(t.extended(CRM_ID)).contains("A1:5-5");
            ExchangeTask read = c.findByCrmIds(List.of("A1:5-5")).get(0);
            assertThat(read.values().extended()).containsExactlyEntriesOf(java.util.Map.of("Branch", "Linz"));
            assertThat(read.values().createdBy()).isNull();
        }
    }

    @Test
    void extendedFieldsConfiguredAreReadByAnAdapterThatNeverWroteThem() throws Exception {
        try (MailboxConnection c = EwsExchangeAdapter.create(SimulatedExchange.config(ews).build()).connect(MAILBOX)) {
            c.create(List.of(new NewExchangeTask("A1:6-1", values("Ext").toBuilder().extended("Region", "South").build())));
        }
        EwsExchangeAdapter restarted = EwsExchangeAdapter.create(SimulatedExchange.config(ews).extendedField("Region")
                .build());
        try (MailboxConnection c = restarted.connect(MAILBOX)) {
            assertThat(c.changes(null).changed()).singleElement()
                    .satisfies(t -> assertThat(t.values().extended()).containsEntry("Region", "South"));
        }
    }

    @Test
    void eachItemOfABatchGetsItsOwnOutcome() throws Exception {
        try (MailboxConnection c = adapter(100).connect(MAILBOX)) {
            List<WriteOutcome> created = c.create(newTasks(3));
            ews.outlook(REP).delete(created.get(1).itemId());
            List<ExchangeTaskUpdate> updates = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                updates.add(new ExchangeTaskUpdate(new ItemRef(created.get(i).itemId(), null), "A1:9-" + i,
                        values("Again " + i), Set.of(ExchangeField.SUBJECT)));
            }
            List<WriteOutcome> out = c.update(updates);

            assertThat(requests("UpdateItem")).isEqualTo(1);
            assertThat(out.get(0).succeeded()).isTrue();
            assertThat(out.get(1).succeeded()).isFalse();
            assertThat(out.get(1).itemId()).isEqualTo(created.get(1).itemId());
            assertThat(out.get(1).error()).contains("ErrorItemNotFound");
            assertThat(out.get(2).succeeded()).isTrue();
            assertThat(out.get(2).changeKey()).isEqualTo(ews.outlook(REP).task(created.get(2).itemId())
                    .orElseThrow().changeKey());
        }
    }

    @Test
    void deletedTasksGoToDeletedItemsAndAnItemAlreadyGoneCountsAsDeleted() throws Exception {
        try (MailboxConnection c = adapter(100).connect(MAILBOX)) {
            List<WriteOutcome> created = c.create(newTasks(2));
            String cursor = c.changes(null).next();
            ews.outlook(REP).delete(created.get(0).itemId());

            List<WriteOutcome> out = c.delete(List.of(new ItemRef(created.get(0).itemId(), null),
                    new ItemRef(created.get(1).itemId(), null)));

            assertThat(out).extracting(WriteOutcome::succeeded).containsExactly(true, true);
            assertThat(ews.outlook(REP).tasks()).isEmpty();
            assertThat(c.changes(cursor).deletedItemIds()).containsExactlyInAnyOrder(created.get(0).itemId(),
                    created.get(1).itemId());
        }
    }

    @Test
    void findByCrmIdsAsksInBatchesAndPagesThroughManyMatches() throws Exception {
        try (MailboxConnection c = adapter(10).connect(MAILBOX)) {
            c.create(newTasks(25));
            ews.outlook(REP).create(e -> e.subject("made by hand"));
            List<String> wanted = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                wanted.add("A1:9-" + i);
            }
            wanted.add("A1:nowhere");
            ews.traffic().reset();

            List<ExchangeTask> found = c.findByCrmIds(wanted);

            assertThat(found).extracting(ExchangeTask::crmId).containsExactlyInAnyOrderElementsOf(wanted.subList(0, 25));
            assertThat(requests("FindItem")).as("26 ids asked for in restrictions of at most 10").isEqualTo(3);
            assertThat(requests("GetItem")).isEqualTo(3);
            assertThat(found).allSatisfy(t -> assertThat(t.values().owner()).isEqualTo("Rita Rep"));

            // more matches than fit in one page: copies of one task (after a crash, say) are all found
            List<NewExchangeTask> copies = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                copies.add(new NewExchangeTask("A1:copied", values("Copy " + i)));
            }
            c.create(copies);
            ews.traffic().reset();
            assertThat(c.findByCrmIds(List.of("A1:copied"))).hasSize(12);
            assertThat(requests("FindItem")).as("12 matches in pages of 10").isEqualTo(2);
        }
    }

    @Test
    void aTaskAssignedInOutlookIsFlaggedDelegatedWhicheverCopyItIs() throws Exception {
        try (MailboxConnection c = adapter(100).connect(MAILBOX)) {
            List<WriteOutcome> created = c.create(newTasks(3));
            String cursor = c.changes(null).next();
            ews.outlook(REP).assign(created.get(0).itemId(), 1); // the rep assigned it to somebody else
            ews.outlook(REP).assign(created.get(1).itemId(), 2); // the rep's copy of a task assigned to the rep

            List<ExchangeTask> changed = c.changes(cursor).changed();

            assertThat(changed).extracting(ExchangeTask::itemId)
                    .containsExactlyInAnyOrder(created.get(0).itemId(), created.get(1).itemId());
            assertThat(changed).allSatisfy(t -> assertThat(t.delegated()).isTrue());
            assertThat(c.findByCrmIds(List.of("A1:9-2")).get(0).delegated()).isFalse();
        }
    }

    @Test
    void aTaskDeletedBeforeTheServerEverReportedItIsReportedDeleted() throws Exception {
        EwsExchangeAdapter adapter = adapter(100);
        String cursor;
        try (MailboxConnection c = adapter.connect(MAILBOX)) {
            cursor = c.changes(null).next();
        }
        List<WriteOutcome> created;
        try (MailboxConnection c = adapter.connect(MAILBOX)) {
            created = c.create(newTasks(3));
        }
        // Exchange's sync state never named these tasks: deleting one leaves no trace in SyncFolderItems
        ews.outlook(REP).delete(created.get(0).itemId());

        try (MailboxConnection c = adapter.connect(MAILBOX)) {
            ChangePage page = c.changes(cursor);
            assertThat(page.deletedItemIds()).containsExactly(created.get(0).itemId());
            assertThat(page.changed()).extracting(ExchangeTask::itemId)
                    .containsExactly(created.get(1).itemId(), created.get(2).itemId());
            assertThat(c.changes(page.next()).deletedItemIds()).as("reported once").isEmpty();
        }
    }

    @Test
    void onlyAReadFromTheCursorLastHandedOutClaimsVanishedTasks() throws Exception {
        EwsExchangeAdapter adapter = adapter(100);
        try (MailboxConnection c = adapter.connect(MAILBOX)) {
            String older = c.changes(null).next();
            c.create(newTasks(1));
            c.changes(older);
            List<WriteOutcome> created = c.create(newTasks(2));
            ews.outlook(REP).delete(created.get(1).itemId());

            // a read from the beginning (after a rejected cursor, say) reports what is there and nothing else
            ChangePage fromScratch = c.changes(null);
            assertThat(fromScratch.deletedItemIds()).isEmpty();
            assertThat(fromScratch.changed()).hasSize(2);
        }
    }
}

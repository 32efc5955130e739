package org.tasksync.adapter.ews;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.ChangePage;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.UnreadableItem;
import org.tasksync.testkit.ews.EwsFault;
import org.tasksync.testkit.ews.EwsSimulator;

/**
 * One item Exchange sends that the client cannot read comes back as unreadable, with the item, its
 * CRM id, the field and the value; every other item of the page is read as usual (SPEC §8).
 */
class EwsUnreadableItemsTest {

    private static final String REP = "una.readable@example.com";
    private static final Mailbox MAILBOX = new Mailbox(REP, "Una Readable", ZoneId.of("Europe/Vienna"));

    @RegisterExtension
    final SimulatedExchange.PerTest exchange = SimulatedExchange.perTest(REP);
    private final EwsSimulator ews = exchange.ews();
    private final List<String> itemIds = new ArrayList<>();

    private MailboxConnection connect(int batchSize) {
        try {
            return EwsExchangeAdapter.create(SimulatedExchange.config(ews).batchSize(batchSize).build()).connect(MAILBOX);
        } catch (MailboxException e) {
            throw new AssertionError(e);
        }
    }

    /** Tasks "Task 1" … "Task n" of CRM tasks A1:U-1 … A1:U-n; their item ids in {@link #itemIds}. */
    private void createTasks(MailboxConnection c, int n) throws Exception {
        List<NewExchangeTask> tasks = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            tasks.add(new NewExchangeTask("A1:U-" + i, TaskValues.builder().subject("Task " + i)
                    .status(ExchangeStatus.NOT_STARTED).percentComplete(0).build()));
        }
        c.create(tasks).forEach(o -> itemIds.add(o.itemId()));
    }

    /** Applies {@code edit} to the GetItem answer message of the task with this subject only. */
    private static UnaryOperator<String> inMessageOf(String subject, UnaryOperator<String> edit) {
        Pattern message = Pattern.compile("<m:GetItemResponseMessage\\b.*?</m:GetItemResponseMessage>", Pattern.DOTALL);
        return xml -> {
            Matcher m = message.matcher(xml);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String block = m.group();
                m.appendReplacement(out, Matcher.quoteReplacement(
                        block.contains("<t:Subject>" + subject + "</t:Subject>") ? edit.apply(block) : block));
            }
            m.appendTail(out);
            return out.toString();
        };
    }

    private void injectGetItem(UnaryOperator<String> rewrite) {
        ews.inject(EwsFault.rewriteResponse(rewrite).forMailbox(REP).forOperation("GetItem").always());
    }

    private static List<String> subjects(ChangePage page) {
        return page.changed().stream().map(t -> t.values().subject()).toList();
    }

    @Test
    void aStatusOfBogusMakesOnlyThatItemUnreadableNamingItemCrmIdFieldAndValue() throws Exception {
        try (MailboxConnection c = connect(100)) {
            createTasks(c, 3);
            injectGetItem(inMessageOf("Task 2", b -> b.replace(">NotStarted</t:Status>", ">Bogus</t:Status>")));

            ChangePage page = c.changes(null);

            assertThat(subjects(page)).containsExactlyInAnyOrder("Task 1", "Task 3");
            assertThat(page.changed()).allSatisfy(t -> assertThat(t.values().status()).isEqualTo(ExchangeStatus.NOT_STARTED));
            assertThat(page.unreadable()).singleElement().satisfies(u -> {
                assertThat(u.itemId()).isEqualTo(itemIds.get(1));
                assertThat(u.crmId()).isEqualTo("A1:U-2");
                assertThat(u.field()).isEqualTo("Status");
                assertThat(u.value()).isEqualTo("Bogus");
                assertThat(u.reason()).contains("NotStarted");
            });
            assertThat(page.next()).as("the cursor is still returned").isNotBlank();
            assertThat(page.hasMore()).isFalse();

            // once Exchange answers well, reading from the same cursor gives the item again
            ews.clearFaults();
            ChangePage again = c.changes(null);
            assertThat(subjects(again)).containsExactlyInAnyOrder("Task 1", "Task 2", "Task 3");
            assertThat(again.unreadable()).isEmpty();
        }
    }

    @Test
    void aDelegationStateOfMaxFailsTheWholeAnswerSoTheChunkIsReadOneByOne() throws Exception {
        try (MailboxConnection c = connect(2)) {
            createTasks(c, 5);
            ews.traffic().reset();
            // Task 4 is in the second chunk (Task 3, Task 4) of batches of 2
            injectGetItem(inMessageOf("Task 4",
                    b -> b.replace("<t:Status>", "<t:DelegationState>Max</t:DelegationState><t:Status>")));

            ChangePage page = c.changes(null);

            assertThat(subjects(page)).containsExactlyInAnyOrder("Task 1", "Task 2", "Task 3", "Task 5");
            assertThat(page.unreadable()).singleElement().satisfies(u -> {
                assertThat(u.itemId()).isEqualTo(itemIds.get(3));
                assertThat(u.crmId()).as("learned with a read of the id and CRM id only").isEqualTo("A1:U-4");
                assertThat(u.field()).isEqualTo("DelegationState");
                assertThat(u.value()).isEqualTo("Max");
                assertThat(u.reason()).contains("GetItem").contains("Max");
            });
            assertThat(page.next()).isNotBlank();
            // 3 chunks, the failed one again item by item (2), one read of the bad item's CRM id
            assertThat(ews.traffic().count(REP, "GetItem")).isEqualTo(3 + 2 + 1);
        }
    }

    @Test
    void aPercentCompleteThatIsNoNumberAndACharacterXmlCannotCarryAreNamed() throws Exception {
        try (MailboxConnection c = connect(100)) {
            createTasks(c, 4);
            injectGetItem(inMessageOf("Task 1", b -> b.replaceAll("<t:PercentComplete>[0-9.]*</t:PercentComplete>",
                    "<t:PercentComplete>lots</t:PercentComplete>"))
                    .andThen(inMessageOf("Task 3", b -> b.replace("<t:Subject>Task 3", "<t:Subject>&#x1;Task 3")))::apply);

            ChangePage page = c.changes(null);

            assertThat(subjects(page)).containsExactlyInAnyOrder("Task 2", "Task 4");
            assertThat(page.unreadable()).hasSize(2);
            UnreadableItem percent = byItem(page, itemIds.get(0));
            assertThat(percent.crmId()).isEqualTo("A1:U-1");
            assertThat(percent.field()).isEqualTo("PercentComplete");
            assertThat(percent.value()).isEqualTo("lots");
            UnreadableItem subject = byItem(page, itemIds.get(2));
            assertThat(subject.crmId()).isEqualTo("A1:U-3");
            assertThat(subject.field()).isEqualTo("Subject");
            assertThat(subject.value()).isEqualTo("&#x1;Task 3");
            assertThat(subject.reason()).contains("invalid XML character");
        }
    }

    @Test
    void aPerItemErrorOtherThanItemNotFoundMakesTheItemUnreadable() throws Exception {
        try (MailboxConnection c = connect(100)) {
            createTasks(c, 3);
            injectGetItem(inMessageOf("Task 3", b -> "<m:GetItemResponseMessage ResponseClass=\"Error\">"
                    + "<m:MessageText>The item is corrupt.</m:MessageText><m:ResponseCode>ErrorCorruptData</m:ResponseCode>"
                    + "<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:Items/></m:GetItemResponseMessage>"));

            ChangePage page = c.changes(null);

            assertThat(subjects(page)).containsExactlyInAnyOrder("Task 1", "Task 2");
            assertThat(page.deletedItemIds()).as("not taken for deleted").isEmpty();
            assertThat(page.unreadable()).singleElement().satisfies(u -> {
                assertThat(u.itemId()).isEqualTo(itemIds.get(2));
                assertThat(u.crmId()).isEqualTo("A1:U-3");
                assertThat(u.field()).isNull();
                assertThat(u.reason()).contains("ErrorCorruptData").contains("The item is corrupt.");
            });
        }
    }

    @Test
    void anItemWithoutItsStatusOrItsIdIsUnreadable() throws Exception {
        try (MailboxConnection c = connect(100)) {
            createTasks(c, 3);
            injectGetItem(inMessageOf("Task 1", b -> b.replaceAll("<t:Status>[A-Za-z]*</t:Status>", ""))
                    .andThen(inMessageOf("Task 2", b -> b.replaceAll("<t:ItemId [^>]*/>", "")))::apply);

            ChangePage page = c.changes(null);

            assertThat(subjects(page)).containsExactly("Task 3");
            UnreadableItem noStatus = byItem(page, itemIds.get(0));
            assertThat(noStatus.crmId()).isEqualTo("A1:U-1");
            assertThat(noStatus.field()).isEqualTo("Status");
            assertThat(noStatus.value()).isNull();
            UnreadableItem noId = byItem(page, itemIds.get(1));
            assertThat(noId.crmId()).isEqualTo("A1:U-2");
            assertThat(noId.field()).isEqualTo("ItemId");
        }
    }

    @Test
    void anAnswerThatIsAlwaysCutOffLeavesEveryItemUnreadableAndNonePassedOver() throws Exception {
        try (MailboxConnection c = connect(100)) {
            createTasks(c, 2);
            injectGetItem(xml -> xml.substring(0, xml.length() - 60));

            ChangePage page = c.changes(null);

            assertThat(page.changed()).isEmpty();
            assertThat(page.unreadable()).extracting(UnreadableItem::itemId).containsExactlyInAnyOrderElementsOf(itemIds);
            assertThat(page.unreadable()).allSatisfy(u -> {
                assertThat(u.crmId()).as("even the read of the CRM id was cut off").isNull();
                assertThat(u.reason()).contains("GetItem").contains("ParseError");
            });
        }
    }

    @Test
    void aChangeListThatCannotBeReadStillFailsTheMailbox() throws Exception {
        try (MailboxConnection c = connect(100)) {
            createTasks(c, 2);
            ews.inject(EwsFault.rewriteResponse(xml -> xml.replaceAll("<m:SyncState>[^<]*</m:SyncState>", ""))
                    .forMailbox(REP).forOperation("SyncFolderItems").always());

            assertThatThrownBy(() -> c.changes(null)).isInstanceOfSatisfying(MailboxException.class, e -> {
                assertThat(e.kind()).isEqualTo(MailboxException.Kind.PROTOCOL);
                assertThat(e.getMessage()).contains(REP).contains("SyncFolderItems");
            });
        }
    }

    @Test
    void findByCrmIdsFailsTheMailboxWhenAFoundItemCannotBeRead() throws Exception {
        try (MailboxConnection c = connect(100)) {
            createTasks(c, 3);
            injectGetItem(inMessageOf("Task 2", b -> b.replace(">NotStarted</t:Status>", ">Bogus</t:Status>")));

            // returning the others only would make the engine create the task of A1:U-2 again
            assertThatThrownBy(() -> c.findByCrmIds(List.of("A1:U-1", "A1:U-2")))
                    .isInstanceOfSatisfying(MailboxException.class, e -> assertThat(e.getMessage()).contains(REP)
                            .contains("cannot read item " + itemIds.get(1)).contains("CRM task A1:U-2")
                            .contains("field Status = 'Bogus'"));

            ews.clearFaults();
            injectGetItem(inMessageOf("Task 1",
                    b -> b.replace("<t:Status>", "<t:DelegationState>Max</t:DelegationState><t:Status>")));
            assertThatThrownBy(() -> c.findByCrmIds(List.of("A1:U-1", "A1:U-3")))
                    .isInstanceOfSatisfying(MailboxException.class, e -> assertThat(e.getMessage()).contains("GetItem")
                            .contains("Max"));
        }
    }

    @Test
    void itemsThatReadWellCostNoExtraRequest() throws Exception {
        try (MailboxConnection c = connect(2)) {
            createTasks(c, 5);
            ews.traffic().reset();
            ChangePage page = c.changes(null);
            assertThat(page.changed()).hasSize(5);
            assertThat(page.unreadable()).isEmpty();
            assertThat(ews.traffic().count(REP, "GetItem")).isEqualTo(3);
            ExchangeTask first = c.findByCrmIds(List.of("A1:U-1")).get(0);
            assertThat(first.itemId()).isEqualTo(itemIds.get(0));
        }
    }

    private static UnreadableItem byItem(ChangePage page, String itemId) {
        return page.unreadable().stream().filter(u -> u.itemId().equals(itemId)).findFirst()
                .orElseThrow(() -> new AssertionError("no unreadable item " + itemId + " in " + page.unreadable()));
    }
}

package org.tasksync.testkit.ews;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tasksync.testkit.ews.EwsTaskProperties.CREATOR_NAME;
import static org.tasksync.testkit.ews.EwsTaskProperties.CRM_ID;
import static org.tasksync.testkit.ews.EwsTaskProperties.TASK_OWNER;
import static org.tasksync.testkit.ews.EwsTaskProperties.TASK_OWNERSHIP;
import static org.tasksync.testkit.ews.EwsTaskProperties.extended;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import microsoft.exchange.webservices.data.core.ExchangeService;
import microsoft.exchange.webservices.data.core.PropertySet;
import microsoft.exchange.webservices.data.core.enumeration.misc.error.ServiceError;
import microsoft.exchange.webservices.data.core.enumeration.property.BodyType;
import microsoft.exchange.webservices.data.core.enumeration.property.Importance;
import microsoft.exchange.webservices.data.core.enumeration.property.TaskDelegationState;
import microsoft.exchange.webservices.data.core.enumeration.property.WellKnownFolderName;
import microsoft.exchange.webservices.data.core.enumeration.search.LogicalOperator;
import microsoft.exchange.webservices.data.core.enumeration.search.OffsetBasePoint;
import microsoft.exchange.webservices.data.core.enumeration.service.ConflictResolutionMode;
import microsoft.exchange.webservices.data.core.enumeration.service.DeleteMode;
import microsoft.exchange.webservices.data.core.enumeration.service.MessageDisposition;
import microsoft.exchange.webservices.data.core.enumeration.service.SendInvitationsMode;
import microsoft.exchange.webservices.data.core.enumeration.service.ServiceResult;
import microsoft.exchange.webservices.data.core.enumeration.service.SyncFolderItemsScope;
import microsoft.exchange.webservices.data.core.enumeration.service.TaskStatus;
import microsoft.exchange.webservices.data.core.enumeration.service.calendar.AffectedTaskOccurrence;
import microsoft.exchange.webservices.data.core.enumeration.sync.ChangeType;
import microsoft.exchange.webservices.data.core.exception.service.remote.ServiceResponseException;
import microsoft.exchange.webservices.data.core.response.GetItemResponse;
import microsoft.exchange.webservices.data.core.response.ServiceResponse;
import microsoft.exchange.webservices.data.core.response.ServiceResponseCollection;
import microsoft.exchange.webservices.data.core.service.folder.Folder;
import microsoft.exchange.webservices.data.core.service.item.Item;
import microsoft.exchange.webservices.data.core.service.item.Task;
import microsoft.exchange.webservices.data.core.service.schema.ItemSchema;
import microsoft.exchange.webservices.data.core.service.schema.TaskSchema;
import microsoft.exchange.webservices.data.property.complex.FolderId;
import microsoft.exchange.webservices.data.property.complex.ItemId;
import microsoft.exchange.webservices.data.property.complex.Mailbox;
import microsoft.exchange.webservices.data.property.complex.MessageBody;
import microsoft.exchange.webservices.data.search.FindItemsResults;
import microsoft.exchange.webservices.data.search.ItemView;
import microsoft.exchange.webservices.data.search.filter.SearchFilter;
import microsoft.exchange.webservices.data.sync.ChangeCollection;
import microsoft.exchange.webservices.data.sync.ItemChange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator driven by the real ews-java-api client: tasks in, out, changed, found and synchronized. */
class EwsSimulatorTaskTest {

    private static final String REP = "rita.rep@example.com";
    // Task dates are calendar dates: without a TimeZoneContext header, 00:00 UTC of the date.
    private static final Instant START = Instant.parse("2025-03-03T00:00:00Z");
    private static final Instant DUE = Instant.parse("2025-03-10T00:00:00Z");
    private static final LocalDate DUE_DATE = LocalDate.of(2025, 3, 10);

    private EwsSimulator ews;
    private ExchangeService service;

    @BeforeEach
    void start() throws Exception {
        ews = EwsSimulator.builder().basicAuth(EwsClient.USER, EwsClient.PASSWORD).start();
        service = EwsClient.impersonating(ews, REP);
    }

    @AfterEach
    void stop() {
        service.close();
        ews.close();
        ews.assertNoResponseErrors();
        assertThat(ews.requestValidationErrors()).as("requests ews-java-api sent").isEmpty();
    }

    private FolderId tasks() throws Exception {
        return new FolderId(WellKnownFolderName.Tasks, new Mailbox(REP));
    }

    private Task newTask(int i) throws Exception {
        Task t = new Task(service);
        t.setSubject("Call customer " + i);
        t.setBody(new MessageBody(BodyType.Text, "Line 1\nLine 2 <&> ä"));
        t.setStartDate(Date.from(START));
        t.setDueDate(Date.from(DUE));
        t.setStatus(TaskStatus.InProgress);
        t.setPercentComplete(25.0);
        t.setImportance(Importance.High);
        t.setReminderDueBy(Date.from(DUE.minusSeconds(3600)));
        t.setIsReminderSet(true);
        t.setExtendedProperty(CRM_ID, "A1:1000-" + i);
        t.setExtendedProperty(TASK_OWNER, "Rita Rep");
        t.setExtendedProperty(CREATOR_NAME, "Carl Creator");
        return t;
    }

    private List<ItemId> createTasks(int from, int count) throws Exception {
        List<Item> items = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            items.add(newTask(i));
        }
        ServiceResponseCollection<ServiceResponse> responses = service.createItems(items, tasks(),
                MessageDisposition.SaveOnly, SendInvitationsMode.SendToNone);
        for (ServiceResponse r : responses) {
            assertThat(r.getResult()).isEqualTo(ServiceResult.Success);
        }
        List<ItemId> ids = new ArrayList<>();
        for (Item i : items) {
            ids.add(i.getId());
        }
        return ids;
    }

    @Test
    void createsABatchAndGivesEveryFieldBack() throws Exception {
        List<ItemId> ids = createTasks(0, 25);

        assertThat(ews.traffic().count(REP, "CreateItem")).isEqualTo(1);
        assertThat(ids).extracting(ItemId::getUniqueId).doesNotHaveDuplicates();
        ServiceResponseCollection<GetItemResponse> got = service.bindToItems(ids, EwsTaskProperties.full());
        assertThat(got.getCount()).isEqualTo(25);
        for (int i = 0; i < 25; i++) {
            Task t = (Task) got.getResponseAtIndex(i).getItem();
            assertThat(t.getSubject()).isEqualTo("Call customer " + i);
            assertThat(t.getBody().getBodyType()).isEqualTo(BodyType.Text);
            assertThat(MessageBody.getStringFromMessageBody(t.getBody())).isEqualTo("Line 1\nLine 2 <&> ä");
            assertThat(t.getStartDate().toInstant()).isEqualTo(START);
            assertThat(t.getDueDate().toInstant()).isEqualTo(DUE);
            assertThat(t.getStatus()).isEqualTo(TaskStatus.InProgress);
            assertThat(t.getPercentComplete()).isEqualTo(25.0);
            assertThat(t.getImportance()).isEqualTo(Importance.High);
            assertThat(t.getIsReminderSet()).isTrue();
            assertThat(t.getReminderDueBy().toInstant()).isEqualTo(DUE.minusSeconds(3600));
            assertThat(t.getIsComplete()).isFalse();
            assertThat(t.getOwner()).isEqualTo("Rita Rep");
            assertThat(t.getDateTimeCreated()).isNotNull();
            assertThat(extended(t, CRM_ID)).isEqualTo("A1:1000-" + i);
            assertThat(extended(t, TASK_OWNER)).isEqualTo("Rita Rep");
            assertThat(extended(t, CREATOR_NAME)).isEqualTo("Carl Creator");
            assertThat(extended(t, TASK_OWNERSHIP)).isNull();
        }
        // The rep sees the same tasks in Outlook, named property and tag included.
        List<OutlookTask> inOutlook = ews.outlook(REP).tasks();
        assertThat(inOutlook).hasSize(25);
        ExtendedPropertyKey crmId = ExtendedPropertyKey.named(EwsTaskProperties.TASKSYNC_SET, "CrmTaskId");
        assertThat(inOutlook.get(3).extended(crmId)).contains("A1:1000-3");
        assertThat(ews.outlook(REP).tasksWith(crmId, "A1:1000-3")).singleElement().satisfies(t -> {
            assertThat(t.itemId()).isEqualTo(ids.get(3).getUniqueId());
            assertThat(t.creatorName()).contains("Carl Creator");
            assertThat(t.owner()).contains("Rita Rep");
            assertThat(t.bodyType()).isEqualTo("Text");
            assertThat(t.ownership()).isZero();
        });
    }

    @Test
    void updatesSetDeleteAndAppendFieldsAndChangeTheChangeKey() throws Exception {
        ItemId id = createTasks(0, 1).get(0);
        Task t = Task.bind(service, id, EwsTaskProperties.full());
        String before = t.getId().getChangeKey();

        t.setSubject("Call customer back");
        t.setStatus(TaskStatus.Completed);
        t.setStartDate(null);
        t.setExtendedProperty(CRM_ID, "A1:2000-1");
        t.removeExtendedProperty(CREATOR_NAME);
        t.update(ConflictResolutionMode.AutoResolve);

        Task back = Task.bind(service, id, EwsTaskProperties.full());
        assertThat(back.getId().getChangeKey()).isNotEqualTo(before).isEqualTo(t.getId().getChangeKey());
        assertThat(back.getSubject()).isEqualTo("Call customer back");
        assertThat(back.getStatus()).isEqualTo(TaskStatus.Completed);
        assertThat(back.getIsComplete()).isTrue();
        assertThat(back.getPercentComplete()).as("Exchange completes the percentage").isEqualTo(100.0);
        assertThat(back.getCompleteDate()).isNotNull();
        assertThat(back.getStartDate()).isNull();
        assertThat(extended(back, CRM_ID)).isEqualTo("A1:2000-1");
        assertThat(extended(back, CREATOR_NAME)).isNull();

        OutlookTask seen = ews.outlook(REP).task(id.getUniqueId()).orElseThrow();
        assertThat(seen.subject()).isEqualTo("Call customer back");
        assertThat(seen.changeKey()).isEqualTo(back.getId().getChangeKey());
        assertThat(seen.creatorName()).isEmpty();
    }

    @Test
    void updatesManyItemsInOneRequest() throws Exception {
        List<ItemId> ids = createTasks(0, 5);
        List<Item> changed = new ArrayList<>();
        for (ItemId id : ids) {
            Task t = Task.bind(service, id, EwsTaskProperties.of(ItemSchema.Subject));
            t.setSubject(t.getSubject() + " (moved)");
            t.setDueDate(Date.from(DUE.plusSeconds(86_400)));
            changed.add(t);
        }
        int before = ews.traffic().count(REP, "UpdateItem");
        service.updateItems(changed, null, ConflictResolutionMode.AlwaysOverwrite, MessageDisposition.SaveOnly, null);

        assertThat(ews.traffic().count(REP, "UpdateItem")).isEqualTo(before + 1);
        assertThat(ews.outlook(REP).tasks()).allSatisfy(t -> {
            assertThat(t.subject()).endsWith(" (moved)");
            assertThat(t.dueDate()).isEqualTo(DUE_DATE.plusDays(1));
        });
    }

    @Test
    void honoursConflictResolutionWithTheChangeKey() throws Exception {
        ItemId id = createTasks(0, 1).get(0);
        // Four copies read before the rep edits the task: all carry the same, soon stale, change key.
        Task never = Task.bind(service, id, EwsTaskProperties.full());
        Task autoSameField = Task.bind(service, id, EwsTaskProperties.full());
        Task autoOtherField = Task.bind(service, id, EwsTaskProperties.full());
        Task always = Task.bind(service, id, EwsTaskProperties.full());
        ews.outlook(REP).edit(id.getUniqueId(), e -> e.subject("Edited in Outlook"));

        never.setSubject("from the CRM");
        assertThatThrownBy(() -> never.update(ConflictResolutionMode.NeverOverwrite))
                .isInstanceOfSatisfying(ServiceResponseException.class,
                        e -> assertThat(e.getErrorCode()).isEqualTo(ServiceError.ErrorIrresolvableConflict));
        autoSameField.setSubject("from the CRM");
        assertThatThrownBy(() -> autoSameField.update(ConflictResolutionMode.AutoResolve))
                .as("the rep changed the very field")
                .isInstanceOfSatisfying(ServiceResponseException.class,
                        e -> assertThat(e.getErrorCode()).isEqualTo(ServiceError.ErrorIrresolvableConflict));
        assertThat(ews.outlook(REP).task(id.getUniqueId()).orElseThrow().subject()).isEqualTo("Edited in Outlook");

        autoOtherField.setDueDate(Date.from(DUE.plusSeconds(86_400)));
        autoOtherField.update(ConflictResolutionMode.AutoResolve);
        always.setSubject("from the CRM");
        always.update(ConflictResolutionMode.AlwaysOverwrite);

        OutlookTask now = ews.outlook(REP).task(id.getUniqueId()).orElseThrow();
        assertThat(now.subject()).isEqualTo("from the CRM");
        assertThat(now.dueDate()).isEqualTo(DUE_DATE.plusDays(1));
        assertThat(now.changeKey()).isEqualTo(always.getId().getChangeKey());
    }

    @Test
    void autoResolveSeesWhatOutlookDerivedFromAStatusChange() throws Exception {
        ItemId id = createTasks(0, 1).get(0);
        Task stale = Task.bind(service, id, EwsTaskProperties.full());
        ews.outlook(REP).setStatus(id.getUniqueId(), "Completed");

        stale.setPercentComplete(50.0);
        assertThatThrownBy(() -> stale.update(ConflictResolutionMode.AutoResolve))
                .as("completing also wrote the percentage")
                .isInstanceOfSatisfying(ServiceResponseException.class,
                        e -> assertThat(e.getErrorCode()).isEqualTo(ServiceError.ErrorIrresolvableConflict));
        assertThat(ews.outlook(REP).task(id.getUniqueId()).orElseThrow().status()).isEqualTo("Completed");
    }

    @Test
    void deletesItemsAndReportsUnknownIdsPerItem() throws Exception {
        List<ItemId> ids = createTasks(0, 3);
        List<ItemId> toDelete = new ArrayList<>(ids.subList(0, 2));
        toDelete.add(new ItemId("AAMkADnot-an-item-of-this-mailbox=="));

        ServiceResponseCollection<ServiceResponse> responses = service.deleteItems(toDelete, DeleteMode.MoveToDeletedItems,
                null, AffectedTaskOccurrence.AllOccurrences);

        assertThat(responses.getResponseAtIndex(0).getResult()).isEqualTo(ServiceResult.Success);
        assertThat(responses.getResponseAtIndex(1).getResult()).isEqualTo(ServiceResult.Success);
        assertThat(responses.getResponseAtIndex(2).getErrorCode()).isEqualTo(ServiceError.ErrorItemNotFound);
        assertThat(ews.outlook(REP).tasks()).extracting(OutlookTask::itemId).containsExactly(ids.get(2).getUniqueId());
        assertThatThrownBy(() -> Task.bind(service, ids.get(0), EwsTaskProperties.full()))
                .isInstanceOfSatisfying(ServiceResponseException.class,
                        e -> assertThat(e.getErrorCode()).isEqualTo(ServiceError.ErrorItemNotFound));
    }

    @Test
    void findsByExtendedPropertyAndPagesThroughTheResults() throws Exception {
        createTasks(0, 25);

        ItemView one = new ItemView(10);
        one.setPropertySet(EwsTaskProperties.withoutBody());
        FindItemsResults<Item> found = service.findItems(tasks(), new SearchFilter.IsEqualTo(CRM_ID, "A1:1000-7"), one);
        assertThat(found.getTotalCount()).isEqualTo(1);
        assertThat(found.isMoreAvailable()).isFalse();
        assertThat(((Task) found.getItems().get(0)).getSubject()).isEqualTo("Call customer 7");
        assertThat(extended(found.getItems().get(0), CRM_ID)).isEqualTo("A1:1000-7");

        SearchFilter anyOf = new SearchFilter.SearchFilterCollection(LogicalOperator.Or,
                new SearchFilter.IsEqualTo(CRM_ID, "A1:1000-2"),
                new SearchFilter.IsEqualTo(CRM_ID, "A1:1000-11"),
                new SearchFilter.IsEqualTo(CRM_ID, "A1:9999-1"));
        ItemView view = new ItemView(10);
        view.setPropertySet(EwsTaskProperties.of(CRM_ID));
        Set<Object> crmIds = new HashSet<>();
        for (Item i : service.findItems(tasks(), anyOf, view)) {
            crmIds.add(extended(i, CRM_ID));
        }
        assertThat(crmIds).containsExactlyInAnyOrder("A1:1000-2", "A1:1000-11");

        Set<String> all = new HashSet<>();
        int offset = 0;
        int pages = 0;
        FindItemsResults<Item> page;
        do {
            ItemView paged = new ItemView(10, offset, OffsetBasePoint.Beginning);
            paged.setPropertySet(PropertySet.getIdOnly());
            page = service.findItems(tasks(), paged);
            assertThat(page.getTotalCount()).isEqualTo(25);
            page.forEach(i -> {
                try {
                    all.add(i.getId().getUniqueId());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            pages++;
            if (page.isMoreAvailable()) {
                offset = page.getNextPageOffset();
            }
        } while (page.isMoreAvailable());
        assertThat(pages).isEqualTo(3);
        assertThat(all).hasSize(25);
    }

    @Test
    void findsAreRestrictedToTaskFieldsToo() throws Exception {
        createTasks(0, 4);
        String done = ews.outlook(REP).tasks().get(1).itemId();
        ews.outlook(REP).setStatus(done, "Completed");

        ItemView view = new ItemView(50);
        view.setPropertySet(EwsTaskProperties.of(TaskSchema.Status, TaskSchema.PercentComplete));
        FindItemsResults<Item> completed = service.findItems(tasks(),
                new SearchFilter.IsEqualTo(TaskSchema.Status, TaskStatus.Completed), view);
        assertThat(completed.getItems()).extracting(i -> {
            try {
                return i.getId().getUniqueId();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).containsExactly(done);
        assertThat(((Task) completed.getItems().get(0)).getPercentComplete()).isEqualTo(100.0);
    }

    @Test
    void synchronizesMoreThanAThousandItemsInPagesOf512ThenOnlyTheChanges() throws Exception {
        for (int batch = 0; batch < 11; batch++) {
            createTasks(batch * 100, 100);
        }
        Set<String> created = new HashSet<>();
        String state = null;
        int pages = 0;
        ChangeCollection<ItemChange> changes;
        do {
            changes = service.syncFolderItems(tasks(), PropertySet.getIdOnly(), null, 512,
                    SyncFolderItemsScope.NormalItems, state);
            assertThat(changes.getCount()).isLessThanOrEqualTo(512);
            for (ItemChange c : changes) {
                assertThat(c.getChangeType()).isEqualTo(ChangeType.Create);
                created.add(c.getItemId().getUniqueId());
            }
            state = changes.getSyncState();
            pages++;
        } while (changes.getMoreChangesAvailable());
        assertThat(pages).isEqualTo(3);
        assertThat(created).hasSize(1100);

        OutlookRep rep = ews.outlook(REP);
        List<OutlookTask> all = rep.tasks();
        String editedByRep = all.get(10).itemId();
        String deletedByRep = all.get(20).itemId();
        String updatedByClient = all.get(30).itemId();
        rep.setStatus(editedByRep, "Completed");
        rep.delete(deletedByRep);
        String createdByRep = rep.create(e -> e.subject("Written down in Outlook")).itemId();
        Task t = Task.bind(service, new ItemId(updatedByClient), EwsTaskProperties.of(ItemSchema.Subject));
        t.setSubject("changed by the CRM");
        t.update(ConflictResolutionMode.AlwaysOverwrite);

        PropertySet shape = EwsTaskProperties.withoutBody();
        changes = service.syncFolderItems(tasks(), shape, null, 512, SyncFolderItemsScope.NormalItems, state);
        assertThat(changes.getMoreChangesAvailable()).isFalse();
        List<String> seen = new ArrayList<>();
        for (ItemChange c : changes) {
            seen.add(c.getChangeType() + " " + c.getItemId().getUniqueId());
        }
        assertThat(seen).containsExactly("Update " + editedByRep, "Delete " + deletedByRep,
                "Create " + createdByRep, "Update " + updatedByClient);
        Task completed = (Task) changes.getChangeAtIndex(0).getItem();
        assertThat(completed.getStatus()).isEqualTo(TaskStatus.Completed);
        assertThat(completed.getPercentComplete()).isEqualTo(100.0);
        assertThat(extended(completed, CRM_ID)).isEqualTo("A1:1000-10");

        ChangeCollection<ItemChange> none = service.syncFolderItems(tasks(), PropertySet.getIdOnly(), null, 512,
                SyncFolderItemsScope.NormalItems, changes.getSyncState());
        assertThat(none.getCount()).isZero();
        assertThat(none.getMoreChangesAvailable()).isFalse();
    }

    @Test
    void rejectsASyncStateItDidNotIssue() throws Exception {
        createTasks(0, 2);
        assertThatThrownBy(() -> service.syncFolderItems(tasks(), PropertySet.getIdOnly(), null, 100,
                SyncFolderItemsScope.NormalItems, "bm90IGEgc3luYyBzdGF0ZQ=="))
                .isInstanceOfSatisfying(ServiceResponseException.class,
                        e -> assertThat(e.getErrorCode()).isEqualTo(ServiceError.ErrorInvalidSyncStateData));

        String stateOfAnotherMailbox;
        try (ExchangeService other = EwsClient.impersonating(ews, "other@example.com")) {
            stateOfAnotherMailbox = other.syncFolderItems(new FolderId(WellKnownFolderName.Tasks), PropertySet.getIdOnly(),
                    null, 100, SyncFolderItemsScope.NormalItems, null).getSyncState();
        }
        assertThatThrownBy(() -> service.syncFolderItems(tasks(), PropertySet.getIdOnly(), null, 100,
                SyncFolderItemsScope.NormalItems, stateOfAnotherMailbox))
                .isInstanceOfSatisfying(ServiceResponseException.class,
                        e -> assertThat(e.getErrorCode()).isEqualTo(ServiceError.ErrorInvalidSyncStateData));
    }

    @Test
    void theRepWorksInOutlookAndTheClientSeesIt() throws Exception {
        OutlookRep rep = ews.outlook(REP);
        OutlookTask byHand = rep.create(e -> e.subject("Buy flowers").dueDate(DUE_DATE).htmlBody("<p>red <b>roses</b></p>"));
        OutlookTask done = rep.setStatus(byHand.itemId(), "Completed");
        assertThat(done.percentComplete()).isEqualTo(100.0);
        assertThat(done.completeDate()).isNotNull();
        assertThat(done.changeKey()).isNotEqualTo(byHand.changeKey());

        PropertySet explicit = EwsTaskProperties.full();
        explicit.add(TaskSchema.DelegationState);
        Task seen = Task.bind(service, new ItemId(byHand.itemId()), explicit);
        assertThat(seen.getStatus()).isEqualTo(TaskStatus.Completed);
        assertThat(seen.getBody().getBodyType()).isEqualTo(BodyType.HTML);
        assertThat(seen.getDelegationState()).isEqualTo(TaskDelegationState.NoDelegation);

        PropertySet asText = EwsTaskProperties.of(ItemSchema.Body);
        asText.setRequestedBodyType(BodyType.Text);
        Task text = Task.bind(service, new ItemId(byHand.itemId()), asText);
        assertThat(text.getBody().getBodyType()).isEqualTo(BodyType.Text);
        assertThat(MessageBody.getStringFromMessageBody(text.getBody())).isEqualTo("red roses");

        OutlookTask reopened = rep.setStatus(byHand.itemId(), "InProgress");
        assertThat(reopened.completeDate()).isNull();
        assertThat(reopened.percentComplete()).isEqualTo(0.0);

        rep.assign(byHand.itemId(), 2);
        Task assigned = Task.bind(service, new ItemId(byHand.itemId()), explicit);
        assertThat(extended(assigned, TASK_OWNERSHIP)).isEqualTo(2);
        assertThat(assigned.getDelegationState()).isNotEqualTo(TaskDelegationState.NoDelegation);
    }

    @Test
    void aTaskWithoutABodyReadsBackAnEmptyTextBody() throws Exception {
        Task t = new Task(service);
        t.setSubject("No notes");
        t.save(tasks());

        Task back = Task.bind(service, t.getId(), EwsTaskProperties.full());
        assertThat(back.getBody().getBodyType()).isEqualTo(BodyType.Text);
        assertThat(MessageBody.getStringFromMessageBody(back.getBody())).isNullOrEmpty();
        assertThat(back.getStartDate()).isNull();
        assertThat(back.getStatus()).isEqualTo(TaskStatus.NotStarted);
        assertThat(back.getImportance()).isEqualTo(Importance.Normal);
    }

    @Test
    void bindsTheTasksFolder() throws Exception {
        createTasks(0, 3);
        Folder folder = Folder.bind(service, tasks());
        assertThat(folder.getDisplayName()).isEqualTo("Tasks");
        assertThat(folder.getTotalCount()).isEqualTo(3);

        ItemView view = new ItemView(10);
        view.setPropertySet(PropertySet.getIdOnly());
        assertThat(service.findItems(folder.getId(), view).getTotalCount()).isEqualTo(3);
    }
}

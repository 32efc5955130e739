package org.tasksync.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tasksync.core.SkipReason;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.mapping.FieldMapping;
import org.tasksync.core.mapping.FieldTable;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.Rep;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.Link;

/** SPEC §6.3 to §6.5: what goes from the CRM to Outlook, and what happens to deletions on either side. */
class CrmToExchangeTest {

    private static final String ANNA = "anna@example.com";
    private static final String BEN = "ben@example.com";

    private final Fixture f = new Fixture();

    CrmToExchangeTest() {
        f.rep("anna", ANNA);
        f.rep("ben", BEN);
    }

    private ObservedExchange observe() {
        ObservedExchange observed = new ObservedExchange(f.exchange);
        f.engine = SyncEngine.builder().crm(f.crm).exchange(observed).stateStore(f.store).settings(f.settings)
                .clock(f.clock).build();
        return observed;
    }

    // ------------------------------------------------------------------ creating and updating

    @Test
    void newCrmTaskIsCreatedInTheRepsMailboxTaggedWithItsCrmId() {
        f.task("A1:7-1", "anna", b -> b.createdByRepId("ben").subject("Send the offer").comments("Prices as agreed")
                .startDate(Fixture.TODAY).dueDate(Fixture.TODAY.plusDays(4)).status("In Progress").priority("High")
                .percentComplete(30).reminder(15, "minutes"));

        SyncReport report = f.cycle();

        assertThat(f.outlook(ANNA)).singleElement().satisfies(t -> {
            assertThat(t.crmId()).isEqualTo("A1:7-1");
            TaskValues v = t.values();
            assertThat(v.subject()).isEqualTo("Send the offer");
            assertThat(v.body()).isEqualTo("Prices as agreed");
            assertThat(v.startDate()).isEqualTo(Fixture.TODAY);
            assertThat(v.dueDate()).isEqualTo(Fixture.TODAY.plusDays(4));
            assertThat(v.status()).isEqualTo(ExchangeStatus.IN_PROGRESS);
            assertThat(v.importance()).isEqualTo(Importance.HIGH);
            assertThat(v.percentComplete()).isEqualTo(30);
            assertThat(v.reminderSet()).isTrue();
            assertThat(v.owner()).isEqualTo("Rep ANNA");
            assertThat(v.createdBy()).isEqualTo("Rep BEN");
        });
        assertThat(f.outlook(BEN)).as("only the task's rep receives it").isEmpty();
        assertThat(report.created()).isEqualTo(1);
        assertThat(report.mailbox(ANNA).orElseThrow().created()).isEqualTo(1);
    }

    @Test
    void crmEditIsWrittenToTheExistingOutlookTask() {
        f.task("A1:7-1", "anna");
        f.cycle();
        String itemId = f.outlookTask(ANNA, "A1:7-1").itemId();

        f.editTask("A1:7-1", b -> b.subject("New subject").dueDate(Fixture.TODAY.plusDays(7)).comments("Notes"));
        SyncReport report = f.cycle();

        assertThat(f.outlook(ANNA)).singleElement().satisfies(t -> {
            assertThat(t.itemId()).isEqualTo(itemId);
            assertThat(t.values().subject()).isEqualTo("New subject");
            assertThat(t.values().dueDate()).isEqualTo(Fixture.TODAY.plusDays(7));
            assertThat(t.values().body()).isEqualTo("Notes");
        });
        assertThat(report.updated()).isEqualTo(1);
        assertThat(report.created()).isZero();
    }

    @Test
    void onlyChangedFieldsAreWritten() {
        f.task("A1:7-1", "anna", b -> b.reminder(1, "hours"));
        f.cycle();
        ObservedExchange observed = observe();

        f.editTask("A1:7-1", b -> b.subject("Only the subject changed"));
        f.cycle();
        assertThat(observed.updatesOf("A1:7-1")).singleElement()
                .satisfies(u -> assertThat(u.fields()).containsExactly(ExchangeField.SUBJECT));

        observed.clear();
        f.editTask("A1:7-1", b -> b.dueDate(Fixture.TODAY.plusDays(8)));
        f.cycle();
        assertThat(observed.updatesOf("A1:7-1")).singleElement()
                .satisfies(u -> assertThat(u.fields()).containsExactlyInAnyOrder(ExchangeField.DUE_DATE,
                        ExchangeField.REMINDER));

        observed.clear();
        f.editTask("A1:7-1", b -> b.status("Completed"));
        SyncReport report = f.cycle();
        assertThat(observed.updatesOf("A1:7-1")).singleElement()
                .satisfies(u -> assertThat(u.fields()).containsExactlyInAnyOrder(ExchangeField.STATUS,
                        ExchangeField.PERCENT_COMPLETE, ExchangeField.COMPLETE_DATE));
        assertThat(report.plannedWrites()).singleElement().satisfies(w -> assertThat(w.fields())
                .isEqualTo(Set.of(ExchangeField.STATUS, ExchangeField.PERCENT_COMPLETE, ExchangeField.COMPLETE_DATE)));
    }

    @Test
    void unchangedTaskSendsNothing() {
        for (int i = 1; i <= 30; i++) {
            f.task("A1:7-" + i, i % 2 == 0 ? "anna" : "ben");
        }
        f.cycle();
        f.cycle();
        ObservedExchange observed = observe();
        long annaBefore = f.exchange.requests(ANNA);
        long benBefore = f.exchange.requests(BEN);

        SyncReport idle = f.cycle();

        assertThat(idle.created() + idle.updated() + idle.deleted() + idle.statusesWrittenBack()).isZero();
        assertThat(observed.updates).isEmpty();
        assertThat(observed.createBatchSizes).isEmpty();
        assertThat(f.exchange.requests(ANNA) - annaBefore).isEqualTo(1);
        assertThat(f.exchange.requests(BEN) - benBefore).isEqualTo(1);
        assertThat(idle.mailbox(ANNA).orElseThrow().requests()).isEqualTo(1);
    }

    @Test
    void idleCycleCostsOneRequestPerMailboxAndAConstantNumberOfCrmQueries() {
        int smallQueries = idleCrmQueries(3);
        int largeQueries = idleCrmQueries(600);

        assertThat(largeQueries).isEqualTo(smallQueries);
        assertThat(smallQueries).isLessThanOrEqualTo(3);
    }

    /** CRM queries of an idle cycle with {@code n} synced tasks, after checking that it sent one request per mailbox. */
    private static int idleCrmQueries(int n) {
        Fixture g = new Fixture(SyncSettings.builder().pastDays(30).futureDays(60).crmPageSize(100).build());
        g.rep("anna", ANNA);
        g.rep("ben", BEN);
        for (int i = 0; i < n; i++) {
            g.task(String.format("A1:8-%04d", i), i % 2 == 0 ? "anna" : "ben");
        }
        g.cycle();
        g.cycle();
        long exchangeBefore = g.exchange.totalRequests();
        int crmBefore = g.crm.queries();

        SyncReport idle = g.cycle();

        assertThat(idle.created() + idle.updated()).isZero();
        assertThat(g.exchange.totalRequests() - exchangeBefore).isEqualTo(2);
        return g.crm.queries() - crmBefore;
    }

    @Test
    void mailboxAddressIsMatchedIgnoringCaseAndBlanks() {
        f.task("A1:7-1", "anna");
        f.cycle();

        f.crm.putRep(new Rep("anna", "Rep ANNA", " Anna@Example.COM ", java.time.ZoneId.of("Europe/Vienna"), true));
        f.editTask("A1:7-1", b -> b.subject("same mailbox"));
        SyncReport report = f.cycle();

        assertThat(f.outlook(ANNA)).singleElement()
                .satisfies(t -> assertThat(t.values().subject()).isEqualTo("same mailbox"));
        assertThat(report.created()).isZero();
        assertThat(report.mailboxes()).extracting(m -> m.mailbox()).containsExactly(ANNA, BEN);
    }

    @Test
    void switchedOffFieldIsNeitherWrittenNorOverwritten() {
        f.settings(b -> b.fields(FieldTable.defaults().without(FieldTable.COMMENTS)));
        f.task("A1:7-1", "anna", b -> b.comments("CRM text"));
        f.cycle();
        assertThat(f.outlookTask(ANNA, "A1:7-1").values().body()).isNull();

        f.later(Duration.ofMinutes(1));
        f.exchange.userEdit(ANNA, f.outlookTask(ANNA, "A1:7-1").itemId(), v -> v.toBuilder().body("rep's notes").build());
        f.editTask("A1:7-1", b -> b.comments("CRM text, revised").subject("revised"));
        f.cycle();

        assertThat(f.outlookTask(ANNA, "A1:7-1").values().subject()).isEqualTo("revised");
        assertThat(f.outlookTask(ANNA, "A1:7-1").values().body()).isEqualTo("rep's notes");
    }

    @Test
    void fieldAddedByTheHostIsWrittenAsAnExtendedField() {
        f.settings(b -> b.fields(FieldTable.defaults().with(FieldMapping.extended(77, "Customer", "tasksyncCustomer"))));
        f.task("A1:7-1", "anna", b -> b.extraField(77, "ACME Corp."));
        f.cycle();
        assertThat(f.outlookTask(ANNA, "A1:7-1").values().extended()).containsEntry("tasksyncCustomer", "ACME Corp.");

        f.editTask("A1:7-1", b -> b.extraField(77, "ACME Inc."));
        f.cycle();
        assertThat(f.outlookTask(ANNA, "A1:7-1").values().extended()).containsEntry("tasksyncCustomer", "ACME Inc.");
    }

    // ------------------------------------------------------------------ reassignment

    @Test
    void reassignmentKeepOriginalLeavesOldCopyUnlinked() {
        f.task("A1:7-1", "anna");
        f.cycle();
        String oldItem = f.outlookTask(ANNA, "A1:7-1").itemId();

        f.editTask("A1:7-1", b -> b.repId("ben"));
        SyncReport moved = f.cycle();
        assertThat(f.outlook(BEN)).extracting(ExchangeTask::crmId).containsExactly("A1:7-1");
        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::itemId).containsExactly(oldItem);
        assertThat(moved.deleted()).isZero();
        assertThat(moved.created()).isEqualTo(1);

        // unlinked: CRM edits reach only the new copy, and the old copy's status no longer comes back
        f.editTask("A1:7-1", b -> b.subject("For Ben now"));
        f.later(Duration.ofMinutes(1));
        f.exchange.userSetStatus(ANNA, oldItem, ExchangeStatus.COMPLETED);
        f.cycle();
        f.cycle();
        assertThat(f.outlookTask(BEN, "A1:7-1").values().subject()).isEqualTo("For Ben now");
        assertThat(f.outlookTask(ANNA, "A1:7-1").values().subject()).isEqualTo("Call customer A1:7-1");
        assertThat(f.crm.task("A1:7-1").orElseThrow().status()).isEqualTo("Open");
        assertThat(f.outlook(BEN)).hasSize(1);
    }

    @Test
    void reassignmentMoveDeletesOldCopy() {
        f.settings(b -> b.reassignment(SyncSettings.Reassignment.MOVE));
        f.task("A1:7-1", "anna");
        f.cycle();

        f.editTask("A1:7-1", b -> b.repId("ben"));
        SyncReport report = f.cycle();

        assertThat(f.outlook(ANNA)).isEmpty();
        assertThat(f.outlook(BEN)).extracting(ExchangeTask::crmId).containsExactly("A1:7-1");
        assertThat(report.mailbox(ANNA).orElseThrow().deleted()).isEqualTo(1);
        assertThat(report.mailbox(BEN).orElseThrow().created()).isEqualTo(1);
    }

    @Test
    void reassignmentMoveLeavesADelegatedOldCopyAlone() {
        f.settings(b -> b.reassignment(SyncSettings.Reassignment.MOVE));
        f.task("A1:7-1", "anna");
        f.cycle();
        f.later(Duration.ofMinutes(1));
        f.exchange.userDelegate(ANNA, f.outlookTask(ANNA, "A1:7-1").itemId());
        f.cycle();

        f.editTask("A1:7-1", b -> b.repId("ben"));
        f.cycle();

        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::crmId).containsExactly("A1:7-1");
        assertThat(f.outlook(BEN)).extracting(ExchangeTask::crmId).containsExactly("A1:7-1");
    }

    // ------------------------------------------------------------------ deletions

    @Test
    void crmDeletionDeletesTheExchangeTask() {
        f.task("A1:7-1", "anna");
        f.task("A1:7-2", "anna");
        f.cycle();

        f.crm.deleteTask("A1:7-1");
        SyncReport report = f.cycle();
        SyncReport next = f.cycle();

        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::crmId).containsExactly("A1:7-2");
        assertThat(report.deleted()).isEqualTo(1);
        assertThat(next.deleted() + next.created()).isZero();
    }

    @Test
    void crmDeletionLooksUpAnUnconfirmedCreateByCrmIdButLeavesADelegatedItemAlone() {
        f.task("A1:7-1", "anna");
        f.cycle();
        f.later(Duration.ofMinutes(1));
        f.exchange.userDelegate(ANNA, f.outlookTask(ANNA, "A1:7-1").itemId());
        f.cycle();
        // the create was never confirmed in the state store (a crash right after it): the deletion path
        // must find the item by its CRM id, as the CRM → Exchange part does, skipping delegated items
        Link linked = f.store.findLinks(List.of("A1:7-1")).get("A1:7-1");
        f.store.saveLinks(List.of(new Link("A1:7-1", ANNA, null, null, Link.State.CREATE_INTENDED,
                linked.lastWritten(), linked.lastCrmStatus(), linked.lastCrmModifiedAt(), linked.lastExchangeStatus(),
                false)));

        f.crm.deleteTask("A1:7-1");
        SyncReport report = f.cycle();

        assertThat(f.outlook(ANNA)).as("SPEC §6.2: a delegated task is never written, nor deleted")
                .extracting(ExchangeTask::crmId).containsExactly("A1:7-1");
        assertThat(report.deleted()).isZero();
        assertThat(report.skipped(SkipReason.DELEGATED)).isEqualTo(1);
        assertThat(f.store.findLinks(List.of("A1:7-1"))).as("the link of the deleted CRM task").isEmpty();
    }

    @Test
    void crmDeletionKeepsACompletedExchangeTask() {
        f.task("A1:7-1", "anna", b -> b.status("Completed"));
        f.task("A1:7-2", "anna");
        f.cycle();
        f.later(Duration.ofMinutes(1));
        f.exchange.userSetStatus(ANNA, f.outlookTask(ANNA, "A1:7-2").itemId(), ExchangeStatus.COMPLETED);
        f.cycle();

        f.crm.deleteTask("A1:7-1");
        f.crm.deleteTask("A1:7-2");
        SyncReport report = f.cycle();
        f.cycle();

        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::crmId).containsExactlyInAnyOrder("A1:7-1", "A1:7-2");
        assertThat(report.deleted()).isZero();
        assertThat(report.skipped(SkipReason.COMPLETED_KEPT)).isEqualTo(2);
    }

    @Test
    void crmDeletionKeepsATaskCompletedInOutlookInTheSameCycle() {
        f.task("A1:7-1", "anna");
        f.cycle();

        f.later(Duration.ofMinutes(1));
        f.exchange.userSetStatus(ANNA, f.outlookTask(ANNA, "A1:7-1").itemId(), ExchangeStatus.COMPLETED);
        f.crm.deleteTask("A1:7-1");
        f.cycle();

        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::crmId).containsExactly("A1:7-1");
    }

    @Test
    void outlookDeletionDoesNotDeleteTheCrmTask() {
        f.task("A1:7-1", "anna");
        f.cycle();
        Instant stamp = f.crm.task("A1:7-1").orElseThrow().modifiedAt();

        f.exchange.userDelete(ANNA, f.outlookTask(ANNA, "A1:7-1").itemId());
        SyncReport report = f.cycle();

        assertThat(f.crm.task("A1:7-1")).hasValueSatisfying(t -> assertThat(t.modifiedAt()).isEqualTo(stamp));
        assertThat(report.deletedInOutlook()).isEqualTo(1);
    }

    @Test
    void outlookDeletedTaskIsNotCreatedAgainUntilTheCrmTaskChanges() {
        f.task("A1:7-1", "anna");
        f.cycle();
        f.exchange.userDelete(ANNA, f.outlookTask(ANNA, "A1:7-1").itemId());

        f.cycle();
        f.later(Duration.ofDays(1));
        f.cycle();
        f.cycle();
        assertThat(f.outlook(ANNA)).isEmpty();

        f.editTask("A1:7-1", b -> b.subject("Call again"));
        SyncReport report = f.cycle();
        assertThat(f.outlook(ANNA)).singleElement()
                .satisfies(t -> assertThat(t.values().subject()).isEqualTo("Call again"));
        assertThat(report.created()).isEqualTo(1);
    }

    @Test
    void outlookDeletionIsNotUndoneByACrmEditMadeBeforeIt() {
        f.task("A1:7-1", "anna");
        f.cycle();

        f.editTask("A1:7-1", b -> b.subject("edited before the rep deleted it"));
        f.later(Duration.ofMinutes(1));
        f.exchange.userDelete(ANNA, f.outlookTask(ANNA, "A1:7-1").itemId());
        SyncReport report = f.cycle();
        f.cycle();

        assertThat(f.outlook(ANNA)).isEmpty();
        assertThat(report.created()).isZero();
        assertThat(f.crm.task("A1:7-1")).isPresent();

        f.editTask("A1:7-1", b -> b.subject("edited after the deletion"));
        f.cycle();
        assertThat(f.outlook(ANNA)).singleElement()
                .satisfies(t -> assertThat(t.values().subject()).isEqualTo("edited after the deletion"));
    }

    // ------------------------------------------------------------------ edits in Outlook

    @Test
    void outlookEditOfCrmOwnedFieldIsOverwritten() {
        f.task("A1:7-1", "anna", b -> b.subject("CRM subject").comments("CRM text"));
        f.cycle();
        f.later(Duration.ofMinutes(1));
        f.exchange.userEdit(ANNA, f.outlookTask(ANNA, "A1:7-1").itemId(), v -> v.toBuilder()
                .subject("my subject").body("my text").dueDate(Fixture.TODAY.plusDays(20)).importance(Importance.HIGH)
                .build());

        SyncReport report = f.cycle();

        TaskValues v = f.outlookTask(ANNA, "A1:7-1").values();
        assertThat(v.subject()).isEqualTo("CRM subject");
        assertThat(v.body()).isEqualTo("CRM text");
        assertThat(v.dueDate()).isEqualTo(Fixture.TODAY.plusDays(3));
        assertThat(v.importance()).isEqualTo(Importance.NORMAL);
        assertThat(report.updated()).isEqualTo(1);
        assertThat(f.crm.task("A1:7-1").orElseThrow().subject()).isEqualTo("CRM subject");
    }

    @Test
    void outlookEditOfCrmOwnedFieldIsKeptUntilTheCrmTaskChangesWhenConfigured() {
        f.settings(b -> b.outlookEdits(SyncSettings.OutlookEdits.KEEP_UNTIL_CRM_CHANGES));
        f.task("A1:7-1", "anna", b -> b.subject("CRM subject").comments("CRM text"));
        f.cycle();
        f.later(Duration.ofMinutes(1));
        f.exchange.userEdit(ANNA, f.outlookTask(ANNA, "A1:7-1").itemId(),
                v -> v.toBuilder().subject("my subject").body("my text").build());

        SyncReport first = f.cycle();
        f.later(Duration.ofDays(1));
        SyncReport second = f.cycle();
        assertThat(f.outlookTask(ANNA, "A1:7-1").values().subject()).isEqualTo("my subject");
        assertThat(f.outlookTask(ANNA, "A1:7-1").values().body()).isEqualTo("my text");
        assertThat(first.updated() + second.updated()).isZero();

        // "until the CRM task changes again": then the CRM is the master again, for every field
        f.editTask("A1:7-1", b -> b.dueDate(Fixture.TODAY.plusDays(5)));
        f.cycle();
        TaskValues v = f.outlookTask(ANNA, "A1:7-1").values();
        assertThat(v.dueDate()).isEqualTo(Fixture.TODAY.plusDays(5));
        assertThat(v.subject()).isEqualTo("CRM subject");
        assertThat(v.body()).isEqualTo("CRM text");
    }

    @Test
    void underKeepARenameMadeWithAStatusTheCrmHasAlreadyIsKept() {
        f.settings(b -> b.outlookEdits(SyncSettings.OutlookEdits.KEEP_UNTIL_CRM_CHANGES));
        f.task("A1:7-1", "anna", b -> b.status("In Progress").subject("CRM subject"));
        f.cycle();
        f.later(Duration.ofMinutes(1));
        // WaitingOnOthers is In Progress in the CRM: nothing to write back, the task is looked at again
        f.exchange.userEdit(ANNA, f.outlookTask(ANNA, "A1:7-1").itemId(), v -> v.toBuilder().subject("my subject")
                .status(ExchangeStatus.WAITING_ON_OTHERS).build());

        SyncReport report = f.cycle();

        assertThat(report.statusesWrittenBack()).isZero();
        assertThat(f.outlookTask(ANNA, "A1:7-1").values().subject()).isEqualTo("my subject");
        assertThat(f.outlookTask(ANNA, "A1:7-1").values().status()).isEqualTo(ExchangeStatus.WAITING_ON_OTHERS);
        assertThat(f.cycle().plannedWrites()).as("the cycle after").isEmpty();
        assertThat(f.outlookTask(ANNA, "A1:7-1").values().subject()).isEqualTo("my subject");
    }
}

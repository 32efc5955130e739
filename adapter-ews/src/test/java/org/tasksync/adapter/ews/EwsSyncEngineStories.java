package org.tasksync.adapter.ews;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tasksync.core.SkipReason;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import java.util.Optional;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.testkit.MutableClock;
import org.tasksync.testkit.ews.EwsFault;
import org.tasksync.testkit.ews.EwsSimulator;
import org.tasksync.testkit.ews.ExtendedPropertyKey;
import org.tasksync.testkit.ews.InjectedFault;
import org.tasksync.testkit.ews.OutlookRep;
import org.tasksync.testkit.ews.OutlookTask;

/**
 * The stories of SPEC §6 end to end: the engine with a CRM and the EWS adapter, the real
 * ews-java-api client talking SOAP to the simulator, and the rep working in Outlook. Subclasses
 * supply the CRM: testkit's in-memory one, and the JDBC CRM on H2 (issue 4's pairing).
 */
abstract class EwsSyncEngineStories {

    /** The CRM side as these stories drive it. */
    interface StoryCrm {
        CrmAdapter adapter();

        void putRep(Rep rep);

        /** Saves the task as the CRM would, stamping a new modification time. */
        void upsertTask(CrmTask task);

        Optional<CrmTask> task(String id);

        void deleteTask(String id);
    }

    /** A fresh CRM for one test. */
    protected abstract StoryCrm newCrm(MutableClock clock);


    private static final Instant START = Instant.parse("2026-03-02T09:00:00Z");
    private static final LocalDate TODAY = LocalDate.of(2026, 3, 2);
    private static final ZoneId VIENNA = ZoneId.of("Europe/Vienna");
    private static final String ANNA = "anna.alder@example.com";
    private static final String BEN = "ben.birch@example.com";
    private static final ExtendedPropertyKey CRM_ID = ExtendedPropertyKey.named(EwsExchangeAdapter.PROPERTY_SET_ID,
            EwsExchangeAdapter.CRM_ID_PROPERTY);

    private final MutableClock clock = new MutableClock(START);
    private final StoryCrm crm = newCrm(clock);
    private EwsSimulator ews;
    private SyncEngine engine;

    @BeforeEach
    void start() {
        ews = SimulatedExchange.start(clock);
        ews.registerMailbox(ANNA);
        ews.registerMailbox(BEN);
        crm.putRep(new Rep("anna", "Anna Alder", ANNA, VIENNA, true));
        crm.putRep(new Rep("ben", "Ben Birch", BEN, VIENNA, true));
        engine(SyncSettings.builder().pastDays(30).futureDays(60).build());
    }

    @AfterEach
    void stop() {
        ews.close();
        SimulatedExchange.assertClean(ews);
    }

    private void engine(SyncSettings settings) {
        engine = SyncEngine.builder().crm(crm.adapter()).exchange(EwsExchangeAdapter.create(SimulatedExchange.config(ews).build()))
                .settings(settings).clock(clock).build();
    }

    private void task(String id, String repId, UnaryOperator<CrmTask.Builder> more) {
        clock.advance(Duration.ofSeconds(1));
        crm.upsertTask(more.apply(CrmTask.builder(id).repId(repId).subject("Call customer " + id)
                .dueDate(TODAY.plusDays(3)).status("Open").priority("Normal")).build());
    }

    private void editTask(String id, UnaryOperator<CrmTask.Builder> edit) {
        clock.advance(Duration.ofSeconds(1));
        crm.upsertTask(edit.apply(crm.task(id).orElseThrow().toBuilder()).build());
    }

    /** One cycle that must not fail anywhere. */
    private SyncReport cycle() {
        SyncReport r = cycleAllowingFailures();
        assertThat(r.failedMailboxes()).as("failed mailboxes").isEmpty();
        assertThat(r.allTaskErrors()).as("task errors").isEmpty();
        return r;
    }

    private SyncReport cycleAllowingFailures() {
        clock.advance(Duration.ofSeconds(10));
        return engine.runOnce();
    }

    private OutlookRep outlook(String mailbox) {
        return ews.outlook(mailbox);
    }

    private OutlookTask inOutlook(String mailbox, String crmId) {
        List<OutlookTask> tagged = outlook(mailbox).tasksWith(CRM_ID, crmId);
        assertThat(tagged).as("tasks tagged %s in %s", crmId, mailbox).hasSize(1);
        return tagged.get(0);
    }

    private int requests(String mailbox, String operation) {
        return ews.traffic().count(mailbox, operation);
    }

    @Test
    void aCrmTaskIsCreatedInItsRepsOutlookWithEveryField() {
        task("A1:1-1", "anna", b -> b.subject("Send the offer to ACME").comments("Prices as agreed.\nCall Mr. Smith first.")
                .startDate(TODAY.plusDays(1)).dueDate(TODAY.plusDays(4)).priority("High").createdByRepId("ben")
                .reminder(30, "minutes"));

        SyncReport r = cycle();

        assertThat(r.created()).isEqualTo(1);
        OutlookTask t = inOutlook(ANNA, "A1:1-1");
        assertThat(t.subject()).isEqualTo("Send the offer to ACME");
        assertThat(t.body()).isEqualTo("Prices as agreed.\nCall Mr. Smith first.");
        assertThat(t.bodyType()).isEqualTo("Text");
        assertThat(t.startDate()).isEqualTo(TODAY.plusDays(1));
        assertThat(t.dueDate()).isEqualTo(TODAY.plusDays(4));
        assertThat(t.status()).isEqualTo("NotStarted");
        assertThat(t.importance()).isEqualTo("High");
        assertThat(t.reminderIsSet()).isTrue();
        assertThat(t.reminderDueBy()).isEqualTo(TODAY.plusDays(4).atTime(7, 30).atZone(VIENNA).toInstant());
        assertThat(t.owner()).contains("Anna Alder");
        assertThat(t.creatorName()).contains("Ben Birch");
        assertThat(outlook(BEN).tasks()).as("only the task's rep receives it").isEmpty();
        assertThat(requests(ANNA, "CreateItem")).isEqualTo(1);
    }

    @Test
    void aCrmEditWritesOnlyTheFieldsThatChanged() {
        task("A1:2-1", "anna", b -> b.comments("Notes").priority("High").reminder(1, "days"));
        task("A1:2-2", "anna", b -> b);
        cycle();
        cycle(); // reads back the engine's own writes, which change nothing
        OutlookTask before = inOutlook(ANNA, "A1:2-1");
        OutlookTask untouched = inOutlook(ANNA, "A1:2-2");
        ews.traffic().reset();

        editTask("A1:2-1", b -> b.subject("Call customer back").dueDate(TODAY.plusDays(5)));
        SyncReport r = cycle();

        assertThat(r.updated()).isEqualTo(1);
        assertThat(requests(ANNA, "UpdateItem")).isEqualTo(1);
        assertThat(requests(ANNA, "CreateItem")).isZero();
        OutlookTask after = inOutlook(ANNA, "A1:2-1");
        assertThat(after.subject()).isEqualTo("Call customer back");
        assertThat(after.dueDate()).isEqualTo(TODAY.plusDays(5));
        // the reminder hangs on the due date, so it moves with it; nothing else changed
        assertThat(after.reminderDueBy()).isEqualTo(TODAY.plusDays(4).atTime(8, 0).atZone(VIENNA).toInstant());
        assertThat(after).usingRecursiveComparison()
                .ignoringFields("subject", "dueDate", "reminderDueBy", "changeKey", "lastModified")
                .isEqualTo(before);
        assertThat(inOutlook(ANNA, "A1:2-2")).as("the other task was not written").isEqualTo(untouched);
    }

    @Test
    void completingATaskInOutlookCompletesItInTheCrm() {
        task("A1:3-1", "anna", b -> b);
        cycle();
        outlook(ANNA).setStatus(inOutlook(ANNA, "A1:3-1").itemId(), "Completed");

        SyncReport r = cycle();

        assertThat(r.statusesWrittenBack()).isEqualTo(1);
        assertThat(crm.task("A1:3-1").orElseThrow().status()).isEqualTo("Completed");
        ews.traffic().reset();
        cycle();
        assertThat(requests(ANNA, "UpdateItem")).as("nothing to write back to Outlook").isZero();
        assertThat(inOutlook(ANNA, "A1:3-1").status()).isEqualTo("Completed");
        assertThat(inOutlook(ANNA, "A1:3-1").percentComplete()).isEqualTo(100.0);
    }

    @Test
    void aStatusTheRepSetsWhileTheEngineWritesAnEditReachesTheCrm() throws Exception {
        task("A1:3-2", "anna", b -> b);
        cycle();
        cycle(); // reads back the engine's own creation
        String itemId = inOutlook(ANNA, "A1:3-2").itemId();
        editTask("A1:3-2", b -> b.subject("Call customer back"));
        CountDownLatch release = new CountDownLatch(1);
        InjectedFault held = ews.inject(EwsFault.hold(release).forMailbox(ANNA).forOperation("UpdateItem").times(1));

        // the engine has read the mailbox and decided on the CRM's edit; its UpdateItem waits while the
        // rep completes the task in Outlook
        CompletableFuture<SyncReport> racing = CompletableFuture.supplyAsync(this::cycleAllowingFailures);
        for (int i = 0; i < 6000 && held.hits() == 0 && !racing.isDone(); i++) {
            Thread.sleep(10);
        }
        assertThat(held.hits()).as("the engine's UpdateItem held in the simulator").isEqualTo(1);
        outlook(ANNA).setStatus(itemId, "Completed");
        release.countDown();
        SyncReport raced = racing.get(60, TimeUnit.SECONDS);

        assertThat(raced.allTaskErrors()).singleElement().satisfies(e -> {
            assertThat(e.taskId()).isEqualTo("A1:3-2");
            assertThat(e.reason()).contains("conflict with a change made in Outlook");
        });
        assertThat(inOutlook(ANNA, "A1:3-2").status()).as("the rep's change is not undone").isEqualTo("Completed");

        cycle(); // reads the rep's change and decides again
        cycle();

        assertThat(crm.task("A1:3-2").orElseThrow().status()).as("nothing lost: the CRM has it").isEqualTo("Completed");
        OutlookTask after = inOutlook(ANNA, "A1:3-2");
        assertThat(after.status()).isEqualTo("Completed");
        assertThat(after.subject()).as("and the CRM's edit is written after all").isEqualTo("Call customer back");
    }

    @Test
    void deferredInOutlookBecomesMissedInTheCrm() {
        task("A1:4-1", "anna", b -> b.status("In Progress").percentComplete(30));
        cycle();
        outlook(ANNA).setStatus(inOutlook(ANNA, "A1:4-1").itemId(), "Deferred");

        cycle();

        assertThat(crm.task("A1:4-1").orElseThrow().status()).isEqualTo("Missed");
    }

    @Test
    void waitingOnOthersBecomesInProgressAndStaysAsTheRepSetIt() {
        task("A1:5-1", "anna", b -> b);
        cycle();
        outlook(ANNA).setStatus(inOutlook(ANNA, "A1:5-1").itemId(), "WaitingOnOthers");

        cycle();
        assertThat(crm.task("A1:5-1").orElseThrow().status()).isEqualTo("In Progress");
        ews.traffic().reset();
        cycle();

        assertThat(inOutlook(ANNA, "A1:5-1").status()).as("not overwritten with InProgress").isEqualTo("WaitingOnOthers");
        assertThat(requests(ANNA, "UpdateItem")).isZero();
    }

    @Test
    void aTaskDelegatedInOutlookIsIgnored() {
        task("A1:6-1", "anna", b -> b);
        cycle();
        String itemId = inOutlook(ANNA, "A1:6-1").itemId();
        outlook(ANNA).assign(itemId, 1);

        SyncReport seen = cycle();
        assertThat(seen.skipped(SkipReason.DELEGATED)).isEqualTo(1);

        outlook(ANNA).setStatus(itemId, "Completed");
        editTask("A1:6-1", b -> b.subject("Changed in the CRM"));
        ews.traffic().reset();
        SyncReport r = cycle();

        assertThat(r.skipped(SkipReason.DELEGATED)).isGreaterThanOrEqualTo(1);
        assertThat(crm.task("A1:6-1").orElseThrow().status()).as("not read back").isEqualTo("Open");
        assertThat(requests(ANNA, "UpdateItem")).as("not written").isZero();
        assertThat(outlook(ANNA).task(itemId).orElseThrow().subject()).isEqualTo("Call customer A1:6-1");
    }

    @Test
    void aReassignedTaskIsCreatedForTheNewRepAndTheOldCopyStays() {
        task("A1:7-1", "anna", b -> b);
        cycle();
        String annasCopy = inOutlook(ANNA, "A1:7-1").itemId();

        editTask("A1:7-1", b -> b.repId("ben"));
        SyncReport r = cycle();

        assertThat(r.created()).isEqualTo(1);
        OutlookTask bens = inOutlook(BEN, "A1:7-1");
        assertThat(bens.owner()).contains("Ben Birch");
        assertThat(outlook(ANNA).task(annasCopy)).as("keep-original: the old copy stays").isPresent();

        // the old copy is no longer linked: the CRM's next edit reaches only Ben
        editTask("A1:7-1", b -> b.subject("Ben's now"));
        cycle();
        assertThat(inOutlook(BEN, "A1:7-1").subject()).isEqualTo("Ben's now");
        assertThat(outlook(ANNA).task(annasCopy).orElseThrow().subject()).isEqualTo("Call customer A1:7-1");
    }

    @Test
    void aReassignedTaskMovesWhenSoConfigured() {
        engine(SyncSettings.builder().pastDays(30).futureDays(60).reassignment(SyncSettings.Reassignment.MOVE).build());
        task("A1:7-2", "anna", b -> b);
        cycle();

        editTask("A1:7-2", b -> b.repId("ben"));
        cycle();

        assertThat(outlook(ANNA).tasks()).isEmpty();
        inOutlook(BEN, "A1:7-2");
    }

    @Test
    void aTaskDeletedInTheCrmIsDeletedInOutlook() {
        task("A1:8-1", "anna", b -> b);
        task("A1:8-2", "anna", b -> b);
        cycle();

        crm.deleteTask("A1:8-1");
        SyncReport r = cycle();

        assertThat(r.deleted()).isEqualTo(1);
        assertThat(requests(ANNA, "DeleteItem")).isEqualTo(1);
        assertThat(outlook(ANNA).tasksWith(CRM_ID, "A1:8-1")).isEmpty();
        inOutlook(ANNA, "A1:8-2");
    }

    @Test
    void aTaskDeletedInOutlookStaysInTheCrmAndIsNotCreatedAgain() {
        task("A1:9-1", "anna", b -> b);
        cycle();
        outlook(ANNA).delete(inOutlook(ANNA, "A1:9-1").itemId());

        SyncReport r = cycle();
        assertThat(r.deletedInOutlook()).isEqualTo(1);
        cycle();

        assertThat(crm.task("A1:9-1")).isPresent();
        assertThat(outlook(ANNA).tasks()).isEmpty();
        assertThat(requests(ANNA, "CreateItem")).as("only the first creation").isEqualTo(1);
    }

    @Test
    void throttlingIsWaitedOutWithinTheCycle() {
        task("A1:10-1", "anna", b -> b);
        task("A1:10-2", "ben", b -> b);
        ews.inject(EwsFault.serverBusyFault(Duration.ofMillis(40)).times(2).forMailbox(ANNA).forOperation("SyncFolderItems"));
        ews.inject(EwsFault.serverBusyMessage(Duration.ofMillis(40)).times(2).forMailbox(ANNA).forOperation("CreateItem"));
        ews.inject(EwsFault.http503().forMailbox(BEN).forOperation("CreateItem"));

        SyncReport r = cycle();

        assertThat(r.created()).isEqualTo(2);
        inOutlook(ANNA, "A1:10-1");
        inOutlook(BEN, "A1:10-2");
        assertThat(requests(ANNA, "CreateItem")).isEqualTo(3);
    }

    @Test
    void aMailboxThrottledPastTheBoundIsReportedAndCaughtUpNextCycle() {
        task("A1:11-1", "anna", b -> b);
        task("A1:11-2", "ben", b -> b);
        ews.inject(EwsFault.serverBusyFault(Duration.ofMillis(20)).always().forMailbox(ANNA));

        SyncReport throttled = cycleAllowingFailures();

        assertThat(throttled.failedMailboxes()).singleElement().satisfies(m -> {
            assertThat(m.mailbox()).isEqualTo(ANNA);
            assertThat(m.mailboxError()).contains("throttled");
        });
        inOutlook(BEN, "A1:11-2");
        assertThat(outlook(ANNA).tasks()).isEmpty();

        ews.clearFaults();
        cycle();
        inOutlook(ANNA, "A1:11-1");
    }

    @Test
    void anIdleCycleCostsOneSyncFolderItemsPerMailbox() {
        for (int i = 0; i < 30; i++) {
            task("A1:12-" + i, i % 2 == 0 ? "anna" : "ben", b -> b);
        }
        cycle();
        cycle(); // reads back the engine's own creations
        ews.traffic().reset();

        SyncReport idle = cycle();

        assertThat(ews.traffic().byOperation()).containsExactly(java.util.Map.entry("SyncFolderItems", 2));
        assertThat(requests(ANNA, "SyncFolderItems")).isEqualTo(1);
        assertThat(requests(BEN, "SyncFolderItems")).isEqualTo(1);
        assertThat(idle.requests()).isEqualTo(2);
    }
}

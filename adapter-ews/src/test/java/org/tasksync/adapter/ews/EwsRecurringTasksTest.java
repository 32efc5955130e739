package org.tasksync.adapter.ews;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tasksync.core.SkipReason;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.state.InMemorySyncStateStore;
import org.tasksync.testkit.MutableClock;
import org.tasksync.testkit.ews.EwsSimulator;
import org.tasksync.testkit.ews.ExtendedPropertyKey;
import org.tasksync.testkit.ews.OutlookRep;
import org.tasksync.testkit.ews.OutlookTask;
import org.tasksync.testkit.inmemory.InMemoryCrm;

/**
 * A CRM task the rep made recurring in Outlook, end to end: the engine, testkit's in-memory CRM, the EWS
 * adapter with the real ews-java-api client, and the EWS simulator applying MS-OXOTASK task
 * regeneration (the completed occurrence becomes a new item carrying our tag; the task keeps its id and
 * moves to the next date). What the user expects (docs/engine.md, "Recurring tasks"): the CRM task is
 * one task, the rep's completion reaches the CRM once, Outlook holds one task tagged with it (the
 * completed occurrence), the series goes on as the rep's own, and nothing loops.
 */
class EwsRecurringTasksTest {

    /** Monday 2026-12-07; the rep works in UTC so that the test does not depend on how the adapter writes dates. */
    private static final Instant START = Instant.parse("2026-12-04T09:00:00Z");
    private static final LocalDate MONDAY = LocalDate.of(2026, 12, 7);
    private static final ZoneId ZONE = ZoneOffset.UTC;
    private static final String ANNA = "anna.alder@example.com";
    private static final ExtendedPropertyKey CRM_ID = ExtendedPropertyKey.named(EwsExchangeAdapter.PROPERTY_SET_ID,
            EwsExchangeAdapter.CRM_ID_PROPERTY);

    private final MutableClock clock = new MutableClock(START);
    private final InMemoryCrm crm = new InMemoryCrm(clock);
    private EwsSimulator ews;
    private SyncEngine engine;

    @BeforeEach
    void start() {
        ews = SimulatedExchange.start(clock);
        ews.registerMailbox(ANNA);
        crm.putRep(new Rep("anna", "Anna Alder", ANNA, ZONE, true));
        engine = newEngine();
    }

    @AfterEach
    void stop() {
        ews.close();
        SimulatedExchange.assertClean(ews);
    }

    private SyncEngine newEngine() {
        return SyncEngine.builder().crm(crm).exchange(EwsExchangeAdapter.create(SimulatedExchange.config(ews).build()))
                .stateStore(new InMemorySyncStateStore())
                .settings(SyncSettings.builder().pastDays(30).futureDays(60).build()).clock(clock).build();
    }

    private SyncReport cycle() {
        clock.advance(Duration.ofSeconds(10));
        SyncReport r = engine.runOnce();
        assertThat(r.failedMailboxes()).as("failed mailboxes").isEmpty();
        assertThat(r.allTaskErrors()).as("task errors").isEmpty();
        return r;
    }

    private OutlookRep outlook() {
        return ews.outlook(ANNA);
    }

    private List<OutlookTask> tagged(String crmId) {
        return outlook().tasksWith(CRM_ID, crmId);
    }


    private String crmStatus(String id) {
        return crm.task(id).orElseThrow().status();
    }

    /** A CRM task due on Monday, created in Outlook, which the rep then makes recurring every Monday. */
    private String recurringTask(String id) {
        clock.advance(Duration.ofSeconds(1));
        crm.upsertTask(CrmTask.builder(id).repId("anna").subject("Call ACME").dueDate(MONDAY).status("Open")
                .priority("Normal").build());
        assertThat(cycle().created()).isEqualTo(1);
        String itemId = tagged(id).get(0).itemId();
        clock.advance(Duration.ofSeconds(1));
        outlook().edit(itemId, e -> e.weeklyRecurrence(MONDAY, 1, DayOfWeek.MONDAY));
        SyncReport r = cycle();
        assertThat(r.updated()).as("making it recurring changes no CRM-owned field").isZero();
        assertThat(outlook().isRecurring(itemId)).isTrue();
        return itemId;
    }

    /** The one item tagged with the CRM id: the completed occurrence, not recurring. */
    private OutlookTask theCompletedOccurrence(String crmId, String seriesId) {
        List<OutlookTask> tagged = tagged(crmId);
        assertThat(tagged).as("items tagged %s (no duplicate of the CRM task)", crmId).hasSize(1);
        OutlookTask t = tagged.get(0);
        assertThat(t.itemId()).isNotEqualTo(seriesId);
        assertThat(t.status()).isEqualTo("Completed");
        assertThat(t.dueDate()).isEqualTo(MONDAY);
        assertThat(outlook().isRecurring(t.itemId())).isFalse();
        return t;
    }

    /** The series: same item id, next Monday, not started, recurring, no longer tagged. */
    private void theSeriesIsTheRepsOwn(String seriesId) {
        OutlookTask series = outlook().task(seriesId).orElseThrow();
        assertThat(series.extended(CRM_ID)).as("the series' CRM tag").isEmpty();
        assertThat(series.status()).isEqualTo("NotStarted");
        assertThat(series.dueDate()).isEqualTo(MONDAY.plusWeeks(1));
        assertThat(outlook().isRecurring(seriesId)).isTrue();
    }

    private void nothingHappensAnyMore(int items) {
        for (int i = 0; i < 3; i++) {
            SyncReport again = cycle();
            assertThat(again.created() + again.updated() + again.deleted() + again.statusesWrittenBack())
                    .as("writes in a later cycle").isZero();
        }
        assertThat(outlook().tasks()).as("items in the Tasks folder").hasSize(items);
    }

    @Test
    void theRepCompletingAnOccurrenceCompletesTheCrmTaskAndOutlookKeepsOneTaggedTask() {
        String seriesId = recurringTask("A1:1");

        outlook().setStatus(seriesId, "Completed"); // Exchange regenerates: a new completed item, the series moves on
        assertThat(tagged("A1:1")).as("regeneration copied our tag").hasSize(2);
        SyncReport r = cycle();

        assertThat(crmStatus("A1:1")).as("the rep's completion reached the CRM").isEqualTo("Completed");
        assertThat(r.statusesWrittenBack()).isEqualTo(1);
        assertThat(r.adopted()).as("the completed occurrence is not a second link").isZero();
        assertThat(r.created()).isZero();
        assertThat(r.mailboxes().get(0).warnings()).anySatisfy(w -> assertThat(w)
                .contains("A1:1").contains("recurring").contains("completed occurrence"));
        theCompletedOccurrence("A1:1", seriesId);
        theSeriesIsTheRepsOwn(seriesId);
        nothingHappensAnyMore(2);
        assertThat(crmStatus("A1:1")).isEqualTo("Completed");
    }

    @Test
    void theCrmCompletingARecurringTaskRegeneratesItOnceAndThenSettles() {
        String seriesId = recurringTask("A1:2");

        clock.advance(Duration.ofSeconds(1));
        crm.upsertTask(crm.task("A1:2").orElseThrow().toBuilder().status("Completed").build());
        SyncReport write = cycle();
        assertThat(write.updated()).isEqualTo(1); // Exchange regenerates on this write
        cycle();

        assertThat(crmStatus("A1:2")).as("the CRM's completion is not undone by the series starting again")
                .isEqualTo("Completed");
        theCompletedOccurrence("A1:2", seriesId);
        theSeriesIsTheRepsOwn(seriesId);
        nothingHappensAnyMore(2); // an engine that wrote Completed to the series again would add an item every cycle
        assertThat(crmStatus("A1:2")).isEqualTo("Completed");
    }

    @Test
    void laterCrmChangesGoToTheCompletedOccurrenceAndNeverToTheRepsSeries() {
        String seriesId = recurringTask("A1:3");
        outlook().setStatus(seriesId, "Completed");
        cycle();
        String occurrenceId = theCompletedOccurrence("A1:3", seriesId).itemId();

        clock.advance(Duration.ofSeconds(1));
        crm.upsertTask(crm.task("A1:3").orElseThrow().toBuilder().subject("Call ACME about the offer").build());
        assertThat(cycle().updated()).isEqualTo(1);
        assertThat(outlook().task(occurrenceId).orElseThrow().subject()).isEqualTo("Call ACME about the offer");
        assertThat(outlook().task(seriesId).orElseThrow().subject()).isEqualTo("Call ACME");

        clock.advance(Duration.ofSeconds(1));
        crm.deleteTask("A1:3");
        SyncReport r = cycle();
        assertThat(r.deleted()).as("nothing is deleted: the occurrence is completed, the series is the rep's").isZero();
        assertThat(r.skipped(SkipReason.COMPLETED_KEPT)).isEqualTo(1);
        assertThat(outlook().tasks()).hasSize(2);
    }

    @Test
    void afterALostStateStoreTheCompletedOccurrenceIsAdoptedNotTheSeries() {
        String seriesId = recurringTask("A1:4");
        outlook().setStatus(seriesId, "Completed"); // no cycle sees it before the store is lost
        engine = newEngine(); // a new, empty state store

        SyncReport r = cycle();

        assertThat(r.created()).as("no second copy").isZero();
        assertThat(crmStatus("A1:4")).as("the rep's completion counts").isEqualTo("Completed");
        assertThat(outlook().tasks()).hasSize(2);
        assertThat(outlook().task(seriesId).orElseThrow().status()).isEqualTo("NotStarted");
        assertThat(tagged("A1:4")).as("only the completed occurrence keeps the tag").hasSize(1)
                .allSatisfy(t -> assertThat(t.status()).isEqualTo("Completed"));
        cycle();
        nothingHappensAnyMore(2);
        assertThat(crmStatus("A1:4")).isEqualTo("Completed");
    }
}

package org.tasksync.testkit.ews;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tasksync.testkit.ews.EwsTaskProperties.CRM_ID;
import static org.tasksync.testkit.ews.EwsTaskProperties.extended;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import microsoft.exchange.webservices.data.core.ExchangeService;
import microsoft.exchange.webservices.data.core.PropertySet;
import microsoft.exchange.webservices.data.core.enumeration.property.BasePropertySet;
import microsoft.exchange.webservices.data.core.enumeration.property.WellKnownFolderName;
import microsoft.exchange.webservices.data.core.enumeration.property.time.DayOfTheWeek;
import microsoft.exchange.webservices.data.core.enumeration.service.ConflictResolutionMode;
import microsoft.exchange.webservices.data.core.enumeration.service.TaskStatus;
import microsoft.exchange.webservices.data.core.service.item.Task;
import microsoft.exchange.webservices.data.core.service.schema.TaskSchema;
import microsoft.exchange.webservices.data.property.complex.FolderId;
import microsoft.exchange.webservices.data.property.complex.ItemId;
import microsoft.exchange.webservices.data.property.complex.Mailbox;
import microsoft.exchange.webservices.data.property.complex.recurrence.pattern.Recurrence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Recurring tasks in the EWS simulator, driven by the real ews-java-api client as Outlook's writes
 * would reach Exchange: {@code t:Recurrence} on CreateItem and UpdateItem, {@code IsRecurring} and
 * {@code Recurrence} read back, and task regeneration when an occurrence is completed (MS-OXOTASK:
 * the completed occurrence is a new item with the task's properties, the task keeps its id and moves
 * on). Every request and response is checked against Microsoft's schema.
 */
class EwsSimulatorRecurrenceTest {

    private static final String REP = "rita.rep@example.com";
    /** A Monday; due dates are UTC midnights, as Exchange keeps them without a TimeZoneContext. */
    private static final LocalDate MONDAY = LocalDate.of(2026, 12, 7);
    private static final Instant NOW = Instant.parse("2026-12-07T09:00:00Z");

    private EwsSimulator ews;
    private ExchangeService service;

    @BeforeEach
    void start() throws Exception {
        ews = EwsSimulator.builder().basicAuth(EwsClient.USER, EwsClient.PASSWORD)
                .clock(Clock.fixed(NOW, ZoneOffset.UTC)).start();
        ews.registerMailbox(REP);
        service = EwsClient.impersonating(ews, REP);
    }

    @AfterEach
    void stop() {
        service.close();
        ews.close();
        ews.assertNoResponseErrors();
        assertThat(ews.requestValidationErrors()).as("requests ews-java-api sent").isEmpty();
    }

    private static Date utcMidnight(LocalDate d) {
        return Date.from(d.atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    private ItemId createTagged(String crmId, LocalDate due) throws Exception {
        Task t = new Task(service);
        t.setSubject("Call ACME");
        t.setDueDate(utcMidnight(due));
        t.setStartDate(utcMidnight(due.minusDays(1)));
        t.setExtendedProperty(CRM_ID, crmId);
        t.save(new FolderId(WellKnownFolderName.Tasks, new Mailbox(REP)));
        return t.getId();
    }

    private Task read(ItemId id) throws Exception {
        return Task.bind(service, id, new PropertySet(BasePropertySet.IdOnly, TaskSchema.Subject, TaskSchema.DueDate,
                TaskSchema.StartDate, TaskSchema.Status, TaskSchema.IsRecurring, TaskSchema.Recurrence, CRM_ID));
    }

    private void makeWeekly(ItemId id, LocalDate start) throws Exception {
        Task t = Task.bind(service, id, new PropertySet(BasePropertySet.IdOnly));
        t.setRecurrence(new Recurrence.WeeklyPattern(utcMidnight(start), 1, DayOfTheWeek.Monday));
        t.update(ConflictResolutionMode.AlwaysOverwrite);
    }

    private void complete(ItemId id) throws Exception {
        Task t = Task.bind(service, id, new PropertySet(BasePropertySet.IdOnly));
        t.setStatus(TaskStatus.Completed);
        t.update(ConflictResolutionMode.AlwaysOverwrite);
    }

    private static Instant due(Task t) throws Exception {
        return t.getDueDate().toInstant();
    }

    @Test
    void aRecurrenceSetWithUpdateItemIsStoredAndReadBack() throws Exception {
        ItemId id = createTagged("A1:1", MONDAY);
        assertThat(read(id).getIsRecurring()).isFalse();

        makeWeekly(id, MONDAY);

        Task t = read(id);
        assertThat(t.getIsRecurring()).isTrue();
        assertThat(t.getRecurrence()).isInstanceOf(Recurrence.WeeklyPattern.class);
        assertThat(((Recurrence.WeeklyPattern) t.getRecurrence()).getDaysOfTheWeek().getCount()).isEqualTo(1);
        assertThat(ews.outlook(REP).isRecurring(id.getUniqueId())).isTrue();
    }

    @Test
    void aRecurrenceGivenInCreateItemIsKeptAndDeleteItemFieldRemovesIt() throws Exception {
        Task t = new Task(service);
        t.setSubject("Weekly report");
        t.setDueDate(utcMidnight(MONDAY));
        t.setRecurrence(new Recurrence.DailyPattern(utcMidnight(MONDAY), 2));
        t.save(new FolderId(WellKnownFolderName.Tasks, new Mailbox(REP)));
        ItemId id = t.getId();
        assertThat(read(id).getIsRecurring()).isTrue();
        assertThat(read(id).getRecurrence()).isInstanceOf(Recurrence.DailyPattern.class);

        Task edit = Task.bind(service, id, new PropertySet(BasePropertySet.IdOnly, TaskSchema.Recurrence));
        edit.setRecurrence(null); // ews-java-api sends DeleteItemField task:Recurrence
        edit.update(ConflictResolutionMode.AlwaysOverwrite);

        assertThat(read(id).getIsRecurring()).isFalse();
        complete(id);
        assertThat(ews.outlook(REP).tasks()).as("no regeneration without a recurrence").hasSize(1);
    }

    @Test
    void completingAnOccurrenceCreatesTheCompletedOccurrenceAsANewItemAndMovesTheTaskToTheNextDate() throws Exception {
        ItemId id = createTagged("A1:1", MONDAY);
        makeWeekly(id, MONDAY);

        complete(id);

        List<OutlookTask> all = ews.outlook(REP).tasks();
        assertThat(all).hasSize(2);
        OutlookTask series = ews.outlook(REP).task(id.getUniqueId()).orElseThrow();
        OutlookTask occurrence = all.stream().filter(t -> !t.itemId().equals(id.getUniqueId())).findFirst().orElseThrow();
        // the task keeps its id, moves a week on and starts again
        assertThat(series.status()).isEqualTo("NotStarted");
        assertThat(series.percentComplete()).isZero();
        assertThat(series.completeDate()).isNull();
        assertThat(series.dueDate()).isEqualTo(MONDAY.plusWeeks(1));
        assertThat(series.startDate()).isEqualTo(MONDAY.plusWeeks(1).minusDays(1));
        assertThat(ews.outlook(REP).isRecurring(series.itemId())).isTrue();
        // the completed occurrence is a new item with the task's properties, our tag included, and no recurrence
        assertThat(occurrence.status()).isEqualTo("Completed");
        assertThat(occurrence.percentComplete()).isEqualTo(100.0);
        assertThat(occurrence.subject()).isEqualTo("Call ACME");
        assertThat(occurrence.dueDate()).isEqualTo(MONDAY);
        assertThat(ews.outlook(REP).isRecurring(occurrence.itemId())).isFalse();
        Task readBack = read(new ItemId(occurrence.itemId()));
        assertThat(extended(readBack, CRM_ID)).isEqualTo("A1:1");
        assertThat(readBack.getIsRecurring()).isFalse();
        assertThat(read(id).getIsRecurring()).isTrue();
        assertThat(extended(read(id), CRM_ID)).isEqualTo("A1:1");
    }

    @Test
    void aRegeneratingPatternCountsFromTheDayOfCompletion() throws Exception {
        ItemId id = createTagged("A1:2", MONDAY.minusWeeks(3)); // long overdue
        Task t = Task.bind(service, id, new PropertySet(BasePropertySet.IdOnly));
        t.setRecurrence(new Recurrence.DailyRegenerationPattern(utcMidnight(MONDAY.minusWeeks(3)), 10));
        t.update(ConflictResolutionMode.AlwaysOverwrite);

        complete(id);

        assertThat(due(read(id))).isEqualTo(MONDAY.plusDays(10).atStartOfDay(ZoneOffset.UTC).toInstant());
        assertThat(ews.outlook(REP).tasks()).hasSize(2);
    }

    @Test
    void theLastOccurrenceOfANumberedRangeCompletesTheTaskItself() throws Exception {
        ItemId id = createTagged("A1:3", MONDAY);
        Task t = Task.bind(service, id, new PropertySet(BasePropertySet.IdOnly));
        Recurrence r = new Recurrence.WeeklyPattern(utcMidnight(MONDAY), 1, DayOfTheWeek.Monday);
        r.setNumberOfOccurrences(2);
        t.setRecurrence(r);
        t.update(ConflictResolutionMode.AlwaysOverwrite);

        complete(id); // the first of two: regenerates
        complete(id); // the last: no further occurrence

        assertThat(ews.outlook(REP).tasks()).hasSize(2);
        Task last = read(id);
        assertThat(last.getStatus()).isEqualTo(TaskStatus.Completed);
        assertThat(last.getIsRecurring()).isFalse();
    }

    @Test
    void theRepCompletingInOutlookRegeneratesAsWell() throws Exception {
        ItemId id = createTagged("A1:4", MONDAY);
        ews.outlook(REP).edit(id.getUniqueId(), e -> e.weeklyRecurrence(MONDAY, 2, java.time.DayOfWeek.MONDAY));

        ews.outlook(REP).setStatus(id.getUniqueId(), "Completed");

        assertThat(ews.outlook(REP).tasksWith(ExtendedPropertyKey.named(EwsTaskProperties.TASKSYNC_SET, "CrmTaskId"),
                "A1:4")).hasSize(2);
        assertThat(due(read(id))).isEqualTo(MONDAY.plusWeeks(2).atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    @Test
    void aPatternTheSimulatorDoesNotSimulateIsRefusedSayingSo() throws Exception {
        ItemId id = createTagged("A1:5", MONDAY);
        Task t = Task.bind(service, id, new PropertySet(BasePropertySet.IdOnly));
        t.setRecurrence(new Recurrence.RelativeMonthlyPattern(utcMidnight(MONDAY), 1, DayOfTheWeek.Monday,
                microsoft.exchange.webservices.data.core.enumeration.property.time.DayOfTheWeekIndex.First));

        assertThatThrownBy(() -> t.update(ConflictResolutionMode.AlwaysOverwrite))
                .satisfies(e -> assertThat(EwsClient.serviceError(e).getMessage())
                        .contains("does not simulate").contains("RelativeMonthlyRecurrence"));
        assertThat(ews.outlook(REP).isRecurring(id.getUniqueId())).isFalse();
    }
}

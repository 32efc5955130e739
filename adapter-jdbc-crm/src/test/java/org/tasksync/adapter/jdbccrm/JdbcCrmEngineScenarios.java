package org.tasksync.adapter.jdbccrm;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tasksync.core.PlannedWrite;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.core.spi.CrmPage;
import org.tasksync.core.spi.StatusWriteResult;
import org.tasksync.core.spi.SyncStateStore;
import org.tasksync.core.spi.TimeFrameQuery;
import org.tasksync.core.state.JdbcSyncStateStore;
import org.tasksync.testkit.MutableClock;
import org.tasksync.testkit.inmemory.InMemoryExchange;

/**
 * The engine over the JDBC CRM adapter on a real database, against testkit's in-memory Exchange:
 * the rules of SPEC §5–§7 as a user of the connector sees them. The engine's state store lives in
 * the same database, in its own tables next to the CRM's. Each database extends this class.
 *
 * <p>Two clocks, as in production: the CRM stamps rows with the database clock (real time), the
 * engine and Exchange read {@link MutableClock}, which stands still unless a test moves it, so the
 * test and the engine agree on "today" in every rep's zone whatever the time of day. The reps sit
 * in Pacific/Kiritimati (UTC+14) and Pacific/Pago_Pago (UTC−11), whose dates always differ by a day
 * or more, and in Europe/Vienna. The adapter's change-safety lag is {@link #SAFETY_LAG}, far longer
 * than any scenario takes from a CRM edit to the cycle that must see it; so every change read also
 * returns the changes of the last lag again, which the engine must not write again.
 */
abstract class JdbcCrmEngineScenarios {

    static final Duration SAFETY_LAG = Duration.ofSeconds(30);
    static final int PAST_DAYS = 7;
    static final int FUTURE_DAYS = 14;
    static final JdbcCrmSettings CRM_SETTINGS = JdbcCrmSettings.builder().changeSafetyLag(SAFETY_LAG).build();
    static final SyncSettings SETTINGS = SyncSettings.builder().pastDays(PAST_DAYS).futureDays(FUTURE_DAYS).build();

    static final Rep ADA = new Rep("R-ADA", "Ada Lovelace", "ada.lovelace@example.com",
            ZoneId.of("Pacific/Kiritimati"), true);
    static final Rep BOB = new Rep("R-BOB", "Bob Kahn", "bob.kahn@example.com", ZoneId.of("Pacific/Pago_Pago"), true);
    static final Rep CYD = new Rep("R-CYD", "Cyd Charisse", "cyd.charisse@example.com", ZoneId.of("Europe/Vienna"), true);
    static final Rep DAN = new Rep("R-DAN", "Dan Bricklin", "dan.bricklin@example.com", ZoneId.of("America/New_York"),
            false);

    private DataSource db;
    private ReferenceCrm crm;
    private StatementRecorder crmStatements;
    private JdbcCrmAdapter adapter;
    private MutableClock clock;
    private InMemoryExchange exchange;
    private SyncEngine engine;

    /** The database of this test class: the CRM's tables and the state store's. */
    protected abstract DataSource database();

    @BeforeEach
    void freshCrmStoreAndMailboxes() throws SQLException {
        db = database();
        crm = ReferenceCrm.of(db, CRM_SETTINGS).createSchema();
        crm.clear();
        SyncStateStore store = JdbcSyncStateStore.builder(db).build();
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            for (String table : List.of("links", "cursors", "pending")) {
                st.executeUpdate("DELETE FROM " + JdbcSyncStateStore.DEFAULT_TABLE_PREFIX + table);
            }
        }
        crmStatements = new StatementRecorder(db);
        adapter = JdbcCrmAdapter.create(crmStatements, CRM_SETTINGS);
        clock = new MutableClock(crm.now());
        exchange = new InMemoryExchange(clock);
        for (Rep rep : List.of(ADA, BOB, CYD, DAN)) {
            crm.putRep(rep);
        }
        engine = engine(adapter, store, SETTINGS);
    }

    // --- SPEC §5: which tasks take part -------------------------------------------------------

    @Test
    void theFirstCycleCreatesEveryTaskOfEachRepsTimeFrameInThatRepsMailboxWithItsDates() {
        Map<Rep, List<CrmTask>> expected = new LinkedHashMap<>();
        for (Rep rep : List.of(ADA, BOB, CYD)) {
            LocalDate today = today(rep);
            String p = rep.id() + "-";
            List<CrmTask> inFrame = List.of(
                    task(p + "first-day", rep).dueDate(today.minusDays(PAST_DAYS)).build(),
                    task(p + "last-day", rep).dueDate(today.plusDays(FUTURE_DAYS)).build(),
                    task(p + "today", rep).startDate(today.minusDays(3)).dueDate(today).build(),
                    task(p + "start-only", rep).startDate(today.plusDays(2)).build(),
                    task(p + "due-decides", rep).startDate(today.minusDays(PAST_DAYS + 5)).dueDate(today.plusDays(1))
                            .build(),
                    task(p + "open-ended", rep).build());
            inFrame.forEach(crm::putTask);
            crm.putTask(task(p + "day-before", rep).dueDate(today.minusDays(PAST_DAYS + 1)).build());
            crm.putTask(task(p + "day-after", rep).dueDate(today.plusDays(FUTURE_DAYS + 1)).build());
            expected.put(rep, inFrame);
        }
        crm.putTask(task("R-DAN-today", DAN).dueDate(today(DAN)).build());

        SyncReport report = cycle();

        assertThat(today(ADA)).as("the reps' zones put them on different days").isAfter(today(BOB));
        expected.forEach((rep, tasks) -> {
            assertThat(outlook(rep)).extracting(ExchangeTask::crmId).as("tasks in %s", rep.mailbox())
                    .containsExactlyInAnyOrderElementsOf(tasks.stream().map(CrmTask::id).toList());
            for (CrmTask t : tasks) {
                ExchangeTask item = outlookTask(rep, t.id());
                assertThat(item.values().startDate()).as("start date of %s", t.id()).isEqualTo(t.startDate());
                assertThat(item.values().dueDate()).as("due date of %s", t.id()).isEqualTo(t.dueDate());
                assertThat(item.values().subject()).isEqualTo(t.subject());
                assertThat(item.values().owner()).isEqualTo(rep.displayName());
                assertThat(item.values().status()).isEqualTo(ExchangeStatus.NOT_STARTED);
            }
        });
        assertThat(outlook(DAN)).as("a disabled rep's mailbox").isEmpty();
        assertThat(report.created()).isEqualTo(18);
        assertThat(report.allTaskErrors()).isEmpty();
    }

    @Test
    void aTaskThatEntersTheTimeFrameAsTheDaysPassIsCreatedAndOneThatLeavesItStays() {
        for (Rep rep : List.of(ADA, BOB)) {
            crm.putTask(task(rep.id() + "-enters", rep).dueDate(today(rep).plusDays(FUTURE_DAYS + 1)).build());
            crm.putTask(task(rep.id() + "-leaves", rep).dueDate(today(rep).minusDays(PAST_DAYS)).build());
            // Nobody edits these tasks: no change read can bring them, only the moving window.
            crm.setModifiedAt(rep.id() + "-enters", crm.now().minus(Duration.ofHours(1)));
            crm.setModifiedAt(rep.id() + "-leaves", crm.now().minus(Duration.ofHours(1)));
        }
        cycle();
        assertThat(outlook(ADA)).extracting(ExchangeTask::crmId).containsExactly("R-ADA-leaves");
        assertThat(outlook(BOB)).extracting(ExchangeTask::crmId).containsExactly("R-BOB-leaves");

        clock.advance(Duration.ofDays(1));
        SyncReport nextDay = cycle();

        assertThat(nextDay.created()).isEqualTo(2);
        assertThat(nextDay.deleted()).isZero();
        for (Rep rep : List.of(ADA, BOB)) {
            assertThat(outlook(rep)).extracting(ExchangeTask::crmId)
                    .containsExactlyInAnyOrder(rep.id() + "-leaves", rep.id() + "-enters");
            assertThat(outlookTask(rep, rep.id() + "-enters").values().dueDate())
                    .isEqualTo(today(rep).plusDays(FUTURE_DAYS));
        }
    }

    // --- SPEC §6.3: CRM → Exchange --------------------------------------------------------------

    @Test
    void aCrmEditUpdatesOnlyTheChangedFieldsOfTheSameOutlookTask() {
        LocalDate today = today(CYD);
        CrmTask original = task("A1:edited", CYD).createdByRepId(ADA.id()).startDate(today).dueDate(today.plusDays(3))
                .priority("High").percentComplete(20).comments("Bring the contract").build();
        crm.putTask(original);
        crm.putTask(task("A1:untouched", CYD).dueDate(today.plusDays(4)).build());
        cycle();
        ExchangeTask before = outlookTask(CYD, "A1:edited");
        ExchangeTask untouched = outlookTask(CYD, "A1:untouched");

        crm.putTask(original.toBuilder().subject("Call Contoso about the renewal").dueDate(today.plusDays(5)).build());
        SyncReport report = cycle();

        assertThat(report.created()).isZero();
        assertThat(report.updated()).isEqualTo(1);
        assertThat(report.plannedWrites()).singleElement().satisfies(w -> {
            assertThat(w.kind()).isEqualTo(PlannedWrite.Kind.UPDATE);
            assertThat(w.crmTaskId()).isEqualTo("A1:edited");
            assertThat(w.fields()).containsExactlyInAnyOrder(ExchangeField.SUBJECT, ExchangeField.DUE_DATE);
        });
        ExchangeTask after = outlookTask(CYD, "A1:edited");
        assertThat(after.itemId()).isEqualTo(before.itemId());
        assertThat(after.values()).isEqualTo(before.values().toBuilder().subject("Call Contoso about the renewal")
                .dueDate(today.plusDays(5)).build());
        assertThat(after.values().importance()).isEqualTo(Importance.HIGH);
        assertThat(after.values().createdBy()).isEqualTo(ADA.displayName());
        assertThat(outlookTask(CYD, "A1:untouched").changeKey()).isEqualTo(untouched.changeKey());
    }

    @Test
    void aTaskDeletedInTheCrmIsDeletedFromTheRepsMailbox() {
        crm.putTask(task("A1:kept", BOB).dueDate(today(BOB)).build());
        crm.putTask(task("A1:deleted", BOB).dueDate(today(BOB).plusDays(2)).build());
        cycle();
        assertThat(outlook(BOB)).extracting(ExchangeTask::crmId).containsExactlyInAnyOrder("A1:kept", "A1:deleted");

        assertThat(crm.deleteTask("A1:deleted")).isPresent();
        SyncReport report = cycle();

        assertThat(report.deleted()).isEqualTo(1);
        assertThat(outlook(BOB)).extracting(ExchangeTask::crmId).containsExactly("A1:kept");
        assertThat(row("A1:deleted").deleted()).as("the CRM marks, it does not delete rows").isTrue();
        assertThat(cycle().plannedWrites()).as("the next cycle").isEmpty();
    }

    // --- SPEC §6.1: Exchange → CRM, status only -------------------------------------------------

    @Test
    void aTaskCompletedInOutlookIsCompletedInTheCrmAndNothingIsWrittenBackToOutlook() {
        crm.putTask(task("A1:done", BOB).dueDate(today(BOB).plusDays(1)).percentComplete(40).build());
        cycle();
        Instant stampBefore = row("A1:done").modifiedAt();

        exchange.userSetStatus(BOB.mailbox(), outlookTask(BOB, "A1:done").itemId(), ExchangeStatus.COMPLETED);
        ExchangeTask completed = outlookTask(BOB, "A1:done");
        SyncReport writeBack = cycle();

        assertThat(writeBack.statusesWrittenBack()).isEqualTo(1);
        DbRow row = row("A1:done");
        assertThat(row.statusCode()).isEqualTo(code("Completed"));
        assertThat(row.modifiedAt()).isAfter(stampBefore);
        SyncReport next = cycle();
        for (SyncReport r : List.of(writeBack, next)) {
            assertThat(r.plannedWrites()).filteredOn(w -> w.kind() != PlannedWrite.Kind.CRM_STATUS).isEmpty();
        }
        assertThat(outlookTask(BOB, "A1:done")).as("the rep's task, untouched").isEqualTo(completed);
        assertThat(completed.values().percentComplete()).isEqualTo(100);
    }

    @Test
    void aTaskDeferredInOutlookIsMissedInTheCrm() {
        assertThat(statusInTheCrmAfterTheRepSets(ExchangeStatus.DEFERRED)).isEqualTo(code("Missed"));
    }

    @Test
    void aTaskWaitingOnOthersInOutlookIsInProgressInTheCrmAndStaysWaitingInOutlook() {
        assertThat(statusInTheCrmAfterTheRepSets(ExchangeStatus.WAITING_ON_OTHERS)).isEqualTo(code("In Progress"));
        cycle();
        assertThat(outlookTask(CYD, "A1:status").values().status()).isEqualTo(ExchangeStatus.WAITING_ON_OTHERS);
    }

    /** The rep sets {@code status} on a synced task; returns the CRM row's status code after a cycle. */
    private String statusInTheCrmAfterTheRepSets(ExchangeStatus status) {
        crm.putTask(task("A1:status", CYD).dueDate(today(CYD).plusDays(1)).build());
        cycle();
        Instant stampBefore = row("A1:status").modifiedAt();
        exchange.userSetStatus(CYD.mailbox(), outlookTask(CYD, "A1:status").itemId(), status);
        ExchangeTask set = outlookTask(CYD, "A1:status");

        SyncReport report = cycle();

        assertThat(report.statusesWrittenBack()).isEqualTo(1);
        assertThat(report.plannedWrites()).filteredOn(w -> w.kind() != PlannedWrite.Kind.CRM_STATUS).isEmpty();
        assertThat(outlookTask(CYD, "A1:status")).isEqualTo(set);
        assertThat(row("A1:status").modifiedAt()).isAfter(stampBefore);
        return row("A1:status").statusCode();
    }

    @Test
    void whenBothSidesChangedTheStatusTheLaterChangeWins() {
        LocalDate today = today(ADA);
        crm.putTask(task("A1:rep-later", ADA).dueDate(today.plusDays(2)).build());
        crm.putTask(task("A1:crm-later", ADA).dueDate(today.plusDays(2)).build());
        cycle();

        // The CRM user sets Missed, a minute later the rep completes the task in Outlook.
        crm.putTask(task("A1:rep-later", ADA).dueDate(today.plusDays(2)).status("Missed").build());
        clock.set(crm.now().plus(Duration.ofMinutes(1)));
        exchange.userSetStatus(ADA.mailbox(), outlookTask(ADA, "A1:rep-later").itemId(), ExchangeStatus.COMPLETED);
        // The rep defers the task, a minute later the CRM user sets In Progress.
        clock.set(crm.now().minus(Duration.ofMinutes(1)));
        exchange.userSetStatus(ADA.mailbox(), outlookTask(ADA, "A1:crm-later").itemId(), ExchangeStatus.DEFERRED);
        crm.putTask(task("A1:crm-later", ADA).dueDate(today.plusDays(2)).status("In Progress").build());
        SyncReport report = cycle();

        assertThat(report.conflictsExchangeWon()).isEqualTo(1);
        assertThat(report.conflictsCrmWon()).isEqualTo(1);
        assertThat(row("A1:rep-later").statusCode()).isEqualTo(code("Completed"));
        assertThat(outlookTask(ADA, "A1:rep-later").values().status()).isEqualTo(ExchangeStatus.COMPLETED);
        assertThat(row("A1:crm-later").statusCode()).isEqualTo(code("In Progress"));
        assertThat(outlookTask(ADA, "A1:crm-later").values().status()).isEqualTo(ExchangeStatus.IN_PROGRESS);

        cycle();
        assertThat(row("A1:rep-later").statusCode()).as("settled").isEqualTo(code("Completed"));
        assertThat(outlookTask(ADA, "A1:crm-later").values().status()).as("settled").isEqualTo(ExchangeStatus.IN_PROGRESS);
    }

    // --- SPEC §6.4: edits in Outlook under outlook-edits=keep-until-crm-changes ------------------

    @Test
    void underKeepARenameOfATaskSavedWithinTheChangeSafetyLagStaysUntilTheCrmTaskChanges() {
        keepOutlookEdits();
        // saved just now: every change read within the lag (30 s) returns this row again, unchanged
        crm.putTask(task("A1:fresh", CYD).dueDate(today(CYD).plusDays(2)).comments("CRM text").build());
        cycle();
        exchange.userEdit(CYD.mailbox(), outlookTask(CYD, "A1:fresh").itemId(),
                v -> v.toBuilder().subject("My own words").build());

        SyncReport first = cycle();
        SyncReport second = cycle();

        assertThat(outlookTask(CYD, "A1:fresh").values().subject()).as("the rep's rename").isEqualTo("My own words");
        assertThat(first.updated() + second.updated()).isZero();
        assertThat(first.plannedWrites()).isEmpty();

        // the CRM task changes again: the CRM is the master once more, for every field
        crm.putTask(task("A1:fresh", CYD).dueDate(today(CYD).plusDays(4)).comments("CRM text").build());
        cycle();
        assertThat(outlookTask(CYD, "A1:fresh").values().subject()).isEqualTo("Call customer A1:fresh");
        assertThat(outlookTask(CYD, "A1:fresh").values().dueDate()).isEqualTo(today(CYD).plusDays(4));
    }

    @Test
    void underKeepARenameMadeWithAStatusChangeSurvivesTheEnginesOwnStatusWriteBack() {
        keepOutlookEdits();
        crm.putTask(task("A1:both", BOB).dueDate(today(BOB).plusDays(1)).build());
        crm.setModifiedAt("A1:both", crm.now().minus(Duration.ofHours(1))); // saved long before: no lag re-read
        cycle();
        String itemId = outlookTask(BOB, "A1:both").itemId();
        exchange.userEdit(BOB.mailbox(), itemId, v -> v.toBuilder().subject("Renamed by Bob").build());
        exchange.userSetStatus(BOB.mailbox(), itemId, ExchangeStatus.COMPLETED);

        SyncReport report = cycle();

        assertThat(report.statusesWrittenBack()).isEqualTo(1);
        assertThat(row("A1:both").statusCode()).isEqualTo(code("Completed"));
        assertThat(report.plannedWrites()).extracting(PlannedWrite::kind).containsExactly(PlannedWrite.Kind.CRM_STATUS);
        assertThat(outlookTask(BOB, "A1:both").values().subject()).as("the rep's rename").isEqualTo("Renamed by Bob");
        assertThat(cycle().plannedWrites()).as("the cycle after").isEmpty();
        assertThat(outlookTask(BOB, "A1:both").values().subject()).isEqualTo("Renamed by Bob");
        assertThat(outlookTask(BOB, "A1:both").values().status()).isEqualTo(ExchangeStatus.COMPLETED);
    }

    private void keepOutlookEdits() {
        engine = engine(adapter, JdbcSyncStateStore.builder(db).build(),
                SETTINGS.toBuilder().outlookEdits(SyncSettings.OutlookEdits.KEEP_UNTIL_CRM_CHANGES).build());
    }

    // --- SPEC §8: bad rows --------------------------------------------------------------------

    @Test
    void aRowWithAnUnknownStatusCodeIsReportedWithIdFieldAndValueWhileTheOthersSync() {
        crm.putTask(task("A1:good-ada", ADA).dueDate(today(ADA)).build());
        crm.putTask(task("A1:good-bob", BOB).dueDate(today(BOB)).build());
        CrmTask bad = task("A1:bad", ADA).dueDate(today(ADA).plusDays(1)).build();
        crm.putTask(bad, "99");

        SyncReport report = cycle();

        assertThat(report.allTaskErrors()).singleElement().satisfies(e -> {
            assertThat(e.taskId()).isEqualTo("A1:bad");
            assertThat(e.field()).isEqualTo("#2 Status");
            assertThat(e.value()).isEqualTo("99");
            assertThat(e.reason()).isNotBlank();
        });
        assertThat(report.toTable()).contains("A1:bad", "#2 Status", "'99'");
        assertThat(outlook(ADA)).extracting(ExchangeTask::crmId).containsExactly("A1:good-ada");
        assertThat(outlook(BOB)).extracting(ExchangeTask::crmId).containsExactly("A1:good-bob");

        crm.putTask(bad.toBuilder().status("In Progress").build());
        SyncReport fixed = cycle();

        assertThat(fixed.allTaskErrors()).isEmpty();
        assertThat(outlookTask(ADA, "A1:bad").values().status()).isEqualTo(ExchangeStatus.IN_PROGRESS);
    }

    // --- SPEC §6.6 and §10: cost ----------------------------------------------------------------

    @Test
    void anIdleCycleCostsAtMostThreeCrmStatementsAndOneExchangeRequestPerMailbox() {
        for (Rep rep : List.of(ADA, BOB, CYD)) {
            for (int i = 1; i <= 4; i++) {
                crm.putTask(task(rep.id() + "-" + i, rep).dueDate(today(rep).plusDays(i)).build());
            }
        }
        crm.putTask(task("R-DAN-1", DAN).dueDate(today(DAN)).build());
        cycle();
        cycle(); // reads the same changes again (the safety lag) and writes nothing
        Map<Rep, Long> requestsBefore = new HashMap<>();
        for (Rep rep : List.of(ADA, BOB, CYD)) {
            requestsBefore.put(rep, exchange.requests(rep.mailbox()));
        }
        crmStatements.clear();

        SyncReport idle = cycle();

        assertThat(crmStatements.executed()).extracting(StatementRecorder.Executed::sql)
                .as("CRM statements of an idle cycle").hasSizeLessThanOrEqualTo(3);
        requestsBefore.forEach((rep, before) -> assertThat(exchange.requests(rep.mailbox()) - before)
                .as("Exchange requests to %s", rep.mailbox()).isEqualTo(1));
        assertThat(idle.plannedWrites()).isEmpty();
        assertThat(outlook(ADA)).hasSize(4);
    }

    // --- SPEC §7 and the CrmAdapter contract: nothing lost, nothing duplicated ---------------

    @Test
    void aCrmEditCommittedWhileACycleReadsItsPagesIsNotLostByTheNextCycle() throws Exception {
        ChangePageHook paging = new ChangePageHook(adapter);
        engine = engine(paging, JdbcSyncStateStore.builder(db).build(), SETTINGS.toBuilder().crmPageSize(2).build());
        LocalDate due = today(ADA).plusDays(1);
        List<String> ids = List.of("A1:p1", "A1:p2", "A1:p3", "A1:p4", "A1:p5", "A1:p6");
        for (String id : ids) {
            crm.putTask(task(id, ADA).dueDate(due).build());
        }
        cycle();

        ExecutorService crmUser = Executors.newSingleThreadExecutor();
        try {
            // A CRM transaction stamps A1:p1 now and commits only while the next cycle pages past that stamp.
            OpenTransaction late = await(crmUser.submit(() -> OpenTransaction.editSubject(db, "A1:p1",
                    "Edited while the engine read")));
            for (String id : ids.subList(1, ids.size())) {
                crm.putTask(task(id, ADA).dueDate(due).subject("Second version of " + id).build());
            }
            paging.afterPage(page -> page.hasMore() && page.tasks().stream()
                    .anyMatch(t -> t.modifiedAt().isAfter(late.stamp())), () -> await(crmUser.submit(late::commit)));

            SyncReport during = cycle();

            assertThat(paging.fired()).as("the edit committed between two pages of the cycle's change read").isTrue();
            assertThat(outlookTask(ADA, "A1:p1").values().subject())
                    .as("precondition: the read had passed the edit's stamp when it committed")
                    .isEqualTo("Call customer A1:p1");
            assertThat(during.updated()).isEqualTo(5);

            cycle();

            assertThat(outlookTask(ADA, "A1:p1").values().subject()).isEqualTo("Edited while the engine read");
            assertThat(outlook(ADA)).hasSize(6);
        } finally {
            crmUser.shutdownNow();
        }
    }

    @Test
    void theStateStoreInTheCrmDatabaseSurvivesARestartWithNothingDuplicatedOrCreatedAgain() {
        crm.putTask(task("A1:r1", ADA).dueDate(today(ADA)).build());
        crm.putTask(task("A1:r2", ADA).dueDate(today(ADA).plusDays(1)).build());
        crm.putTask(task("A1:r3", BOB).dueDate(today(BOB)).build());
        cycle();
        Map<String, String> items = new HashMap<>();
        for (Rep rep : List.of(ADA, BOB)) {
            outlook(rep).forEach(t -> items.put(t.crmId(), t.itemId()));
        }
        exchange.userDelete(ADA.mailbox(), items.get("A1:r1"));
        exchange.userSetStatus(BOB.mailbox(), items.get("A1:r3"), ExchangeStatus.COMPLETED);
        cycle();

        // The host restarts: a new engine and a new store over the same database.
        engine = engine(JdbcCrmAdapter.create(crmStatements, CRM_SETTINGS), JdbcSyncStateStore.builder(db).build(),
                SETTINGS);
        crm.putTask(task("A1:r2", ADA).dueDate(today(ADA).plusDays(1)).subject("Edited after the restart").build());
        SyncReport afterRestart = cycle();

        assertThat(afterRestart.created()).as("created").isZero();
        assertThat(afterRestart.adopted()).as("linked again").isZero();
        assertThat(afterRestart.updated()).isEqualTo(1);
        assertThat(outlook(ADA)).as("A1:r1 was deleted by the rep and stays deleted").singleElement().satisfies(t -> {
            assertThat(t.crmId()).isEqualTo("A1:r2");
            assertThat(t.itemId()).isEqualTo(items.get("A1:r2"));
            assertThat(t.values().subject()).isEqualTo("Edited after the restart");
        });
        assertThat(outlook(BOB)).singleElement().satisfies(t -> {
            assertThat(t.itemId()).isEqualTo(items.get("A1:r3"));
            assertThat(t.values().status()).isEqualTo(ExchangeStatus.COMPLETED);
        });
        assertThat(row("A1:r3").statusCode()).isEqualTo(code("Completed"));
        assertThat(cycle().plannedWrites()).as("the cycle after").isEmpty();
    }

    // --- helpers ------------------------------------------------------------------------------

    private SyncEngine engine(CrmAdapter crmAdapter, SyncStateStore store, SyncSettings settings) {
        return SyncEngine.builder().crm(crmAdapter).exchange(exchange).stateStore(store).settings(settings).clock(clock)
                .build();
    }

    /** One cycle, which must neither fail its CRM part nor any mailbox. */
    private SyncReport cycle() {
        SyncReport report = engine.runOnce();
        assertThat(report.cycleError()).as("CRM part of the cycle\n%s", report.toTable()).isNull();
        assertThat(report.failedMailboxes()).as("failed mailboxes\n%s", report.toTable()).isEmpty();
        return report;
    }

    private LocalDate today(Rep rep) {
        return clock.instant().atZone(rep.timeZone()).toLocalDate();
    }

    private static CrmTask.Builder task(String id, Rep rep) {
        return CrmTask.builder(id).repId(rep.id()).subject("Call customer " + id).status("Open").priority("Normal")
                .percentComplete(0);
    }

    private List<ExchangeTask> outlook(Rep rep) {
        return exchange.tasks(rep.mailbox());
    }

    private ExchangeTask outlookTask(Rep rep, String crmId) {
        return outlook(rep).stream().filter(t -> crmId.equals(t.crmId())).findFirst()
                .orElseThrow(() -> new AssertionError("no Exchange task for " + crmId + " in " + rep.mailbox() + ": "
                        + outlook(rep)));
    }

    /** The database code of a status catalog value. */
    private static String code(String status) {
        return CRM_SETTINGS.statusCatalog().entrySet().stream().filter(e -> e.getValue().equals(status))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    /** A1 task row as stored, read with plain SQL. */
    private record DbRow(String statusCode, Instant modifiedAt, boolean deleted) {
    }

    private DbRow row(String id) {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT status, modified_at, deleted FROM a1_task WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("row %s", id).isTrue();
                return new DbRow(Integer.toString(rs.getInt(1)), rs.getObject(2, OffsetDateTime.class).toInstant(),
                        rs.getBoolean(3));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CRM transaction that has stamped a row with the database's transaction time and not committed yet. */
    private record OpenTransaction(Connection connection, Instant stamp) {

        static OpenTransaction editSubject(DataSource db, String id, String subject) throws SQLException {
            Connection c = db.getConnection();
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE a1_task SET subject = ?, modified_at = CURRENT_TIMESTAMP WHERE id = ?")) {
                ps.setString(1, subject);
                ps.setString(2, id);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT modified_at FROM a1_task WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new OpenTransaction(c, rs.getObject(1, OffsetDateTime.class).toInstant());
                }
            }
        }

        Void commit() throws SQLException {
            connection.commit();
            connection.close();
            return null;
        }
    }

    /** The adapter, with an action run once after the first change page that matches a condition. */
    private static final class ChangePageHook implements CrmAdapter {
        private final CrmAdapter target;
        private volatile Predicate<CrmPage> when = p -> false;
        private volatile Runnable action;
        private volatile boolean fired;

        ChangePageHook(CrmAdapter target) {
            this.target = target;
        }

        void afterPage(Predicate<CrmPage> when, Runnable action) {
            this.when = when;
            this.action = action;
        }

        boolean fired() {
            return fired;
        }

        @Override
        public CrmPage changesSince(String cursor, int pageSize) {
            CrmPage page = target.changesSince(cursor, pageSize);
            Runnable a = action;
            if (a != null && when.test(page)) {
                action = null;
                a.run();
                fired = true;
            }
            return page;
        }

        @Override
        public List<Rep> reps() {
            return target.reps();
        }

        @Override
        public String currentChangeCursor() {
            return target.currentChangeCursor();
        }

        @Override
        public CrmPage tasksInTimeFrame(TimeFrameQuery query, String pageToken, int pageSize) {
            return target.tasksInTimeFrame(query, pageToken, pageSize);
        }

        @Override
        public CrmPage tasksById(Collection<String> ids) {
            return target.tasksById(ids);
        }

        @Override
        public StatusWriteResult writeStatus(String taskId, String status, Instant expectedModifiedAt) {
            return target.writeStatus(taskId, status, expectedModifiedAt);
        }
    }
}

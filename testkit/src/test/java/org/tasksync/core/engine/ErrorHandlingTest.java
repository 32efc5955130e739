package org.tasksync.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tasksync.core.PlannedWrite;
import org.tasksync.core.SkipReason;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.TaskError;
import org.tasksync.core.mapping.TaskMapper;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.core.spi.CrmPage;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.StatusWriteResult;
import org.tasksync.core.spi.TimeFrameQuery;
import org.tasksync.core.state.InMemorySyncStateStore;

/** SPEC §8 (bad input, failing mailboxes, failed writes) and the dry run of §9. */
class ErrorHandlingTest {

    private static final String ANNA = "anna@example.com";
    private static final String BEN = "ben@example.com";

    private final Fixture f = new Fixture();

    ErrorHandlingTest() {
        f.rep("anna", ANNA);
        f.rep("ben", BEN);
    }

    // ------------------------------------------------------------------ bad tasks

    static Stream<Arguments> badTasks() {
        UnaryOperator<CrmTask.Builder> emptySubject = b -> b.subject("");
        UnaryOperator<CrmTask.Builder> blankSubject = b -> b.subject("   ");
        UnaryOperator<CrmTask.Builder> noSubject = b -> b.subject(null);
        UnaryOperator<CrmTask.Builder> longSubject = b -> b.subject("x".repeat(256));
        UnaryOperator<CrmTask.Builder> startAfterDue = b -> b.startDate(LocalDate.of(2026, 3, 10))
                .dueDate(LocalDate.of(2026, 3, 9));
        UnaryOperator<CrmTask.Builder> longBody = b -> b.comments("y".repeat(101));
        UnaryOperator<CrmTask.Builder> negativeReminder = b -> b.reminder(-5, "minutes");
        return Stream.of(
                Arguments.of("empty subject", emptySubject, "#58", ""),
                Arguments.of("blank subject", blankSubject, "#58", "   "),
                Arguments.of("no subject", noSubject, "#58", null),
                Arguments.of("subject over 255 characters", longSubject, "#58", "x".repeat(200)),
                Arguments.of("start after due", startAfterDue, "#38", "2026-03-10"),
                Arguments.of("body over the limit", longBody, "#20", "y".repeat(100)),
                Arguments.of("negative reminder", negativeReminder, "#42", "-5"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTasks")
    void badTaskIsReportedAndOthersGoOn(String name, UnaryOperator<CrmTask.Builder> bad, String field,
                                        String valueStart) {
        f.settings(b -> b.maxBodyLength(100));
        f.task("A1:5-1", "anna");
        f.task("A1:5-2", "anna", bad);
        f.task("A1:5-3", "anna");

        SyncReport report = f.cycle();

        assertThat(report.allTaskErrors()).singleElement().satisfies(e -> {
            assertThat(e.taskId()).isEqualTo("A1:5-2");
            assertThat(e.field()).startsWith(field);
            if (valueStart == null) {
                assertThat(e.value()).isNull();
            } else {
                assertThat(e.value()).startsWith(valueStart);
            }
            assertThat(e.reason()).isNotBlank();
        });
        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::crmId).containsExactlyInAnyOrder("A1:5-1", "A1:5-3");
        assertThat(report.clean()).isFalse();
        assertThat(report.toTable()).contains("A1:5-2", field);
    }

    @Test
    void limitsThemselvesAreAccepted() {
        f.settings(b -> b.maxBodyLength(100));
        f.task("A1:5-1", "anna", b -> b.subject("s".repeat(255)).comments("c".repeat(100))
                .startDate(Fixture.TODAY).dueDate(Fixture.TODAY));

        SyncReport report = f.cycle();

        assertThat(report.allTaskErrors()).isEmpty();
        assertThat(f.outlookTask(ANNA, "A1:5-1").values().subject()).hasSize(255);
        assertThat(f.outlookTask(ANNA, "A1:5-1").values().body()).hasSize(100);
    }

    @Test
    void badEditOfASyncedTaskIsNotWrittenAndTheGoodValuesStay() {
        f.task("A1:5-1", "anna", b -> b.subject("Good subject"));
        f.cycle();

        f.editTask("A1:5-1", b -> b.subject("").dueDate(Fixture.TODAY.plusDays(9)));
        SyncReport report = f.cycle();

        assertThat(report.allTaskErrors()).extracting(TaskError::taskId).containsExactly("A1:5-1");
        assertThat(f.outlookTask(ANNA, "A1:5-1").values().subject()).isEqualTo("Good subject");
        assertThat(f.outlookTask(ANNA, "A1:5-1").values().dueDate()).isEqualTo(Fixture.TODAY.plusDays(3));
    }

    @Test
    void charactersXmlCannotCarryAreReplacedWithAWarning() {
        f.task("A1:5-1", "anna", b -> b.subject("Call\u0001 back").comments("line\u0000one\uD800"));
        f.task("A1:5-2", "anna", b -> b.subject("Grüße \uD83D\uDE00 ok"));

        SyncReport report = f.cycle();

        assertThat(report.allTaskErrors()).isEmpty();
        assertThat(f.outlookTask(ANNA, "A1:5-1").values().subject()).isEqualTo("Call" + TaskMapper.REPLACEMENT + " back");
        assertThat(f.outlookTask(ANNA, "A1:5-1").values().body())
                .isEqualTo("line" + TaskMapper.REPLACEMENT + "one" + TaskMapper.REPLACEMENT);
        assertThat(f.outlookTask(ANNA, "A1:5-2").values().subject()).isEqualTo("Grüße \uD83D\uDE00 ok");
        List<String> warnings = report.mailbox(ANNA).orElseThrow().warnings();
        assertThat(warnings).hasSize(2).allSatisfy(w -> assertThat(w).contains("A1:5-1", "XML"));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("#58"));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("#20"));
        assertThat(report.toTable()).contains("warning", "A1:5-1");

        SyncReport next = f.cycle();
        assertThat(next.updated()).as("the repaired value is not written again and again").isZero();
    }

    // ------------------------------------------------------------------ failing mailboxes and writes

    @Test
    void failingMailboxDoesNotStopOthersAndKeepsItsCursor() {
        f.task("A1:5-1", "anna");
        f.task("A1:5-2", "ben");
        f.cycle();

        f.exchange.failMailbox(ANNA, MailboxException.Kind.ACCESS_DENIED);
        f.later(Duration.ofMinutes(1));
        f.exchange.userSetStatus(ANNA, f.outlookTask(ANNA, "A1:5-1").itemId(), ExchangeStatus.COMPLETED);
        f.editTask("A1:5-1", b -> b.subject("edited while the mailbox failed"));
        f.task("A1:5-3", "anna");
        f.task("A1:5-4", "ben");
        SyncReport failed = f.cycle();

        assertThat(failed.failedMailboxes()).singleElement().satisfies(m -> {
            assertThat(m.mailbox()).isEqualTo(ANNA);
            assertThat(m.mailboxError()).contains("access denied");
        });
        assertThat(failed.mailbox(BEN).orElseThrow().failed()).isFalse();
        assertThat(f.outlook(BEN)).extracting(ExchangeTask::crmId).containsExactlyInAnyOrder("A1:5-2", "A1:5-4");
        assertThat(f.crm.task("A1:5-1").orElseThrow().status()).isEqualTo("Open");
        assertThat(failed.skipped(SkipReason.MAILBOX_FAILED)).isEqualTo(2);
        assertThat(failed.toTable()).contains("FAILED", "access denied");

        f.exchange.failMailbox(ANNA, null);
        SyncReport healed = f.cycle();

        assertThat(healed.failedMailboxes()).isEmpty();
        assertThat(f.crm.task("A1:5-1").orElseThrow().status()).isEqualTo("Completed");
        assertThat(f.outlookTask(ANNA, "A1:5-1").values().subject()).isEqualTo("edited while the mailbox failed");
        assertThat(f.outlookTask(ANNA, "A1:5-1").values().status()).isEqualTo(ExchangeStatus.COMPLETED);
        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::crmId).containsExactlyInAnyOrder("A1:5-1", "A1:5-3");
    }

    @Test
    void crmDeletionWhileTheMailboxFailsIsDoneAfterHealing() {
        f.task("A1:5-1", "anna");
        f.task("A1:5-2", "anna");
        f.cycle();

        f.exchange.failMailbox(ANNA, MailboxException.Kind.UNAVAILABLE);
        f.crm.deleteTask("A1:5-1");
        f.cycle();
        assertThat(f.outlook(ANNA)).hasSize(2);

        f.exchange.failMailbox(ANNA, null);
        SyncReport healed = f.cycle();
        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::crmId).containsExactly("A1:5-2");
        assertThat(healed.deleted()).isEqualTo(1);
    }

    @Test
    void failedWriteIsTriedAgainNextCycle() {
        f.exchange.failWritesOf("A1:5-2");
        f.task("A1:5-1", "anna");
        f.task("A1:5-2", "anna");

        SyncReport first = f.cycle();
        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::crmId).containsExactly("A1:5-1");
        assertThat(first.allTaskErrors()).singleElement().satisfies(e -> {
            assertThat(e.taskId()).isEqualTo("A1:5-2");
            assertThat(e.reason()).contains("tried again");
        });
        f.cycle();
        assertThat(f.outlook(ANNA)).hasSize(1);

        f.exchange.healWrites();
        SyncReport healed = f.cycle(); // nobody touched the CRM task meanwhile
        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::crmId).containsExactlyInAnyOrder("A1:5-1", "A1:5-2");
        assertThat(healed.created()).isEqualTo(1);
        assertThat(healed.allTaskErrors()).isEmpty();
    }

    @Test
    void failedUpdateIsTriedAgainNextCycle() {
        f.task("A1:5-1", "anna");
        f.cycle();
        f.exchange.failWritesOf("A1:5-1");
        f.editTask("A1:5-1", b -> b.subject("second version"));

        f.cycle();
        assertThat(f.outlookTask(ANNA, "A1:5-1").values().subject()).isEqualTo("Call customer A1:5-1");

        f.exchange.healWrites();
        f.cycle();
        assertThat(f.outlookTask(ANNA, "A1:5-1").values().subject()).isEqualTo("second version");
    }

    @Test
    void failedStatusWriteToTheCrmIsTriedAgainNextCycle() {
        AtomicBoolean crmRefuses = new AtomicBoolean();
        CrmAdapter refusing = new CrmAdapter() {
            @Override public List<Rep> reps() { return f.crm.reps(); }
            @Override public String currentChangeCursor() { return f.crm.currentChangeCursor(); }
            @Override public CrmPage changesSince(String cursor, int n) { return f.crm.changesSince(cursor, n); }
            @Override public CrmPage tasksInTimeFrame(TimeFrameQuery q, String t, int n) { return f.crm.tasksInTimeFrame(q, t, n); }
            @Override public CrmPage tasksById(Collection<String> ids) { return f.crm.tasksById(ids); }
            @Override public StatusWriteResult writeStatus(String id, String status, Instant expected) {
                if (crmRefuses.get()) {
                    throw new IllegalStateException("CRM database is read-only");
                }
                return f.crm.writeStatus(id, status, expected);
            }
        };
        f.engine = SyncEngine.builder().crm(refusing).exchange(f.exchange).stateStore(f.store).settings(f.settings)
                .clock(f.clock).build();
        f.task("A1:5-1", "anna");
        f.cycle();

        crmRefuses.set(true);
        f.later(Duration.ofMinutes(1));
        f.exchange.userSetStatus(ANNA, f.outlookTask(ANNA, "A1:5-1").itemId(), ExchangeStatus.COMPLETED);
        SyncReport refused = f.cycle();
        assertThat(refused.allTaskErrors()).singleElement().satisfies(e -> {
            assertThat(e.taskId()).isEqualTo("A1:5-1");
            assertThat(e.field()).contains("#2");
        });
        assertThat(f.crm.task("A1:5-1").orElseThrow().status()).isEqualTo("Open");
        assertThat(f.outlookTask(ANNA, "A1:5-1").values().status()).isEqualTo(ExchangeStatus.COMPLETED);

        crmRefuses.set(false);
        f.cycle();
        assertThat(f.crm.task("A1:5-1").orElseThrow().status()).isEqualTo("Completed");
    }

    @Test
    void aFailedStatusWriteIsLoggedToldToTheListenerAndReportedLikeEveryTaskError() {
        AtomicBoolean crmRefuses = new AtomicBoolean();
        List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        f.engine = SyncEngine.builder().crm(refusingStatusWrites(crmRefuses)).exchange(f.exchange).stateStore(f.store)
                .settings(f.settings).clock(f.clock).listener(new org.tasksync.core.SyncListener() {
                    @Override public void taskError(String mailbox, TaskError error) {
                        told.add(mailbox + " " + error.taskId() + " " + error.field());
                    }
                }).build();
        f.task("A1:5-1", "anna");
        f.cycle();

        crmRefuses.set(true);
        f.later(Duration.ofMinutes(1));
        f.exchange.userSetStatus(ANNA, f.outlookTask(ANNA, "A1:5-1").itemId(), ExchangeStatus.COMPLETED);
        SyncReport refused = f.cycle();

        assertThat(refused.allTaskErrors()).extracting(TaskError::taskId).containsExactly("A1:5-1");
        assertThat(told).as("what the SyncListener was told").containsExactly(ANNA + " A1:5-1 #2 Status");
    }

    @Test
    void aStatusWriteThatThrowsWhileAdoptingIsAPerTaskErrorAndTheMailboxGoesOn() {
        AtomicBoolean crmRefuses = new AtomicBoolean();
        f.task("A1:5-1", "anna");
        f.task("A1:5-2", "anna");
        f.cycle();
        f.later(Duration.ofMinutes(1));
        f.exchange.userSetStatus(ANNA, f.outlookTask(ANNA, "A1:5-1").itemId(), ExchangeStatus.COMPLETED);
        // the state store is lost: both tasks are adopted, the rep's later status wins the conflict
        f.store = new InMemorySyncStateStore();
        f.engine = SyncEngine.builder().crm(refusingStatusWrites(crmRefuses)).exchange(f.exchange).stateStore(f.store)
                .settings(f.settings).clock(f.clock).build();
        f.editTask("A1:5-2", b -> b.subject("edited in the CRM meanwhile"));
        crmRefuses.set(true);

        SyncReport refused = f.cycle();

        assertThat(refused.failedMailboxes()).as("SPEC §8: a per-task error, not a failed mailbox").isEmpty();
        assertThat(refused.allTaskErrors()).singleElement().satisfies(e -> {
            assertThat(e.taskId()).isEqualTo("A1:5-1");
            assertThat(e.field()).contains("#2");
        });
        assertThat(f.outlookTask(ANNA, "A1:5-2").values().subject()).as("the mailbox's other task")
                .isEqualTo("edited in the CRM meanwhile");
        assertThat(f.outlookTask(ANNA, "A1:5-1").values().status()).as("the rep's status, not overwritten")
                .isEqualTo(ExchangeStatus.COMPLETED);

        crmRefuses.set(false);
        SyncReport next = f.cycle();
        assertThat(next.allTaskErrors()).isEmpty();
        assertThat(f.crm.task("A1:5-1").orElseThrow().status()).isEqualTo("Completed");
        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::crmId).containsExactlyInAnyOrder("A1:5-1", "A1:5-2");
        f.cycle();
        assertThat(f.outlookTask(ANNA, "A1:5-1").values().status()).isEqualTo(ExchangeStatus.COMPLETED);
        assertThat(f.crm.task("A1:5-1").orElseThrow().status()).isEqualTo("Completed");
    }

    private CrmAdapter refusingStatusWrites(AtomicBoolean crmRefuses) {
        return new CrmAdapter() {
            @Override public List<Rep> reps() { return f.crm.reps(); }
            @Override public String currentChangeCursor() { return f.crm.currentChangeCursor(); }
            @Override public CrmPage changesSince(String cursor, int n) { return f.crm.changesSince(cursor, n); }
            @Override public CrmPage tasksInTimeFrame(TimeFrameQuery q, String t, int n) { return f.crm.tasksInTimeFrame(q, t, n); }
            @Override public CrmPage tasksById(Collection<String> ids) { return f.crm.tasksById(ids); }
            @Override public StatusWriteResult writeStatus(String id, String status, Instant expected) {
                if (crmRefuses.get()) {
                    throw new IllegalStateException("CRM database is read-only");
                }
                return f.crm.writeStatus(id, status, expected);
            }
        };
    }

    // ------------------------------------------------------------------ dry run

    @Test
    void dryRunWritesNothingAndListsPlannedWrites() {
        f.task("A1:5-1", "anna");
        f.task("A1:5-2", "anna");
        f.task("A1:5-3", "anna");
        f.cycle();
        f.editTask("A1:5-1", b -> b.subject("edited"));
        f.crm.deleteTask("A1:5-2");
        f.later(Duration.ofMinutes(1));
        f.exchange.userSetStatus(ANNA, f.outlookTask(ANNA, "A1:5-3").itemId(), ExchangeStatus.COMPLETED);
        f.task("A1:5-4", "ben");
        List<ExchangeTask> anna = f.outlook(ANNA);
        Map<String, CrmTask> crm = f.crm.tasks();
        InMemorySyncStateStore store = (InMemorySyncStateStore) f.store;
        var links = store.allLinks();
        var cursors = store.cursors("");

        f.later(Duration.ofSeconds(10));
        SyncReport dry = f.engine.dryRun();

        assertThat(dry.dryRun()).isTrue();
        assertThat(dry.plannedWrites()).extracting(PlannedWrite::kind, PlannedWrite::crmTaskId)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(PlannedWrite.Kind.CRM_STATUS, "A1:5-3"),
                        org.assertj.core.groups.Tuple.tuple(PlannedWrite.Kind.UPDATE, "A1:5-1"),
                        org.assertj.core.groups.Tuple.tuple(PlannedWrite.Kind.CREATE, "A1:5-4"),
                        org.assertj.core.groups.Tuple.tuple(PlannedWrite.Kind.DELETE, "A1:5-2"));
        assertThat(dry.plannedWrites()).filteredOn(w -> w.kind() == PlannedWrite.Kind.UPDATE).singleElement()
                .satisfies(w -> assertThat(w.fields()).containsExactly(ExchangeField.SUBJECT));
        assertThat(dry.plannedWrites()).filteredOn(w -> w.kind() == PlannedWrite.Kind.CRM_STATUS).singleElement()
                .satisfies(w -> assertThat(w.detail()).contains("Completed"));
        assertThat(dry.toTable()).contains("DRY RUN");
        assertThat(f.outlook(ANNA)).isEqualTo(anna);
        assertThat(f.outlook(BEN)).isEmpty();
        assertThat(f.crm.tasks()).isEqualTo(crm);
        assertThat(store.allLinks()).isEqualTo(links);
        assertThat(store.cursors("")).isEqualTo(cursors);
        assertThat(store.pendingTaskIds()).isEmpty();

        // the real cycle afterwards does what the dry run listed
        SyncReport real = f.cycle();
        assertThat(real.plannedWrites()).extracting(PlannedWrite::kind, PlannedWrite::crmTaskId)
                .containsExactlyInAnyOrderElementsOf(dry.plannedWrites().stream()
                        .map(w -> org.assertj.core.groups.Tuple.tuple(w.kind(), w.crmTaskId())).toList());
        assertThat(f.crm.task("A1:5-3").orElseThrow().status()).isEqualTo("Completed");
        assertThat(f.outlook(BEN)).extracting(ExchangeTask::crmId).containsExactly("A1:5-4");
        assertThat(f.outlook(ANNA)).extracting(ExchangeTask::crmId).containsExactlyInAnyOrder("A1:5-1", "A1:5-3");
    }

    @Test
    void dryRunSettingMakesEveryCycleADryRun() {
        f.settings(b -> b.dryRun(true));
        f.task("A1:5-1", "anna");

        SyncReport first = f.cycle();
        SyncReport second = f.cycle();

        assertThat(f.exchange.tasks(ANNA)).isEmpty();
        assertThat(first.created()).isEqualTo(1);
        assertThat(second.plannedWrites()).extracting(PlannedWrite::kind).containsExactly(PlannedWrite.Kind.CREATE);
    }
}

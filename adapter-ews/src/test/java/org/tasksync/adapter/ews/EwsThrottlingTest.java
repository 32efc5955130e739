package org.tasksync.adapter.ews;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
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
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.WriteOutcome;
import org.tasksync.testkit.ews.EwsFault;
import org.tasksync.testkit.ews.EwsSimulator;
import org.tasksync.testkit.ews.InjectedFault;
import org.tasksync.testkit.ews.OutlookTask;

/** Throttling and transient failures (SPEC §8): waited out within the bound, reported past it, never duplicating. */
class EwsThrottlingTest {

    private static final String REP = "tom.throttled@example.com";
    private static final Mailbox MAILBOX = new Mailbox(REP, "Tom Throttled", ZoneId.of("Europe/Berlin"));
    private static final List<String> OPERATIONS = List.of("CreateItem", "SyncFolderItems", "GetItem", "FindItem",
            "UpdateItem", "DeleteItem");

    @RegisterExtension
    final SimulatedExchange.PerTest exchange = SimulatedExchange.perTest(REP);
    private final EwsSimulator ews = exchange.ews();

    private MailboxConnection connect() throws MailboxException {
        return EwsExchangeAdapter.create(SimulatedExchange.config(ews).build()).connect(MAILBOX);
    }

    private static List<NewExchangeTask> tasks(int n) {
        List<NewExchangeTask> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new NewExchangeTask("A1:7-" + i, TaskValues.builder().subject("Throttled " + i)
                    .status(ExchangeStatus.NOT_STARTED).importance(Importance.NORMAL).percentComplete(0).build()));
        }
        return out;
    }

    static Stream<Arguments> faults() {
        return Stream.of(
                Arguments.of("ErrorServerBusy in every response message, with BackOffMilliseconds",
                        EwsFault.serverBusyMessage(Duration.ofMillis(30))),
                Arguments.of("ErrorServerBusy as a SOAP fault on HTTP 500, with BackOffMilliseconds",
                        EwsFault.serverBusyFault(Duration.ofMillis(30))),
                Arguments.of("ErrorServerBusy as a SOAP fault on HTTP 500, without BackOffMilliseconds",
                        EwsFault.serverBusyFault()),
                Arguments.of("HTTP 503", EwsFault.http503()),
                Arguments.of("a dropped connection", EwsFault.dropConnection()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void everyOperationSurvivesTwoFaultsInARow(String name, EwsFault fault) throws Exception {
        List<InjectedFault> armed = new ArrayList<>();
        for (String op : OPERATIONS) {
            armed.add(ews.inject(fault.times(2).forMailbox(REP).forOperation(op)));
        }
        try (MailboxConnection c = connect()) {
            List<WriteOutcome> created = c.create(tasks(5));
            assertThat(created).allMatch(WriteOutcome::succeeded);
            assertThat(ews.outlook(REP).tasks()).as("each task once, however often CreateItem was sent").hasSize(5);

            ChangePage page = c.changes(null);
            assertThat(page.changed()).hasSize(5);

            List<ExchangeTask> found = c.findByCrmIds(List.of("A1:7-0", "A1:7-1"));
            assertThat(found).extracting(ExchangeTask::crmId).containsExactlyInAnyOrder("A1:7-0", "A1:7-1");

            List<WriteOutcome> updated = c.update(List.of(new ExchangeTaskUpdate(new ItemRef(created.get(2).itemId(),
                    null), "A1:7-2", TaskValues.builder().subject("Renamed").build(), Set.of(ExchangeField.SUBJECT))));
            assertThat(updated).allMatch(WriteOutcome::succeeded);
            assertThat(ews.outlook(REP).task(created.get(2).itemId()).map(OutlookTask::subject)).contains("Renamed");

            assertThat(c.delete(List.of(new ItemRef(created.get(4).itemId(), null)))).allMatch(WriteOutcome::succeeded);
            assertThat(ews.outlook(REP).tasks()).hasSize(4);
        }
        assertThat(armed).as("every fault struck").allSatisfy(f -> assertThat(f.remaining()).isZero());
    }

    @Test
    void theServersBackOffIsWhatTheAdapterWaits() throws Exception {
        ews.inject(EwsFault.serverBusyFault(Duration.ofMillis(170)).forOperation("SyncFolderItems"));
        try (CapturedLog log = new CapturedLog(); MailboxConnection c = connect()) {
            c.changes(null);
            assertThat(log.text()).contains("SyncFolderItems failed: ErrorServerBusy").contains("retry 1 in 170 ms");
        }
        assertThat(ews.traffic().count(REP, "SyncFolderItems")).isEqualTo(2);
    }

    @Test
    void aServerBusyPastTheBoundIsReportedThrottledAndNothingIsWritten() throws Exception {
        ews.inject(EwsFault.serverBusyMessage(Duration.ofMillis(40)).always().forOperation("CreateItem"));
        try (MailboxConnection c = connect()) {
            assertThatThrownBy(() -> c.create(tasks(3)))
                    .isInstanceOfSatisfying(MailboxException.class, e -> {
                        assertThat(e.kind()).isEqualTo(MailboxException.Kind.THROTTLED);
                        assertThat(e.mailbox()).isEqualTo(REP);
                        assertThat(e.getMessage()).contains("CreateItem").contains("ErrorServerBusy")
                                .contains("gave up after 6 retries");
                    });
        }
        assertThat(ews.traffic().count(REP, "CreateItem")).as("first try and 6 retries").isEqualTo(7);
        assertThat(ews.outlook(REP).tasks()).isEmpty();
    }

    @Test
    void http503PastTheBoundIsReportedThrottled() throws Exception {
        ews.inject(EwsFault.http503().always());
        try (MailboxConnection c = connect()) {
            assertThatThrownBy(() -> c.changes(null)).isInstanceOfSatisfying(MailboxException.class,
                    e -> assertThat(e.kind()).isEqualTo(MailboxException.Kind.THROTTLED));
        }
    }

    @Test
    void aBackOffLongerThanTheBoundFailsAtOnceInsteadOfWaitingInVain() throws Exception {
        ews.inject(EwsFault.serverBusyFault(Duration.ofMinutes(5)).forOperation("SyncFolderItems"));
        try (MailboxConnection c = connect()) {
            assertThatThrownBy(() -> c.changes(null)).isInstanceOfSatisfying(MailboxException.class, e -> {
                assertThat(e.kind()).isEqualTo(MailboxException.Kind.THROTTLED);
                assertThat(e.getMessage()).contains("300000 ms");
            });
        }
        assertThat(ews.traffic().count(REP, "SyncFolderItems")).isEqualTo(1);
    }

    @Test
    void aServerThatKeepsDroppingTheConnectionIsReportedUnavailable() throws Exception {
        ews.inject(EwsFault.dropConnection().always().forOperation("SyncFolderItems"));
        try (MailboxConnection c = connect()) {
            assertThatThrownBy(() -> c.changes(null)).isInstanceOfSatisfying(MailboxException.class,
                    e -> assertThat(e.kind()).isEqualTo(MailboxException.Kind.UNAVAILABLE));
        }
    }

    @Test
    void aCreateWhoseAnswerWasLostIsNotSentAgainForTasksTheServerMade() throws Exception {
        // The first CreateItem is served only after the client gave up waiting: the server makes the
        // tasks, the adapter never hears of it. Its retry must find them instead of creating copies.
        // Margins are wide so that a slow, loaded machine does not matter: every other request of the
        // connection has the client's 10 s to be answered, the server makes the tasks after 15 s, 5 s
        // after the client gave up, and the retry comes 15 s or more after that (25 s after the send).
        ews.inject(EwsFault.latency(Duration.ofSeconds(15)).times(1).forOperation("CreateItem"));
        EwsConfig config = SimulatedExchange.config(ews).timeout(Duration.ofSeconds(10))
                .throttleInitialBackoff(Duration.ofSeconds(15)).throttleMaxWait(Duration.ofSeconds(60)).build();
        try (MailboxConnection c = EwsExchangeAdapter.create(config).connect(MAILBOX)) {
            List<WriteOutcome> out = c.create(tasks(3));

            assertThat(out).allMatch(WriteOutcome::succeeded);
            List<OutlookTask> inOutlook = ews.outlook(REP).tasks();
            assertThat(inOutlook).as("no second copy").hasSize(3);
            assertThat(out).extracting(WriteOutcome::itemId)
                    .containsExactlyInAnyOrderElementsOf(inOutlook.stream().map(OutlookTask::itemId).toList());
            assertThat(out).extracting(WriteOutcome::changeKey)
                    .containsExactlyInAnyOrderElementsOf(inOutlook.stream().map(OutlookTask::changeKey).toList());
        }
        assertThat(ews.traffic().count(REP, "FindItem")).as("the retry looked for what the lost request made")
                .isEqualTo(1);
        assertThat(ews.traffic().count(REP, "CreateItem")).isEqualTo(1);
    }
}

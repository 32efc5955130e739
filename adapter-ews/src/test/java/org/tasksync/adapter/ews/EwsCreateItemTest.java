package org.tasksync.adapter.ews;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.WriteOutcome;
import org.tasksync.testkit.ews.EwsFault;
import org.tasksync.testkit.ews.EwsSimulator;
import org.tasksync.testkit.ews.OutlookTask;

/**
 * The adapter's own CreateItem (docs/ews-adapter.md, "How CreateItem is written") against the simulator,
 * which validates every request against Microsoft's schema: what the rep finds in Outlook, each item's
 * outcome, and the failures that come back per item or for the whole request.
 */
class EwsCreateItemTest {

    private static final String REP = "cara.create@example.com";
    private static final Mailbox MAILBOX = new Mailbox(REP, "Cara Create", ZoneId.of("Asia/Kolkata"));

    @RegisterExtension
    final SimulatedExchange.PerTest exchange = SimulatedExchange.perTest(REP);
    private final EwsSimulator ews = exchange.ews();

    private MailboxConnection connect() throws MailboxException {
        return EwsExchangeAdapter.create(SimulatedExchange.config(ews).extendedField("Region").build())
                .connect(MAILBOX);
    }

    private static TaskValues full() {
        // a blank between two escaped characters, which ews-java-api's own reader dropped (EwsTextFidelityTest)
        return TaskValues.builder().subject("Quote <v2> & \"final\" sign-off & more").body("Dear Ann,\nsee <attached> & sign.\n")
                .startDate(LocalDate.of(2026, 12, 1)).dueDate(LocalDate.of(2026, 12, 24))
                .completeDate(LocalDate.of(2026, 12, 23)).status(ExchangeStatus.COMPLETED).importance(Importance.HIGH)
                .percentComplete(100).reminder(true, Instant.parse("2026-12-23T03:30:00Z"))
                .owner("Cara Create").createdBy("Dan Director").extended("Region", "EMEA & APAC").build();
    }

    @Test
    void everyFieldWrittenIsWhatTheRepFindsAndWhatTheAdapterReadsBack() throws Exception {
        try (MailboxConnection c = connect()) {
            List<WriteOutcome> out = c.create(List.of(new NewExchangeTask("A1:3-1", full()),
                    new NewExchangeTask("A1:3-2", TaskValues.builder().subject("Bare").build())));
            assertThat(out).allMatch(WriteOutcome::succeeded);
            OutlookTask inOutlook = ews.outlook(REP).task(out.get(0).itemId()).orElseThrow();
            assertThat(inOutlook.changeKey()).isEqualTo(out.get(0).changeKey());
            assertThat(inOutlook.subject()).isEqualTo("Quote <v2> & \"final\" sign-off & more");
            assertThat(inOutlook.bodyType()).isEqualTo("Text");
            assertThat(inOutlook.dueDate()).isEqualTo(LocalDate.of(2026, 12, 24));
            assertThat(inOutlook.reminderDueBy()).isEqualTo(Instant.parse("2026-12-23T03:30:00Z"));

            List<ExchangeTask> read = c.findByCrmIds(List.of("A1:3-1", "A1:3-2"));
            assertThat(read).hasSize(2);
            ExchangeTask first = read.stream().filter(t -> t.crmId().equals("A1:3-1")).findFirst().orElseThrow();
            assertThat(first.values()).isEqualTo(full());
            assertThat(first.changeKey()).isEqualTo(out.get(0).changeKey());
        }
    }

    @Test
    void aTaskWithAValueEwsRefusesFailsAloneAndTheOthersAreCreated() throws Exception {
        try (MailboxConnection c = connect()) {
            List<WriteOutcome> out = c.create(List.of(new NewExchangeTask("A1:4-1", full()),
                    new NewExchangeTask("A1:4-2", TaskValues.builder().subject("Empty owner").owner("").build()),
                    new NewExchangeTask("A1:4-3", TaskValues.builder().subject("Fine").build())));
            assertThat(out.get(0).succeeded()).isTrue();
            assertThat(out.get(1).succeeded()).isFalse();
            assertThat(out.get(1).error()).contains("cannot build the task of CRM task A1:4-2")
                    .contains("Argument value not valid");
            assertThat(out.get(2).succeeded()).isTrue();
            assertThat(ews.outlook(REP).tasks()).hasSize(2);
        }
    }

    @Test
    void anErrorForOneItemIsThatItemsOutcome() throws Exception {
        // the server refuses the second item of the batch (rewritten answer: the simulator makes every item)
        ews.inject(EwsFault.rewriteResponse(xml -> {
            int second = xml.indexOf("<m:CreateItemResponseMessage", xml.indexOf("<m:CreateItemResponseMessage") + 1);
            int end = xml.indexOf("</m:CreateItemResponseMessage>", second) + "</m:CreateItemResponseMessage>".length();
            return xml.substring(0, second) + "<m:CreateItemResponseMessage ResponseClass=\"Error\"><m:MessageText>"
                    + "The quota was exceeded.</m:MessageText><m:ResponseCode>ErrorQuotaExceeded</m:ResponseCode>"
                    + "<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:Items/></m:CreateItemResponseMessage>"
                    + xml.substring(end);
        }).forOperation("CreateItem"));
        try (MailboxConnection c = connect()) {
            List<WriteOutcome> out = c.create(List.of(new NewExchangeTask("A1:5-1", full()),
                    new NewExchangeTask("A1:5-2", full()), new NewExchangeTask("A1:5-3", full())));
            assertThat(out.get(0).succeeded()).isTrue();
            assertThat(out.get(1).succeeded()).isFalse();
            assertThat(out.get(1).itemId()).isNull();
            assertThat(out.get(1).error()).isEqualTo("ErrorQuotaExceeded: The quota was exceeded.");
            assertThat(out.get(2).succeeded()).isTrue();
            assertThat(out.get(2).itemId()).isNotEqualTo(out.get(0).itemId());
        }
        assertThat(ews.traffic().count(REP, "CreateItem")).isEqualTo(1);
    }

    @Test
    void aMailboxErrorReportedForAnItemFailsTheMailbox() throws Exception {
        ews.inject(EwsFault.rewriteResponse(xml -> xml.replaceFirst(
                "<m:CreateItemResponseMessage ResponseClass=\"Success\"><m:ResponseCode>NoError</m:ResponseCode>",
                "<m:CreateItemResponseMessage ResponseClass=\"Error\"><m:MessageText>No mailbox.</m:MessageText>"
                        + "<m:ResponseCode>ErrorNonExistentMailbox</m:ResponseCode>"
                        + "<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>")).forOperation("CreateItem"));
        try (MailboxConnection c = connect()) {
            assertThatThrownBy(() -> c.create(List.of(new NewExchangeTask("A1:6-1", full()))))
                    .isInstanceOfSatisfying(MailboxException.class, e -> {
                        assertThat(e.kind()).isEqualTo(MailboxException.Kind.NOT_FOUND);
                        assertThat(e.getMessage()).contains("CreateItem").contains("ErrorNonExistentMailbox");
                    });
        }
    }

    @Test
    void aRefusedPasswordFailsTheCreateAsAuthenticationWithoutThePassword() throws Exception {
        EwsConfig wrong = SimulatedExchange.config(ews).credentials(SimulatedExchange.USER, "Not-The-Password-9")
                .build();
        try (MailboxConnection c = EwsExchangeAdapter.create(wrong).connect(MAILBOX)) {
            assertThatThrownBy(() -> c.create(List.of(new NewExchangeTask("A1:7-1", full()))))
                    .isInstanceOfSatisfying(MailboxException.class, e -> {
                        assertThat(e.kind()).isEqualTo(MailboxException.Kind.AUTHENTICATION);
                        assertThat(e.getMessage()).contains("CreateItem").contains("401")
                                .doesNotContain("Not-The-Password-9");
                    });
        }
        assertThat(ews.outlook(REP).tasks()).isEmpty();
    }

    @Test
    void anAnswerThatIsNotSoapFailsTheMailboxAndTheConnectionStillWorks() throws Exception {
        ews.inject(EwsFault.rewriteResponse(xml -> "<?xml version=\"1.0\"?><not-soap/>").forOperation("CreateItem"));
        try (MailboxConnection c = connect()) {
            assertThatThrownBy(() -> c.create(List.of(new NewExchangeTask("A1:8-1", full()))))
                    .isInstanceOfSatisfying(MailboxException.class,
                            e -> assertThat(e.kind()).isEqualTo(MailboxException.Kind.PROTOCOL));
            List<WriteOutcome> again = c.create(List.of(new NewExchangeTask("A1:8-2", full())));
            assertThat(again).allMatch(WriteOutcome::succeeded);
        }
    }

    @Test
    void aBatchRetriedAfterServerBusyIsTheSameTasks() throws Exception {
        ews.inject(EwsFault.serverBusyMessage(java.time.Duration.ofMillis(10)).times(2).forOperation("CreateItem"));
        List<NewExchangeTask> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tasks.add(new NewExchangeTask("A1:9-" + i, TaskValues.builder().subject("Busy " + i).build()));
        }
        try (MailboxConnection c = connect()) {
            List<WriteOutcome> out = c.create(tasks);
            assertThat(out).allMatch(WriteOutcome::succeeded);
        }
        assertThat(ews.traffic().count(REP, "CreateItem")).isEqualTo(3);
        assertThat(ews.outlook(REP).tasks()).extracting(OutlookTask::subject)
                .containsExactlyInAnyOrder("Busy 0", "Busy 1", "Busy 2", "Busy 3", "Busy 4");
    }
}

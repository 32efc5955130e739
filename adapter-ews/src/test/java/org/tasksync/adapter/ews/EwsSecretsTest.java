package org.tasksync.adapter.ews;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.ExchangeTaskUpdate;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.testkit.ews.EwsFault;
import org.tasksync.testkit.ews.EwsSimulator;

/** The service account's credentials appear nowhere: not in toString(), not in the log, not in any error. */
class EwsSecretsTest {

    private static final String REP = "sam.secret@example.com";
    private static final Mailbox MAILBOX = new Mailbox(REP, "Sam Secret", ZoneId.of("UTC"));

    @Test
    void credentialsNeverAppearInLogsMessagesOrToString() throws Exception {
        List<String> texts = new ArrayList<>();
        String log;
        try (CapturedLog captured = new CapturedLog(); EwsSimulator ews = SimulatedExchange.start()) {
            ews.registerMailbox(REP);
            EwsConfig config = SimulatedExchange.config(ews).domain("CORPDOM").build();
            EwsExchangeAdapter adapter = EwsExchangeAdapter.create(config);
            texts.add(config.toString());
            texts.add(adapter.toString());

            try (MailboxConnection c = adapter.connect(MAILBOX)) {
                texts.add(c.toString());
                String id = c.create(List.of(new NewExchangeTask("A1:1-1", TaskValues.builder().subject("Secret?")
                        .status(ExchangeStatus.NOT_STARTED).build()))).get(0).itemId();
                c.update(List.of(new ExchangeTaskUpdate(new ItemRef(id, null), "A1:1-1",
                        TaskValues.builder().subject("Still secret?").build(), Set.of(ExchangeField.SUBJECT))));
                c.changes(null);
                texts.add(c.toString());
            }
            // every kind of failure, each with its message
            ews.inject(EwsFault.serverBusyFault(Duration.ofMillis(10)).always().forOperation("SyncFolderItems"));
            texts.addAll(failures(adapter, MAILBOX));
            ews.clearFaults();
            ews.inject(EwsFault.dropConnection().always());
            texts.addAll(failures(adapter, MAILBOX));
            ews.clearFaults();
            texts.addAll(failures(adapter, new Mailbox("unknown@example.com", "Nobody", ZoneId.of("UTC"))));
            ews.denyImpersonation(REP, true);
            texts.addAll(failures(adapter, MAILBOX));
            EwsConfig wrongPassword = config.toBuilder().credentials(SimulatedExchange.USER, "Wrong-" + SimulatedExchange.PASSWORD)
                    .build();
            texts.addAll(failures(EwsExchangeAdapter.create(wrongPassword), MAILBOX));
            SimulatedExchange.assertClean(ews);
            log = captured.text();
        }

        assertThat(texts).hasSizeGreaterThan(8);
        assertThat(log).as("the captured log").contains("sam.secret@example.com").contains("gave up");
        String basic = Base64.getEncoder().encodeToString((SimulatedExchange.USER + ":" + SimulatedExchange.PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        for (String secret : List.of(SimulatedExchange.PASSWORD, SimulatedExchange.USER, "CORPDOM", basic)) {
            assertThat(log).as("log output").doesNotContain(secret);
            assertThat(texts).as("toString() and exception messages").noneMatch(t -> t.contains(secret));
        }
    }

    /** The messages and toString() of the exception (and its causes) a first request on the mailbox gives. */
    private static List<String> failures(EwsExchangeAdapter adapter, Mailbox mailbox) {
        List<String> out = new ArrayList<>();
        try (MailboxConnection c = adapter.connect(mailbox)) {
            c.changes(null);
            throw new AssertionError("expected a failure for " + mailbox.address());
        } catch (MailboxException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                out.add(String.valueOf(t.getMessage()));
                out.add(t.toString());
            }
        }
        return out;
    }
}

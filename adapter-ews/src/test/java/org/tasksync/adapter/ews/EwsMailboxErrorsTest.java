package org.tasksync.adapter.ews;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.CursorRejectedException;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.testkit.ews.EwsSimulator;

/** A mailbox that cannot be used fails as a whole, with the kind the engine reports. */
class EwsMailboxErrorsTest {

    private static final String REP = "mia.mailbox@example.com";

    @RegisterExtension
    final SimulatedExchange.PerTest exchange = SimulatedExchange.perTest(REP);
    private final EwsSimulator ews = exchange.ews();

    private static Mailbox mailbox(String address) {
        return new Mailbox(address, "Somebody", ZoneId.of("UTC"));
    }

    private MailboxException failureOf(EwsConfig config, String address) {
        try (MailboxConnection c = EwsExchangeAdapter.create(config).connect(mailbox(address))) {
            c.changes(null);
        } catch (MailboxException e) {
            return e;
        }
        throw new AssertionError("no MailboxException for " + address);
    }

    @Test
    void anUnknownMailboxIsNotFound() {
        MailboxException e = failureOf(SimulatedExchange.config(ews).build(), "nobody@example.com");
        assertThat(e.kind()).isEqualTo(MailboxException.Kind.NOT_FOUND);
        assertThat(e.getMessage()).contains("nobody@example.com").contains("ErrorNonExistentMailbox");
    }

    @Test
    void aMailboxTheServiceAccountMayNotImpersonateIsAccessDenied() {
        ews.denyImpersonation(REP, true);
        MailboxException e = failureOf(SimulatedExchange.config(ews).build(), REP);
        assertThat(e.kind()).isEqualTo(MailboxException.Kind.ACCESS_DENIED);
        assertThat(e.getMessage()).contains("ErrorImpersonateUserDenied");
    }

    @Test
    void aWrongPasswordIsAnAuthenticationFailure() {
        EwsConfig wrong = SimulatedExchange.config(ews).credentials(SimulatedExchange.USER, "not-the-password").build();
        MailboxException e = failureOf(wrong, REP);
        assertThat(e.kind()).isEqualTo(MailboxException.Kind.AUTHENTICATION);
        assertThat(e.getMessage()).contains("401");
        assertThat(ews.traffic().total()).as("nothing got past authentication").isZero();
    }

    @Test
    void aServerThatIsNotThereIsUnavailable() {
        EwsConfig config = SimulatedExchange.config(ews).build();
        ews.close();
        MailboxException e = failureOf(config, REP);
        assertThat(e.kind()).isEqualTo(MailboxException.Kind.UNAVAILABLE);
    }

    @Test
    void aSyncStateTheServerNoLongerKnowsIsARejectedCursor() throws Exception {
        String otherMailboxState;
        ews.registerMailbox("other@example.com");
        try (MailboxConnection other = EwsExchangeAdapter.create(SimulatedExchange.config(ews).build())
                .connect(mailbox("other@example.com"))) {
            otherMailboxState = other.changes(null).next();
        }
        try (MailboxConnection c = EwsExchangeAdapter.create(SimulatedExchange.config(ews).build()).connect(mailbox(REP))) {
            c.create(List.of(new NewExchangeTask("A1:3-1", TaskValues.builder().subject("S")
                    .status(ExchangeStatus.NOT_STARTED).build())));
            assertThatThrownBy(() -> c.changes(otherMailboxState))
                    .isInstanceOfSatisfying(CursorRejectedException.class, e -> {
                        assertThat(e.mailbox()).isEqualTo(REP);
                        assertThat(e.getMessage()).contains("ErrorInvalidSyncStateData");
                    });
            assertThat(c.changes(null).changed()).as("reading again from the beginning works").hasSize(1);
        }
    }

    @Test
    void aClosedConnectionRefusesWork() throws Exception {
        MailboxConnection c = EwsExchangeAdapter.create(SimulatedExchange.config(ews).build()).connect(mailbox(REP));
        c.close();
        c.close();
        assertThatThrownBy(() -> c.changes(null)).isInstanceOf(IllegalStateException.class);
    }
}

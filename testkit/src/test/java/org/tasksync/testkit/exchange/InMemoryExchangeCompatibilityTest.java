package org.tasksync.testkit.exchange;

import java.time.Clock;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.testkit.inmemory.InMemoryExchange;

/** The in-memory Exchange passes the same kit as the real adapters. */
class InMemoryExchangeCompatibilityTest extends ExchangeAdapterCompatibilityKit {

    private final InMemoryExchange exchange = new InMemoryExchange(Clock.systemUTC()).pageSize(50);

    @Override
    protected ExchangeAdapter adapter() {
        return exchange;
    }

    @Override
    protected void prepareMailbox(String address) {
        exchange.failMailbox(address, null);
    }

    @Override
    protected String unknownMailbox() {
        String address = super.unknownMailbox();
        exchange.failMailbox(address, MailboxException.Kind.NOT_FOUND);
        return address;
    }

    @Override
    protected ExchangeUser user() {
        return new ExchangeUser() {
            public void setStatus(String mailbox, String itemId, ExchangeStatus status) {
                exchange.userSetStatus(mailbox, itemId, status);
            }

            public void setSubject(String mailbox, String itemId, String subject) {
                exchange.userEdit(mailbox, itemId, v -> v.toBuilder().subject(subject).build());
            }

            public void delete(String mailbox, String itemId) {
                exchange.userDelete(mailbox, itemId);
            }

            public void delegate(String mailbox, String itemId) {
                exchange.userDelegate(mailbox, itemId);
            }
        };
    }
}

package org.tasksync.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tasksync.core.SyncReport;
import org.tasksync.core.spi.ChangePage;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;

/**
 * EWS does not report a task that was created and deleted between two change reads. The engine
 * learns of the deletion from the next update ("item gone") and treats it as deleted in Outlook
 * (SPEC §6.5) instead of retrying the update every cycle.
 */
class VanishedItemTest {

    @Test
    void aTaskDeletedInOutlookUnreportedIsTreatedAsDeletedWhenAnUpdateFindsItGone() {
        Fixture f = new Fixture();
        f.rep("anna", "anna@example.com");
        f.task("A1:1", "anna");
        f.cycle();
        String itemId = f.outlookTask("anna@example.com", "A1:1").itemId();
        f.exchange.userDelete("anna@example.com", itemId);
        // an Exchange that forgets to report the deletion, as EWS does for an item created and
        // deleted between two reads
        ExchangeAdapter silent = mailbox -> {
            MailboxConnection c = f.exchange.connect(mailbox);
            return new ForwardingConnection(c) {
                @Override
                public ChangePage changes(String cursor) throws MailboxException {
                    ChangePage p = c.changes(cursor);
                    return new ChangePage(p.changed(), List.of(), p.next(), p.hasMore());
                }
            };
        };
        f.engine = org.tasksync.core.SyncEngine.builder().crm(f.crm).exchange(silent).stateStore(f.store)
                .settings(f.settings).clock(f.clock).build();
        f.later(java.time.Duration.ofMinutes(5));
        f.editTask("A1:1", t -> t.subject("Changed in the CRM"));
        SyncReport r = f.cycle();
        assertThat(r.allTaskErrors()).isEmpty();
        assertThat(r.deletedInOutlook()).isEqualTo(1);
        assertThat(f.outlook("anna@example.com")).isEmpty();
        SyncReport next = f.cycle();
        assertThat(next.updated() + next.created()).as("not retried, not re-created").isZero();
        assertThat(next.allTaskErrors()).isEmpty();
    }
}

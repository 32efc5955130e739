package org.tasksync.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tasksync.core.MailboxPartition;
import org.tasksync.core.SyncReport;
import org.tasksync.core.model.ExchangeStatus;

/** Cycles over partitions of the mailboxes (scale-out) each do their share and lose nothing. */
class PartitionTest {

    private final Fixture f = new Fixture();
    private final List<String> mailboxes = new ArrayList<>();

    PartitionTest() {
        for (int i = 0; i < 12; i++) {
            String mb = "rep" + i + "@example.com";
            mailboxes.add(mb);
            f.rep("r" + i, mb);
            f.task("A1:" + i, "r" + i);
        }
    }

    @Test
    void aPartitionTouchesOnlyItsOwnMailboxes() {
        MailboxPartition p = MailboxPartition.of(1, 3);
        f.later(Duration.ofSeconds(5));
        SyncReport r = f.engine.runOnce(p);
        for (String mb : mailboxes) {
            boolean mine = p.contains(mb);
            assertThat(f.outlook(mb)).as(mb).hasSize(mine ? 1 : 0);
            assertThat(f.exchange.requests(mb)).as("requests to %s", mb).isEqualTo(mine ? 2 : 0);
        }
        assertThat(r.mailboxes()).allMatch(m -> p.contains(m.mailbox()));
        assertThat(r.allTaskErrors()).isEmpty();
    }

    @Test
    void partitionsAdvancingAtDifferentPacesLoseNoChange() {
        MailboxPartition a = MailboxPartition.of(0, 2);
        MailboxPartition b = MailboxPartition.of(1, 2);
        f.later(Duration.ofSeconds(5));
        f.engine.runOnce(a);
        // partition a runs three times while b has not run at all; CRM edits happen in between
        for (int round = 0; round < 3; round++) {
            int n = round;
            for (int i = 0; i < 12; i++) {
                f.editTask("A1:" + i, t -> t.subject("Round " + n));
            }
            f.later(Duration.ofSeconds(5));
            f.engine.runOnce(a);
        }
        f.later(Duration.ofSeconds(5));
        f.engine.runOnce(b);
        for (int i = 0; i < 12; i++) {
            assertThat(f.outlookTask("rep" + i + "@example.com", "A1:" + i).values().subject()).isEqualTo("Round 2");
        }
        // an Outlook status change in a b-mailbox reaches the CRM on b's next cycle, not a's
        String mb = mailboxes.stream().filter(b::contains).findFirst().orElseThrow();
        String id = "A1:" + mb.substring(3, mb.indexOf('@'));
        f.exchange.userSetStatus(mb, f.outlookTask(mb, id).itemId(), ExchangeStatus.COMPLETED);
        f.later(Duration.ofSeconds(5));
        f.engine.runOnce(a);
        assertThat(f.crm.task(id).orElseThrow().status()).isEqualTo("Open");
        f.later(Duration.ofSeconds(5));
        f.engine.runOnce(b);
        assertThat(f.crm.task(id).orElseThrow().status()).isEqualTo("Completed");
    }

    @Test
    void everyMailboxBelongsToExactlyOnePartition() {
        for (String mb : mailboxes) {
            int owners = 0;
            for (int i = 0; i < 5; i++) {
                if (MailboxPartition.of(i, 5).contains(mb)) owners++;
            }
            assertThat(owners).as(mb).isEqualTo(1);
        }
        assertThat(MailboxPartition.partitionOf("Rep1@Example.com ", 7)).isEqualTo(MailboxPartition.partitionOf("rep1@example.com", 7));
    }
}

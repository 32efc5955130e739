package org.tasksync.core.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tasksync.core.internal.rules.RuleFixtures.MAILBOX;
import static org.tasksync.core.internal.rules.RuleFixtures.T;
import static org.tasksync.core.internal.rules.RuleFixtures.linked;
import static org.tasksync.core.internal.rules.RuleFixtures.values;

import org.junit.jupiter.api.Test;
import org.tasksync.core.internal.rules.WritePlan.Kind;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.spi.Link;

/** SPEC §6.3, §6.5, §6.2 and §7: what a CRM task routed to a mailbox asks for. */
class WritePlanTest {

    private final Link link = linked("1", values("a", ExchangeStatus.NOT_STARTED), "ck");

    @Test
    void anUnlinkedTaskIsAdoptedOrCreated() {
        assertThat(WritePlan.of(null, MAILBOX, T)).isEqualTo(Kind.ADOPT_OR_CREATE);
    }

    @Test
    void aTaskLinkedInAnotherMailboxIsReassignedWhateverItsState() {
        assertThat(WritePlan.of(link, "ben@example.com", T)).isEqualTo(Kind.REASSIGN);
        assertThat(WritePlan.of(link.deletedInOutlook(T), "ben@example.com", T)).isEqualTo(Kind.REASSIGN);
    }

    @Test
    void anUnconfirmedCreateIsLookedUpBeforeCreating() {
        Link intent = Link.intent("2", MAILBOX, values("b", ExchangeStatus.NOT_STARTED), "Open", T);
        assertThat(WritePlan.of(intent, MAILBOX, T)).isEqualTo(Kind.ADOPT_OR_LOOKUP);
    }

    @Test
    void aTaskDeletedInOutlookComesBackOnlyWithALaterCrmChange() {
        Link deleted = link.deletedInOutlook(T);
        assertThat(WritePlan.of(deleted, MAILBOX, T)).isEqualTo(Kind.KEEP_DELETED);
        assertThat(WritePlan.of(deleted, MAILBOX, T.minusSeconds(1))).isEqualTo(Kind.KEEP_DELETED);
        assertThat(WritePlan.of(deleted, MAILBOX, T.plusSeconds(1))).isEqualTo(Kind.CREATE_AGAIN);
    }

    @Test
    void aDelegatedTaskIsNeverWrittenAndALinkedOneIsUpdated() {
        assertThat(WritePlan.of(link.delegatedAt("ck2"), MAILBOX, T)).isEqualTo(Kind.DELEGATED);
        assertThat(WritePlan.of(link, MAILBOX, T)).isEqualTo(Kind.UPDATE);
    }
}

package org.tasksync.core.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tasksync.core.internal.rules.RuleFixtures.T;
import static org.tasksync.core.internal.rules.RuleFixtures.linked;
import static org.tasksync.core.internal.rules.RuleFixtures.values;

import org.junit.jupiter.api.Test;
import org.tasksync.core.internal.rules.DeletionPlan.Action;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.spi.Link;

/** SPEC §6.3 "the CRM task was deleted", §6.2 delegated tasks are never written. */
class DeletionPlanTest {

    private final Link open = linked("1", values("a", ExchangeStatus.IN_PROGRESS), "ck");

    @Test
    void aLinkedOpenTaskIsDeletedInExchange() {
        assertThat(DeletionPlan.of(open, true, true)).isEqualTo(Action.DELETE_ITEM);
    }

    @Test
    void aTaskCompletedInExchangeIsKeptThereAndOnlyItsLinkGoes() {
        Link done = open.exchangeStatusSynced(ExchangeStatus.COMPLETED);
        assertThat(DeletionPlan.of(done, true, true)).isEqualTo(Action.DROP_COMPLETED_KEPT);
    }

    @Test
    void aDelegatedTaskIsNeverWrittenEvenWhenCompletedOrDeleted() {
        assertThat(DeletionPlan.of(open.delegatedAt("ck2"), true, true)).isEqualTo(Action.DROP_DELEGATED);
        assertThat(DeletionPlan.of(open.delegatedAt("ck2").exchangeStatusSynced(ExchangeStatus.COMPLETED), true, true))
                .isEqualTo(Action.DROP_DELEGATED);
    }

    @Test
    void anUnconfirmedCreateIsLookedUpByCrmIdAndATaskDeletedInOutlookOnlyLosesItsLink() {
        Link intent = Link.intent("2", RuleFixtures.MAILBOX, values("b", ExchangeStatus.NOT_STARTED), "Open", T);
        assertThat(DeletionPlan.of(intent, true, true)).isEqualTo(Action.LOOKUP_AND_DELETE);
        assertThat(DeletionPlan.of(open.deletedInOutlook(T), true, true)).isEqualTo(Action.DROP);
    }

    @Test
    void anotherPartitionsMailboxIsItsToDeleteAndAMailboxWhoseRepLeftIsNotTouched() {
        assertThat(DeletionPlan.of(open, false, true)).isEqualTo(Action.OTHER_PARTITION);
        assertThat(DeletionPlan.of(open, false, false)).isEqualTo(Action.OTHER_PARTITION);
        assertThat(DeletionPlan.of(open, true, false)).isEqualTo(Action.DROP_REP_GONE);
    }

    @Test
    void anUnclaimedTaggedItemGoesOnlyWhenItsCrmTaskIsGoneItIsOpenAndNotLinkedInItsMailbox() {
        assertThat(DeletionPlan.deletesOrphan(false, ExchangeStatus.IN_PROGRESS, false)).isTrue();
        assertThat(DeletionPlan.deletesOrphan(false, null, false)).isTrue();
        assertThat(DeletionPlan.deletesOrphan(true, ExchangeStatus.IN_PROGRESS, false)).isFalse();
        assertThat(DeletionPlan.deletesOrphan(false, ExchangeStatus.COMPLETED, false)).isFalse();
        assertThat(DeletionPlan.deletesOrphan(false, ExchangeStatus.IN_PROGRESS, true)).isFalse();
    }
}

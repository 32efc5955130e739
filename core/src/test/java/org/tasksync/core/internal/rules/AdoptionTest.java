package org.tasksync.core.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tasksync.core.internal.rules.RuleFixtures.T;

import org.junit.jupiter.api.Test;
import org.tasksync.core.SyncSettings.Reassignment;
import org.tasksync.core.internal.rules.Adoption.Orphan;

/** SPEC §7: adopting a tagged item without a record of the last sync; unclaimed tagged items. */
class AdoptionTest {

    private static final String HERE = "anna@example.com";
    private static final String THERE = "ben@example.com";

    @Test
    void withoutARecordOnlyALaterExchangeChangeWinsTheStatus() {
        assertThat(Adoption.repStatusWins(false, T.plusSeconds(1), T)).isTrue();
        assertThat(Adoption.repStatusWins(false, T, T)).isFalse(); // a tie goes to the CRM
        assertThat(Adoption.repStatusWins(false, T, T.plusSeconds(1))).isFalse();
        assertThat(Adoption.repStatusWins(false, null, T)).isFalse();
    }

    @Test
    void whenTheCrmHasTheItemsStatusNothingIsWrittenToTheCrm() {
        assertThat(Adoption.repStatusWins(true, T.plusSeconds(1), T)).isFalse();
    }

    @Test
    void anUnlinkedTaggedItemOfThisMailboxsTaskIsAdopted() {
        assertThat(Adoption.orphan(HERE, HERE, false, false, Reassignment.KEEP_ORIGINAL)).isEqualTo(Orphan.ADOPT);
        assertThat(Adoption.orphan(HERE, HERE, false, false, Reassignment.MOVE)).isEqualTo(Orphan.ADOPT);
    }

    @Test
    void aTaskLinkedHereToAnotherItemOrLinkedElsewhereWhileOwnedHereIsLeft() {
        assertThat(Adoption.orphan(HERE, HERE, true, true, Reassignment.MOVE)).isEqualTo(Orphan.LEAVE);
        assertThat(Adoption.orphan(HERE, HERE, false, true, Reassignment.MOVE)).isEqualTo(Orphan.LEAVE);
        assertThat(Adoption.orphan(THERE, HERE, true, true, Reassignment.MOVE)).isEqualTo(Orphan.LEAVE);
    }

    @Test
    void anOldCopyOfATaskAnotherRepOwnsNowIsDeletedUnderMoveOnly() {
        assertThat(Adoption.orphan(THERE, HERE, false, true, Reassignment.MOVE)).isEqualTo(Orphan.DELETE);
        assertThat(Adoption.orphan(THERE, HERE, false, false, Reassignment.MOVE)).isEqualTo(Orphan.DELETE);
        assertThat(Adoption.orphan(THERE, HERE, false, true, Reassignment.KEEP_ORIGINAL)).isEqualTo(Orphan.LEAVE);
    }

    @Test
    void aTaskWhoseRepTakesNoPartLeavesItsOldCopyAlone() {
        assertThat(Adoption.orphan(null, HERE, false, false, Reassignment.MOVE)).isEqualTo(Orphan.LEAVE);
    }
}

package org.tasksync.core.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tasksync.core.internal.rules.RuleFixtures.T;
import static org.tasksync.core.internal.rules.RuleFixtures.linked;
import static org.tasksync.core.internal.rules.RuleFixtures.values;

import org.junit.jupiter.api.Test;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.spi.Link;

/** SPEC §6.3, the rep changed: keep-original leaves the old copy, move deletes it. */
class ReassignmentTest {

    private final Link old = linked("1", values("a", ExchangeStatus.NOT_STARTED), "ck");

    @Test
    void underMoveTheOldLinkedCopyInAnActiveMailboxIsDeleted() {
        assertThat(Reassignment.deletesOldCopy(old, true, SyncSettings.Reassignment.MOVE)).isTrue();
    }

    @Test
    void underKeepOriginalTheOldCopyStays() {
        assertThat(Reassignment.deletesOldCopy(old, true, SyncSettings.Reassignment.KEEP_ORIGINAL)).isFalse();
    }

    @Test
    void aDelegatedCopyAMailboxWhoseRepLeftOrACopyThatIsNoLinkedItemIsNeverDeleted() {
        assertThat(Reassignment.deletesOldCopy(old.delegatedAt("ck2"), true, SyncSettings.Reassignment.MOVE)).isFalse();
        assertThat(Reassignment.deletesOldCopy(old, false, SyncSettings.Reassignment.MOVE)).isFalse();
        assertThat(Reassignment.deletesOldCopy(old.deletedInOutlook(T), true, SyncSettings.Reassignment.MOVE)).isFalse();
        Link intent = Link.intent("2", RuleFixtures.MAILBOX, values("b", ExchangeStatus.NOT_STARTED), "Open", T);
        assertThat(Reassignment.deletesOldCopy(intent, true, SyncSettings.Reassignment.MOVE)).isFalse();
    }
}

package org.tasksync.core.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tasksync.core.internal.rules.RuleFixtures.T;
import static org.tasksync.core.internal.rules.RuleFixtures.item;
import static org.tasksync.core.internal.rules.RuleFixtures.linked;
import static org.tasksync.core.internal.rules.RuleFixtures.values;

import java.time.LocalDate;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tasksync.core.internal.rules.ExchangeChange.Kind;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.Link;

/** SPEC §6.1 (echo, status), §6.2 (delegated), §6.4 (edits): what an item read from a mailbox means. */
class ExchangeChangeTest {

    private static final Set<ExchangeField> MANAGED = Set.of(ExchangeField.SUBJECT, ExchangeField.STATUS,
            ExchangeField.PERCENT_COMPLETE, ExchangeField.COMPLETE_DATE, ExchangeField.DUE_DATE);
    private final TaskValues written = values("Call Bob", ExchangeStatus.NOT_STARTED);
    private final Link link = linked("1", written, "ck1");

    @Test
    void theEnginesOwnWriteComingBackIsAnEcho() {
        ExchangeChange c = ExchangeChange.of(item("1", "ck1", written), link, MANAGED);
        assertThat(c.kind()).isEqualTo(Kind.ECHO);
        assertThat(c.statusChanged()).isFalse();
        assertThat(c.edited()).isEmpty();
    }

    @Test
    void aStatusTheRepSetIsReadEvenUnderTheEnginesOwnChangeKeyAndNoEditIsInferredThen() {
        TaskValues done = values("Renamed", ExchangeStatus.COMPLETED, 100, LocalDate.of(2026, 3, 2));
        ExchangeChange c = ExchangeChange.of(item("1", "ck1", done), link, MANAGED);
        assertThat(c.kind()).isEqualTo(Kind.CHANGE);
        assertThat(c.statusChanged()).isTrue();
        assertThat(c.edited()).isEmpty(); // the change key is the engine's: nothing else counts as an edit
    }

    @Test
    void aStatusChangeCarriesThePercentAndCompleteDateWithItButARenameIsAnEdit() {
        TaskValues done = values("Renamed", ExchangeStatus.COMPLETED, 100, LocalDate.of(2026, 3, 2));
        ExchangeChange c = ExchangeChange.of(item("1", "ck2", done), link, MANAGED);
        assertThat(c.kind()).isEqualTo(Kind.CHANGE);
        assertThat(c.statusChanged()).isTrue();
        assertThat(c.edited()).containsExactly(ExchangeField.SUBJECT);
    }

    @Test
    void anEditWithoutAStatusChangeListsEveryEditedFieldButNeverTheStatus() {
        TaskValues edited = values("Renamed", ExchangeStatus.NOT_STARTED, 40, null);
        ExchangeChange c = ExchangeChange.of(item("1", "ck2", edited), link, MANAGED);
        assertThat(c.kind()).isEqualTo(Kind.CHANGE);
        assertThat(c.statusChanged()).isFalse();
        assertThat(c.edited()).containsExactlyInAnyOrder(ExchangeField.SUBJECT, ExchangeField.PERCENT_COMPLETE);
    }

    @Test
    void aNewVersionWithNothingChangedIsAChangeWithoutEdits() {
        ExchangeChange c = ExchangeChange.of(item("1", "ck2", written), link, MANAGED);
        assertThat(c.kind()).isEqualTo(Kind.CHANGE);
        assertThat(c.statusChanged()).isFalse();
        assertThat(c.edited()).isEmpty();
    }

    @Test
    void aStatusIsNotReadWhenTheStatusIsNotSynchronizedOrTheItemHasNone() {
        TaskValues done = values("Call Bob", ExchangeStatus.COMPLETED, 0, null);
        ExchangeChange unmanaged = ExchangeChange.of(item("1", "ck1", done), link, Set.of(ExchangeField.SUBJECT));
        assertThat(unmanaged.kind()).isEqualTo(Kind.ECHO);
        ExchangeChange none = ExchangeChange.of(item("1", "ck1", values("Call Bob", null, 0, null)), link, MANAGED);
        assertThat(none.kind()).isEqualTo(Kind.ECHO);
    }

    @Test
    void aDelegatedItemIsNeitherReadBackNorAnEchoAndALinkMarkedDelegatedNeverEchoes() {
        ExchangeTask delegated = new ExchangeTask("item-1", "ck1", "1", written, T, true);
        assertThat(ExchangeChange.of(delegated, link, MANAGED).kind()).isEqualTo(Kind.DELEGATED);
        // no longer delegated, same change key: read as a change, not as the engine's own write
        ExchangeChange back = ExchangeChange.of(item("1", "ck1", written), link.delegatedAt("ck1"), MANAGED);
        assertThat(back.kind()).isEqualTo(Kind.CHANGE);
        assertThat(back.edited()).isEmpty();
    }

    @Test
    void anItemWithoutALinkIsUntrackedAndOneWithAnIntentOrADeletionIsNotRead() {
        assertThat(ExchangeChange.of(item("1", "ck1", written), null, MANAGED).kind()).isEqualTo(Kind.UNTRACKED);
        assertThat(ExchangeChange.of(item("1", "ck1", written), link.deletedInOutlook(T), MANAGED).kind())
                .isEqualTo(Kind.NOT_LINKED);
    }

    @Test
    void onlyATaggedUndelegatedItemIsAdoptable() {
        assertThat(ExchangeChange.adoptable(item("1", "ck1", written))).isTrue();
        assertThat(ExchangeChange.adoptable(new ExchangeTask("i", "c", null, written, T, false))).isFalse();
        assertThat(ExchangeChange.adoptable(new ExchangeTask("i", "c", "1", written, T, true))).isFalse();
    }
}

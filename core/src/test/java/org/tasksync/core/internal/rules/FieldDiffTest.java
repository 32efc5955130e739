package org.tasksync.core.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tasksync.core.internal.rules.RuleFixtures.values;

import java.time.LocalDate;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tasksync.core.mapping.StatusMapping;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;

/** SPEC §6.3 "update only those fields"; the status triple is written together. */
class FieldDiffTest {

    private static final Set<ExchangeField> ALL = Set.of(ExchangeField.SUBJECT, ExchangeField.STATUS,
            ExchangeField.PERCENT_COMPLETE, ExchangeField.COMPLETE_DATE);
    private final FieldDiff diff = new FieldDiff(ALL, StatusMapping.defaults());

    @Test
    void nothingDiffersNothingIsWritten() {
        assertThat(diff.changedFields(values("a", ExchangeStatus.IN_PROGRESS, 30, null),
                values("a", ExchangeStatus.IN_PROGRESS, 30, null), "In Progress", 30)).isEmpty();
    }

    @Test
    void onlyTheFieldsThatDifferAreWritten() {
        assertThat(diff.changedFields(values("a", ExchangeStatus.NOT_STARTED, 0, null),
                values("b", ExchangeStatus.NOT_STARTED, 0, null), "Open", 0)).containsExactly(ExchangeField.SUBJECT);
    }

    @Test
    void aChangedStatusIsWrittenWithItsPercentAndCompleteDate() {
        assertThat(diff.changedFields(values("a", ExchangeStatus.NOT_STARTED, 0, null),
                values("a", ExchangeStatus.COMPLETED, 0, null), "Completed", 0))
                .containsExactlyInAnyOrder(ExchangeField.STATUS, ExchangeField.PERCENT_COMPLETE,
                        ExchangeField.COMPLETE_DATE);
    }

    @Test
    void theTripleIsOnlyWhatIsSynchronized() {
        FieldDiff statusOnly = new FieldDiff(Set.of(ExchangeField.STATUS, ExchangeField.PERCENT_COMPLETE),
                StatusMapping.defaults());
        assertThat(statusOnly.changedFields(values("a", ExchangeStatus.NOT_STARTED, 0, null),
                values("a", ExchangeStatus.COMPLETED, 0, null), "Completed", 0))
                .containsExactlyInAnyOrder(ExchangeField.STATUS, ExchangeField.PERCENT_COMPLETE);
        FieldDiff noPercent = new FieldDiff(Set.of(ExchangeField.STATUS, ExchangeField.COMPLETE_DATE),
                StatusMapping.defaults());
        assertThat(noPercent.changedFields(values("a", ExchangeStatus.NOT_STARTED, 0, null),
                values("a", ExchangeStatus.COMPLETED, 0, null), "Completed", 0))
                .containsExactlyInAnyOrder(ExchangeField.STATUS, ExchangeField.COMPLETE_DATE);
    }

    @Test
    void aRepsWaitingOnOthersStaysForTheCrmsInProgressWithItsOwnPercent() {
        // WaitingOnOthers maps back to In Progress: no status write, and 0 % is right for WaitingOnOthers
        assertThat(diff.changedFields(values("a", ExchangeStatus.WAITING_ON_OTHERS, 0, null),
                values("a", ExchangeStatus.IN_PROGRESS, 1, null), "In Progress", 0)).isEmpty();
        // a percent the CRM changed still goes, with the status Exchange keeps sent along (below)
        assertThat(diff.changedFields(values("a", ExchangeStatus.WAITING_ON_OTHERS, 0, null),
                values("a", ExchangeStatus.IN_PROGRESS, 40, null), "In Progress", 40))
                .containsExactly(ExchangeField.PERCENT_COMPLETE);
    }

    @Test
    void aPercentThatDoesNotMatchTheKeptStatusIsStillWritten() {
        assertThat(diff.changedFields(values("a", ExchangeStatus.WAITING_ON_OTHERS, 100, null),
                values("a", ExchangeStatus.IN_PROGRESS, 1, null), "In Progress", null))
                .containsExactly(ExchangeField.PERCENT_COMPLETE);
    }

    @Test
    void aPercentExchangeDoesNotHoldIsWrittenBesideTheKeptStatus() {
        assertThat(diff.changedFields(values("a", ExchangeStatus.WAITING_ON_OTHERS, null, null),
                values("a", ExchangeStatus.IN_PROGRESS, 1, null), "In Progress", 0))
                .containsExactly(ExchangeField.PERCENT_COMPLETE);
    }

    @Test
    void aPercentWrittenAloneTakesTheUnchangedStatusAlongSoExchangeDoesNotDeriveAnother() {
        assertThat(diff.changedFields(values("a", ExchangeStatus.IN_PROGRESS, 30, null),
                values("a", ExchangeStatus.IN_PROGRESS, 60, null), "In Progress", 60))
                .containsExactlyInAnyOrder(ExchangeField.PERCENT_COMPLETE, ExchangeField.STATUS);
        LocalDate day = LocalDate.of(2026, 3, 1);
        assertThat(diff.changedFields(values("a", ExchangeStatus.COMPLETED, 100, day),
                values("a", ExchangeStatus.COMPLETED, 100, day.plusDays(1)), "Completed", 100))
                .containsExactlyInAnyOrder(ExchangeField.COMPLETE_DATE, ExchangeField.STATUS);
    }

    @Test
    void theStatusIsNotSentAlongWhenItIsNotSynchronizedOrTheCrmHasNone() {
        FieldDiff noStatus = new FieldDiff(Set.of(ExchangeField.PERCENT_COMPLETE), StatusMapping.defaults());
        assertThat(noStatus.changedFields(values("a", ExchangeStatus.IN_PROGRESS, 30, null),
                values("a", ExchangeStatus.IN_PROGRESS, 60, null), "In Progress", 60))
                .containsExactly(ExchangeField.PERCENT_COMPLETE);
        assertThat(diff.changedFields(values("a", null, 30, null), values("a", null, 60, null), null, 60))
                .containsExactly(ExchangeField.PERCENT_COMPLETE);
    }

    @Test
    void aStatusUnknownInExchangeIsWrittenWithItsTriple() {
        assertThat(diff.changedFields(values("a", null, null, null), values("a", ExchangeStatus.NOT_STARTED, 0, null),
                "Open", 0)).containsExactlyInAnyOrder(ExchangeField.STATUS, ExchangeField.PERCENT_COMPLETE,
                ExchangeField.COMPLETE_DATE);
    }
}

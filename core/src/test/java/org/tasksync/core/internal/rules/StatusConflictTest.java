package org.tasksync.core.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.tasksync.core.internal.rules.StatusConflict.Outcome;

/** SPEC §6.1: the later modification wins, a tie goes to the CRM. */
class StatusConflictTest {

    private static final Instant T = Instant.parse("2026-03-02T09:00:00Z");

    @Test
    void theCrmHavingTheRepsStatusAlreadyWritesNothingWhateverTheTimes() {
        assertThat(StatusConflict.decide(true, true, T.plusSeconds(60), T)).isEqualTo(Outcome.CRM_HAS_IT);
        assertThat(StatusConflict.decide(false, true, T, T.plusSeconds(60))).isEqualTo(Outcome.CRM_HAS_IT);
        assertThat(Outcome.CRM_HAS_IT.writesToCrm()).isFalse();
        assertThat(Outcome.CRM_HAS_IT.isConflict()).isFalse();
    }

    @Test
    void aStatusSetOnlyInOutlookIsWrittenToTheCrmEvenWhenTheCrmTaskIsNewer() {
        assertThat(StatusConflict.decide(false, false, T, T.plusSeconds(60))).isEqualTo(Outcome.WRITE_TO_CRM);
        assertThat(StatusConflict.decide(false, false, null, T)).isEqualTo(Outcome.WRITE_TO_CRM);
        assertThat(Outcome.WRITE_TO_CRM.writesToCrm()).isTrue();
        assertThat(Outcome.WRITE_TO_CRM.isConflict()).isFalse();
    }

    @Test
    void whenBothChangedTheLaterChangeWins() {
        assertThat(StatusConflict.decide(true, false, T.plusMillis(1), T)).isEqualTo(Outcome.EXCHANGE_WINS);
        assertThat(StatusConflict.decide(true, false, T, T.plusMillis(1))).isEqualTo(Outcome.CRM_WINS);
        assertThat(Outcome.EXCHANGE_WINS.writesToCrm()).isTrue();
        assertThat(Outcome.EXCHANGE_WINS.isConflict()).isTrue();
        assertThat(Outcome.CRM_WINS.writesToCrm()).isFalse();
        assertThat(Outcome.CRM_WINS.isConflict()).isTrue();
    }

    @Test
    void aTieOrAnUnknownExchangeTimeGoesToTheCrm() {
        assertThat(StatusConflict.decide(true, false, T, T)).isEqualTo(Outcome.CRM_WINS);
        assertThat(StatusConflict.decide(true, false, null, T)).isEqualTo(Outcome.CRM_WINS);
        assertThat(StatusConflict.exchangeWins(T, T)).isFalse();
        assertThat(StatusConflict.exchangeWins(null, T)).isFalse();
        assertThat(StatusConflict.exchangeWins(T.plusNanos(1), T)).isTrue();
        assertThat(StatusConflict.exchangeWins(T, null)).as("a CRM without a time").isTrue();
    }
}

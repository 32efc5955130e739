package org.tasksync.core.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tasksync.core.model.ExchangeField;

/** SPEC §6.4 under keep-until-crm-changes: the rep's edit stays until the CRM task changes. */
class OutlookEditsTest {

    private static final Instant T = Instant.parse("2026-03-02T09:00:00Z");
    private static final Set<ExchangeField> DIFFERING = Set.of(ExchangeField.SUBJECT, ExchangeField.DUE_DATE,
            ExchangeField.STATUS, ExchangeField.PERCENT_COMPLETE, ExchangeField.COMPLETE_DATE);

    @Test
    void aCrmRowReadAgainUnchangedIsNoCrmChange() {
        assertThat(OutlookEdits.crmChangedSince(true, T, T)).isFalse();
        assertThat(OutlookEdits.crmChangedSince(true, T, T.minusSeconds(1))).as("an older read").isFalse();
    }

    @Test
    void anotherStatusALaterTimeOrNoRecordIsACrmChange() {
        assertThat(OutlookEdits.crmChangedSince(false, T, T)).isTrue();
        assertThat(OutlookEdits.crmChangedSince(true, T, T.plusMillis(1))).isTrue();
        assertThat(OutlookEdits.crmChangedSince(true, null, T)).isTrue();
        assertThat(OutlookEdits.crmChangedSince(true, T, null)).isTrue();
    }

    @Test
    void aCrmChangeMakesTheCrmTheMasterForEveryField() {
        assertThat(OutlookEdits.keepUntilCrmChanges(DIFFERING, true, false)).isEqualTo(DIFFERING);
        assertThat(OutlookEdits.keepUntilCrmChanges(DIFFERING, true, true)).isEqualTo(DIFFERING);
    }

    @Test
    void withoutACrmChangeNothingIsWritten() {
        assertThat(OutlookEdits.keepUntilCrmChanges(DIFFERING, false, false)).isEmpty();
    }

    @Test
    void aStatusRefreshWritesOnlyWhatFollowsTheStatus() {
        assertThat(OutlookEdits.keepUntilCrmChanges(DIFFERING, false, true)).containsExactlyInAnyOrder(
                ExchangeField.STATUS, ExchangeField.PERCENT_COMPLETE, ExchangeField.COMPLETE_DATE);
        assertThat(OutlookEdits.keepUntilCrmChanges(Set.of(ExchangeField.SUBJECT), false, true)).isEmpty();
    }
}

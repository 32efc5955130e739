package org.tasksync.core.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.tasksync.core.internal.rules.Participants.Participant;
import org.tasksync.core.internal.rules.WindowEntry.Days;
import org.tasksync.core.internal.state.EngineState.RepWindow;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.Rep;

/** SPEC §5: the window moves every day; each run reads the days that entered it. */
class WindowEntryTest {

    private static final LocalDate D = LocalDate.of(2026, 3, 2);
    private static final String MB = "anna@example.com";

    private static Participant p(LocalDate from, LocalDate to) {
        return new Participant(new Rep("A", "Anna", MB, null, true), new Mailbox(MB, "Anna", ZoneId.of("UTC")), from, to);
    }

    @Test
    void aRepNewToTheEngineOrInANewMailboxIsReadInFull() {
        assertThat(WindowEntry.of(p(D, D.plusDays(30)), null).full()).isTrue();
        WindowEntry.Entry moved = WindowEntry.of(p(D, D.plusDays(30)), new RepWindow("old@example.com", D, D.plusDays(30)));
        assertThat(moved.full()).isTrue();
        assertThat(moved.entered()).isEmpty();
    }

    @Test
    void theSameWindowReadsNothing() {
        WindowEntry.Entry e = WindowEntry.of(p(D, D.plusDays(30)), new RepWindow(MB, D, D.plusDays(30)));
        assertThat(e.full()).isFalse();
        assertThat(e.entered()).isEmpty();
    }

    @Test
    void aWindowThatMovedOneDayReadsTheOneDayThatEnteredAtTheFutureEnd() {
        WindowEntry.Entry e = WindowEntry.of(p(D.plusDays(1), D.plusDays(31)), new RepWindow(MB, D, D.plusDays(30)));
        assertThat(e.full()).isFalse();
        assertThat(e.entered()).containsExactly(new Days(D.plusDays(31), D.plusDays(31)));
    }

    @Test
    void aWindowThatJumpedPastTheOldOneReadsOnlyTheNewWindow() {
        WindowEntry.Entry e = WindowEntry.of(p(D.plusDays(100), D.plusDays(130)), new RepWindow(MB, D, D.plusDays(30)));
        assertThat(e.entered()).containsExactly(new Days(D.plusDays(100), D.plusDays(130)));
    }

    @Test
    void aWiderWindowReadsBothEndsThatEntered() {
        WindowEntry.Entry e = WindowEntry.of(p(D.minusDays(7), D.plusDays(40)), new RepWindow(MB, D, D.plusDays(30)));
        assertThat(e.entered()).containsExactly(new Days(D.plusDays(31), D.plusDays(40)), new Days(D.minusDays(7),
                D.minusDays(1)));
    }

    @Test
    void aWindowThatMovedBackReadsTheDaysBeforeAndAJumpBackReadsOnlyTheNewWindow() {
        assertThat(WindowEntry.of(p(D.minusDays(1), D.plusDays(29)), new RepWindow(MB, D, D.plusDays(30))).entered())
                .containsExactly(new Days(D.minusDays(1), D.minusDays(1)));
        assertThat(WindowEntry.of(p(D.minusDays(100), D.minusDays(70)), new RepWindow(MB, D, D.plusDays(30))).entered())
                .containsExactly(new Days(D.minusDays(100), D.minusDays(70)));
    }

    @Test
    void aNarrowerWindowReadsNothing() {
        assertThat(WindowEntry.of(p(D.plusDays(1), D.plusDays(29)), new RepWindow(MB, D, D.plusDays(30))).entered())
                .isEmpty();
    }
}

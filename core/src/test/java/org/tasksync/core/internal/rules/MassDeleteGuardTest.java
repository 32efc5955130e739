package org.tasksync.core.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** SPEC §7: more than the share and more than the count of one mailbox's linked tasks deletes nothing. */
class MassDeleteGuardTest {

    @Test
    void deletionsAboveBothTheShareAndTheCountAreHeldWithAReasonNamingTheFigures() {
        assertThat(MassDeleteGuard.refuses(21, 40, 20, 0.5)).hasValueSatisfying(why -> assertThat(why)
                .contains("21 of 40 linked tasks", "more than 50 %", "more than 20", "nothing deleted"));
    }

    @Test
    void exactlyTheCountOrExactlyTheShareIsNotAMassDelete() {
        assertThat(MassDeleteGuard.refuses(20, 20, 20, 0.5)).isEmpty(); // the count, not more
        assertThat(MassDeleteGuard.refuses(21, 42, 20, 0.5)).isEmpty(); // the share, not more
        assertThat(MassDeleteGuard.refuses(22, 42, 20, 0.5)).isPresent();
    }

    @Test
    void manyDeletionsInALargeMailboxAndAllDeletionsInASmallOneGo() {
        assertThat(MassDeleteGuard.refuses(100, 1000, 20, 0.5)).isEmpty();
        assertThat(MassDeleteGuard.refuses(5, 5, 20, 0.5)).isEmpty();
        assertThat(MassDeleteGuard.refuses(0, 0, 0, 0.0)).isEmpty();
        assertThat(MassDeleteGuard.refuses(1, 0, 0, 0.0)).isPresent();
    }
}

package org.tasksync.core.internal.rules;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.tasksync.core.internal.rules.Participants.Participant;
import org.tasksync.core.internal.state.EngineState.RepWindow;

/**
 * SPEC §5, the window moves every day: which days of a rep's time frame the CRM must be read for,
 * given the time frame the last run synchronized. A rep new to the engine (or with a new mailbox) is
 * read in full; otherwise only the days that entered the frame since.
 */
public final class WindowEntry {

    /** Days to read, both ends included. */
    public record Days(LocalDate from, LocalDate to) {
    }

    /**
     * What to read for a participant.
     *
     * @param full    the whole time frame (a rep the engine has not seen in this mailbox)
     * @param entered the days that entered the frame, when not full; empty when none did
     */
    public record Entry(boolean full, List<Days> entered) {
    }

    private WindowEntry() {
    }

    public static Entry of(Participant p, RepWindow last) {
        if (last == null || !last.mailbox().equals(p.mailbox().address())) {
            return new Entry(true, List.of());
        }
        List<Days> entered = new ArrayList<>();
        if (p.to().isAfter(last.to())) {
            LocalDate from = last.to().plusDays(1).isBefore(p.from()) ? p.from() : last.to().plusDays(1);
            entered.add(new Days(from, p.to()));
        }
        if (p.from().isBefore(last.from())) {
            LocalDate to = last.from().minusDays(1).isAfter(p.to()) ? p.to() : last.from().minusDays(1);
            entered.add(new Days(p.from(), to));
        }
        return new Entry(false, entered);
    }
}

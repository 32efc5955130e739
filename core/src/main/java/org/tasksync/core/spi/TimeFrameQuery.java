package org.tasksync.core.spi;

import java.time.LocalDate;
import java.util.Set;

/**
 * Which tasks {@link CrmAdapter#tasksInTimeFrame} returns: scheduled day in {@code [from, to]}
 * (both inclusive), plus unscheduled ones when {@code includeUnscheduled}; when {@code repIds} is
 * not null only the tasks of those reps. An adapter may ignore {@code repIds} and return more: the
 * engine filters every task by its rep's own window anyway.
 */
public record TimeFrameQuery(LocalDate from, LocalDate to, boolean includeUnscheduled, Set<String> repIds) {
    public TimeFrameQuery {
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("time frame query from " + from + " is after to " + to);
        }
        repIds = repIds == null ? null : Set.copyOf(repIds);
    }
}

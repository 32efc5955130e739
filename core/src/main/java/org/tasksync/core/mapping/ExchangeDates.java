package org.tasksync.core.mapping;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * How calendar dates cross to Exchange and back (SPEC §4): a CRM date D is written as the instant
 * 00:00 of D in the rep's zone and read back by taking the date of the instant in that zone.
 *
 * <p>Where a zone skips midnight (a DST change at 00:00), the first instant of the day is used, so
 * the date read back is still D. Adapters use these two methods for start, due and complete dates.
 */
public final class ExchangeDates {

    private ExchangeDates() {
    }

    /** The first instant of {@code date} in {@code zone}. */
    public static Instant toInstant(LocalDate date, ZoneId zone) {
        return date == null ? null : date.atStartOfDay(zone).toInstant();
    }

    /** The calendar date of {@code instant} in {@code zone}. */
    public static LocalDate toDate(Instant instant, ZoneId zone) {
        return instant == null ? null : instant.atZone(zone).toLocalDate();
    }
}

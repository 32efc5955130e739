package org.tasksync.core.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** SPEC §4: no date may move by a day on the way CRM → Exchange → CRM, in any zone. */
class DateRoundTripProperties {

    private static final List<String> ZONES = List.copyOf(new TreeSet<>(ZoneId.getAvailableZoneIds()));

    @Provide
    Arbitrary<LocalDate> dates() {
        return Arbitraries.longs().between(LocalDate.of(1970, 1, 1).toEpochDay(), LocalDate.of(2100, 12, 31).toEpochDay())
                .map(LocalDate::ofEpochDay);
    }

    @Property(tries = 2000)
    void aDateSurvivesTheRoundTripInAnyZone(@ForAll("dates") LocalDate date, @ForAll("zones") String zone) {
        ZoneId z = ZoneId.of(zone);
        Instant written = ExchangeDates.toInstant(date, z);
        assertThat(ExchangeDates.toDate(written, z)).isEqualTo(existsIn(date, z) ? date : date.plusDays(1));
    }

    /**
     * A few zones skipped whole calendar days when they crossed the date line (Pacific/Apia
     * 2011-12-30, Kwajalein 1993-08-21): no instant has that date there, so the first instant after
     * the gap, on the next day, is the only honest answer. Every day that exists survives.
     */
    static boolean existsIn(LocalDate date, ZoneId zone) {
        for (int minute = 0; minute < 24 * 60; minute += 15) {
            if (!zone.getRules().getValidOffsets(date.atStartOfDay().plusMinutes(minute)).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    @org.junit.jupiter.api.Test
    void aDayTheZoneSkippedBecomesTheNextDay() {
        ZoneId apia = ZoneId.of("Pacific/Apia");
        LocalDate skipped = LocalDate.of(2011, 12, 30);
        assertThat(existsIn(skipped, apia)).isFalse();
        assertThat(ExchangeDates.toDate(ExchangeDates.toInstant(skipped, apia), apia)).isEqualTo(skipped.plusDays(1));
        assertThat(ExchangeDates.toDate(ExchangeDates.toInstant(skipped.minusDays(1), apia), apia))
                .isEqualTo(skipped.minusDays(1));
    }

    @Property(tries = 10)
    void everyAvailableZoneKeepsEveryDayOfADstHeavyYear(@ForAll @IntRange(min = 1990, max = 2040) int year) {
        for (String zone : ZONES) {
            ZoneId z = ZoneId.of(zone);
            for (LocalDate d = LocalDate.of(year, 1, 1); d.getYear() == year; d = d.plusDays(1)) {
                if (existsIn(d, z) && !ExchangeDates.toDate(ExchangeDates.toInstant(d, z), z).equals(d)) {
                    throw new AssertionError(d + " moved in " + zone);
                }
            }
        }
    }

    @Property(tries = 500)
    void theWrittenInstantIsTheFirstMomentOfTheDay(@ForAll("dates") LocalDate date, @ForAll("zones") String zone) {
        ZoneId z = ZoneId.of(zone);
        Instant written = ExchangeDates.toInstant(date, z);
        // one second earlier is still the day before: nothing of the day is lost before the instant
        assertThat(written.minusSeconds(1).atZone(z).toLocalDate()).isBefore(date);
    }

    @Provide
    Arbitrary<String> zones() {
        return Arbitraries.of(ZONES);
    }
}

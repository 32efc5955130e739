package org.tasksync.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * The codec's fast date and instant parsing accepts exactly what {@link LocalDate#parse} and
 * {@link Instant#parse} accept, with the same result, and rejects the rest as they do.
 */
class TaskValuesCodecDateParsingProperties {

    @Property
    void everyWrittenDateReadsBack(@ForAll @LongRange(min = 0, max = 3_000_000) long epochDay) {
        LocalDate day = LocalDate.ofEpochDay(epochDay - 719_528); // from year 0 on
        assertThat(TaskValuesCodec.parseDate(day.toString())).isEqualTo(day);
    }

    @Property
    void everyWrittenInstantReadsBack(@ForAll @LongRange(min = -62_167_219_200L, max = 253_402_300_799L) long second,
                                      @ForAll @LongRange(min = 0, max = 2) long fraction) {
        Instant instant = Instant.ofEpochSecond(second, fraction == 0 ? 0 : fraction == 1 ? 500_000_000 : 1);
        assertThat(TaskValuesCodec.parseInstant(instant.toString())).isEqualTo(instant);
    }

    /** Strings shaped like dates, including impossible ones: the verdict is the JDK's. */
    @Property
    void datesAreJudgedAsTheJdkJudgesThem(@ForAll("dateLike") String text) {
        assertSameVerdict(text, false);
    }

    @Property
    void instantsAreJudgedAsTheJdkJudgesThem(@ForAll("dateLike") String day, @ForAll("timeLike") String time) {
        assertSameVerdict(day + time, true);
    }

    @Example
    void theCornersOfTheCalendarAndTheClock() {
        for (String s : new String[] {"2024-02-29", "2026-02-29", "2026-02-30", "2026-04-31", "2026-13-01",
            "2026-00-10", "2026-01-00", "0000-01-01", "9999-12-31", "2026-1-01", "2026/01/01", "２０２６-01-01",
            "+2026-01-01"}) {
            assertSameVerdict(s, false);
        }
        for (String s : new String[] {"2026-03-01T10:00:00Z", "2026-03-01T23:59:60Z", "2026-03-01T24:00:00Z",
            "2026-03-01T10:60:00Z", "2026-03-01T10:00:00.5Z", "2026-03-01T10:00Z", "2026-02-30T10:00:00Z",
            "2026-03-01t10:00:00Z", "2026-03-01T10:00:00z", "2026-03-01T1a:00:00Z", "2024-02-29T00:00:00Z"}) {
            assertSameVerdict(s, true);
        }
    }

    @Example
    void aRejectedValueFailsAsTheJdkFails() {
        assertThatThrownBy(() -> TaskValuesCodec.parseDate("2026-02-30")).isInstanceOf(DateTimeException.class)
                .hasMessageContaining("2026-02-30");
        assertThatThrownBy(() -> TaskValuesCodec.parseInstant("2026-03-01T10:60:00Z"))
                .isInstanceOf(DateTimeException.class).hasMessageContaining("2026-03-01T10:60:00Z");
    }

    private static void assertSameVerdict(String text, boolean instant) {
        Object expected;
        try {
            expected = instant ? Instant.parse(text) : LocalDate.parse(text);
        } catch (DateTimeException e) {
            expected = DateTimeException.class;
        }
        Object actual;
        try {
            actual = instant ? TaskValuesCodec.parseInstant(text) : TaskValuesCodec.parseDate(text);
        } catch (DateTimeException e) {
            actual = DateTimeException.class;
        }
        assertThat(actual).as(text).isEqualTo(expected);
    }

    @Provide
    Arbitrary<String> dateLike() {
        return Arbitraries.strings().withChars("0123456789").ofLength(8)
                .map(d -> d.substring(0, 4) + "-" + d.substring(4, 6) + "-" + d.substring(6, 8));
    }

    @Provide
    Arbitrary<String> timeLike() {
        return Arbitraries.strings().withChars("0123456789").ofLength(6)
                .map(t -> "T" + t.substring(0, 2) + ":" + t.substring(2, 4) + ":" + t.substring(4, 6) + "Z");
    }
}

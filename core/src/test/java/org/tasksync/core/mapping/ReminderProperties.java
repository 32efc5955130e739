package org.tasksync.core.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.tasksync.core.TaskError;
import org.tasksync.core.model.CrmTask;

/** SPEC §3, reminders: due date (else start date) at the base time in the rep's zone, minus duration × unit. */
class ReminderProperties {

    private final TaskMapper mapper = new TaskMapper(MappingRules.defaults());

    @Provide
    Arbitrary<String> zones() {
        return Arbitraries.of(List.copyOf(new TreeSet<>(ZoneId.getAvailableZoneIds())));
    }

    @Provide
    Arbitrary<LocalDate> dates() {
        return Arbitraries.longs().between(LocalDate.of(2000, 1, 1).toEpochDay(), LocalDate.of(2060, 12, 31).toEpochDay())
                .map(LocalDate::ofEpochDay);
    }

    private Instant reminderOf(CrmTask t, ZoneId zone) {
        List<TaskError> errors = new ArrayList<>();
        Instant at = mapper.reminder(t, zone, errors).orElse(null);
        assertThat(errors).isEmpty();
        return at;
    }

    @Property(tries = 500)
    void minutesAndHoursCountElapsedTimeBeforeTheDueMoment(@ForAll("dates") LocalDate due, @ForAll("zones") String zone,
                                                         @ForAll @IntRange(min = 1, max = 10_000) int n) {
        ZoneId z = ZoneId.of(zone);
        Instant dueMoment = due.atTime(8, 0).atZone(z).toInstant();
        CrmTask minutes = CrmTask.builder("t").subject("s").dueDate(due).reminder(n, "minutes").build();
        CrmTask hours = CrmTask.builder("t").subject("s").dueDate(due).reminder(n, "Hours").build();
        assertThat(Duration.between(reminderOf(minutes, z), dueMoment)).isEqualTo(Duration.ofMinutes(n));
        assertThat(Duration.between(reminderOf(hours, z), dueMoment)).isEqualTo(Duration.ofHours(n));
    }

    @Property(tries = 500)
    void daysAndWeeksKeepTheBaseTimeOfDayOnTheEarlierDate(@ForAll("dates") LocalDate due, @ForAll("zones") String zone,
                                                          @ForAll @IntRange(min = 1, max = 400) int n) {
        ZoneId z = ZoneId.of(zone);
        CrmTask days = CrmTask.builder("t").subject("s").dueDate(due).reminder(n, "days").build();
        CrmTask weeks = CrmTask.builder("t").subject("s").dueDate(due).reminder(n, "weeks").build();
        ZonedDateTime d = reminderOf(days, z).atZone(z);
        ZonedDateTime w = reminderOf(weeks, z).atZone(z);
        assertThat(d.toLocalDate()).isEqualTo(due.minusDays(n));
        assertThat(w.toLocalDate()).isEqualTo(due.minusWeeks(n));
        // 08:00 exists on nearly every day; where a zone skipped it, java.time moves forward by the gap
        assertThat(d.toLocalTime()).isEqualTo(due.minusDays(n).atTime(8, 0).atZone(z).toLocalTime());
    }

    @Property(tries = 300)
    void startDateIsUsedWhenThereIsNoDueDate(@ForAll("dates") LocalDate start, @ForAll @IntRange(min = 1, max = 600) int n) {
        ZoneId z = ZoneId.of("Europe/Vienna");
        CrmTask t = CrmTask.builder("t").subject("s").startDate(start).reminder(n, "minutes").build();
        assertThat(reminderOf(t, z)).isEqualTo(start.atTime(LocalTime.of(8, 0)).atZone(z).toInstant().minusSeconds(60L * n));
    }

    @Test
    void noReminderWithoutDurationOrWithoutAnyDate() {
        ZoneId z = ZoneId.of("UTC");
        LocalDate d = LocalDate.of(2026, 5, 4);
        assertThat(reminderOf(CrmTask.builder("t").subject("s").dueDate(d).reminder(0, "minutes").build(), z)).isNull();
        assertThat(reminderOf(CrmTask.builder("t").subject("s").dueDate(d).reminder(null, "minutes").build(), z)).isNull();
        assertThat(reminderOf(CrmTask.builder("t").subject("s").reminder(15, "minutes").build(), z)).isNull();
    }

    @Test
    void theExampleOfTheDocumentation() {
        // "a duration of 5 minutes reminds 5 minutes before the task is due"
        ZoneId z = ZoneId.of("Europe/Berlin");
        CrmTask t = CrmTask.builder("t").subject("s").dueDate(LocalDate.of(2026, 6, 1)).reminder(5, "minutes").build();
        assertThat(reminderOf(t, z)).isEqualTo(Instant.parse("2026-06-01T05:55:00Z"));
    }

    @Test
    void unknownUnitAndNegativeDurationAreErrorsNamingTheField() {
        List<TaskError> errors = new ArrayList<>();
        mapper.reminder(CrmTask.builder("A1:9").subject("s").dueDate(LocalDate.of(2026, 1, 1)).reminder(3, "fortnights")
                .build(), ZoneId.of("UTC"), errors);
        mapper.reminder(CrmTask.builder("A1:10").subject("s").dueDate(LocalDate.of(2026, 1, 1)).reminder(-3, "days")
                .build(), ZoneId.of("UTC"), errors);
        assertThat(errors).extracting(TaskError::toString).containsExactly(
                "task A1:9: field #43 Reminder Unit = 'fortnights': no reminder unit mapping for this CRM value (known: "
                        + MappingRules.defaults().reminderUnits().entries().keySet() + ")",
                "task A1:10: field #42 Reminder Duration = '-3': reminder duration must not be negative");
    }
}

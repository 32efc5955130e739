package org.tasksync.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tasksync.core.SyncReport;
import org.tasksync.core.mapping.ReminderUnits;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.TaskValues;

/**
 * SPEC §3, reminder: due date (else start date) at the base time (08:00) in the rep's zone minus
 * duration × unit; no reminder for an empty or zero duration or without any date.
 */
class ReminderTest {

    private static final String MB = "anna@example.com";
    private static final ZoneId VIENNA = ZoneId.of("Europe/Vienna");

    private final Fixture f = new Fixture();

    ReminderTest() {
        f.rep("anna", MB, VIENNA);
    }

    private TaskValues outlook(String id) {
        return f.outlookTask(MB, id).values();
    }

    private Instant at(LocalDate day, String time, ZoneId zone) {
        return day.atTime(LocalTime.parse(time)).atZone(zone).toInstant();
    }

    @ParameterizedTest(name = "{0} {1} before the due date")
    @CsvSource({
            "15, minutes, 07:45",
            "2, hours, 06:00",
            "8, Hours, 00:00",
            "1, day, 08:00 -1",
            "1, weeks, 08:00 -7"
    })
    void reminderIsTheDueDateAt0800InTheRepsZoneMinusDurationTimesUnit(int duration, String unit,
                                                                     String expected) {
        LocalDate due = Fixture.TODAY.plusDays(10);
        f.task("A1:1-1", "anna", b -> b.dueDate(due).startDate(Fixture.TODAY).reminder(duration, unit));

        f.cycle();

        String[] e = expected.split(" ");
        LocalDate day = e.length == 1 ? due : due.plusDays(Integer.parseInt(e[1]));
        assertThat(outlook("A1:1-1").reminderSet()).isTrue();
        assertThat(outlook("A1:1-1").reminderAt()).isEqualTo(at(day, e[0], VIENNA));
    }

    @Test
    void reminderCountsBackFromTheStartDateWhenThereIsNoDueDate() {
        LocalDate start = Fixture.TODAY.plusDays(5);
        f.task("A1:1-1", "anna", b -> b.dueDate(null).startDate(start).reminder(30, "minutes"));

        f.cycle();

        assertThat(outlook("A1:1-1").reminderSet()).isTrue();
        assertThat(outlook("A1:1-1").reminderAt()).isEqualTo(at(start, "07:30", VIENNA));
    }

    @Test
    void daysBeforeADueDateAcrossTheDstChangeStayAt0800WallClock() {
        LocalDate due = LocalDate.of(2026, 3, 30); // Vienna switches to summer time on 29 March 2026
        f.task("A1:1-1", "anna", b -> b.dueDate(due).reminder(2, "days"));

        f.cycle();

        assertThat(outlook("A1:1-1").reminderAt()).isEqualTo(at(LocalDate.of(2026, 3, 28), "08:00", VIENNA));
    }

    @ParameterizedTest(name = "duration {0}")
    @CsvSource(value = {"0", "NULL"}, nullValues = "NULL")
    void noReminderForAnEmptyOrZeroDuration(Integer duration) {
        f.task("A1:1-1", "anna", b -> b.reminder(duration, "minutes"));

        f.cycle();

        assertThat(outlook("A1:1-1").reminderSet()).isFalse();
        assertThat(outlook("A1:1-1").reminderAt()).isNull();
    }

    @Test
    void noReminderForATaskWithoutDates() {
        f.task("A1:1-1", "anna", b -> b.dueDate(null).startDate(null).reminder(15, "minutes"));

        SyncReport report = f.cycle();

        assertThat(report.allTaskErrors()).isEmpty();
        assertThat(outlook("A1:1-1").reminderSet()).isFalse();
    }

    @Test
    void reminderFollowsAMovedDueDateAndIsSwitchedOffWithTheDuration() {
        f.task("A1:1-1", "anna", b -> b.reminder(1, "hours"));
        f.cycle();

        LocalDate moved = Fixture.TODAY.plusDays(20);
        f.editTask("A1:1-1", b -> b.dueDate(moved));
        f.cycle();
        assertThat(outlook("A1:1-1").reminderAt()).isEqualTo(at(moved, "07:00", VIENNA));

        f.editTask("A1:1-1", b -> b.reminder(0, "hours"));
        f.cycle();
        assertThat(outlook("A1:1-1").reminderSet()).isFalse();
    }

    @Test
    void baseTimeAndUnitCodesAreConfigurable() {
        f.settings(b -> b.reminderBaseTime(LocalTime.of(9, 30))
                .reminderUnits(ReminderUnits.of(Map.of("M", ChronoUnit.MINUTES, "T", ChronoUnit.DAYS))));
        LocalDate due = Fixture.TODAY.plusDays(4);
        f.task("A1:1-1", "anna", b -> b.dueDate(due).reminder(10, "M"));
        f.task("A1:1-2", "anna", b -> b.dueDate(due).reminder(1, "T"));

        f.cycle();

        assertThat(outlook("A1:1-1").reminderAt()).isEqualTo(at(due, "09:20", VIENNA));
        assertThat(outlook("A1:1-2").reminderAt()).isEqualTo(at(due.minusDays(1), "09:30", VIENNA));
    }

    @Test
    void unknownReminderUnitIsAPerTaskError() {
        f.task("A1:1-1", "anna", b -> b.reminder(3, "fortnights"));
        f.task("A1:1-2", "anna");

        SyncReport report = f.cycle();

        assertThat(report.allTaskErrors()).singleElement().satisfies(e -> {
            assertThat(e.taskId()).isEqualTo("A1:1-1");
            assertThat(e.field()).contains("#43");
            assertThat(e.value()).isEqualTo("fortnights");
        });
        assertThat(f.outlook(MB)).extracting(ExchangeTask::crmId).containsExactly("A1:1-2");
    }
}

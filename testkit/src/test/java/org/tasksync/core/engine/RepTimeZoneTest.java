package org.tasksync.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.mapping.ExchangeDates;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Rep;

/**
 * SPEC §4: each rep's dates are written in the rep's zone (or the default zone), so that the rep's
 * Outlook shows the CRM's calendar date; "today" (time frame, completion date) and the reminder's
 * 08:00 are the rep's too. Kiritimati (UTC+14) and Adak (UTC-10/-9) are a whole day apart.
 */
class RepTimeZoneTest {

    private static final ZoneId KIRITIMATI = ZoneId.of("Pacific/Kiritimati");
    private static final ZoneId ADAK = ZoneId.of("America/Adak");
    private static final ZoneId KATHMANDU = ZoneId.of("Asia/Kathmandu");
    private static final String KIRI = "kiri@example.com";
    private static final String ADA = "ada@example.com";
    private static final String DEF = "def@example.com";
    /** 10:30 UTC: already 3 March in Kiritimati, still 2 March in Adak. */
    private static final Instant NOW = Instant.parse("2026-03-02T10:30:00Z");

    private final Fixture f = new Fixture(SyncSettings.builder().pastDays(30).futureDays(60).defaultZone(KATHMANDU)
            .build());
    private final ObservedExchange observed = new ObservedExchange(f.exchange);

    RepTimeZoneTest() {
        f.rep("kiri", KIRI, KIRITIMATI);
        f.rep("ada", ADA, ADAK);
        f.crm.putRep(new Rep("def", "Rep DEF", DEF, null, true)); // no zone in the CRM
        f.engine = SyncEngine.builder().crm(f.crm).exchange(observed).stateStore(f.store).settings(f.settings)
                .clock(f.clock).build();
        f.clock.set(NOW.minusSeconds(10)); // Fixture.cycle() adds ten seconds
    }

    /** The date the rep's Outlook shows for a date the engine wrote: the instant the server stores, in the rep's zone. */
    private LocalDate shownTo(String mailbox, ZoneId repZone, LocalDate written) {
        Instant stored = ExchangeDates.toInstant(written, observed.zones.get(mailbox));
        return ExchangeDates.toDate(stored, repZone);
    }

    @Test
    void dueDateIsReadBackAsTheSameCalendarDateInEveryRepsZone() {
        List<LocalDate> dues = List.of(LocalDate.of(2026, 3, 3), LocalDate.of(2026, 3, 8) /* US DST starts */,
                LocalDate.of(2026, 3, 29) /* EU DST starts */, LocalDate.of(2026, 4, 30));
        for (int i = 0; i < dues.size(); i++) {
            LocalDate due = dues.get(i);
            f.task("A1:9-k" + i, "kiri", b -> b.dueDate(due).startDate(due.minusDays(1)));
            f.task("A1:9-a" + i, "ada", b -> b.dueDate(due).startDate(due.minusDays(1)));
            f.task("A1:9-d" + i, "def", b -> b.dueDate(due).startDate(due.minusDays(1)));
        }

        f.cycle();

        assertThat(observed.zones).containsEntry(KIRI, KIRITIMATI).containsEntry(ADA, ADAK).containsEntry(DEF, KATHMANDU);
        for (int i = 0; i < dues.size(); i++) {
            LocalDate due = dues.get(i);
            for (String[] r : new String[][] {{KIRI, "k"}, {ADA, "a"}, {DEF, "d"}}) {
                ZoneId zone = r[0].equals(KIRI) ? KIRITIMATI : r[0].equals(ADA) ? ADAK : KATHMANDU;
                ExchangeTask t = f.outlookTask(r[0], "A1:9-" + r[1] + i);
                assertThat(shownTo(r[0], zone, t.values().dueDate())).as("due %s for %s", due, r[0]).isEqualTo(due);
                assertThat(shownTo(r[0], zone, t.values().startDate())).isEqualTo(due.minusDays(1));
            }
        }
    }

    @Test
    void completionDateOfTheCycleIsTheRepsToday() {
        f.task("A1:9-k", "kiri", b -> b.status("Completed"));
        f.task("A1:9-a", "ada", b -> b.status("Completed"));

        f.cycle();

        assertThat(shownTo(KIRI, KIRITIMATI, f.outlookTask(KIRI, "A1:9-k").values().completeDate()))
                .isEqualTo(LocalDate.of(2026, 3, 3));
        assertThat(shownTo(ADA, ADAK, f.outlookTask(ADA, "A1:9-a").values().completeDate()))
                .isEqualTo(LocalDate.of(2026, 3, 2));
    }

    @Test
    void timeFrameEndsOnTheRepsOwnDay() {
        // future 60 days: 2 May 2026 from Kiritimati's 3 March, 1 May from Adak's 2 March
        LocalDate due = LocalDate.of(2026, 5, 2);
        f.task("A1:9-k", "kiri", b -> b.dueDate(due));
        f.task("A1:9-a", "ada", b -> b.dueDate(due));

        f.cycle();

        assertThat(f.outlook(KIRI)).extracting(ExchangeTask::crmId).containsExactly("A1:9-k");
        assertThat(f.outlook(ADA)).isEmpty();
    }

    @Test
    void reminderIsAt0800OnTheRepsClock() {
        LocalDate due = LocalDate.of(2026, 3, 10);
        f.task("A1:9-k", "kiri", b -> b.dueDate(due).reminder(30, "minutes"));
        f.task("A1:9-a", "ada", b -> b.dueDate(due).reminder(30, "minutes"));

        f.cycle();

        assertThat(f.outlookTask(KIRI, "A1:9-k").values().reminderAt())
                .isEqualTo(due.atTime(LocalTime.of(7, 30)).atZone(KIRITIMATI).toInstant());
        assertThat(f.outlookTask(ADA, "A1:9-a").values().reminderAt())
                .isEqualTo(due.atTime(LocalTime.of(7, 30)).atZone(ADAK).toInstant());
    }
}

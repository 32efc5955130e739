package org.tasksync.testkit.ews;

import static org.tasksync.testkit.ews.Xml.T;
import static org.tasksync.testkit.ews.Xml.add;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * A task's recurrence ({@code t:Recurrence} of type {@code t:TaskRecurrenceType}) and the task
 * regeneration Exchange applies when an occurrence is completed (MS-OXOTASK: the completed occurrence
 * becomes a new item, a copy of the task with its properties; the task itself keeps its item id and
 * moves to the next date, not started). Immutable.
 *
 * <p>Patterns simulated: DailyRecurrence, WeeklyRecurrence, AbsoluteMonthlyRecurrence,
 * AbsoluteYearlyRecurrence and the four regenerating patterns; ranges NoEndRecurrence,
 * EndDateRecurrence, NumberedRecurrence. RelativeMonthlyRecurrence and RelativeYearlyRecurrence are
 * valid EWS but refused here with an error that says the simulator does not simulate them.
 *
 * @param pattern    the pattern element's name, e.g. {@code WeeklyRecurrence}
 * @param interval   the pattern's Interval (1 for the yearly pattern, which has none)
 * @param daysOfWeek WeeklyRecurrence's days
 * @param firstDayOfWeek WeeklyRecurrence's FirstDayOfWeek, or null when not given
 * @param dayOfMonth the absolute patterns' DayOfMonth, else 0
 * @param month      AbsoluteYearlyRecurrence's Month, else null
 * @param range      the range element's name, e.g. {@code NoEndRecurrence}
 * @param start      the range's StartDate
 * @param end        EndDateRecurrence's EndDate, else null
 * @param occurrences NumberedRecurrence's NumberOfOccurrences, else 0
 * @param completed  occurrences completed so far (regenerations), counted against NumberOfOccurrences
 */
record TaskRecurrence(String pattern, int interval, Set<DayOfWeek> daysOfWeek, DayOfWeek firstDayOfWeek,
                      int dayOfMonth, Month month, String range, LocalDate start, LocalDate end, int occurrences,
                      int completed) {

    private static final Set<String> REGENERATING = Set.of("DailyRegeneration", "WeeklyRegeneration",
            "MonthlyRegeneration", "YearlyRegeneration");
    private static final Set<String> PATTERNS = Set.of("DailyRecurrence", "WeeklyRecurrence",
            "AbsoluteMonthlyRecurrence", "AbsoluteYearlyRecurrence", "DailyRegeneration", "WeeklyRegeneration",
            "MonthlyRegeneration", "YearlyRegeneration");
    private static final Set<String> NOT_SIMULATED = Set.of("RelativeMonthlyRecurrence", "RelativeYearlyRecurrence");
    private static final Map<String, DayOfWeek> DAYS = Map.of("Sunday", DayOfWeek.SUNDAY, "Monday", DayOfWeek.MONDAY,
            "Tuesday", DayOfWeek.TUESDAY, "Wednesday", DayOfWeek.WEDNESDAY, "Thursday", DayOfWeek.THURSDAY,
            "Friday", DayOfWeek.FRIDAY, "Saturday", DayOfWeek.SATURDAY);

    TaskRecurrence {
        daysOfWeek = daysOfWeek.isEmpty() ? Set.of() : Set.copyOf(daysOfWeek);
    }

    boolean regenerating() {
        return REGENERATING.contains(pattern);
    }

    // ---------------------------------------------------------------- XML

    /** Reads {@code t:Recurrence}; the schema has checked its shape when the schema is present, this checks the values. */
    static TaskRecurrence parse(Element recurrence) throws EwsError {
        List<Element> parts = Xml.children(recurrence);
        if (parts.size() != 2) {
            throw invalid("Recurrence needs one pattern and one range element, found " + parts.size() + " elements");
        }
        Element p = parts.get(0);
        Element r = parts.get(1);
        String pattern = p.getLocalName();
        if (NOT_SIMULATED.contains(pattern)) {
            throw new EwsError("ErrorUnsupportedRecurrence", "The EWS simulator does not simulate the task recurrence pattern "
                    + pattern + " (valid in EWS); use a daily, weekly, absolute monthly or yearly pattern or a regenerating one");
        }
        if (!PATTERNS.contains(pattern)) {
            throw invalid("unknown task recurrence pattern " + pattern);
        }
        int interval = pattern.equals("AbsoluteYearlyRecurrence") ? 1 : positive(p, "Interval");
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        DayOfWeek first = null;
        int dayOfMonth = 0;
        Month month = null;
        if (pattern.equals("WeeklyRecurrence")) {
            String list = Xml.childText(p, T, "DaysOfWeek").orElseThrow(() -> invalid("WeeklyRecurrence needs DaysOfWeek"));
            for (String d : list.trim().split("\\s+")) {
                days.add(day(d));
            }
            String f = Xml.childText(p, T, "FirstDayOfWeek").orElse(null);
            first = f == null ? null : day(f.trim());
        }
        if (pattern.startsWith("Absolute")) {
            dayOfMonth = positive(p, "DayOfMonth");
            if (dayOfMonth > 31) {
                throw invalid("DayOfMonth must be 1..31, not " + dayOfMonth);
            }
        }
        if (pattern.equals("AbsoluteYearlyRecurrence")) {
            String m = Xml.childText(p, T, "Month").orElseThrow(() -> invalid("AbsoluteYearlyRecurrence needs Month"));
            try {
                month = Month.valueOf(m.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw EwsError.invalidValue("Month", m);
            }
        }
        String range = r.getLocalName();
        LocalDate start = date(r, "StartDate");
        LocalDate end = null;
        int occurrences = 0;
        switch (range) {
            case "NoEndRecurrence" -> { }
            case "EndDateRecurrence" -> {
                end = date(r, "EndDate");
                if (end.isBefore(start)) {
                    throw invalid("EndDate " + end + " is before StartDate " + start);
                }
            }
            case "NumberedRecurrence" -> occurrences = positive(r, "NumberOfOccurrences");
            default -> throw invalid("unknown recurrence range " + range);
        }
        return new TaskRecurrence(pattern, interval, days, first, dayOfMonth, month, range, start, end, occurrences, 0);
    }

    /** Writes {@code t:Recurrence} in schema order. */
    void write(Element task) {
        Element rec = add(task, T, "Recurrence");
        Element p = add(rec, T, pattern);
        if (!pattern.equals("AbsoluteYearlyRecurrence")) {
            add(p, T, "Interval", Integer.toString(interval));
        }
        if (pattern.equals("WeeklyRecurrence")) {
            List<String> names = new ArrayList<>();
            for (DayOfWeek d : daysOfWeek.stream().sorted().toList()) {
                names.add(name(d));
            }
            add(p, T, "DaysOfWeek", String.join(" ", names));
            if (firstDayOfWeek != null) {
                add(p, T, "FirstDayOfWeek", name(firstDayOfWeek));
            }
        }
        if (pattern.startsWith("Absolute")) {
            add(p, T, "DayOfMonth", Integer.toString(dayOfMonth));
        }
        if (month != null) {
            String m = month.name();
            add(p, T, "Month", m.charAt(0) + m.substring(1).toLowerCase(Locale.ROOT));
        }
        Element r = add(rec, T, range);
        add(r, T, "StartDate", start.toString());
        if (end != null) {
            add(r, T, "EndDate", end.toString());
        }
        if (range.equals("NumberedRecurrence")) {
            add(r, T, "NumberOfOccurrences", Integer.toString(occurrences));
        }
    }

    // ---------------------------------------------------------------- regeneration

    /**
     * The date of the occurrence after {@code current}, or empty when the range is over: for a
     * regenerating pattern the interval counted from {@code completedOn} (the WeeklyRegeneration page:
     * "the interval, in weeks, since the task was completed"); else the first date after
     * {@code current} that the pattern, anchored at the range's StartDate, produces.
     */
    Optional<LocalDate> next(LocalDate current, LocalDate completedOn) {
        if (range.equals("NumberedRecurrence") && completed + 1 >= occurrences) {
            return Optional.empty();
        }
        LocalDate next = switch (pattern) {
            case "DailyRegeneration" -> completedOn.plusDays(interval);
            case "WeeklyRegeneration" -> completedOn.plusWeeks(interval);
            case "MonthlyRegeneration" -> completedOn.plusMonths(interval);
            case "YearlyRegeneration" -> completedOn.plusYears(interval);
            default -> following(current == null ? completedOn : current);
        };
        if (end != null && next.isAfter(end)) {
            return Optional.empty();
        }
        return Optional.of(next);
    }

    private LocalDate following(LocalDate after) {
        LocalDate d = after.isBefore(start) ? start.minusDays(1) : after;
        // at most a few years of days: every simulated pattern produces a date within them
        for (int i = 0; i < 366 * 8 * Math.max(1, interval); i++) {
            d = d.plusDays(1);
            if (matches(d)) {
                return d;
            }
        }
        throw new IllegalStateException("recurrence " + this + " produces no date after " + after);
    }

    private boolean matches(LocalDate d) {
        if (d.isBefore(start)) {
            return false;
        }
        return switch (pattern) {
            case "DailyRecurrence" -> ChronoUnit.DAYS.between(start, d) % interval == 0;
            case "WeeklyRecurrence" -> {
                DayOfWeek first = firstDayOfWeek == null ? DayOfWeek.SUNDAY : firstDayOfWeek;
                LocalDate weekOfStart = start.with(TemporalAdjusters.previousOrSame(first));
                LocalDate weekOfD = d.with(TemporalAdjusters.previousOrSame(first));
                yield daysOfWeek.contains(d.getDayOfWeek())
                        && ChronoUnit.WEEKS.between(weekOfStart, weekOfD) % interval == 0;
            }
            case "AbsoluteMonthlyRecurrence" -> d.getDayOfMonth() == Math.min(dayOfMonth, d.lengthOfMonth())
                    && ChronoUnit.MONTHS.between(start.withDayOfMonth(1), d.withDayOfMonth(1)) % interval == 0;
            case "AbsoluteYearlyRecurrence" -> d.getMonth() == month
                    && d.getDayOfMonth() == Math.min(dayOfMonth, d.lengthOfMonth());
            default -> false;
        };
    }

    /**
     * Applies task regeneration when a write completes an occurrence of a recurring task: the
     * completed occurrence becomes a new item (the task's fields and extended properties, without the
     * recurrence), and the task keeps its id and moves to the next date, not started. When the range is
     * over the task simply stays completed and is no longer recurring. Called by
     * {@link TaskMailbox#apply} with the mailbox's lock held.
     *
     * @param wasCompleted whether the task was Completed before this write
     */
    static void regenerateIfCompleted(TaskMailbox mailbox, StoredTask t, boolean wasCompleted) {
        Object value = t.fields.get(TaskField.RECURRENCE);
        if (!(value instanceof TaskRecurrence rec) || wasCompleted || !t.status().equals("Completed")) {
            return;
        }
        // task dates are calendar dates (StoredTask.Day): the occurrence moves by whole days in the
        // zone the date was taken in; the reminder, a true instant, moves by as many days
        StoredTask.Day due = (StoredTask.Day) t.fields.get(TaskField.DUE_DATE);
        Instant now = mailbox.now();
        ZoneId zone = due != null ? due.zone() : ZoneOffset.UTC;
        LocalDate completedOn = LocalDate.ofInstant(now, zone);
        Optional<LocalDate> next = rec.next(due == null ? null : due.date(), completedOn);
        if (next.isEmpty()) {
            t.fields.remove(TaskField.RECURRENCE); // the last occurrence: a plain completed task from now on
            return;
        }
        mailbox.insertCopy(t, TaskField.RECURRENCE);
        LocalDate base = due != null ? due.date() : completedOn;
        long days = ChronoUnit.DAYS.between(base, next.get());
        t.fields.put(TaskField.DUE_DATE, new StoredTask.Day(next.get(), zone));
        Object start = t.fields.get(TaskField.START_DATE);
        if (start instanceof StoredTask.Day s) {
            t.fields.put(TaskField.START_DATE, new StoredTask.Day(s.date().plusDays(days), s.zone()));
        }
        Object reminder = t.fields.get(TaskField.REMINDER_DUE_BY);
        if (reminder instanceof Instant r) {
            t.fields.put(TaskField.REMINDER_DUE_BY, r.plus(Duration.ofDays(days)));
        }
        t.fields.put(TaskField.STATUS, "NotStarted");
        t.fields.put(TaskField.PERCENT_COMPLETE, 0.0);
        t.fields.remove(TaskField.COMPLETE_DATE);
        t.fields.put(TaskField.RECURRENCE, new TaskRecurrence(rec.pattern, rec.interval, rec.daysOfWeek,
                rec.firstDayOfWeek, rec.dayOfMonth, rec.month, rec.range, rec.start, rec.end, rec.occurrences,
                rec.completed + 1));
    }

    // ---------------------------------------------------------------- helpers

    private static int positive(Element parent, String name) throws EwsError {
        String text = Xml.childText(parent, T, name).orElseThrow(() -> invalid(parent.getLocalName() + " needs " + name));
        try {
            int v = Integer.parseInt(text.trim());
            if (v < 1) {
                throw EwsError.invalidValue(name, text);
            }
            return v;
        } catch (NumberFormatException e) {
            throw EwsError.invalidValue(name, text);
        }
    }

    /** An xs:date, which may carry a zone suffix ({@code 2026-12-07Z}, {@code 2026-12-07+01:00}): the date counts. */
    private static LocalDate date(Element parent, String name) throws EwsError {
        String text = Xml.childText(parent, T, name).orElseThrow(() -> invalid(parent.getLocalName() + " needs " + name));
        String t = text.trim();
        try {
            return LocalDate.parse(t.length() > 10 ? t.substring(0, 10) : t);
        } catch (RuntimeException e) {
            throw EwsError.invalidValue(name, text);
        }
    }

    private static DayOfWeek day(String name) throws EwsError {
        DayOfWeek d = DAYS.get(name);
        if (d == null) {
            throw EwsError.invalidValue("DaysOfWeek", name); // Day, Weekday, WeekendDay: not simulated for tasks
        }
        return d;
    }

    private static String name(DayOfWeek d) {
        String n = d.name();
        return n.charAt(0) + n.substring(1).toLowerCase(Locale.ROOT);
    }

    private static EwsError invalid(String message) {
        return new EwsError("ErrorCalendarInvalidRecurrence", message);
    }
}

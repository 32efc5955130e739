package org.tasksync.testkit.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code recurrence} of To Do tasks ({@code patternedRecurrence}: a {@code recurrencePattern} and
 * a {@code recurrenceRange}) and what completing a recurring task does, for one {@link ToDoStore}.
 * Called with the simulator's lock held.
 *
 * <p>Graph's pages do not say what completing a recurring task does to the task's id, its linked
 * resources or its open extensions. A To Do task is an Outlook task item of the mailbox (the todoTask
 * page's export mapping: {@code recurrence} is the item's RecurrencePattern and RecurrenceRange), so
 * the default follows MS-OXOTASK task regeneration, which is also the harder case for a client: the
 * completed occurrence becomes a <em>new</em> task (new id) with the task's properties, linked resources
 * and extensions (so it carries a client's tag), and the task keeps its id and moves to the next date,
 * not started. {@link GraphSimulator.RecurringCompletion#NEXT_OCCURRENCE_IS_NEW} simulates the other
 * reading (the task is completed in place, the next occurrence is the new task, with the same copies).
 *
 * <p>Patterns simulated: daily, weekly, absoluteMonthly, absoluteYearly; ranges noEnd, endDate,
 * numbered. relativeMonthly and relativeYearly are valid in Graph but refused here with a 400 that says
 * the simulator does not simulate them.
 */
final class ToDoRecurrence {

    private static final Set<String> NOT_SIMULATED = Set.of("relativeMonthly", "relativeYearly");
    private static final Set<String> PATTERNS = Set.of("daily", "weekly", "absoluteMonthly", "absoluteYearly");
    private static final Set<String> RANGES = Set.of("noEnd", "endDate", "numbered");

    /** One task's recurrence, as normalized from a request. */
    record Rule(String type, int interval, Set<DayOfWeek> daysOfWeek, DayOfWeek firstDayOfWeek, int dayOfMonth,
                int month, String rangeType, LocalDate start, LocalDate end, int occurrences, String zone,
                int completed) {
        Rule {
            daysOfWeek = daysOfWeek.isEmpty() ? Set.of() : Set.copyOf(daysOfWeek);
        }

        Rule completedOnce() {
            return new Rule(type, interval, daysOfWeek, firstDayOfWeek, dayOfMonth, month, rangeType, start, end,
                    occurrences, zone, completed + 1);
        }
    }

    private final ToDoStore store;
    private final Map<ToDoStore.TaskData, Rule> rules = new IdentityHashMap<>();
    GraphSimulator.RecurringCompletion mode = GraphSimulator.RecurringCompletion.COMPLETED_OCCURRENCE_IS_NEW;

    ToDoRecurrence(ToDoStore store) {
        this.store = store;
    }

    boolean isRecurring(ToDoStore.TaskData t) {
        return rules.containsKey(t);
    }

    /** Sets ({@code recurrence} in a POST or PATCH) or clears (null) a task's recurrence; 400 on what Graph refuses. */
    void set(ToDoStore.TaskData t, JsonNode v) {
        if (v == null || v.isNull()) {
            rules.remove(t);
        } else {
            rules.put(t, parse(v));
        }
    }

    /** Adds {@code recurrence} to a task's JSON, with the members Graph always sends. */
    void render(ToDoStore.TaskData t, ObjectNode o) {
        Rule r = rules.get(t);
        if (r == null) {
            return;
        }
        ObjectNode rec = o.putObject("recurrence");
        ObjectNode p = rec.putObject("pattern");
        p.put("type", r.type());
        p.put("interval", r.interval());
        p.put("month", r.month());
        p.put("dayOfMonth", r.dayOfMonth());
        ArrayNode days = p.putArray("daysOfWeek");
        r.daysOfWeek().stream().sorted().forEach(d -> days.add(d.name().toLowerCase(Locale.ROOT)));
        p.put("firstDayOfWeek", r.firstDayOfWeek().name().toLowerCase(Locale.ROOT));
        p.put("index", "first");
        ObjectNode range = rec.putObject("range");
        range.put("type", r.rangeType());
        range.put("startDate", r.start().toString());
        range.put("endDate", r.end() == null ? "0001-01-01" : r.end().toString());
        range.put("recurrenceTimeZone", r.zone());
        range.put("numberOfOccurrences", r.occurrences());
    }

    /**
     * After a write: when it completed a recurring task (it was not completed before), the
     * regeneration of {@link #mode}; when the range is over, the task simply stays completed and its
     * recurrence ends.
     */
    void afterWrite(ToDoStore.TaskData t, boolean wasCompleted) {
        Rule r = rules.get(t);
        if (r == null || wasCompleted || !t.status.equals("completed")) {
            return;
        }
        Instant now = store.now();
        LocalDate completedOn = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Optional<LocalDate> next = next(r, dueDay(t), completedOn);
        if (next.isEmpty()) {
            rules.remove(t);
            return;
        }
        ToDoStore.ListData list = store.listHolding(t);
        ToDoStore.TaskData copy = copyOf(t);
        if (mode == GraphSimulator.RecurringCompletion.COMPLETED_OCCURRENCE_IS_NEW) {
            // the copy is the completed occurrence; the task moves on
            store.insert(list, copy);
            moveToNext(t, next.get(), now);
            rules.put(t, r.completedOnce());
        } else {
            // the task stays completed (and keeps its recurrence); the copy is the next occurrence
            moveToNext(copy, next.get(), now);
            store.insert(list, copy);
            rules.put(copy, r.completedOnce());
        }
    }

    /** The due date as To Do keeps it (the date in the zone it was sent in), else the UTC day. */
    private static LocalDate dueDay(ToDoStore.TaskData t) {
        LocalDate kept = t.keptDates.get("dueDateTime");
        return kept != null || t.due == null ? kept : LocalDate.ofInstant(t.due, ZoneOffset.UTC);
    }

    private static void moveToNext(ToDoStore.TaskData t, LocalDate next, Instant now) {
        Instant base = t.due != null ? t.due : now.truncatedTo(ChronoUnit.DAYS);
        LocalDate baseDay = t.due != null ? dueDay(t) : LocalDate.ofInstant(base, ZoneOffset.UTC);
        long days = ChronoUnit.DAYS.between(baseDay, next);
        Duration shift = Duration.ofDays(days);
        t.due = base.plus(shift);
        // the kept calendar dates move by whole days (the instants above may be an hour off across a
        // change of daylight saving time in the zone they were sent in; the kept date is not)
        t.keptDates.put("dueDateTime", next);
        t.keptDates.computeIfPresent("startDateTime", (k, d) -> d.plusDays(days));
        t.keptDates.remove("completedDateTime");
        if (t.start != null) {
            t.start = t.start.plus(shift);
        }
        if (t.reminder != null) {
            t.reminder = t.reminder.plus(shift);
        }
        t.status = "notStarted";
        t.completed = null;
    }

    private ToDoStore.TaskData copyOf(ToDoStore.TaskData t) {
        ToDoStore.TaskData c = new ToDoStore.TaskData();
        c.title = t.title;
        c.bodyContent = t.bodyContent;
        c.bodyType = t.bodyType;
        c.importance = t.importance;
        c.status = t.status;
        c.due = t.due;
        c.start = t.start;
        c.completed = t.completed;
        c.reminder = t.reminder;
        c.reminderOn = t.reminderOn;
        c.created = store.now();
        c.keptDates.putAll(t.keptDates);
        c.categories.addAll(t.categories);
        for (ObjectNode r : t.linkedResources) {
            ObjectNode copy = r.deepCopy();
            copy.put("id", UUID.randomUUID().toString());
            c.linkedResources.add(copy);
        }
        t.extensions.forEach((id, x) -> c.extensions.put(id, x.deepCopy()));
        return c;
    }

    // ---------------------------------------------------------------- dates

    static Optional<LocalDate> next(Rule r, LocalDate current, LocalDate completedOn) {
        if (r.rangeType().equals("numbered") && r.completed() + 1 >= r.occurrences()) {
            return Optional.empty();
        }
        LocalDate d = current == null ? completedOn : current;
        d = d.isBefore(r.start()) ? r.start().minusDays(1) : d;
        for (int i = 0; i < 366 * 8 * Math.max(1, r.interval()); i++) {
            d = d.plusDays(1);
            if (matches(r, d)) {
                return r.end() != null && d.isAfter(r.end()) ? Optional.empty() : Optional.of(d);
            }
        }
        throw new IllegalStateException("recurrence " + r + " produces no date after " + current);
    }

    private static boolean matches(Rule r, LocalDate d) {
        return switch (r.type()) {
            case "daily" -> ChronoUnit.DAYS.between(r.start(), d) % r.interval() == 0;
            case "weekly" -> r.daysOfWeek().contains(d.getDayOfWeek())
                    && ChronoUnit.WEEKS.between(r.start().with(TemporalAdjusters.previousOrSame(r.firstDayOfWeek())),
                            d.with(TemporalAdjusters.previousOrSame(r.firstDayOfWeek()))) % r.interval() == 0;
            case "absoluteMonthly" -> d.getDayOfMonth() == Math.min(r.dayOfMonth(), d.lengthOfMonth())
                    && ChronoUnit.MONTHS.between(r.start().withDayOfMonth(1), d.withDayOfMonth(1)) % r.interval() == 0;
            case "absoluteYearly" -> d.getMonthValue() == r.month()
                    && d.getDayOfMonth() == Math.min(r.dayOfMonth(), d.lengthOfMonth())
                    && (d.getYear() - r.start().getYear()) % r.interval() == 0;
            default -> false;
        };
    }

    // ---------------------------------------------------------------- parsing

    /** A {@code patternedRecurrence} as Graph's recurrencePattern and recurrenceRange pages define it. */
    static Rule parse(JsonNode v) {
        if (!v.isObject()) {
            throw invalid("recurrence", v);
        }
        JsonNode p = v.get("pattern");
        JsonNode r = v.get("range");
        if (p == null || !p.isObject() || r == null || !r.isObject()) {
            throw new ToDoStore.Failure(400, "invalidRequest", "recurrence needs a pattern and a range object");
        }
        String type = p.path("type").asText("");
        if (NOT_SIMULATED.contains(type)) {
            throw new ToDoStore.Failure(400, "invalidRequest", "The Graph simulator does not simulate the recurrence "
                    + "pattern type '" + type + "' (valid in Graph); use daily, weekly, absoluteMonthly or absoluteYearly");
        }
        if (!PATTERNS.contains(type)) {
            throw invalid("recurrence/pattern/type", p.get("type"));
        }
        JsonNode intervalNode = p.get("interval");
        if (intervalNode == null || !intervalNode.isInt() || intervalNode.intValue() < 1) {
            throw invalid("recurrence/pattern/interval", intervalNode);
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        JsonNode daysNode = p.get("daysOfWeek");
        if (daysNode != null && !daysNode.isNull()) {
            if (!daysNode.isArray()) throw invalid("recurrence/pattern/daysOfWeek", daysNode);
            for (JsonNode d : daysNode) {
                days.add(day("recurrence/pattern/daysOfWeek", d));
            }
        }
        if (type.equals("weekly") && days.isEmpty()) {
            throw new ToDoStore.Failure(400, "invalidRequest", "A weekly recurrence pattern needs daysOfWeek");
        }
        DayOfWeek first = p.hasNonNull("firstDayOfWeek") ? day("recurrence/pattern/firstDayOfWeek", p.get("firstDayOfWeek"))
                : DayOfWeek.SUNDAY;
        int dayOfMonth = p.path("dayOfMonth").asInt(0);
        int month = p.path("month").asInt(0);
        if (type.startsWith("absolute") && (dayOfMonth < 1 || dayOfMonth > 31)) {
            throw invalid("recurrence/pattern/dayOfMonth", p.get("dayOfMonth"));
        }
        if (type.equals("absoluteYearly") && (month < 1 || month > 12)) {
            throw invalid("recurrence/pattern/month", p.get("month"));
        }
        String rangeType = r.path("type").asText("");
        if (!RANGES.contains(rangeType)) {
            throw invalid("recurrence/range/type", r.get("type"));
        }
        LocalDate start = date("recurrence/range/startDate", r.get("startDate"));
        if (start == null) {
            throw new ToDoStore.Failure(400, "invalidRequest", "recurrence/range/startDate is required");
        }
        LocalDate end = null;
        int occurrences = 0;
        if (rangeType.equals("endDate")) {
            end = date("recurrence/range/endDate", r.get("endDate"));
            if (end == null || end.isBefore(start)) {
                throw invalid("recurrence/range/endDate", r.get("endDate"));
            }
        } else if (rangeType.equals("numbered")) {
            occurrences = r.path("numberOfOccurrences").asInt(0);
            if (occurrences < 1) {
                throw invalid("recurrence/range/numberOfOccurrences", r.get("numberOfOccurrences"));
            }
        }
        String zone = r.path("recurrenceTimeZone").isTextual() ? r.get("recurrenceTimeZone").asText() : "";
        return new Rule(type, intervalNode.intValue(), days, first, dayOfMonth, type.equals("absoluteYearly") ? month : 0,
                rangeType, start, end, occurrences, zone, 0);
    }

    private static DayOfWeek day(String field, JsonNode d) {
        try {
            return DayOfWeek.valueOf(d.asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid(field, d);
        }
    }

    private static LocalDate date(String field, JsonNode d) {
        if (d == null || d.isNull()) {
            return null;
        }
        try {
            return LocalDate.parse(d.asText());
        } catch (DateTimeParseException e) {
            throw invalid(field, d);
        }
    }

    private static ToDoStore.Failure invalid(String field, JsonNode v) {
        return new ToDoStore.Failure(400, "invalidRequest", "Invalid value '" + v + "' for property '" + field + "'");
    }
}

package org.tasksync.core.mapping;

import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The CRM's reminder-unit catalog (A1 #43): catalog value → minutes, hours, days or weeks.
 * Defaults accept the English names ("minutes", "hours", "days", "weeks") and their singulars.
 * Values match ignoring case and surrounding blanks. Immutable.
 */
public final class ReminderUnits {

    private static final Set<ChronoUnit> ALLOWED = Set.of(ChronoUnit.MINUTES, ChronoUnit.HOURS, ChronoUnit.DAYS,
            ChronoUnit.WEEKS);

    private final Map<String, ChronoUnit> map;

    private ReminderUnits(Map<String, ChronoUnit> map) {
        this.map = Map.copyOf(map);
    }

    public static ReminderUnits defaults() {
        Map<String, ChronoUnit> m = new LinkedHashMap<>();
        m.put("minutes", ChronoUnit.MINUTES);
        m.put("minute", ChronoUnit.MINUTES);
        m.put("hours", ChronoUnit.HOURS);
        m.put("hour", ChronoUnit.HOURS);
        m.put("days", ChronoUnit.DAYS);
        m.put("day", ChronoUnit.DAYS);
        m.put("weeks", ChronoUnit.WEEKS);
        m.put("week", ChronoUnit.WEEKS);
        return new ReminderUnits(m);
    }

    public static ReminderUnits of(Map<String, ChronoUnit> codes) {
        Map<String, ChronoUnit> m = new LinkedHashMap<>();
        codes.forEach((k, v) -> {
            if (k == null || k.isBlank()) {
                throw new IllegalArgumentException("tasksync.reminder.unit: a unit code must not be empty");
            }
            if (!ALLOWED.contains(v)) {
                throw new IllegalArgumentException("tasksync.reminder.unit." + k + ": unit " + v
                        + " is not one of minutes, hours, days, weeks");
            }
            m.put(k.trim().toLowerCase(Locale.ROOT), v);
        });
        return new ReminderUnits(m);
    }

    public ReminderUnits with(String code, ChronoUnit unit) {
        Map<String, ChronoUnit> m = new LinkedHashMap<>(map);
        m.put(code, unit);
        return of(m);
    }

    public Optional<ChronoUnit> unit(String code) {
        return code == null ? Optional.empty() : Optional.ofNullable(map.get(code.trim().toLowerCase(Locale.ROOT)));
    }

    public Map<String, ChronoUnit> entries() {
        return map;
    }

    @Override
    public String toString() {
        return "ReminderUnits" + map;
    }
}

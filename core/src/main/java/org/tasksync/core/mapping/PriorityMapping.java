package org.tasksync.core.mapping;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.tasksync.core.model.Importance;

/**
 * CRM priority catalog values mapped to Exchange importance (SPEC §3, ours): Low → Low, Normal and
 * Medium → Normal, High → High by default. One way only: priority does not flow back. Values match
 * ignoring case and surrounding blanks. Immutable.
 */
public final class PriorityMapping {

    private final Map<String, Importance> map;

    private PriorityMapping(Map<String, Importance> map) {
        this.map = Map.copyOf(map);
    }

    public static PriorityMapping defaults() {
        return new PriorityMapping(Map.of("low", Importance.LOW, "normal", Importance.NORMAL,
                "medium", Importance.NORMAL, "high", Importance.HIGH));
    }

    public static PriorityMapping of(Map<String, Importance> crmToImportance) {
        Map<String, Importance> m = new LinkedHashMap<>();
        crmToImportance.forEach((k, v) -> {
            if (k == null || k.isBlank()) {
                throw new IllegalArgumentException("tasksync.priority: a CRM priority value must not be empty");
            }
            m.put(k.trim().toLowerCase(Locale.ROOT), v);
        });
        return new PriorityMapping(m);
    }

    /** This mapping plus one more entry. */
    public PriorityMapping with(String crmPriority, Importance importance) {
        Map<String, Importance> m = new LinkedHashMap<>(map);
        m.put(crmPriority.trim().toLowerCase(Locale.ROOT), importance);
        return new PriorityMapping(m);
    }

    public Optional<Importance> toImportance(String crmPriority) {
        return crmPriority == null ? Optional.empty()
                : Optional.ofNullable(map.get(crmPriority.trim().toLowerCase(Locale.ROOT)));
    }

    public Map<String, Importance> entries() {
        return map;
    }

    @Override
    public String toString() {
        return "PriorityMapping" + map;
    }
}

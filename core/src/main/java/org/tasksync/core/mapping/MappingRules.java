package org.tasksync.core.mapping;

import java.time.LocalTime;
import java.util.Objects;

/**
 * Everything that decides how a CRM task becomes Exchange values: the field table, the three
 * catalogs, the reminder base time and the body limit. Immutable; part of
 * {@link org.tasksync.core.SyncSettings}.
 */
public record MappingRules(FieldTable fields, StatusMapping status, PriorityMapping priority,
                           ReminderUnits reminderUnits, LocalTime reminderBaseTime, int maxBodyLength) {

    public static final int MAX_SUBJECT_LENGTH = 255;

    public MappingRules {
        Objects.requireNonNull(fields, "fields");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(reminderUnits, "reminderUnits");
        Objects.requireNonNull(reminderBaseTime, "reminderBaseTime");
        if (maxBodyLength < 1) {
            throw new IllegalArgumentException("tasksync.body.max-length must be at least 1, was " + maxBodyLength);
        }
    }

    public static MappingRules defaults() {
        return new MappingRules(FieldTable.defaults(), StatusMapping.defaults(), PriorityMapping.defaults(),
                ReminderUnits.defaults(), LocalTime.of(8, 0), 1_000_000);
    }
}

package org.tasksync.core.model;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One record of the CRM's info area A1, with the fields that SPEC §2 synchronizes.
 *
 * <p>Immutable. Catalog fields (status, priority, reminder unit) hold the CRM's catalog value as the
 * adapter read it; the engine maps and validates them, so a bad value becomes a per-task error there.
 * {@link #extraFields()} holds the values of A1 fields that a host added to the field table, keyed by
 * field number.
 */
public record CrmTask(
        String id,
        String repId,
        String createdByRepId,
        LocalDate startDate,
        LocalDate dueDate,
        String status,
        String priority,
        Integer percentComplete,
        LocalDate completeDate,
        Integer reminderDuration,
        String reminderUnit,
        String subject,
        String comments,
        Instant modifiedAt,
        Map<Integer, String> extraFields) {

    public CrmTask {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(modifiedAt, "modifiedAt");
        extraFields = extraFields == null ? Map.of() : Map.copyOf(extraFields);
    }

    /** The day the task is scheduled for (SPEC §5): the due date, else the start date, else none. */
    public LocalDate scheduledDay() {
        return dueDate != null ? dueDate : startDate;
    }

    public static Builder builder(String id) {
        return new Builder(id);
    }

    public Builder toBuilder() {
        Builder b = new Builder(id);
        b.repId = repId;
        b.createdByRepId = createdByRepId;
        b.startDate = startDate;
        b.dueDate = dueDate;
        b.status = status;
        b.priority = priority;
        b.percentComplete = percentComplete;
        b.completeDate = completeDate;
        b.reminderDuration = reminderDuration;
        b.reminderUnit = reminderUnit;
        b.subject = subject;
        b.comments = comments;
        b.modifiedAt = modifiedAt;
        b.extraFields.putAll(extraFields);
        return b;
    }

    /** Builds a {@link CrmTask}; status defaults to "Open" and priority to "Normal". */
    public static final class Builder {
        private final String id;
        private String repId;
        private String createdByRepId;
        private LocalDate startDate;
        private LocalDate dueDate;
        private String status = "Open";
        private String priority = "Normal";
        private Integer percentComplete = 0;
        private LocalDate completeDate;
        private Integer reminderDuration;
        private String reminderUnit;
        private String subject;
        private String comments;
        private Instant modifiedAt = Instant.EPOCH;
        private final Map<Integer, String> extraFields = new TreeMap<>();

        private Builder(String id) {
            this.id = id;
        }

        public Builder repId(String v) { this.repId = v; return this; }
        public Builder createdByRepId(String v) { this.createdByRepId = v; return this; }
        public Builder startDate(LocalDate v) { this.startDate = v; return this; }
        public Builder dueDate(LocalDate v) { this.dueDate = v; return this; }
        public Builder status(String v) { this.status = v; return this; }
        public Builder priority(String v) { this.priority = v; return this; }
        public Builder percentComplete(Integer v) { this.percentComplete = v; return this; }
        public Builder completeDate(LocalDate v) { this.completeDate = v; return this; }
        public Builder reminder(Integer duration, String unit) {
            this.reminderDuration = duration;
            this.reminderUnit = unit;
            return this;
        }
        public Builder subject(String v) { this.subject = v; return this; }
        public Builder comments(String v) { this.comments = v; return this; }
        public Builder modifiedAt(Instant v) { this.modifiedAt = v; return this; }
        public Builder extraField(int a1Number, String value) {
            if (value == null) extraFields.remove(a1Number); else extraFields.put(a1Number, value);
            return this;
        }

        public CrmTask build() {
            return new CrmTask(id, repId, createdByRepId, startDate, dueDate, status, priority, percentComplete,
                    completeDate, reminderDuration, reminderUnit, subject, comments, modifiedAt, extraFields);
        }
    }
}

package org.tasksync.core.model;

import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The values of one Exchange task in the engine's terms: what the engine writes, what it last wrote
 * (kept in the link), and what an adapter read back.
 *
 * <p>Dates are calendar dates; the adapter turns them into instants in the mailbox's zone with
 * {@link org.tasksync.core.mapping.ExchangeDates}. The reminder is an instant because its time of
 * day matters. A {@code null} value is "empty" (no due date, no body). {@link #extended()} holds
 * host-defined fields by {@link ExchangeField#name()}.
 */
public record TaskValues(
        String subject,
        String body,
        LocalDate startDate,
        LocalDate dueDate,
        ExchangeStatus status,
        Importance importance,
        Integer percentComplete,
        LocalDate completeDate,
        boolean reminderSet,
        Instant reminderAt,
        String owner,
        String createdBy,
        Map<String, String> extended) {

    public TaskValues {
        extended = extended == null ? Map.of() : Map.copyOf(extended);
    }

    /** The value of one field, for comparing and for planned-write listings. */
    public Object get(ExchangeField field) {
        if (field.isExtended()) {
            return extended.get(field.name());
        }
        switch (field.name()) {
            case "Subject": return subject;
            case "Body": return body;
            case "StartDate": return startDate;
            case "DueDate": return dueDate;
            case "Status": return status;
            case "Importance": return importance;
            case "PercentComplete": return percentComplete;
            case "CompleteDate": return completeDate;
            case "Reminder": return reminderSet ? reminderAt : null;
            case "Owner": return owner;
            case "CreatedBy": return createdBy;
            default: throw new IllegalArgumentException("unknown Exchange field " + field);
        }
    }

    /** The fields among {@code fields} whose values differ between this and {@code other}. */
    public Set<ExchangeField> differingFields(TaskValues other, Iterable<ExchangeField> fields) {
        Set<ExchangeField> out = new LinkedHashSet<>();
        for (ExchangeField f : fields) {
            if (!Objects.equals(get(f), other.get(f))) {
                out.add(f);
            }
        }
        return out;
    }

    /** A copy in which {@code fields} take their values from {@code source}. */
    public TaskValues withFieldsFrom(TaskValues source, Iterable<ExchangeField> fields) {
        Builder b = toBuilder();
        for (ExchangeField f : fields) {
            b.copy(f, source);
        }
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.subject = subject;
        b.body = body;
        b.startDate = startDate;
        b.dueDate = dueDate;
        b.status = status;
        b.importance = importance;
        b.percentComplete = percentComplete;
        b.completeDate = completeDate;
        b.reminderSet = reminderSet;
        b.reminderAt = reminderAt;
        b.owner = owner;
        b.createdBy = createdBy;
        b.extended.putAll(extended);
        return b;
    }

    /** Builds {@link TaskValues}. */
    public static final class Builder {
        private String subject;
        private String body;
        private LocalDate startDate;
        private LocalDate dueDate;
        private ExchangeStatus status;
        private Importance importance;
        private Integer percentComplete;
        private LocalDate completeDate;
        private boolean reminderSet;
        private Instant reminderAt;
        private String owner;
        private String createdBy;
        private final Map<String, String> extended = new TreeMap<>();

        public Builder subject(String v) { subject = v; return this; }
        public Builder body(String v) { body = v; return this; }
        public Builder startDate(LocalDate v) { startDate = v; return this; }
        public Builder dueDate(LocalDate v) { dueDate = v; return this; }
        public Builder status(ExchangeStatus v) { status = v; return this; }
        public Builder importance(Importance v) { importance = v; return this; }
        public Builder percentComplete(Integer v) { percentComplete = v; return this; }
        public Builder completeDate(LocalDate v) { completeDate = v; return this; }
        public Builder reminder(boolean set, Instant at) { reminderSet = set; reminderAt = set ? at : null; return this; }
        public Builder owner(String v) { owner = v; return this; }
        public Builder createdBy(String v) { createdBy = v; return this; }
        public Builder extended(String name, String value) {
            if (value == null) extended.remove(name); else extended.put(name, value);
            return this;
        }

        Builder copy(ExchangeField f, TaskValues from) {
            if (f.isExtended()) {
                return extended(f.name(), from.extended.get(f.name()));
            }
            switch (f.name()) {
                case "Subject": return subject(from.subject);
                case "Body": return body(from.body);
                case "StartDate": return startDate(from.startDate);
                case "DueDate": return dueDate(from.dueDate);
                case "Status": return status(from.status);
                case "Importance": return importance(from.importance);
                case "PercentComplete": return percentComplete(from.percentComplete);
                case "CompleteDate": return completeDate(from.completeDate);
                case "Reminder": return reminder(from.reminderSet, from.reminderAt);
                case "Owner": return owner(from.owner);
                case "CreatedBy": return createdBy(from.createdBy);
                default: throw new IllegalArgumentException("unknown Exchange field " + f);
            }
        }

        public TaskValues build() {
            return new TaskValues(subject, body, startDate, dueDate, status, importance, percentComplete,
                    completeDate, reminderSet, reminderAt, owner, createdBy, extended);
        }
    }
}

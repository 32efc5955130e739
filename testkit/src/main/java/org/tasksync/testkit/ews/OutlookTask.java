package org.tasksync.testkit.ews;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a rep sees of one task in Outlook: a snapshot of a simulated task item, taken under the
 * mailbox's lock. Extended properties are given as their (first) value in text form; an array
 * property's values are joined with {@code "\n"}. Start, due and complete date are the calendar dates
 * Outlook shows (PidLidTaskStartDate, PidLidTaskDueDate, PidLidTaskDateCompleted).
 *
 * @param bodyType {@code "Text"} or {@code "HTML"}, or null when the task has no body
 */
public record OutlookTask(
        String itemId,
        String changeKey,
        String subject,
        String body,
        String bodyType,
        String status,
        double percentComplete,
        LocalDate startDate,
        LocalDate dueDate,
        LocalDate completeDate,
        String importance,
        boolean reminderIsSet,
        Instant reminderDueBy,
        List<String> categories,
        Instant created,
        Instant lastModified,
        Map<ExtendedPropertyKey, String> extendedProperties) {

    public OutlookTask {
        categories = List.copyOf(categories);
        extendedProperties = Map.copyOf(extendedProperties);
    }

    public Optional<String> extended(ExtendedPropertyKey key) {
        return Optional.ofNullable(extendedProperties.get(key));
    }

    /** PidLidTaskOwnership: 0 when the task was never assigned. */
    public int ownership() {
        return extended(ExtendedPropertyKey.TASK_OWNERSHIP).map(Integer::parseInt).orElse(0);
    }

    /** PidLidTaskOwner, Outlook's "Owner". */
    public Optional<String> owner() {
        return extended(ExtendedPropertyKey.TASK_OWNER);
    }

    /** PR_CREATOR_NAME, Outlook's "Requested by". */
    public Optional<String> creatorName() {
        return extended(ExtendedPropertyKey.CREATOR_NAME);
    }

    private static LocalDate date(StoredTask t, TaskField f) {
        StoredTask.Day d = (StoredTask.Day) t.fields.get(f);
        return d == null ? null : d.date();
    }

    static OutlookTask of(StoredTask t) {
        StoredTask.Body body = (StoredTask.Body) t.fields.get(TaskField.BODY);
        Map<ExtendedPropertyKey, String> ext = new java.util.HashMap<>();
        t.extended.forEach((k, v) -> ext.put(k, String.join("\n", v.values())));
        @SuppressWarnings("unchecked")
        List<String> categories = (List<String>) t.fields.getOrDefault(TaskField.CATEGORIES, List.of());
        return new OutlookTask(t.id, t.changeKey,
                (String) t.fields.get(TaskField.SUBJECT),
                body == null ? null : body.text(),
                body == null ? null : body.type(),
                t.status(),
                t.percentComplete(),
                date(t, TaskField.START_DATE),
                date(t, TaskField.DUE_DATE),
                date(t, TaskField.COMPLETE_DATE),
                (String) t.fields.get(TaskField.IMPORTANCE),
                Boolean.TRUE.equals(t.fields.get(TaskField.REMINDER_IS_SET)),
                (Instant) t.fields.get(TaskField.REMINDER_DUE_BY),
                categories,
                t.created,
                t.lastModified,
                ext);
    }
}

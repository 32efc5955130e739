package org.tasksync.testkit.ews;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;

/**
 * The fields a rep changes in one save in Outlook, collected by {@link OutlookRep#edit} and
 * {@link OutlookRep#create}. Each setter checks its value at once; {@code null} clears a field.
 * Status, percent complete and complete date follow each other as in Outlook unless the same edit
 * sets them too.
 */
public final class TaskEdit {

    final TaskChange change = new TaskChange();

    TaskEdit() {
    }

    public TaskEdit subject(String subject) {
        change.set(TaskField.SUBJECT, subject);
        return this;
    }

    /** A plain-text body. */
    public TaskEdit body(String text) {
        change.set(TaskField.BODY, text == null ? null : new StoredTask.Body("Text", text));
        return this;
    }

    /** An HTML body, as Outlook writes when the rep formats the text. */
    public TaskEdit htmlBody(String html) {
        change.set(TaskField.BODY, html == null ? null : new StoredTask.Body("HTML", html));
        return this;
    }

    /** The start date the rep picks in Outlook; null clears it. */
    public TaskEdit startDate(LocalDate start) {
        change.set(TaskField.START_DATE, day(start));
        return this;
    }

    /** The due date the rep picks in Outlook; null clears it. */
    public TaskEdit dueDate(LocalDate due) {
        change.set(TaskField.DUE_DATE, day(due));
        return this;
    }

    // The rep's own zone is not known to the simulator: UTC, where it matters (PidLidTaskDateCompleted).
    private static StoredTask.Day day(LocalDate date) {
        return date == null ? null : new StoredTask.Day(date, ZoneOffset.UTC);
    }

    /** One of NotStarted, InProgress, Completed, WaitingOnOthers, Deferred. */
    public TaskEdit status(String status) {
        change.set(TaskField.STATUS, checked(TaskField.STATUS, status));
        return this;
    }

    public TaskEdit percentComplete(double percent) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("percentComplete must be within 0..100, not " + percent);
        }
        change.set(TaskField.PERCENT_COMPLETE, percent);
        return this;
    }

    /** The date completed, as the rep sets it in Outlook; it also makes the task Completed (100 %). */
    public TaskEdit completeDate(LocalDate date) {
        change.set(TaskField.COMPLETE_DATE, day(date));
        return this;
    }

    /** One of Low, Normal, High. */
    public TaskEdit importance(String importance) {
        change.set(TaskField.IMPORTANCE, checked(TaskField.IMPORTANCE, importance));
        return this;
    }

    /** Turns the reminder on at the given time, or off with {@code null}. */
    public TaskEdit reminder(Instant dueBy) {
        change.set(TaskField.REMINDER_IS_SET, dueBy != null);
        change.set(TaskField.REMINDER_DUE_BY, dueBy);
        return this;
    }

    public TaskEdit categories(List<String> categories) {
        change.set(TaskField.CATEGORIES, categories == null ? null : List.copyOf(categories));
        return this;
    }

    /**
     * Sets an extended property.
     *
     * @param mapiType an EWS {@code PropertyType} such as {@code String} or {@code Integer}
     */
    public TaskEdit extended(ExtendedPropertyKey key, String mapiType, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(mapiType, "mapiType");
        Objects.requireNonNull(value, "value");
        change.setExtended(key, new StoredTask.ExtendedValue(mapiType, List.of(value)));
        return this;
    }

    public TaskEdit removeExtended(ExtendedPropertyKey key) {
        change.setExtended(Objects.requireNonNull(key, "key"), null);
        return this;
    }

    /** PidLidTaskOwner, the owner's display name. */
    public TaskEdit owner(String displayName) {
        return displayName == null ? removeExtended(ExtendedPropertyKey.TASK_OWNER)
                : extended(ExtendedPropertyKey.TASK_OWNER, "String", displayName);
    }

    /** PidLidTaskOwnership: 0 not assigned, 1 assigner's copy, 2 assignee's copy. */
    public TaskEdit ownership(int ownership) {
        if (ownership < 0 || ownership > 2) {
            throw new IllegalArgumentException("ownership must be 0, 1 or 2, not " + ownership);
        }
        return extended(ExtendedPropertyKey.TASK_OWNERSHIP, "Integer", Integer.toString(ownership));
    }

    /**
     * Makes the task recurring as Outlook's "Recurrence" dialog does, weekly on {@code days} every
     * {@code interval} weeks from {@code start}, without end. Completing an occurrence then regenerates
     * the task ({@link TaskRecurrence}).
     */
    public TaskEdit weeklyRecurrence(java.time.LocalDate start, int interval, java.time.DayOfWeek... days) {
        if (interval < 1 || days.length == 0) {
            throw new IllegalArgumentException("a weekly recurrence needs an interval >= 1 and at least one day, not "
                    + interval + " and " + java.util.Arrays.toString(days));
        }
        change.set(TaskField.RECURRENCE, new TaskRecurrence("WeeklyRecurrence", interval, java.util.Set.of(days), null,
                0, null, "NoEndRecurrence", java.util.Objects.requireNonNull(start, "start"), null, 0, 0));
        return this;
    }

    /** "Regenerate new task {@code days} day(s) after each task is completed", without end. */
    public TaskEdit dailyRegeneration(java.time.LocalDate start, int days) {
        if (days < 1) {
            throw new IllegalArgumentException("a regeneration interval must be >= 1 day, not " + days);
        }
        change.set(TaskField.RECURRENCE, new TaskRecurrence("DailyRegeneration", days, java.util.Set.of(), null, 0, null,
                "NoEndRecurrence", java.util.Objects.requireNonNull(start, "start"), null, 0, 0));
        return this;
    }

    /** Removes the recurrence ("Remove Recurrence" in Outlook). */
    public TaskEdit noRecurrence() {
        change.set(TaskField.RECURRENCE, null);
        return this;
    }

    private static String checked(TaskField field, String value) {
        if (value == null || !field.allowed.contains(value)) {
            throw new IllegalArgumentException(field.element + " must be one of " + field.allowed + ", not " + value);
        }
        return value;
    }
}

package org.tasksync.core.mapping;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tasksync.core.TaskError;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.TaskValues;

/**
 * Turns a CRM task into the Exchange values the engine writes (SPEC §2–§4), or into per-task errors
 * when the task is bad (SPEC §8). Nothing is truncated or guessed: the one repair is that
 * characters XML cannot carry are replaced by U+FFFD, and the result says so in
 * {@link Result#warnings()}.
 *
 * <p>Stateless and thread-safe.
 */
public final class TaskMapper {

    /** The replacement for characters XML 1.0 cannot carry. */
    public static final char REPLACEMENT = '\uFFFD';

    private final MappingRules rules;

    public TaskMapper(MappingRules rules) {
        this.rules = rules;
    }

    public MappingRules rules() {
        return rules;
    }

    /**
     * What the mapping needs beyond the task.
     *
     * @param ownerName            the rep's display name (PidLidTaskOwner)
     * @param creatorName          the creator rep's display name, or null
     * @param zone                 the rep's time zone
     * @param today                the cycle's date in that zone (the completion date of last resort)
     * @param knownCompleteDate    the completion date Exchange already holds, kept when the CRM has none
     */
    public record Context(String ownerName, String creatorName, ZoneId zone, LocalDate today,
                          LocalDate knownCompleteDate) {
    }

    /** Values (null when the task has errors), errors, and warnings about repairs. */
    public record Result(TaskValues values, List<TaskError> errors, List<TaskError> warnings) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    public Result map(CrmTask task, Context ctx) {
        FieldTable table = rules.fields();
        List<TaskError> errors = new ArrayList<>();
        List<TaskError> warnings = new ArrayList<>();
        TaskValues.Builder v = TaskValues.builder();

        if (table.isEnabled(FieldTable.SUBJECT)) {
            String subject = task.subject();
            if (subject == null || subject.isBlank()) {
                errors.add(error(task, FieldTable.SUBJECT, subject, "subject is empty"));
            } else if (subject.length() > MappingRules.MAX_SUBJECT_LENGTH) {
                errors.add(error(task, FieldTable.SUBJECT, subject, "subject has " + subject.length()
                        + " characters, more than the " + MappingRules.MAX_SUBJECT_LENGTH + " Exchange allows"));
            } else {
                v.subject(xmlSafe(task, FieldTable.SUBJECT, subject, warnings));
            }
        }
        if (table.isEnabled(FieldTable.COMMENTS) && task.comments() != null && !task.comments().isEmpty()) {
            String body = task.comments();
            if (body.length() > rules.maxBodyLength()) {
                errors.add(error(task, FieldTable.COMMENTS, body, "comments have " + body.length()
                        + " characters, more than the configured limit of " + rules.maxBodyLength()
                        + " (tasksync.body.max-length)"));
            } else {
                v.body(xmlSafe(task, FieldTable.COMMENTS, body, warnings));
            }
        }

        boolean startOn = table.isEnabled(FieldTable.START_DATE);
        boolean dueOn = table.isEnabled(FieldTable.DUE_DATE);
        if (startOn && dueOn && task.startDate() != null && task.dueDate() != null
                && task.startDate().isAfter(task.dueDate())) {
            errors.add(error(task, FieldTable.START_DATE, String.valueOf(task.startDate()),
                    "start date is after the due date " + task.dueDate()));
        }
        if (startOn) {
            v.startDate(task.startDate());
        }
        if (dueOn) {
            v.dueDate(task.dueDate());
        }

        ExchangeStatus status = null;
        if (table.isEnabled(FieldTable.STATUS)) {
            Optional<ExchangeStatus> s = rules.status().toExchange(task.status());
            if (s.isEmpty()) {
                errors.add(error(task, FieldTable.STATUS, task.status(), "no status mapping for this CRM value (known: "
                        + rules.status().crmToExchange().keySet() + ")"));
            } else {
                status = s.get();
                v.status(status);
            }
        }
        if (table.isEnabled(FieldTable.PRIORITY)) {
            if (task.priority() == null || task.priority().isBlank()) {
                v.importance(Importance.NORMAL);
            } else {
                Optional<Importance> i = rules.priority().toImportance(task.priority());
                if (i.isEmpty()) {
                    errors.add(error(task, FieldTable.PRIORITY, task.priority(),
                            "no priority mapping for this CRM value (known: " + rules.priority().entries().keySet() + ")"));
                } else {
                    v.importance(i.get());
                }
            }
        }

        Integer percent = task.percentComplete() == null ? 0 : task.percentComplete();
        if (table.isEnabled(FieldTable.PERCENT_COMPLETE) && (percent < 0 || percent > 100)) {
            errors.add(error(task, FieldTable.PERCENT_COMPLETE, String.valueOf(percent),
                    "complete % must be between 0 and 100"));
        }
        // Exchange ties status, percent and completion date together: write a consistent triple.
        boolean completed = status == ExchangeStatus.COMPLETED;
        if (table.isEnabled(FieldTable.PERCENT_COMPLETE)) {
            v.percentComplete(percentFor(status, percent));
        }
        if (table.isEnabled(FieldTable.COMPLETE_DATE)) {
            if (completed) {
                LocalDate done = task.completeDate() != null ? task.completeDate()
                        : ctx.knownCompleteDate() != null ? ctx.knownCompleteDate() : ctx.today();
                v.completeDate(done);
            } else {
                v.completeDate(null);
            }
        }

        if (table.isEnabled(FieldTable.REMINDER_DURATION) || table.isEnabled(FieldTable.REMINDER_UNIT)) {
            reminder(task, ctx.zone(), errors).ifPresentOrElse(at -> v.reminder(true, at), () -> v.reminder(false, null));
        }
        if (table.isEnabled(FieldTable.REP)) {
            v.owner(ctx.ownerName());
        }
        if (table.isEnabled(FieldTable.CREATED_BY)) {
            v.createdBy(ctx.creatorName());
        }
        for (FieldMapping f : table.fields()) {
            if (!f.enabled()) {
                continue;
            }
            for (ExchangeField target : f.targets()) {
                if (target.isExtended()) {
                    String raw = task.extraFields().get(f.a1Number());
                    v.extended(target.name(), raw == null ? null : xmlSafe(task, f.a1Number(), raw, warnings));
                }
            }
        }
        return new Result(errors.isEmpty() ? v.build() : null, List.copyOf(errors), List.copyOf(warnings));
    }

    /**
     * The reminder instant (SPEC §3): the due date (else the start date) at the reminder base time
     * in the rep's zone, minus duration × unit; empty for no duration, a duration of 0, or no date.
     */
    public Optional<Instant> reminder(CrmTask task, ZoneId zone, List<TaskError> errors) {
        Integer duration = task.reminderDuration();
        if (duration == null || duration == 0) {
            return Optional.empty();
        }
        if (duration < 0) {
            errors.add(error(task, FieldTable.REMINDER_DURATION, String.valueOf(duration),
                    "reminder duration must not be negative"));
            return Optional.empty();
        }
        Optional<ChronoUnit> unit = rules.reminderUnits().unit(task.reminderUnit());
        if (unit.isEmpty()) {
            errors.add(error(task, FieldTable.REMINDER_UNIT, task.reminderUnit(),
                    "no reminder unit mapping for this CRM value (known: " + rules.reminderUnits().entries().keySet() + ")"));
            return Optional.empty();
        }
        LocalDate day = task.dueDate() != null ? task.dueDate() : task.startDate();
        if (day == null) {
            return Optional.empty();
        }
        return Optional.of(reminderAt(day, rules.reminderBaseTime(), zone, duration, unit.get()));
    }

    /**
     * {@code day} at {@code base} in {@code zone}, minus {@code duration} units. Days and weeks count
     * calendar days (the same wall-clock time across a DST change); minutes and hours count elapsed time.
     */
    public static Instant reminderAt(LocalDate day, java.time.LocalTime base, ZoneId zone, long duration,
                                     ChronoUnit unit) {
        return day.atTime(base).atZone(zone).minus(duration, unit).toInstant();
    }

    private String xmlSafe(CrmTask task, int field, String text, List<TaskError> warnings) {
        StringBuilder out = null;
        int replaced = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int len = Character.charCount(cp);
            boolean lone = len == 1 && Character.isSurrogate((char) cp);
            if (lone || !isXmlChar(cp)) {
                if (out == null) {
                    out = new StringBuilder(text.length()).append(text, 0, i);
                }
                out.append(REPLACEMENT);
                replaced++;
            } else if (out != null) {
                out.appendCodePoint(cp);
            }
            i += len;
        }
        if (out == null) {
            return text;
        }
        warnings.add(error(task, field, text, replaced + " character(s) that XML cannot carry replaced by U+FFFD"));
        return out.toString();
    }

    /** XML 1.0's Char production. */
    public static boolean isXmlChar(int cp) {
        return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF)
                || (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
    }

    private TaskError error(CrmTask task, int field, String value, String reason) {
        return new TaskError(task.id(), rules.fields().label(field), value, reason);
    }

    /**
     * The percent that goes with a status (SPEC §3, refined in docs/engine.md by MS-OXOTASK 2.2.2.2.2,
     * PidLidTaskStatus): Completed 100; NotStarted 0 whatever the CRM says; InProgress strictly between
     * 0 and 100, so the CRM percent kept within 1..99; any other status the CRM percent capped at 99.
     */
    public static int percentFor(ExchangeStatus status, int crmPercent) {
        if (status == null) {
            return Math.min(Math.max(crmPercent, 0), 99);
        }
        return switch (status) {
            case COMPLETED -> 100;
            case NOT_STARTED -> 0;
            case IN_PROGRESS -> Math.min(Math.max(crmPercent, 1), 99);
            default -> Math.min(Math.max(crmPercent, 0), 99);
        };
    }
}

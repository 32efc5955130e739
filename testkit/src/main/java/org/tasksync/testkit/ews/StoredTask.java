package org.tasksync.testkit.ews;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One task item as the simulated mailbox stores it. Mutable; every access holds the lock of the
 * owning {@link TaskMailbox}.
 */
final class StoredTask {

    /** A body with the type it was written in; the type is kept, as Exchange keeps it. */
    record Body(String type, String text) {
        Body {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A task's start, due or complete date as Exchange keeps it: a calendar date, taken in the time
     * zone the write was scoped to (the request's {@code TimeZoneContext}, UTC without one; Microsoft's
     * TimeZoneContext element page), with that zone, which PidLidTaskDateCompleted needs ("12:00
     * midnight in the local time zone, converted to UTC", MS-OXOTASK 2.2.2.2.9).
     */
    record Day(LocalDate date, ZoneId zone) {
        Day {
            Objects.requireNonNull(date, "date");
            Objects.requireNonNull(zone, "zone");
        }

        /** The first instant of the date in {@code in}: how a request scoped to that zone reads it. */
        Instant startIn(ZoneId in) {
            return date.atStartOfDay(in).toInstant();
        }
    }

    /** The value of an extended property: its MAPI type and one value, or several for an array type. */
    record ExtendedValue(String type, List<String> values) {
        ExtendedValue {
            Objects.requireNonNull(type, "type");
            values = List.copyOf(values);
        }

        boolean isArray() {
            return type.endsWith("Array");
        }

        String single() {
            return values.isEmpty() ? null : values.get(0);
        }
    }

    final String id;
    final Instant created;
    String changeKey;
    long version;
    Instant lastModified;
    /** The mailbox's change sequence number of the last write; orders SyncFolderItems changes. */
    long lastChangeSeq;
    /** The creation sequence number; the folder's natural order. */
    final long createdSeq;
    final EnumMap<TaskField, Object> fields = new EnumMap<>(TaskField.class);
    final Map<ExtendedPropertyKey, ExtendedValue> extended = new LinkedHashMap<>();
    /** Every change key this item ever had, with the version it named; for the conflict checks. */
    final Map<String, Long> changeKeyVersions = new HashMap<>();
    /** Version in which each field (TaskField or ExtendedPropertyKey) was last written. */
    final Map<Object, Long> fieldVersions = new HashMap<>();

    StoredTask(String id, Instant created, long createdSeq) {
        this.id = id;
        this.created = created;
        this.lastModified = created;
        this.createdSeq = createdSeq;
    }

    String status() {
        return (String) fields.getOrDefault(TaskField.STATUS, "NotStarted");
    }

    double percentComplete() {
        return (Double) fields.getOrDefault(TaskField.PERCENT_COMPLETE, 0.0);
    }

    Integer ownership() {
        ExtendedValue v = extended.get(ExtendedPropertyKey.TASK_OWNERSHIP);
        if (v == null || v.single() == null) {
            return null;
        }
        try {
            return Integer.valueOf(v.single().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

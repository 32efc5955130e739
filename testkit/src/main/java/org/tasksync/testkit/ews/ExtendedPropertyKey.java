package org.tasksync.testkit.ews;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The identity of a MAPI property addressed through an EWS {@code ExtendedFieldURI}: a tagged
 * property ({@code PropertyTag}), or a named property in a property set, named by a string
 * ({@code PropertyName}) or a number ({@code PropertyId}). A {@code DistinguishedPropertySetId} is
 * the same identity as the GUID it stands for, so {@code Task}/0x8129 and
 * {@code 00062003-…}/0x8129 are one property, as they are in Exchange. The MAPI type is not part of
 * the identity; it is stored with the value.
 */
public record ExtendedPropertyKey(UUID propertySet, String name, Integer id, Integer tag) {

    /** PSETID_Task, which EWS calls DistinguishedPropertySetId {@code Task}. */
    public static final UUID PSETID_TASK = UUID.fromString("00062003-0000-0000-c000-000000000046");
    /** PSETID_Common. */
    public static final UUID PSETID_COMMON = UUID.fromString("00062008-0000-0000-c000-000000000046");
    /** PS_PUBLIC_STRINGS. */
    public static final UUID PS_PUBLIC_STRINGS = UUID.fromString("00020329-0000-0000-c000-000000000046");

    /** PidLidTaskOwnership (Integer): 0 not assigned, 1 assigner's copy, 2 assignee's copy. */
    public static final ExtendedPropertyKey TASK_OWNERSHIP = numbered(PSETID_TASK, 0x8129);
    /** PidLidTaskOwner (String): the owner's display name, which EWS also shows as {@code task:Owner}. */
    public static final ExtendedPropertyKey TASK_OWNER = numbered(PSETID_TASK, 0x811F);
    /** PidLidTaskStartDate (SystemTime), the start date Outlook shows: 12:00 midnight of the date (MS-OXOTASK 2.2.2.2.4). */
    public static final ExtendedPropertyKey TASK_START_DATE = numbered(PSETID_TASK, 0x8104);
    /** PidLidTaskDueDate (SystemTime), the due date Outlook shows: 12:00 midnight of the date (MS-OXOTASK 2.2.2.2.5). */
    public static final ExtendedPropertyKey TASK_DUE_DATE = numbered(PSETID_TASK, 0x8105);
    /**
     * PidLidTaskDateCompleted (SystemTime): 12:00 midnight of the date in the local time zone,
     * converted to UTC (MS-OXOTASK 2.2.2.2.9).
     */
    public static final ExtendedPropertyKey TASK_DATE_COMPLETED = numbered(PSETID_TASK, 0x810F);
    /** PR_CREATOR_NAME (String), Outlook's "Requested by". */
    public static final ExtendedPropertyKey CREATOR_NAME = tagged(0x3FF8);

    static final Map<String, UUID> DISTINGUISHED_SETS = Map.of(
            "Meeting", UUID.fromString("6ed8da90-450b-101b-98da-00aa003f1305"),
            "Appointment", UUID.fromString("00062002-0000-0000-c000-000000000046"),
            "Common", PSETID_COMMON,
            "PublicStrings", PS_PUBLIC_STRINGS,
            "Address", UUID.fromString("00062004-0000-0000-c000-000000000046"),
            "InternetHeaders", UUID.fromString("00020386-0000-0000-c000-000000000046"),
            "CalendarAssistant", UUID.fromString("11000e07-b51b-40d6-af21-caa85edab1d0"),
            "UnifiedMessaging", UUID.fromString("4442858e-a9e3-4e80-b900-317a210cc15b"),
            "Task", PSETID_TASK,
            "Sharing", UUID.fromString("00062040-0000-0000-c000-000000000046"));

    public ExtendedPropertyKey {
        int forms = (tag != null ? 1 : 0) + (name != null ? 1 : 0) + (id != null ? 1 : 0);
        if (forms != 1) {
            throw new IllegalArgumentException("an extended property is named by exactly one of tag, name or id");
        }
        if (tag != null && propertySet != null) {
            throw new IllegalArgumentException("a tagged property has no property set");
        }
        if (tag == null) {
            Objects.requireNonNull(propertySet, "a named property needs a property set");
        }
        if (tag != null && (tag < 0 || tag > 0xFFFF)) {
            throw new IllegalArgumentException("property tag " + tag + " is not a 16-bit property id");
        }
    }

    /** A tagged property such as PR_CREATOR_NAME (0x3FF8). */
    public static ExtendedPropertyKey tagged(int tag) {
        return new ExtendedPropertyKey(null, null, null, tag);
    }

    /** A named property with a string name in a property set. */
    public static ExtendedPropertyKey named(UUID propertySet, String name) {
        return new ExtendedPropertyKey(propertySet, Objects.requireNonNull(name, "name"), null, null);
    }

    /** A named property with a numeric id (LID) in a property set, such as PidLidTaskOwnership. */
    public static ExtendedPropertyKey numbered(UUID propertySet, int id) {
        return new ExtendedPropertyKey(propertySet, null, id, null);
    }

    /** Parses an EWS property tag: hexadecimal with {@code 0x} or decimal; a full 32-bit tag keeps its id. */
    static int parseTag(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long v = t.startsWith("0x") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
        if (v > 0xFFFF) {
            v = v >>> 16;
        }
        return (int) v;
    }

    @Override
    public String toString() {
        if (tag != null) {
            return String.format("0x%04X", tag);
        }
        return "{" + propertySet + "}/" + (name != null ? name : String.format("0x%04X", id));
    }
}

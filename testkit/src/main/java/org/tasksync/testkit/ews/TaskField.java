package org.tasksync.testkit.ews;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The task fields the simulator knows, declared in the order in which {@code t:TaskType} (with its
 * base {@code t:ItemType}) lists them, because a response must follow that order to be valid.
 * Extended properties go between {@link #HAS_ATTACHMENTS} and {@link #CULTURE} (see
 * {@link #afterExtendedProperties}).
 */
enum TaskField {
    ITEM_ID("item:ItemId", "ItemId", Kind.ID, Access.READ_ONLY, Shape.DEFAULT),
    PARENT_FOLDER_ID("item:ParentFolderId", "ParentFolderId", Kind.FOLDER_ID, Access.READ_ONLY, Shape.ALL),
    ITEM_CLASS("item:ItemClass", "ItemClass", Kind.STRING, Access.WRITABLE, Shape.ALL),
    SUBJECT("item:Subject", "Subject", Kind.STRING, Access.WRITABLE, Shape.DEFAULT),
    SENSITIVITY("item:Sensitivity", "Sensitivity", Kind.ENUM, Access.WRITABLE, Shape.ALL,
            "Normal", "Personal", "Private", "Confidential"),
    BODY("item:Body", "Body", Kind.BODY, Access.WRITABLE, Shape.ALL),
    CATEGORIES("item:Categories", "Categories", Kind.STRINGS, Access.WRITABLE, Shape.ALL),
    IMPORTANCE("item:Importance", "Importance", Kind.ENUM, Access.WRITABLE, Shape.ALL, "Low", "Normal", "High"),
    DATE_TIME_CREATED("item:DateTimeCreated", "DateTimeCreated", Kind.DATETIME, Access.READ_ONLY, Shape.ALL),
    REMINDER_DUE_BY("item:ReminderDueBy", "ReminderDueBy", Kind.DATETIME, Access.WRITABLE, Shape.ALL),
    REMINDER_IS_SET("item:ReminderIsSet", "ReminderIsSet", Kind.BOOLEAN, Access.WRITABLE, Shape.ALL),
    REMINDER_MINUTES_BEFORE_START("item:ReminderMinutesBeforeStart", "ReminderMinutesBeforeStart", Kind.INT,
            Access.WRITABLE, Shape.ALL),
    HAS_ATTACHMENTS("item:HasAttachments", "HasAttachments", Kind.BOOLEAN, Access.READ_ONLY, Shape.DEFAULT),
    // ExtendedProperty elements come here.
    CULTURE("item:Culture", "Culture", Kind.STRING, Access.WRITABLE, Shape.ALL),
    LAST_MODIFIED_TIME("item:LastModifiedTime", "LastModifiedTime", Kind.DATETIME, Access.READ_ONLY, Shape.ALL),
    ACTUAL_WORK("task:ActualWork", "ActualWork", Kind.INT, Access.WRITABLE, Shape.ALL),
    BILLING_INFORMATION("task:BillingInformation", "BillingInformation", Kind.STRING, Access.WRITABLE, Shape.ALL),
    CHANGE_COUNT("task:ChangeCount", "ChangeCount", Kind.INT, Access.READ_ONLY, Shape.ALL),
    COMPANIES("task:Companies", "Companies", Kind.STRINGS, Access.WRITABLE, Shape.ALL),
    COMPLETE_DATE("task:CompleteDate", "CompleteDate", Kind.DATE, Access.WRITABLE, Shape.ALL),
    CONTACTS("task:Contacts", "Contacts", Kind.STRINGS, Access.WRITABLE, Shape.ALL),
    /** Only when asked for by name: ews-java-api cannot parse every value Exchange sends. */
    DELEGATION_STATE("task:DelegationState", "DelegationState", Kind.ENUM, Access.READ_ONLY, Shape.ON_REQUEST,
            "NoMatch", "OwnNew", "Owned", "Accepted", "Declined", "Max"),
    DUE_DATE("task:DueDate", "DueDate", Kind.DATE, Access.WRITABLE, Shape.DEFAULT),
    /** ews-java-api's {@code Task.getMode()}; only when asked for by name, like DelegationState. */
    IS_ASSIGNMENT_EDITABLE("task:IsAssignmentEditable", "IsAssignmentEditable", Kind.INT, Access.READ_ONLY,
            Shape.ON_REQUEST),
    IS_COMPLETE("task:IsComplete", "IsComplete", Kind.BOOLEAN, Access.READ_ONLY, Shape.DEFAULT),
    IS_RECURRING("task:IsRecurring", "IsRecurring", Kind.BOOLEAN, Access.READ_ONLY, Shape.ALL),
    IS_TEAM_TASK("task:IsTeamTask", "IsTeamTask", Kind.BOOLEAN, Access.READ_ONLY, Shape.ALL),
    MILEAGE("task:Mileage", "Mileage", Kind.STRING, Access.WRITABLE, Shape.ALL),
    /** PidLidTaskOwner, which Exchange exposes read-only under this name. */
    OWNER("task:Owner", "Owner", Kind.STRING, Access.READ_ONLY, Shape.ALL),
    PERCENT_COMPLETE("task:PercentComplete", "PercentComplete", Kind.DOUBLE, Access.WRITABLE, Shape.DEFAULT),
    /** {@code t:TaskRecurrenceType}, held as a {@link TaskRecurrence}. */
    RECURRENCE("task:Recurrence", "Recurrence", Kind.RECURRENCE, Access.WRITABLE, Shape.ALL),
    START_DATE("task:StartDate", "StartDate", Kind.DATE, Access.WRITABLE, Shape.ALL),
    STATUS("task:Status", "Status", Kind.ENUM, Access.WRITABLE, Shape.DEFAULT,
            "NotStarted", "InProgress", "Completed", "WaitingOnOthers", "Deferred"),
    TOTAL_WORK("task:TotalWork", "TotalWork", Kind.INT, Access.WRITABLE, Shape.ALL);

    /**
     * DATE: a task's start, due and complete date, which Exchange keeps as a calendar date (MS-OXOTASK
     * PidLidTaskStartDate, PidLidTaskDueDate, PidLidTaskDateCompleted) taken in the request's time
     * zone (see {@link StoredTask.Day}); DATETIME: a true instant.
     */
    enum Kind { ID, FOLDER_ID, STRING, ENUM, BODY, STRINGS, DATE, DATETIME, BOOLEAN, INT, DOUBLE, RECURRENCE }

    enum Access { WRITABLE, READ_ONLY }

    /** In which response shapes a field appears without being named in AdditionalProperties. */
    enum Shape { DEFAULT, ALL, ON_REQUEST }

    private static final Map<String, TaskField> BY_URI = new HashMap<>();
    private static final Map<String, TaskField> BY_ELEMENT = new HashMap<>();

    static {
        for (TaskField f : values()) {
            BY_URI.put(f.uri, f);
            BY_ELEMENT.put(f.element, f);
        }
    }

    final String uri;
    final String element;
    final Kind kind;
    final Access access;
    final Shape shape;
    final Set<String> allowed;

    TaskField(String uri, String element, Kind kind, Access access, Shape shape, String... allowed) {
        this.uri = uri;
        this.element = element;
        this.kind = kind;
        this.access = access;
        this.shape = shape;
        this.allowed = Set.of(allowed);
    }

    boolean writable() {
        return access == Access.WRITABLE;
    }

    /** Whether the field is written after the item's ExtendedProperty elements. */
    boolean afterExtendedProperties() {
        return ordinal() > HAS_ATTACHMENTS.ordinal();
    }

    static Optional<TaskField> byUri(String uri) {
        return Optional.ofNullable(BY_URI.get(uri));
    }

    static Optional<TaskField> byElement(String element) {
        return Optional.ofNullable(BY_ELEMENT.get(element));
    }
}

package org.tasksync.core.model;

import java.util.List;
import java.util.Objects;

/**
 * A field of an Exchange task that the engine writes. The standard fields are constants; a host
 * that adds an A1 field to the field table names an {@link #extended(String) extended} field, which
 * adapters store as a string property of their own (EWS: an extended property in the library's
 * property set; Graph: the open extension).
 */
public record ExchangeField(String name, boolean isExtended) {

    public static final ExchangeField SUBJECT = new ExchangeField("Subject", false);
    public static final ExchangeField BODY = new ExchangeField("Body", false);
    public static final ExchangeField START_DATE = new ExchangeField("StartDate", false);
    public static final ExchangeField DUE_DATE = new ExchangeField("DueDate", false);
    public static final ExchangeField STATUS = new ExchangeField("Status", false);
    public static final ExchangeField IMPORTANCE = new ExchangeField("Importance", false);
    public static final ExchangeField PERCENT_COMPLETE = new ExchangeField("PercentComplete", false);
    public static final ExchangeField COMPLETE_DATE = new ExchangeField("CompleteDate", false);
    /** Reminder on/off and its time, always written together. */
    public static final ExchangeField REMINDER = new ExchangeField("Reminder", false);
    /** PidLidTaskOwner: the rep's display name. */
    public static final ExchangeField OWNER = new ExchangeField("Owner", false);
    /** PR_CREATOR_NAME: the creator rep's display name. */
    public static final ExchangeField CREATED_BY = new ExchangeField("CreatedBy", false);

    public static final List<ExchangeField> STANDARD = List.of(SUBJECT, BODY, START_DATE, DUE_DATE, STATUS,
            IMPORTANCE, PERCENT_COMPLETE, COMPLETE_DATE, REMINDER, OWNER, CREATED_BY);

    public ExchangeField {
        Objects.requireNonNull(name, "name");
    }

    /** A host-defined string field, stored by the adapter under {@code name}. */
    public static ExchangeField extended(String name) {
        if (name == null || !name.matches("[A-Za-z][A-Za-z0-9_.-]{0,63}")) {
            throw new IllegalArgumentException("extended Exchange field name '" + name
                    + "' must be a letter followed by up to 63 letters, digits, '_', '.' or '-'");
        }
        for (ExchangeField f : STANDARD) {
            if (f.name.equalsIgnoreCase(name)) {
                throw new IllegalArgumentException("extended Exchange field name '" + name
                        + "' clashes with the standard field " + f.name);
            }
        }
        return new ExchangeField(name, true);
    }

    @Override
    public String toString() {
        return name;
    }
}

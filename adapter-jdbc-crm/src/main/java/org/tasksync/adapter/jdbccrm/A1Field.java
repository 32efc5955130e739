package org.tasksync.adapter.jdbccrm;

import java.util.Arrays;
import java.util.Optional;

/**
 * The A1 fields that SPEC §2 synchronizes, by their CRM field number, with the name that error
 * reports use ("#2 Status").
 */
public enum A1Field {
    REP(4, "Rep", true),
    CREATED_BY_REP(10, "Created by Rep", false),
    START_DATE(38, "Start date", false),
    DUE_DATE(14, "Due date", false),
    STATUS(2, "Status", true),
    PRIORITY(5, "Priority", false),
    COMPLETE_PERCENT(56, "Complete %", false),
    COMPLETE_DATE(8, "Complete Date", false),
    REMINDER_DURATION(42, "Reminder Duration", false),
    REMINDER_UNIT(43, "Reminder Unit", false),
    SUBJECT(58, "Subject", true),
    COMMENTS(20, "Comments", false);

    private final int number;
    private final String title;
    private final boolean required;

    A1Field(int number, String title, boolean required) {
        this.number = number;
        this.title = title;
        this.required = required;
    }

    /** The CRM's field number within info area A1. */
    public int number() {
        return number;
    }

    /**
     * Whether a task cannot be synchronized without this field: its column must be configured,
     * and a row where it is null is reported as an error.
     */
    public boolean required() {
        return required;
    }

    /** The field's name in the CRM ("Subject"). */
    public String title() {
        return title;
    }

    /** "#58 Subject": how reports name the field. */
    public String label() {
        return "#" + number + " " + title;
    }

    public static Optional<A1Field> byNumber(int number) {
        return Arrays.stream(values()).filter(f -> f.number == number).findFirst();
    }
}

package org.tasksync.core;

import java.util.Objects;

/**
 * A per-task error: one task could not be synchronized, and every other task went on. It names the
 * task, the field, the value and the reason, e.g.
 * {@code task A1:1-7: field #5 Priority = 'Urgent': no priority mapping for this CRM value}.
 *
 * @param taskId the CRM task id (or the Exchange item id when the task has none)
 * @param field  the field, as "#n Name" for A1 fields, or a plain name
 * @param value  the offending value as text (shortened to 200 characters for reports), may be null
 * @param reason what is wrong
 */
public record TaskError(String taskId, String field, String value, String reason) {
    public TaskError {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(reason, "reason");
        if (value != null && value.length() > 200) {
            value = value.substring(0, 200) + "… (" + value.length() + " characters)";
        }
    }

    @Override
    public String toString() {
        return "task " + taskId + (field == null ? "" : ": field " + field)
                + (field == null && value == null ? "" : " = " + (value == null ? "(empty)" : "'" + value + "'"))
                + ": " + reason;
    }
}

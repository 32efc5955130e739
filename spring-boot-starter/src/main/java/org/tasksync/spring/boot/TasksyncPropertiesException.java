package org.tasksync.spring.boot;

/**
 * A {@code tasksync.*} property that tasksync refuses at startup; the message is the one of the
 * class that read the property ({@code SyncSettings.fromProperties}, {@code EwsSettings.fromProperties},
 * ...), naming the key and, unless it is a credential, the value.
 */
public class TasksyncPropertiesException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public TasksyncPropertiesException(String message) {
        super(message);
    }

    /** Carries {@code cause}'s message unchanged, so that the startup failure reads like the library's own. */
    public TasksyncPropertiesException(IllegalArgumentException cause) {
        super(cause.getMessage(), cause);
    }
}

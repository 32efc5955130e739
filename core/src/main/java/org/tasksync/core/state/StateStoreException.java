package org.tasksync.core.state;

/**
 * A state store could not read or write its database. The message names the operation and the
 * table; it never carries credentials.
 *
 * <p>The engine treats it like any other failure of a cycle: nothing that depended on the failed
 * call is recorded as done, so the next cycle tries again.
 */
public class StateStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StateStoreException(String message) {
        super(message);
    }
}

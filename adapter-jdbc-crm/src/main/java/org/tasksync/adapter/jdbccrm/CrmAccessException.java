package org.tasksync.adapter.jdbccrm;

/**
 * The CRM database could not be read or written (connection refused, a statement failed, the
 * configured tables or columns do not exist). The engine fails the cycle's CRM part and tries
 * again next cycle. The message carries the database's message and SQL state, never the
 * connection's credentials.
 */
public class CrmAccessException extends RuntimeException {
    public CrmAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}

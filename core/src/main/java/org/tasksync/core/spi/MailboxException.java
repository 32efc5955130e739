package org.tasksync.core.spi;

/**
 * A mailbox as a whole cannot be used this cycle: it does not exist, the service account may not
 * impersonate it, authentication failed, or the server kept throttling past the adapter's bound.
 * The engine reports it, leaves the mailbox's cursor where it was and goes on with the others.
 * Messages must not contain credentials.
 */
public class MailboxException extends Exception {

    /** Why a mailbox failed, for reports. */
    public enum Kind { NOT_FOUND, ACCESS_DENIED, AUTHENTICATION, THROTTLED, UNAVAILABLE, PROTOCOL }

    private final String mailbox;
    private final Kind kind;

    public MailboxException(String mailbox, Kind kind, String message) {
        this(mailbox, kind, message, null);
    }

    public MailboxException(String mailbox, Kind kind, String message, Throwable cause) {
        super("mailbox " + mailbox + ": " + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + ": " + message, cause);
        this.mailbox = mailbox;
        this.kind = kind;
    }

    public String mailbox() {
        return mailbox;
    }

    public Kind kind() {
        return kind;
    }
}

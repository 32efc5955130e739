package org.tasksync.adapter.ews.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLException;
import javax.xml.stream.XMLStreamException;
import microsoft.exchange.webservices.data.core.enumeration.misc.error.ServiceError;
import microsoft.exchange.webservices.data.core.enumeration.service.ServiceResult;
import microsoft.exchange.webservices.data.core.exception.http.HttpErrorException;
import microsoft.exchange.webservices.data.core.exception.service.local.ServiceXmlDeserializationException;
import microsoft.exchange.webservices.data.core.exception.service.remote.AccountIsLockedException;
import microsoft.exchange.webservices.data.core.exception.service.remote.ServiceRequestException;
import microsoft.exchange.webservices.data.core.exception.service.remote.ServiceResponseException;
import microsoft.exchange.webservices.data.core.response.ServiceResponse;
import org.tasksync.core.spi.CursorRejectedException;
import org.tasksync.core.spi.MailboxException;

/**
 * What went wrong in one EWS request, read from what ews-java-api threw or answered: whether to
 * wait and try again, how long the server asked to wait, whether the request may have been carried
 * out anyway, and which {@link MailboxException.Kind} it becomes when it is not retried.
 *
 * <p>ews-java-api reports the same server error in three shapes: a SOAP fault on HTTP 500 comes as a
 * {@code ServiceRequestException} whose cause is the {@code ServiceResponseException}; an error in a
 * response message is thrown (or returned) as a {@code ServiceResponseException}; HTTP errors other
 * than 500 come as an {@code HttpErrorException} inside a {@code ServiceRequestException}, and
 * network failures as an {@link IOException} inside one. So the cause chain is searched.
 *
 * <p>Immutable. Messages hold server error codes and texts, never credentials.
 */
public record EwsFailure(Kind kind, String description, Long backOffMillis, boolean ambiguous) {

    /** How the adapter treats a failure. */
    public enum Kind {
        /** The server is throttling ({@code ErrorServerBusy}, HTTP 503): wait and retry; THROTTLED past the bound. */
        BUSY(true, MailboxException.Kind.THROTTLED),
        /** The server or the network failed for now (dropped connection, timeout): retry; UNAVAILABLE past the bound. */
        TRANSIENT(true, MailboxException.Kind.UNAVAILABLE),
        /** The server cannot be reached in a way retrying does not fix (unknown host, TLS failure). */
        UNREACHABLE(false, MailboxException.Kind.UNAVAILABLE),
        NOT_FOUND(false, MailboxException.Kind.NOT_FOUND),
        ACCESS_DENIED(false, MailboxException.Kind.ACCESS_DENIED),
        AUTHENTICATION(false, MailboxException.Kind.AUTHENTICATION),
        /** The sync state is no longer accepted. */
        CURSOR_REJECTED(false, MailboxException.Kind.PROTOCOL),
        /**
         * An answer arrived but the client could not read it: XML that is not well-formed, or a value
         * ews-java-api cannot parse (an enumeration value it does not know, a number that is none),
         * which makes it fail the whole response. For GetItem that may be one item's fault.
         */
        UNREADABLE_ANSWER(false, MailboxException.Kind.PROTOCOL),
        PROTOCOL(false, MailboxException.Kind.PROTOCOL);

        private final boolean retryable;
        private final MailboxException.Kind mailboxKind;

        Kind(boolean retryable, MailboxException.Kind mailboxKind) {
            this.retryable = retryable;
            this.mailboxKind = mailboxKind;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private static final Set<ServiceError> BUSY_CODES = EnumSet.of(ServiceError.ErrorServerBusy,
            ServiceError.ErrorExceededConnectionCount);
    private static final Set<ServiceError> TRANSIENT_CODES = EnumSet.of(ServiceError.ErrorInternalServerTransientError,
            ServiceError.ErrorMailboxStoreUnavailable, ServiceError.ErrorMailboxMoveInProgress,
            ServiceError.ErrorTimeoutExpired, ServiceError.ErrorConnectionFailed,
            ServiceError.ErrorNoRespondingCASInDestinationSite, ServiceError.ErrorMailboxFailover);
    /** Errors that concern the mailbox as a whole, even when Exchange reports them per item. */
    private static final Set<ServiceError> MAILBOX_CODES = EnumSet.of(ServiceError.ErrorNonExistentMailbox,
            ServiceError.ErrorImpersonateUserDenied, ServiceError.ErrorImpersonationDenied,
            ServiceError.ErrorImpersonationFailed);

    /** Whether the request should be tried again after a wait. */
    public boolean retryable() {
        return kind.retryable;
    }

    /** Classifies what ews-java-api threw. */
    public static EwsFailure of(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ServiceResponseException e) {
                return ofCode(e.getErrorCode(), e.getMessage(), e.getResponse() == null ? Map.of()
                        : e.getResponse().getErrorDetails());
            }
            if (t instanceof AccountIsLockedException) {
                return new EwsFailure(Kind.AUTHENTICATION, "the service account is locked", null, false);
            }
            if (t instanceof HttpErrorException e) {
                return ofHttpStatus(e.getHttpErrorCode());
            }
        }
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnknownHostException) {
                return new EwsFailure(Kind.UNREACHABLE, "unknown host " + t.getMessage(), null, false);
            }
            if (t instanceof SSLException) {
                return new EwsFailure(Kind.UNREACHABLE, "TLS failure: " + t.getMessage(), null, false);
            }
            if (t instanceof ConnectException) {
                // refused before anything was sent: retrying cannot duplicate anything
                return new EwsFailure(Kind.TRANSIENT, "connection refused: " + t.getMessage(), null, false);
            }
            if (t instanceof InterruptedIOException) {
                return new EwsFailure(Kind.TRANSIENT, "timed out: " + t.getMessage(), null, true);
            }
            if (t instanceof IOException) {
                return new EwsFailure(Kind.TRANSIENT, "connection failed: " + t, null, true);
            }
        }
        if (unreadableAnswer(thrown)) {
            // the XML parser's messages run over two lines
            return new EwsFailure(Kind.UNREADABLE_ANSWER, "cannot read the answer: "
                    + String.valueOf(thrown).replaceAll("\\s*\\R\\s*", " "), null, false);
        }
        return new EwsFailure(Kind.PROTOCOL, "unexpected failure: " + thrown, null, false);
    }

    /**
     * Whether ews-java-api received an answer and failed while parsing it: it wraps what its reader
     * threw (an {@link XMLStreamException}, its own deserialization exception, or the runtime exception
     * of {@code Enum.valueOf} or {@code Double.parseDouble}) in a {@link ServiceRequestException}.
     * Only called once the server's errors, HTTP errors and network failures are ruled out.
     */
    private static boolean unreadableAnswer(Throwable thrown) {
        boolean request = false;
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ServiceRequestException) {
                request = true;
            } else if (request && (t instanceof XMLStreamException || t instanceof ServiceXmlDeserializationException
                    || t instanceof RuntimeException)) {
                return true;
            }
        }
        return false;
    }

    /** Classifies the error of one response message; null when the message is no error. */
    public static EwsFailure ofResponse(ServiceResponse r) {
        if (r.getResult() != ServiceResult.Error) {
            return null;
        }
        return ofCode(r.getErrorCode(), r.getErrorMessage(), r.getErrorDetails());
    }

    /** Whether an error reported for one item is really about the whole mailbox. */
    public static boolean concernsMailbox(ServiceError code) {
        return MAILBOX_CODES.contains(code);
    }

    static EwsFailure ofCode(ServiceError code, String message, Map<String, String> details) {
        String text = code + (message == null || message.isBlank() ? "" : " (" + message + ")");
        if (code == null) {
            return new EwsFailure(Kind.PROTOCOL, "error without a code: " + message, null, false);
        }
        if (BUSY_CODES.contains(code)) {
            return new EwsFailure(Kind.BUSY, text, backOff(details), false);
        }
        if (TRANSIENT_CODES.contains(code)) {
            return new EwsFailure(Kind.TRANSIENT, text, backOff(details), false);
        }
        switch (code) {
            case ErrorNonExistentMailbox:
                return new EwsFailure(Kind.NOT_FOUND, text, null, false);
            case ErrorImpersonateUserDenied:
            case ErrorImpersonationDenied:
            case ErrorImpersonationFailed:
            case ErrorAccessDenied:
                return new EwsFailure(Kind.ACCESS_DENIED, text, null, false);
            case ErrorInvalidSyncStateData:
                return new EwsFailure(Kind.CURSOR_REJECTED, text, null, false);
            default:
                return new EwsFailure(Kind.PROTOCOL, text, null, false);
        }
    }

    static EwsFailure ofHttpStatus(int status) {
        switch (status) {
            case 401:
                return new EwsFailure(Kind.AUTHENTICATION, "the server refused the service account's credentials "
                        + "(HTTP 401)", null, false);
            case 403:
                return new EwsFailure(Kind.ACCESS_DENIED, "HTTP 403 Forbidden", null, false);
            case 404:
                return new EwsFailure(Kind.PROTOCOL, "HTTP 404: no EWS endpoint at the configured URL", null, false);
            case 503:
                return new EwsFailure(Kind.BUSY, "HTTP 503 Service Unavailable", null, false);
            case 502:
            case 504:
                return new EwsFailure(Kind.TRANSIENT, "HTTP " + status + " from a gateway", null, true);
            default:
                return new EwsFailure(Kind.PROTOCOL, "HTTP " + status, null, false);
        }
    }

    private static Long backOff(Map<String, String> details) {
        String v = details == null ? null : details.get("BackOffMilliseconds");
        if (v == null) {
            return null;
        }
        try {
            long ms = Long.parseLong(v.trim());
            return ms < 0 ? null : ms;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The exception the engine sees when this failure is not retried (or retried past the bound). */
    public MailboxException toMailboxException(String mailbox, String operation, String retried) {
        String message = operation + ": " + description + (retried == null ? "" : "; " + retried);
        if (kind == Kind.CURSOR_REJECTED) {
            return new CursorRejectedException(mailbox, message);
        }
        return new MailboxException(mailbox, kind.mailboxKind, message);
    }
}

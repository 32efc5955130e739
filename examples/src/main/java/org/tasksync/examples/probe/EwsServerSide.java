package org.tasksync.examples.probe;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Date;
import microsoft.exchange.webservices.data.core.ExchangeService;
import microsoft.exchange.webservices.data.core.PropertySet;
import microsoft.exchange.webservices.data.core.enumeration.misc.ConnectingIdType;
import microsoft.exchange.webservices.data.core.enumeration.property.BasePropertySet;
import microsoft.exchange.webservices.data.core.enumeration.property.DefaultExtendedPropertySet;
import microsoft.exchange.webservices.data.core.enumeration.property.MapiPropertyType;
import microsoft.exchange.webservices.data.core.enumeration.property.WellKnownFolderName;
import microsoft.exchange.webservices.data.core.enumeration.service.ConflictResolutionMode;
import microsoft.exchange.webservices.data.core.enumeration.service.TaskStatus;
import microsoft.exchange.webservices.data.core.exception.http.HttpErrorException;
import microsoft.exchange.webservices.data.core.exception.service.remote.ServiceResponseException;
import microsoft.exchange.webservices.data.core.service.folder.Folder;
import microsoft.exchange.webservices.data.core.service.item.Item;
import microsoft.exchange.webservices.data.core.service.item.Task;
import microsoft.exchange.webservices.data.credential.WebCredentials;
import microsoft.exchange.webservices.data.misc.ImpersonatedUserId;
import microsoft.exchange.webservices.data.property.complex.ExtendedProperty;
import microsoft.exchange.webservices.data.property.complex.FolderId;
import microsoft.exchange.webservices.data.property.complex.ItemId;
import microsoft.exchange.webservices.data.property.definition.ExtendedPropertyDefinition;
import org.tasksync.adapter.ews.EwsSettings;
import org.tasksync.core.model.ExchangeStatus;

/**
 * Exchange Server reached with ews-java-api directly, impersonating the test mailbox as the
 * adapter does: the rights check (GetFolder of the Tasks folder), the dates as Outlook shows them
 * (the MAPI named properties PidLidTaskStartDate and PidLidTaskDueDate), and a status set as the
 * rep would (UpdateItem of task:Status).
 *
 * <p>Per MS-OXOTASK (PidLidTaskStartDate, PidLidTaskDueDate) these properties hold the date as the
 * user sees it, at 12:00 midnight, in a PtypTime without a zone; Outlook shows their date. They are
 * read as PSETID_Task ({@code DistinguishedPropertySetId="Task"}) 0x8104 and 0x8105, SystemTime.
 *
 * <p>Not thread-safe (its {@code ExchangeService} is not).
 */
final class EwsServerSide implements ServerSide {

    static final ExtendedPropertyDefinition TASK_START_DATE =
            new ExtendedPropertyDefinition(DefaultExtendedPropertySet.Task, 0x8104, MapiPropertyType.SystemTime);
    static final ExtendedPropertyDefinition TASK_DUE_DATE =
            new ExtendedPropertyDefinition(DefaultExtendedPropertySet.Task, 0x8105, MapiPropertyType.SystemTime);

    private final ExchangeService service;
    private final EwsSettings config;
    private final String mailbox;

    EwsServerSide(EwsSettings config, String username, String password, String domain, String mailbox) {
        this.config = config;
        this.mailbox = mailbox;
        this.service = new ExchangeService(config.version());
        service.setUrl(config.url());
        service.setCredentials(domain == null || domain.isBlank() ? new WebCredentials(username, password)
                : new WebCredentials(username, password, domain));
        service.setImpersonatedUserId(new ImpersonatedUserId(ConnectingIdType.SmtpAddress, mailbox));
        service.setTimeout((int) config.timeout().toMillis());
        service.setTraceEnabled(false); // its traces would show request headers
    }

    @Override
    public String app() {
        return "Outlook";
    }

    @Override
    public String describe() {
        return "Exchange Server (EWS) at " + config.url() + ", requests as " + config.version();
    }

    @Override
    public String checkRights() throws ServerFailure {
        try {
            Folder tasks = Folder.bind(service, new FolderId(WellKnownFolderName.Tasks,
                    new microsoft.exchange.webservices.data.property.complex.Mailbox(mailbox)),
                    new PropertySet(BasePropertySet.IdOnly));
            return "the service account impersonates " + mailbox + " and opens its Tasks folder (GetFolder: NoError, "
                    + "folder id " + abbreviated(tasks.getId().getUniqueId()) + ")";
        } catch (Exception e) {
            throw new ServerFailure("GetFolder of the Tasks folder impersonating " + mailbox + ": " + words(e)
                    + hint(e));
        }
    }

    @Override
    public Shown shown(String itemId) throws ServerFailure {
        Item item;
        try {
            item = Item.bind(service, new ItemId(itemId),
                    new PropertySet(BasePropertySet.IdOnly, TASK_START_DATE, TASK_DUE_DATE));
        } catch (Exception e) {
            throw new ServerFailure("GetItem of PidLidTaskStartDate and PidLidTaskDueDate: " + words(e));
        }
        Object start = null;
        Object due = null;
        try {
            for (ExtendedProperty p : item.getExtendedProperties()) {
                Integer id = p.getPropertyDefinition().getId();
                if (id != null && id == 0x8104) {
                    start = p.getValue();
                } else if (id != null && id == 0x8105) {
                    due = p.getValue();
                }
            }
        } catch (Exception e) {
            throw new ServerFailure("GetItem: the extended properties cannot be read: " + words(e));
        }
        return new Shown(shownDate("PidLidTaskStartDate", start), shownDate("PidLidTaskDueDate", due));
    }

    /** The date Outlook shows for a PtypTime value that holds the rep's local date at 00:00 (MS-OXOTASK). */
    static ShownDate shownDate(String name, Object value) {
        if (value == null) {
            return new ShownDate(null, null, name, null);
        }
        Instant at = value instanceof Date d ? d.toInstant() : Instant.parse(value.toString());
        // the property has no zone: its digits are the rep's wall-clock time, sent as if UTC
        LocalDateTime local = LocalDateTime.ofInstant(at, ZoneOffset.UTC);
        String problem = local.toLocalTime().equals(LocalTime.MIDNIGHT) ? null
                : "not a date at 00:00 as MS-OXOTASK requires; Outlook shows the date of these digits";
        return new ShownDate(local.toLocalDate(), at.toString(), name, problem);
    }

    @Override
    public void setStatusAsRep(String itemId, ExchangeStatus status) throws ServerFailure {
        try {
            Task task = Task.bind(service, new ItemId(itemId), new PropertySet(BasePropertySet.IdOnly));
            task.setStatus(TaskStatus.valueOf(status.wireName()));
            task.update(ConflictResolutionMode.AlwaysOverwrite);
        } catch (Exception e) {
            throw new ServerFailure("UpdateItem of task:Status: " + words(e));
        }
    }

    /**
     * The server's words from what ews-java-api threw: the EWS response code and its text, or the
     * HTTP status. ews-java-api nests them (a SOAP fault on HTTP 500 is a request exception caused by
     * a response exception), so the chain is searched.
     */
    static String words(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ServiceResponseException r) {
                return r.getErrorCode() + ": " + r.getMessage();
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpErrorException h) {
                return "HTTP " + h.getHttpErrorCode() + (h.getMessage() == null ? "" : ": " + h.getMessage());
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    private static String hint(Throwable e) {
        String w = words(e);
        if (w.startsWith("ErrorImpersonateUserDenied")) {
            return " (give the service account the ApplicationImpersonation role with a scope that holds this "
                    + "mailbox: docs/ews-adapter.md, \"Rights needed on a real server\")";
        }
        if (w.startsWith("ErrorNonExistentMailbox")) {
            return " (no mailbox has this SMTP address: check --mailbox)";
        }
        if (w.startsWith("HTTP 401")) {
            return " (the server refused the service account's user name or password, or the authentication "
                    + "scheme: Basic or NTLM must be enabled on the EWS virtual directory)";
        }
        return "";
    }

    private static String abbreviated(String id) {
        return id == null || id.length() <= 16 ? id : id.substring(0, 12) + "…";
    }

    @Override
    public void close() {
        service.close();
    }
}

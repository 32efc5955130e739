package org.tasksync.testkit.ews;

import java.net.URI;
import microsoft.exchange.webservices.data.core.exception.service.remote.ServiceResponseException;
import microsoft.exchange.webservices.data.core.ExchangeService;
import microsoft.exchange.webservices.data.core.enumeration.misc.ConnectingIdType;
import microsoft.exchange.webservices.data.core.enumeration.misc.ExchangeVersion;
import microsoft.exchange.webservices.data.credential.WebCredentials;
import microsoft.exchange.webservices.data.misc.ImpersonatedUserId;

/** Builds real ews-java-api clients against a simulator, as the EWS adapter will. */
final class EwsClient {

    static final String USER = "svc-tasksync";
    static final String PASSWORD = "s3cret";

    private EwsClient() {
    }

    /** A client that impersonates the mailbox's owner; close it after use. */
    static ExchangeService impersonating(EwsSimulator ews, String mailbox) throws Exception {
        return impersonating(ews, mailbox, USER, PASSWORD);
    }

    static ExchangeService impersonating(EwsSimulator ews, String mailbox, String user, String password)
            throws Exception {
        ExchangeService service = new ExchangeService(ExchangeVersion.Exchange2010_SP2);
        service.setUrl(new URI("http://127.0.0.1:" + ews.port() + "/EWS/Exchange.asmx"));
        service.setCredentials(new WebCredentials(user, password));
        if (mailbox != null) {
            service.setImpersonatedUserId(new ImpersonatedUserId(ConnectingIdType.SmtpAddress, mailbox));
        }
        return service;
    }

    /**
     * The EWS error inside what ews-java-api threw: a per-message error is thrown as such, while a
     * SOAP fault comes wrapped in a ServiceRequestException.
     */
    static ServiceResponseException serviceError(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof ServiceResponseException e) {
                return e;
            }
        }
        throw new AssertionError("no ServiceResponseException in " + thrown, thrown);
    }
}

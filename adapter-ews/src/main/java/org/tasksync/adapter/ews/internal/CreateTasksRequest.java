package org.tasksync.adapter.ews.internal;

import java.io.InputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import microsoft.exchange.webservices.data.core.EwsServiceXmlReader;
import microsoft.exchange.webservices.data.core.EwsServiceXmlWriter;
import microsoft.exchange.webservices.data.core.ExchangeServerInfo;
import microsoft.exchange.webservices.data.core.ExchangeService;
import microsoft.exchange.webservices.data.core.enumeration.misc.ConnectingIdType;
import microsoft.exchange.webservices.data.core.enumeration.misc.ExchangeVersion;
import microsoft.exchange.webservices.data.core.enumeration.misc.TraceFlags;
import microsoft.exchange.webservices.data.core.enumeration.misc.error.ServiceError;
import microsoft.exchange.webservices.data.core.enumeration.service.ServiceResult;
import microsoft.exchange.webservices.data.core.enumeration.service.error.ServiceErrorHandling;
import microsoft.exchange.webservices.data.core.exception.service.local.ServiceXmlDeserializationException;
import microsoft.exchange.webservices.data.core.exception.service.remote.ServiceRequestException;
import microsoft.exchange.webservices.data.core.exception.service.remote.ServiceResponseException;
import microsoft.exchange.webservices.data.core.request.HttpWebRequest;
import microsoft.exchange.webservices.data.core.request.MultiResponseServiceRequest;
import microsoft.exchange.webservices.data.core.response.ServiceResponse;
import microsoft.exchange.webservices.data.core.response.ServiceResponseCollection;
import microsoft.exchange.webservices.data.misc.ImpersonatedUserId;

/**
 * One CreateItem of tasks whose SOAP text the adapter wrote ({@link CreateItemXml}) and whose answer it
 * reads itself, sent through ews-java-api's request machinery for everything else: the service's
 * {@code prepareHttpWebRequest} (URL, credentials, shared auth cache, headers, cookies, timeouts),
 * its HTTP status handling and SOAP fault reading ({@code ErrorServerBusy} with
 * {@code BackOffMilliseconds} on HTTP 500 becomes the same {@code ServiceResponseException}, other HTTP
 * errors the same {@code HttpErrorException}, network failures the same wrapped {@code IOException}),
 * so that {@link EwsFailure} and the connection's retries see exactly what they saw from
 * {@code ExchangeService.createItems}.
 *
 * <p>The answer is read into one {@link Created} per item: the result, error code, message and
 * MessageXml details as ews-java-api's {@code ServiceResponse} reads them, and the new item's id and
 * change key (nothing else of the item, which ews-java-api would load into the item it sent). An
 * answer with fewer messages than items fails as ews-java-api fails it: one error message becomes a
 * {@code ServiceResponseException}, anything else a deserialization error.
 *
 * <p>Used once, by one thread.
 */
final class CreateTasksRequest extends MultiResponseServiceRequest<CreateTasksRequest.Created> {

    /** A reader factory per thread: factories are not documented thread-safe, and finding one costs a lookup. */
    private static final ThreadLocal<XMLInputFactory> READERS = ThreadLocal.withInitial(() -> {
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        // an answer is SOAP: no DTD, no entities from elsewhere
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        return f;
    });

    private final String mailbox;
    private final List<String> tasks;

    /**
     * @param mailbox the address whose Tasks folder gets the items
     * @param tasks   the {@code t:Task} elements, as {@link CreateItemXml#task} writes them
     */
    CreateTasksRequest(ExchangeService service, String mailbox, List<String> tasks) throws Exception {
        super(service, ServiceErrorHandling.ReturnErrors);
        this.mailbox = mailbox;
        this.tasks = tasks;
    }

    /** Sends the request; one answer per task, in order. */
    ServiceResponseCollection<Created> send() throws Exception {
        return execute();
    }

    /** The request's bytes, as sent. */
    byte[] body() throws Exception {
        ExchangeService service = getService();
        ImpersonatedUserId who = service.getImpersonatedUserId();
        if (who != null && who.getIdType() != ConnectingIdType.SmtpAddress) {
            throw new IllegalStateException("the adapter impersonates by SMTP address, not " + who.getIdType());
        }
        ExchangeVersion version = service.getRequestedServerVersion();
        boolean v2007 = version == ExchangeVersion.Exchange2007_SP1;
        return CreateItemXml.request(v2007 && service.getExchange2007CompatibilityMode() ? "Exchange2007"
                        : version.toString(), v2007 ? "PrimarySmtpAddress" : "SmtpAddress",
                who == null ? null : who.getId(), mailbox, tasks);
    }

    /** The service's request (its URL, credentials, headers, cookies) with the adapter's SOAP text. */
    @Override
    protected HttpWebRequest buildEwsHttpWebRequest() throws Exception {
        HttpWebRequest request = getService().prepareHttpWebRequest();
        try {
            request.getOutputStream().write(body());
        } catch (IOException e) {
            throw new ServiceRequestException(String.format("The request failed. %s", e.getMessage()), e);
        }
        return request;
    }

    /** Reads the answer as ews-java-api's {@code ServiceRequestBase.readResponse} would, with the adapter's reader. */
    @Override
    protected ServiceResponseCollection<Created> readResponse(HttpWebRequest response) throws Exception {
        try {
            // ews-java-api throws this before its try, leaving the connection allocated, so that the service's
            // next request fails ("Connection is still allocated"); here the response is closed
            if (!response.getResponseContentType().startsWith("text/xml")) {
                throw new ServiceRequestException(
                        "The response received from the service didn't contain valid XML.");
            }
            getService().processHttpResponseHeaders(TraceFlags.EwsResponseHttpHeaders, response);
            try (InputStream in = getResponseStream(response)) {
                XMLStreamReader r = READERS.get().createXMLStreamReader(in);
                try {
                    return read(r);
                } finally {
                    r.close();
                }
            }
        } catch (IOException e) {
            throw new ServiceRequestException(String.format("The request failed. %s", e.getMessage()), e);
        } finally {
            response.close();
        }
    }

    private ServiceResponseCollection<Created> read(XMLStreamReader r) throws Exception {
        start(r, CreateItemXml.SOAP, "Envelope");
        start(r, CreateItemXml.SOAP, "Header");
        // the header's ServerVersionInfo is kept on the service, as ews-java-api keeps it; all else is ignored
        while (true) {
            int e = r.next();
            if (e == XMLStreamConstants.END_ELEMENT && is(r, CreateItemXml.SOAP, "Header")) {
                break;
            }
            if (e == XMLStreamConstants.START_ELEMENT && is(r, CreateItemXml.TYPES, "ServerVersionInfo")) {
                getService().setServerInfo(serverInfo(r));
            }
        }
        start(r, CreateItemXml.SOAP, "Body");
        start(r, CreateItemXml.MESSAGES, "CreateItemResponse");
        start(r, CreateItemXml.MESSAGES, "ResponseMessages");
        ServiceResponseCollection<Created> answers = new ServiceResponseCollection<>();
        int expected = tasks.size();
        boolean ended = false;
        while (answers.getCount() < expected) {
            int e = nextTag(r);
            if (e == XMLStreamConstants.END_ELEMENT && is(r, CreateItemXml.MESSAGES, "ResponseMessages")) {
                ended = true;
                break;
            }
            if (!is(r, CreateItemXml.MESSAGES, "CreateItemResponseMessage")) {
                throw unexpected(r, "CreateItemResponseMessage");
            }
            answers.add(message(r));
        }
        if (answers.getCount() < expected) {
            // a general error of the batch comes as one message (MultiResponseServiceRequest.parseResponse)
            if (answers.getCount() == 1 && answers.getResponseAtIndex(0).getResult() == ServiceResult.Error) {
                throw new ServiceResponseException(answers.getResponseAtIndex(0));
            }
            throw new ServiceXmlDeserializationException(String.format(
                    "The service was expected to return %s response of type '%d', but %d response were received.",
                    "CreateItemResponseMessage", expected, answers.getCount()));
        }
        // more messages than items, or anything after them, fails the answer as it failed ews-java-api's reader
        if (!ended) {
            end(r, CreateItemXml.MESSAGES, "ResponseMessages");
        }
        end(r, CreateItemXml.MESSAGES, "CreateItemResponse");
        end(r, CreateItemXml.SOAP, "Body");
        end(r, CreateItemXml.SOAP, "Envelope");
        return answers;
    }

    /** One CreateItemResponseMessage, the reader on its start; leaves the reader on its end. */
    private static Created message(XMLStreamReader r) throws XMLStreamException {
        String resultText = r.getAttributeValue(null, "ResponseClass");
        if (resultText == null) {
            throw new XMLStreamException("CreateItemResponseMessage without ResponseClass", r.getLocation());
        }
        ServiceResult result = ServiceResult.valueOf(resultText); // an unknown value fails the answer, as before
        String message = null;
        ServiceError code = null;
        boolean coded = false;
        Map<String, String> details = new HashMap<>();
        String itemId = null;
        String changeKey = null;
        int depth = 1;
        while (depth > 0) {
            int e = r.next();
            if (e == XMLStreamConstants.END_ELEMENT) {
                depth--;
            } else if (e == XMLStreamConstants.START_ELEMENT) {
                depth++;
                String name = r.getLocalName();
                if (depth == 2 && CreateItemXml.MESSAGES.equals(r.getNamespaceURI())) {
                    switch (name) {
                        case "MessageText" -> {
                            message = r.getElementText();
                            depth--;
                        }
                        case "ResponseCode" -> {
                            code = errorCode(r.getElementText());
                            coded = true;
                            depth--;
                        }
                        default -> { } // DescriptiveLinkKey, MessageXml, Items: their children below
                    }
                } else if (depth == 3 && "Value".equals(name)) {
                    // MessageXml's values, e.g. BackOffMilliseconds of ErrorServerBusy
                    String key = r.getAttributeValue(null, "Name");
                    details.put(key, r.getElementText());
                    depth--;
                } else if (depth == 4 && "ItemId".equals(name) && CreateItemXml.TYPES.equals(r.getNamespaceURI())
                        && itemId == null) {
                    itemId = r.getAttributeValue(null, "Id");
                    changeKey = r.getAttributeValue(null, "ChangeKey");
                }
            }
        }
        if (!coded) {
            throw new XMLStreamException("CreateItemResponseMessage without ResponseCode", r.getLocation());
        }
        if (code == ServiceError.ErrorIrresolvableConflict) {
            // ServiceResponse.mapErrorCodeToErrorMessage
            message = "The operation can't be performed because the item is out of date. Reload the item and try again.";
        }
        return new Created(result, code, result == ServiceResult.Success ? null : message, details, itemId,
                changeKey);
    }

    /** A code ews-java-api does not know reads as none, as its reader reads it (EwsUtilities.parse). */
    private static ServiceError errorCode(String text) {
        for (ServiceError e : ServiceError.values()) {
            if (e.name().equals(text)) {
                return e;
            }
        }
        return null;
    }

    private static ExchangeServerInfo serverInfo(XMLStreamReader r) {
        ExchangeServerInfo info = new ExchangeServerInfo();
        info.setMajorVersion(Integer.parseInt(r.getAttributeValue(null, "MajorVersion")));
        info.setMinorVersion(Integer.parseInt(r.getAttributeValue(null, "MinorVersion")));
        info.setMajorBuildNumber(Integer.parseInt(r.getAttributeValue(null, "MajorBuildNumber")));
        info.setMinorBuildNumber(Integer.parseInt(r.getAttributeValue(null, "MinorBuildNumber")));
        info.setVersionString(r.getAttributeValue(null, "Version"));
        return info;
    }

    private static void start(XMLStreamReader r, String ns, String name) throws XMLStreamException {
        nextTag(r);
        if (r.getEventType() != XMLStreamConstants.START_ELEMENT || !is(r, ns, name)) {
            throw unexpected(r, name);
        }
    }

    private static void end(XMLStreamReader r, String ns, String name) throws XMLStreamException {
        nextTag(r);
        if (r.getEventType() != XMLStreamConstants.END_ELEMENT || !is(r, ns, name)) {
            throw unexpected(r, "/" + name);
        }
    }

    /** The next start or end tag, past text, comments and processing instructions. */
    private static int nextTag(XMLStreamReader r) throws XMLStreamException {
        while (true) {
            int e = r.next();
            if (e == XMLStreamConstants.START_ELEMENT || e == XMLStreamConstants.END_ELEMENT) {
                return e;
            }
            if (e == XMLStreamConstants.END_DOCUMENT) {
                throw new XMLStreamException("the answer ends early", r.getLocation());
            }
        }
    }

    private static boolean is(XMLStreamReader r, String ns, String name) {
        return name.equals(r.getLocalName()) && ns.equals(r.getNamespaceURI());
    }

    private static XMLStreamException unexpected(XMLStreamReader r, String wanted) {
        String found = r.isStartElement() || r.isEndElement() ? (r.isEndElement() ? "/" : "") + r.getLocalName()
                : "event " + r.getEventType();
        return new XMLStreamException("expected " + wanted + ", found " + found, r.getLocation());
    }

    // ------------------------------------------------------------------ what ews-java-api's request needs

    @Override
    public String getXmlElementName() {
        return "CreateItem";
    }

    @Override
    protected String getResponseXmlElementName() {
        return "CreateItemResponse";
    }

    @Override
    protected String getResponseMessageXmlElementName() {
        return "CreateItemResponseMessage";
    }

    @Override
    protected int getExpectedResponseMessageCount() {
        return tasks.size();
    }

    @Override
    protected ExchangeVersion getMinimumRequiredServerVersion() {
        return ExchangeVersion.Exchange2007_SP1;
    }

    @Override
    protected Created createServiceResponse(ExchangeService service, int responseIndex) {
        throw new UnsupportedOperationException("the answer is read by readResponse");
    }

    @Override
    protected ServiceResponseCollection<Created> parseResponse(EwsServiceXmlReader reader) {
        throw new UnsupportedOperationException("the answer is read by readResponse");
    }

    @Override
    protected void writeElementsToXml(EwsServiceXmlWriter writer) {
        throw new UnsupportedOperationException("the request is written by buildEwsHttpWebRequest");
    }

    /**
     * The answer for one item: what ews-java-api's {@code ServiceResponse} would hold (result, error code,
     * message, MessageXml details) and the id and change key of the item made.
     */
    static final class Created extends ServiceResponse {
        private final ServiceResult result;
        private final ServiceError code;
        private final String message;
        private final Map<String, String> details;
        private final String itemId;
        private final String changeKey;

        Created(ServiceResult result, ServiceError code, String message, Map<String, String> details, String itemId,
                String changeKey) {
            this.result = result;
            this.code = code;
            this.message = message;
            this.details = details;
            this.itemId = itemId;
            this.changeKey = changeKey;
        }

        @Override
        public ServiceResult getResult() {
            return result;
        }

        @Override
        public ServiceError getErrorCode() {
            return code;
        }

        @Override
        public String getErrorMessage() {
            return message;
        }

        @Override
        public Map<String, String> getErrorDetails() {
            return details;
        }

        /** The new item's id, or null when the answer names none. */
        String itemId() {
            return itemId;
        }

        String changeKey() {
            return changeKey;
        }
    }
}

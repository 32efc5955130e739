package org.tasksync.testkit.ews;

import static org.tasksync.testkit.ews.Xml.E;
import static org.tasksync.testkit.ews.Xml.M;
import static org.tasksync.testkit.ews.Xml.SOAP;
import static org.tasksync.testkit.ews.Xml.T;
import static org.tasksync.testkit.ews.Xml.XMLNS;
import static org.tasksync.testkit.ews.Xml.add;

import java.util.Map;
import java.util.Set;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * An EWS answer under construction: the envelope with {@code ServerVersionInfo}, the
 * {@code m:<Operation>Response} element and its response messages; or a SOAP fault.
 */
final class SoapResponse {

    /** Message types whose schema requires an {@code m:Items} element even in an error. */
    private static final Set<String> WITH_ITEMS = Set.of("CreateItem", "GetItem", "UpdateItem");

    final Document doc;
    final Element header;
    final Element operationResponse;
    private final Element messages;
    private final String operation;

    SoapResponse(String operation, String version) {
        this.operation = operation;
        this.doc = Xml.newDocument();
        Element envelope = doc.createElementNS(SOAP, "s:Envelope");
        envelope.setAttributeNS(XMLNS, "xmlns:s", SOAP);
        doc.appendChild(envelope);
        header = add(envelope, SOAP, "Header");
        Element info = doc.createElementNS(T, "h:ServerVersionInfo");
        info.setAttributeNS(XMLNS, "xmlns:h", T);
        info.setAttribute("MajorVersion", "14");
        info.setAttribute("MinorVersion", "3");
        info.setAttribute("MajorBuildNumber", "123");
        info.setAttribute("MinorBuildNumber", "3");
        info.setAttribute("Version", version);
        header.appendChild(info);
        Element body = add(envelope, SOAP, "Body");
        operationResponse = add(body, M, operation + "Response");
        operationResponse.setAttributeNS(XMLNS, "xmlns:m", M);
        operationResponse.setAttributeNS(XMLNS, "xmlns:t", T);
        messages = add(operationResponse, M, "ResponseMessages");
    }

    /** Adds a successful response message; the caller adds what follows ResponseCode. */
    Element success() {
        Element msg = add(messages, M, operation + "ResponseMessage");
        msg.setAttribute("ResponseClass", "Success");
        add(msg, M, "ResponseCode", "NoError");
        return msg;
    }

    /** Adds an error response message, complete with what the schema requires after it. */
    Element error(EwsError error) {
        Element msg = add(messages, M, operation + "ResponseMessage");
        msg.setAttribute("ResponseClass", "Error");
        add(msg, M, "MessageText", error.getMessage());
        add(msg, M, "ResponseCode", error.code);
        add(msg, M, "DescriptiveLinkKey", "0");
        if (!error.details.isEmpty()) {
            Element xml = add(msg, M, "MessageXml");
            for (Map.Entry<String, String> d : error.details.entrySet()) {
                add(xml, T, "Value", d.getValue()).setAttribute("Name", d.getKey());
            }
        }
        if (WITH_ITEMS.contains(operation)) {
            add(msg, M, "Items");
        }
        return msg;
    }

    /**
     * A SOAP 1.1 fault the way Exchange sends one: faultcode in the types namespace, the response
     * code and message in {@code detail}, name/value pairs in {@code MessageXml}.
     */
    static Document fault(EwsError error) {
        Document doc = Xml.newDocument();
        Element envelope = doc.createElementNS(SOAP, "s:Envelope");
        envelope.setAttributeNS(XMLNS, "xmlns:s", SOAP);
        doc.appendChild(envelope);
        Element body = add(envelope, SOAP, "Body");
        Element fault = add(body, SOAP, "Fault");
        Element code = doc.createElementNS(null, "faultcode");
        code.setAttributeNS(XMLNS, "xmlns:a", T);
        code.setTextContent("a:" + error.code);
        fault.appendChild(code);
        Element string = doc.createElementNS(null, "faultstring");
        string.setAttributeNS("http://www.w3.org/XML/1998/namespace", "xml:lang", "en-US");
        string.setTextContent(error.getMessage());
        fault.appendChild(string);
        Element detail = doc.createElementNS(null, "detail");
        fault.appendChild(detail);
        Element responseCode = add(detail, E, "ResponseCode", error.code);
        responseCode.setAttributeNS(XMLNS, "xmlns:e", E);
        Element message = add(detail, E, "Message", error.getMessage());
        message.setAttributeNS(XMLNS, "xmlns:e", E);
        if (!error.details.isEmpty()) {
            Element xml = add(detail, T, "MessageXml");
            xml.setAttributeNS(XMLNS, "xmlns:t", T);
            for (Map.Entry<String, String> d : error.details.entrySet()) {
                add(xml, T, "Value", d.getValue()).setAttribute("Name", d.getKey());
            }
        }
        return doc;
    }
}

package org.tasksync.adapter.ews.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.tasksync.core.spi.ItemRef;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * Reads the body of a GetStreamingEvents response: a sequence of complete SOAP envelopes sent over
 * time in one chunked HTTP body, each holding {@code GetStreamingEventsResponseMessage}s. Matches
 * elements by namespace and local name, so either prefix of {@code Notification} or
 * {@code ErrorSubscriptionIds}' children (the schema's {@code t:}, other clients' {@code m:}) is read.
 */
public final class StreamingMessages {

    static final String M = "http://schemas.microsoft.com/exchange/services/2006/messages";
    static final String T = "http://schemas.microsoft.com/exchange/services/2006/types";
    static final String SOAP = "http://schemas.xmlsoap.org/soap/envelope/";
    private static final Pattern ENVELOPE_END = Pattern.compile("</(?:[A-Za-z_][\\w.-]*:)?Envelope\\s*>");
    private static final DocumentBuilderFactory DBF = secureFactory();

    /** Events of one subscription: the items they name (empty for folder events and heartbeats). */
    public record Notification(String subscriptionId, List<ItemRef> items, boolean statusOnly) {
    }

    /**
     * One response message: its class and code, its notifications, the subscriptions it reports as
     * failed, and the connection status ({@code OK}, {@code Closed}, or null when absent).
     */
    public record Message(boolean error, String responseCode, String messageText, List<Notification> notifications,
            List<String> errorSubscriptionIds, String connectionStatus) {
    }

    private StreamingMessages() {
    }

    /**
     * Splits a stream into envelopes. The end-tag search runs on bytes read as ISO-8859-1, which keeps
     * offsets; UTF-8 never puts a byte below 0x80 inside a multi-byte character, so it cannot cut one.
     */
    public static final class Splitter {
        private final InputStream in;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private final byte[] buffer = new byte[8192];

        public Splitter(InputStream in) {
            this.in = in;
        }

        /** The next whole envelope, or empty at the end of the body; throws when it ends inside one. */
        public Optional<byte[]> next() throws IOException {
            int searchFrom = 0;
            while (true) {
                String text = pending.toString(StandardCharsets.ISO_8859_1);
                Matcher m = ENVELOPE_END.matcher(text);
                if (m.find(Math.max(0, searchFrom - 32))) {
                    byte[] all = pending.toByteArray();
                    byte[] envelope = java.util.Arrays.copyOfRange(all, 0, m.end());
                    pending.reset();
                    pending.write(all, m.end(), all.length - m.end());
                    return Optional.of(envelope);
                }
                searchFrom = text.length();
                int n = in.read(buffer);
                if (n < 0) {
                    if (!text.isBlank()) {
                        throw new IOException("the stream ended inside an envelope (" + pending.size() + " bytes)");
                    }
                    return Optional.empty();
                }
                pending.write(buffer, 0, n);
            }
        }
    }

    /** The response messages of one envelope; a SOAP fault becomes one error message with its code. */
    public static List<Message> parse(byte[] envelope) throws IOException {
        Document doc;
        try {
            DocumentBuilder b = DBF.newDocumentBuilder();
            doc = b.parse(new ByteArrayInputStream(envelope));
        } catch (SAXException | ParserConfigurationException e) {
            throw new IOException("unreadable streaming envelope: " + e.getMessage(), e);
        }
        List<Message> out = new ArrayList<>();
        List<Element> faults = descendants(doc.getDocumentElement(), SOAP, "Fault");
        if (!faults.isEmpty()) {
            Element fault = faults.get(0);
            String code = firstText(fault, null, "ResponseCode").orElseGet(() ->
                    firstText(fault, null, "faultcode").map(c -> c.substring(c.indexOf(':') + 1)).orElse("SOAP fault"));
            out.add(new Message(true, code, firstText(fault, null, "faultstring").orElse(""), List.of(), List.of(),
                    "Closed"));
            return out;
        }
        for (Element msg : descendants(doc.getDocumentElement(), M, "GetStreamingEventsResponseMessage")) {
            boolean error = "Error".equals(msg.getAttribute("ResponseClass"));
            List<Notification> notifications = new ArrayList<>();
            for (Element n : descendants(msg, null, "Notification")) {
                notifications.add(notification(n));
            }
            List<String> failed = new ArrayList<>();
            for (Element list : descendants(msg, M, "ErrorSubscriptionIds")) {
                for (Element id : children(list)) {
                    failed.add(id.getTextContent().trim());
                }
            }
            out.add(new Message(error, firstText(msg, M, "ResponseCode").orElse(error ? "" : "NoError"),
                    firstText(msg, M, "MessageText").orElse(""), notifications, failed,
                    firstText(msg, M, "ConnectionStatus").orElse(null)));
        }
        return out;
    }

    private static Notification notification(Element n) {
        String id = null;
        Map<String, ItemRef> items = new LinkedHashMap<>();
        boolean statusOnly = true;
        for (Element e : children(n)) {
            String name = e.getLocalName();
            if (name.equals("SubscriptionId")) {
                id = e.getTextContent().trim();
            } else if (name.endsWith("Event") && !name.equals("StatusEvent")) {
                statusOnly = false;
                for (Element part : children(e)) {
                    if ((part.getLocalName().equals("ItemId") || part.getLocalName().equals("OldItemId"))
                            && !part.getAttribute("Id").isEmpty()) {
                        String key = part.getAttribute("ChangeKey");
                        items.put(part.getAttribute("Id"),
                                new ItemRef(part.getAttribute("Id"), key.isEmpty() ? null : key));
                    }
                }
            }
        }
        return new Notification(id, List.copyOf(items.values()), statusOnly);
    }

    private static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    /** Descendants by local name, in a namespace unless {@code ns} is null. */
    private static List<Element> descendants(Element root, String ns, String local) {
        List<Element> out = new ArrayList<>();
        var list = ns == null ? root.getElementsByTagNameNS("*", local) : root.getElementsByTagNameNS(ns, local);
        for (int i = 0; i < list.getLength(); i++) {
            out.add((Element) list.item(i));
        }
        if (ns == null && out.isEmpty()) { // faultcode, faultstring: unqualified
            var plain = root.getElementsByTagName(local);
            for (int i = 0; i < plain.getLength(); i++) {
                out.add((Element) plain.item(i));
            }
        }
        return out;
    }

    private static Optional<String> firstText(Element root, String ns, String local) {
        List<Element> found = descendants(root, ns, local);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0).getTextContent().trim());
    }

    private static DocumentBuilderFactory secureFactory() {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        try {
            // a server's answer must not make us read files or expand entities
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the XML parser cannot be secured", e);
        }
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        return f;
    }
}

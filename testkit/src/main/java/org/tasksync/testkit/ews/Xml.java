package org.tasksync.testkit.ews;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/** Namespaces and small DOM helpers for the simulator's SOAP handling. */
final class Xml {

    static final String SOAP = "http://schemas.xmlsoap.org/soap/envelope/";
    static final String M = "http://schemas.microsoft.com/exchange/services/2006/messages";
    static final String T = "http://schemas.microsoft.com/exchange/services/2006/types";
    static final String E = "http://schemas.microsoft.com/exchange/services/2006/errors";
    static final String XMLNS = "http://www.w3.org/2000/xmlns/";

    private static final DocumentBuilderFactory DBF = requestParsers();
    private static final ThreadLocal<DocumentBuilder> BUILDER = ThreadLocal.withInitial(() -> {
        try {
            return DBF.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    });
    private static final ThreadLocal<Transformer> SERIALIZER = ThreadLocal.withInitial(() -> {
        try {
            Transformer t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            t.setOutputProperty(OutputKeys.INDENT, "no");
            t.setOutputProperty(OutputKeys.STANDALONE, "yes");
            return t;
        } catch (TransformerException e) {
            throw new IllegalStateException(e);
        }
    });

    private Xml() {
    }

    /**
     * Parsers of whole requests, every node of which the operations visit: Xerces' deferred DOM (its
     * default) keeps the document in tables and makes each node on first access, which saves nothing
     * when every node is accessed.
     */
    private static DocumentBuilderFactory requestParsers() {
        DocumentBuilderFactory f = EwsSchema.secureDocumentBuilderFactory();
        try {
            f.setFeature("http://apache.org/xml/features/dom/defer-node-expansion", false);
        } catch (ParserConfigurationException e) {
            // another JAXP implementation than the JDK's Xerces: its default DOM is as good
        }
        return f;
    }

    static Document parse(byte[] body) throws SAXException {
        DocumentBuilder b = BUILDER.get();
        b.reset();
        b.setErrorHandler(null);
        try {
            return b.parse(new ByteArrayInputStream(body));
        } catch (java.io.IOException e) {
            throw new SAXException(e);
        }
    }

    static Document newDocument() {
        DocumentBuilder b = BUILDER.get();
        b.reset();
        return b.newDocument();
    }

    static byte[] serialize(Document doc) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try {
            Transformer t = SERIALIZER.get();
            t.reset();
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            t.setOutputProperty(OutputKeys.INDENT, "no");
            t.transform(new DOMSource(doc), new StreamResult(out));
        } catch (TransformerException e) {
            throw new IllegalStateException("cannot serialize a response", e);
        }
        return out.toByteArray();
    }

    static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    static List<Element> children(Element parent, String ns, String localName) {
        List<Element> out = new ArrayList<>();
        for (Element e : children(parent)) {
            if (is(e, ns, localName)) {
                out.add(e);
            }
        }
        return out;
    }

    static Optional<Element> child(Element parent, String ns, String localName) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && is(e, ns, localName)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    static Optional<Element> firstChild(Element parent) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    static Optional<String> childText(Element parent, String ns, String localName) {
        return child(parent, ns, localName).map(Element::getTextContent);
    }

    static boolean is(Element e, String ns, String localName) {
        return ns.equals(e.getNamespaceURI()) && localName.equals(e.getLocalName());
    }

    /** An attribute's value, or null when absent (DOM answers "" for both). */
    static String attr(Element e, String name) {
        return e.hasAttribute(name) ? e.getAttribute(name) : null;
    }

    static Element add(Element parent, String ns, String localName) {
        Element e = parent.getOwnerDocument().createElementNS(ns, prefix(ns) + localName);
        parent.appendChild(e);
        return e;
    }

    static Element add(Element parent, String ns, String localName, String text) {
        Element e = add(parent, ns, localName);
        e.setTextContent(text);
        return e;
    }

    static String prefix(String ns) {
        return switch (ns) {
            case M -> "m:";
            case T -> "t:";
            case SOAP -> "s:";
            case E -> "e:";
            default -> "";
        };
    }
}

package org.tasksync.adapter.ews.internal;

import java.io.InputStream;
import java.io.Reader;
import javax.xml.stream.EventFilter;
import javax.xml.stream.StreamFilter;
import javax.xml.stream.XMLEventReader;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLReporter;
import javax.xml.stream.XMLResolver;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.util.XMLEventAllocator;
import javax.xml.transform.Source;

/**
 * The JDK's StAX input factory with {@link XMLInputFactory#IS_COALESCING} on, which
 * {@link CoalescedText} hands to ews-java-api's response reader (never registered for the JVM).
 *
 * <p>ews-java-api skips every text event that is only white space, also in the middle of a value;
 * the JDK's parser ends a text event at each entity reference, so the blank in {@code &gt; &amp;} is
 * an event of its own and was lost. Coalesced, a value is one event and keeps all its characters; a
 * value of blanks only is kept by {@link LeafTextEvents}.
 * Public only because {@link java.util.ServiceLoader} instantiates it.
 */
public final class CoalescingXmlInputFactory extends XMLInputFactory {

    private final XMLInputFactory f = XMLInputFactory.newDefaultFactory();

    public CoalescingXmlInputFactory() {
        f.setProperty(IS_COALESCING, true);
        // an answer is SOAP: no DTD, no entities from elsewhere (ews-java-api turns DTDs off itself too)
        f.setProperty(SUPPORT_DTD, false);
        f.setProperty(IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    }

    @Override
    public void setProperty(String name, Object value) {
        if (IS_COALESCING.equals(name) && !Boolean.TRUE.equals(value)) {
            return; // the one property this factory exists for
        }
        f.setProperty(name, value);
    }

    @Override public XMLStreamReader createXMLStreamReader(Reader r) throws XMLStreamException { return f.createXMLStreamReader(r); }
    @Override public XMLStreamReader createXMLStreamReader(Source s) throws XMLStreamException { return f.createXMLStreamReader(s); }
    @Override public XMLStreamReader createXMLStreamReader(InputStream s) throws XMLStreamException { return f.createXMLStreamReader(s); }
    @Override public XMLStreamReader createXMLStreamReader(InputStream s, String enc) throws XMLStreamException { return f.createXMLStreamReader(s, enc); }
    @Override public XMLStreamReader createXMLStreamReader(String id, InputStream s) throws XMLStreamException { return f.createXMLStreamReader(id, s); }
    @Override public XMLStreamReader createXMLStreamReader(String id, Reader r) throws XMLStreamException { return f.createXMLStreamReader(id, r); }
    @Override public XMLEventReader createXMLEventReader(Reader r) throws XMLStreamException { return f.createXMLEventReader(r); }
    @Override public XMLEventReader createXMLEventReader(String id, Reader r) throws XMLStreamException { return f.createXMLEventReader(id, r); }
    @Override public XMLEventReader createXMLEventReader(XMLStreamReader r) throws XMLStreamException { return f.createXMLEventReader(r); }
    @Override public XMLEventReader createXMLEventReader(Source s) throws XMLStreamException { return f.createXMLEventReader(s); }
    // the event readers ews-java-api makes, from the answer's bytes
    @Override public XMLEventReader createXMLEventReader(InputStream s) throws XMLStreamException { return new LeafTextEvents(f.createXMLEventReader(s)); }
    @Override public XMLEventReader createXMLEventReader(InputStream s, String enc) throws XMLStreamException { return new LeafTextEvents(f.createXMLEventReader(s, enc)); }
    @Override public XMLEventReader createXMLEventReader(String id, InputStream s) throws XMLStreamException { return new LeafTextEvents(f.createXMLEventReader(id, s)); }
    @Override public XMLStreamReader createFilteredReader(XMLStreamReader r, StreamFilter fl) throws XMLStreamException { return f.createFilteredReader(r, fl); }
    @Override public XMLEventReader createFilteredReader(XMLEventReader r, EventFilter fl) throws XMLStreamException { return f.createFilteredReader(r, fl); }
    @Override public XMLResolver getXMLResolver() { return f.getXMLResolver(); }
    @Override public void setXMLResolver(XMLResolver r) { f.setXMLResolver(r); }
    @Override public XMLReporter getXMLReporter() { return f.getXMLReporter(); }
    @Override public void setXMLReporter(XMLReporter r) { f.setXMLReporter(r); }
    @Override public Object getProperty(String name) { return f.getProperty(name); }
    @Override public boolean isPropertySupported(String name) { return f.isPropertySupported(name); }
    @Override public void setEventAllocator(XMLEventAllocator a) { f.setEventAllocator(a); }
    @Override public XMLEventAllocator getEventAllocator() { return f.getEventAllocator(); }
}

package org.tasksync.adapter.ews.internal;

import java.io.Writer;
import javax.xml.namespace.QName;
import javax.xml.stream.Location;
import javax.xml.stream.XMLEventReader;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.events.Characters;
import javax.xml.stream.events.EndElement;
import javax.xml.stream.events.StartElement;
import javax.xml.stream.events.XMLEvent;
import javax.xml.stream.util.EventReaderDelegate;

/**
 * An event reader on which the text of an element that holds only text is never white space:
 * ews-java-api skips every white-space text event, so a value of blanks only ({@code <t:Subject> </t:Subject>})
 * read as empty. Blanks between elements, where ews-java-api's skip belongs, stay white space.
 */
final class LeafTextEvents extends EventReaderDelegate {

    private XMLEvent previous;

    LeafTextEvents(XMLEventReader reader) {
        super(reader);
    }

    @Override
    public XMLEvent nextEvent() throws XMLStreamException {
        XMLEvent e = super.nextEvent();
        if (e.isCharacters() && previous != null && previous.isStartElement()) {
            Characters c = e.asCharacters();
            if ((c.isWhiteSpace() || c.isIgnorableWhiteSpace()) && super.hasNext() && super.peek().isEndElement()) {
                e = new Value(c);
            }
        }
        previous = e;
        return e;
    }

    @Override
    public Object next() {
        try {
            return nextEvent();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The blanks that are an element's whole value. */
    private record Value(Characters text) implements Characters {
        @Override public String getData() { return text.getData(); }
        @Override public boolean isWhiteSpace() { return false; }
        @Override public boolean isCData() { return text.isCData(); }
        @Override public boolean isIgnorableWhiteSpace() { return false; }
        @Override public int getEventType() { return text.getEventType(); }
        @Override public Location getLocation() { return text.getLocation(); }
        @Override public boolean isStartElement() { return false; }
        @Override public boolean isAttribute() { return false; }
        @Override public boolean isNamespace() { return false; }
        @Override public boolean isEndElement() { return false; }
        @Override public boolean isEntityReference() { return false; }
        @Override public boolean isProcessingInstruction() { return false; }
        @Override public boolean isCharacters() { return true; }
        @Override public boolean isStartDocument() { return false; }
        @Override public boolean isEndDocument() { return false; }
        @Override public StartElement asStartElement() { return text.asStartElement(); }
        @Override public EndElement asEndElement() { return text.asEndElement(); }
        @Override public Characters asCharacters() { return this; }
        @Override public QName getSchemaType() { return text.getSchemaType(); }
        @Override public void writeAsEncodedUnicode(Writer writer) throws XMLStreamException {
            text.writeAsEncodedUnicode(writer);
        }
    }
}

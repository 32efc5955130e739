package org.tasksync.testkit.ews;

import static org.tasksync.testkit.ews.Xml.T;
import static org.tasksync.testkit.ews.Xml.add;
import static org.tasksync.testkit.ews.Xml.attr;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.w3c.dom.Element;

/** Reads task values, paths and shapes from EWS requests and writes task items into responses. */
final class TaskXml {

    private static final List<String> EXTENDED_URI_ATTRIBUTES = List.of("DistinguishedPropertySetId",
            "PropertySetId", "PropertyTag", "PropertyName", "PropertyId", "PropertyType");

    private TaskXml() {
    }

    // ---------------------------------------------------------------- paths

    /** A property path: {@code t:FieldURI}, {@code t:ExtendedFieldURI} or {@code t:IndexedFieldURI}. */
    sealed interface PropertyPath permits FieldPath, ExtendedPath, UnsupportedPath {
    }

    /** {@code t:FieldURI} of a task field the simulator knows. */
    record FieldPath(TaskField field) implements PropertyPath {
    }

    /** {@code t:ExtendedFieldURI}, with its attributes as sent, so that responses can echo them. */
    record ExtendedPath(ExtendedPropertyKey key, String type, Map<String, String> attributes)
            implements PropertyPath {
    }

    /** A field URI that tasks do not have (e.g. {@code message:ToRecipients}), or an indexed one. */
    record UnsupportedPath(String description) implements PropertyPath {
    }

    static boolean isPath(Element e) {
        return Xml.is(e, T, "FieldURI") || Xml.is(e, T, "ExtendedFieldURI") || Xml.is(e, T, "IndexedFieldURI");
    }

    static PropertyPath parsePath(Element e) throws EwsError {
        if (Xml.is(e, T, "FieldURI")) {
            String uri = e.getAttribute("FieldURI");
            return TaskField.byUri(uri).<PropertyPath>map(FieldPath::new).orElse(new UnsupportedPath(uri));
        }
        if (Xml.is(e, T, "ExtendedFieldURI")) {
            return parseExtendedUri(e);
        }
        if (Xml.is(e, T, "IndexedFieldURI")) {
            return new UnsupportedPath(e.getAttribute("FieldURI") + "[" + e.getAttribute("FieldIndex") + "]");
        }
        throw new EwsError("ErrorInvalidPropertyRequest", "Not a property path: " + e.getLocalName());
    }

    static ExtendedPath parseExtendedUri(Element e) throws EwsError {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (String a : EXTENDED_URI_ATTRIBUTES) {
            if (e.hasAttribute(a)) {
                attributes.put(a, e.getAttribute(a));
            }
        }
        String distinguished = attr(e, "DistinguishedPropertySetId");
        String setId = attr(e, "PropertySetId");
        String tag = attr(e, "PropertyTag");
        String name = attr(e, "PropertyName");
        String id = attr(e, "PropertyId");
        String type = attr(e, "PropertyType");
        if (type == null) {
            throw new EwsError("ErrorInvalidExtendedProperty", "ExtendedFieldURI without PropertyType: " + attributes);
        }
        try {
            ExtendedPropertyKey key;
            if (tag != null) {
                if (distinguished != null || setId != null || name != null || id != null) {
                    throw new IllegalArgumentException("PropertyTag excludes a property set, name or id");
                }
                key = ExtendedPropertyKey.tagged(ExtendedPropertyKey.parseTag(tag));
            } else {
                if ((distinguished == null) == (setId == null)) {
                    throw new IllegalArgumentException("a named property needs exactly one property set");
                }
                UUID set = distinguished != null
                        ? ExtendedPropertyKey.DISTINGUISHED_SETS.get(distinguished)
                        : UUID.fromString(setId);
                if (set == null) {
                    throw new IllegalArgumentException("unknown DistinguishedPropertySetId " + distinguished);
                }
                if (name != null && id == null) {
                    key = ExtendedPropertyKey.named(set, name);
                } else if (id != null && name == null) {
                    key = ExtendedPropertyKey.numbered(set, Integer.decode(id.trim()));
                } else {
                    throw new IllegalArgumentException("a named property has exactly one of PropertyName, PropertyId");
                }
            }
            return new ExtendedPath(key, type, attributes);
        } catch (IllegalArgumentException ex) {
            throw new EwsError("ErrorInvalidExtendedProperty",
                    "Invalid ExtendedFieldURI " + attributes + ": " + ex.getMessage());
        }
    }

    // ---------------------------------------------------------------- shapes

    /** An {@code ItemShape}: base shape, body type and the additional properties asked for. */
    record ItemShape(String baseShape, String bodyType, Set<TaskField> additional, List<ExtendedPath> extended,
            boolean withBody) {

        /** The same shape for FindItem and SyncFolderItems, which never return bodies. */
        ItemShape withoutBody() {
            return new ItemShape(baseShape, bodyType, additional, extended, false);
        }

        boolean includes(TaskField f) {
            if (f == TaskField.BODY && !withBody) {
                return false;
            }
            if (f == TaskField.ITEM_ID || additional.contains(f)) {
                return true;
            }
            return switch (baseShape) {
                case "Default" -> f.shape == TaskField.Shape.DEFAULT;
                case "AllProperties" -> f.shape != TaskField.Shape.ON_REQUEST;
                default -> false;
            };
        }
    }

    static ItemShape parseShape(Element shape) throws EwsError {
        String base = Xml.childText(shape, T, "BaseShape").orElse("IdOnly").trim();
        String bodyType = Xml.childText(shape, T, "BodyType").orElse("Best").trim();
        Set<TaskField> additional = EnumSet.noneOf(TaskField.class);
        List<ExtendedPath> extended = new ArrayList<>();
        Element props = Xml.child(shape, T, "AdditionalProperties").orElse(null);
        if (props != null) {
            for (Element p : Xml.children(props)) {
                PropertyPath path = parsePath(p);
                if (path instanceof FieldPath fp) {
                    additional.add(fp.field());
                } else if (path instanceof ExtendedPath ep) {
                    extended.add(ep);
                }
                // Exchange ignores properties that a task does not have; so does the simulator.
            }
        }
        return new ItemShape(base, bodyType, additional, extended, true);
    }

    // ---------------------------------------------------------------- values in

    /**
     * The MAPI properties behind a task's dates (MS-OXOTASK 2.2.2.2.4, 2.2.2.2.5, 2.2.2.2.9), which
     * an {@code ExtendedFieldURI} of type SystemTime reads and writes as the same value as the EWS
     * property: start and due date as 12:00 midnight of the date itself (the user's local date),
     * the complete date as midnight of the date in the zone it was written in, converted to UTC.
     */
    static final Map<ExtendedPropertyKey, TaskField> DATE_PROPERTIES = Map.of(
            ExtendedPropertyKey.TASK_START_DATE, TaskField.START_DATE,
            ExtendedPropertyKey.TASK_DUE_DATE, TaskField.DUE_DATE,
            ExtendedPropertyKey.TASK_DATE_COMPLETED, TaskField.COMPLETE_DATE);

    /** Reads every property of a {@code t:Task} element (CreateItem) into a change, dates scoped to {@code zone}. */
    static TaskChange parseTask(Element task, ZoneId zone) throws EwsError {
        TaskChange change = new TaskChange();
        for (Element e : Xml.children(task)) {
            readProperty(e, change, zone);
        }
        return change;
    }

    /** Reads one child of an item element: a task field or an ExtendedProperty. */
    static void readProperty(Element e, TaskChange change, ZoneId zone) throws EwsError {
        if (Xml.is(e, T, "ExtendedProperty")) {
            Element uri = Xml.child(e, T, "ExtendedFieldURI").orElseThrow(
                    () -> new EwsError("ErrorInvalidExtendedProperty", "ExtendedProperty without ExtendedFieldURI"));
            ExtendedPath path = parseExtendedUri(uri);
            StoredTask.ExtendedValue value = parseExtendedValue(path, e);
            TaskField date = DATE_PROPERTIES.get(path.key());
            if (date != null && path.type().equals("SystemTime")) {
                Instant i = parseDateTime(value.single());
                LocalDate d = date == TaskField.COMPLETE_DATE ? i.atZone(zone).toLocalDate()
                        : i.atZone(ZoneOffset.UTC).toLocalDate();
                change.set(date, new StoredTask.Day(d, zone));
                return;
            }
            change.setExtended(path.key(), value);
            return;
        }
        TaskField f = TaskField.byElement(e.getLocalName()).orElseThrow(() -> new EwsError(
                "ErrorInvalidPropertySet", "The simulator does not support the task property " + e.getLocalName()));
        if (!f.writable()) {
            throw new EwsError("ErrorInvalidPropertySet", "The property " + f.uri + " is read-only.");
        }
        change.set(f, parseFieldValue(f, e, zone));
    }

    static Object parseFieldValue(TaskField f, Element e, ZoneId zone) throws EwsError {
        String text = e.getTextContent();
        try {
            return switch (f.kind) {
                case STRING -> text;
                case ENUM -> {
                    String v = text.trim();
                    if (!f.allowed.contains(v)) {
                        throw EwsError.invalidValue(f.uri, v);
                    }
                    yield v;
                }
                case BODY -> {
                    String type = e.hasAttribute("BodyType") ? e.getAttribute("BodyType") : "Text";
                    if (!type.equals("Text") && !type.equals("HTML")) {
                        throw EwsError.invalidValue("BodyType", type);
                    }
                    yield new StoredTask.Body(type, text);
                }
                case STRINGS -> {
                    List<String> values = new ArrayList<>();
                    for (Element s : Xml.children(e, T, "String")) {
                        values.add(s.getTextContent());
                    }
                    yield List.copyOf(values);
                }
                case DATE -> new StoredTask.Day(parseDate(text, zone), zone);
                case DATETIME -> parseDateTime(text, zone);
                case BOOLEAN -> parseBoolean(text);
                case INT -> Integer.valueOf(text.trim());
                case DOUBLE -> {
                    double d = Double.parseDouble(text.trim());
                    if (f == TaskField.PERCENT_COMPLETE && (d < 0 || d > 100 || Double.isNaN(d))) {
                        throw new EwsError("ErrorInvalidPercentCompleteValue",
                                "PercentComplete must be between 0 and 100, not " + text.trim());
                    }
                    yield d;
                }
                case RECURRENCE -> TaskRecurrence.parse(e);
                case ID, FOLDER_ID -> throw new EwsError("ErrorInvalidPropertySet",
                        "The property " + f.uri + " is read-only.");
            };
        } catch (NumberFormatException | DateTimeParseException ex) {
            throw EwsError.invalidValue(f.uri, text);
        }
    }

    static StoredTask.ExtendedValue parseExtendedValue(ExtendedPath path, Element extendedProperty) throws EwsError {
        String type = path.type();
        boolean array = type.endsWith("Array");
        String base = array ? type.substring(0, type.length() - "Array".length()) : type;
        List<String> raw = new ArrayList<>();
        Element single = Xml.child(extendedProperty, T, "Value").orElse(null);
        Element multi = Xml.child(extendedProperty, T, "Values").orElse(null);
        if (single != null) {
            raw.add(single.getTextContent());
        } else if (multi != null) {
            for (Element v : Xml.children(multi, T, "Value")) {
                raw.add(v.getTextContent());
            }
        }
        if (raw.isEmpty() || (!array && raw.size() > 1) || (array && single != null)) {
            throw new EwsError("ErrorInvalidExtendedPropertyValue", "Property " + path.key() + " of type " + type
                    + " needs " + (array ? "a Values list" : "one Value"));
        }
        List<String> values = new ArrayList<>();
        for (String v : raw) {
            values.add(normalizeExtended(path, base, v));
        }
        return new StoredTask.ExtendedValue(type, values);
    }

    private static String normalizeExtended(ExtendedPath path, String base, String v) throws EwsError {
        try {
            return switch (base) {
                case "Integer", "Short", "Long", "Currency" -> Long.toString(Long.parseLong(v.trim()));
                case "Double", "Float", "ApplicationTime" -> {
                    Double.parseDouble(v.trim());
                    yield v.trim();
                }
                case "Boolean" -> Boolean.toString(parseBoolean(v));
                case "SystemTime" -> formatDateTime(parseDateTime(v));
                case "Binary" -> {
                    Base64.getDecoder().decode(v.trim());
                    yield v.trim();
                }
                case "CLSID" -> UUID.fromString(v.trim()).toString();
                default -> v;
            };
        } catch (IllegalArgumentException | DateTimeParseException ex) {
            throw new EwsError("ErrorInvalidExtendedPropertyValue",
                    "The value '" + v + "' is not a valid " + path.type() + " for " + path.key());
        }
    }

    static Instant parseDateTime(String text) {
        return instant(parseIso(text), ZoneOffset.UTC);
    }

    /**
     * An ISO date-time as ZonedDateTime, OffsetDateTime or, without an offset, LocalDateTime; parsed
     * once per value (a CreateItem of 100 tasks has a few hundred dates, and the formatter's parse is
     * most of what reading them costs).
     */
    private static TemporalAccessor parseIso(String text) {
        return DateTimeFormatter.ISO_DATE_TIME.parseBest(text.trim(), ZonedDateTime::from, OffsetDateTime::from,
                LocalDateTime::from);
    }

    /** The instant of a parsed date-time, one without an offset taken in {@code localZone}, to the second. */
    private static Instant instant(TemporalAccessor ta, ZoneId localZone) {
        Instant i;
        if (ta instanceof ZonedDateTime z) {
            i = z.toInstant();
        } else if (ta instanceof OffsetDateTime o) {
            i = o.toInstant();
        } else {
            i = ((LocalDateTime) ta).atZone(localZone).toInstant();
        }
        return i.truncatedTo(ChronoUnit.SECONDS);
    }

    /**
     * An instant as a request scoped to {@code zone} names it (TimeZoneContext element page: the header's
     * zone is the default for the DateTime properties of objects created, updated and retrieved): a
     * date-time without an offset is a time of that zone; with an offset it is that instant whatever
     * the header says.
     */
    static Instant parseDateTime(String text, ZoneId zone) {
        return instant(parseIso(text), zone);
    }

    /**
     * An instant handed back to a request scoped to {@code zone}: the same instant, written as a time
     * of that zone with its offset ({@code Z} without the header, as before).
     */
    static String formatDateTime(Instant i, ZoneId zone) {
        if (zone.normalized().equals(ZoneOffset.UTC)) {
            return formatDateTime(i);
        }
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(i.truncatedTo(ChronoUnit.SECONDS).atZone(zone)
                .toOffsetDateTime());
    }

    /**
     * The calendar date a task date-time names in a request scoped to {@code zone} (TimeZoneContext
     * element page: the header's zone is the default for DateTime properties; UTC without it, inferred
     * from "Time zones in the EWS Managed API 2.0"): the date of the instant in that zone; a date-time
     * without an offset is taken as a time of that zone.
     */
    static LocalDate parseDate(String text, ZoneId zone) {
        TemporalAccessor ta = parseIso(text);
        if (ta instanceof LocalDateTime l) {
            return l.toLocalDate();
        }
        return instant(ta, ZoneOffset.UTC).atZone(zone).toLocalDate();
    }

    static String formatDateTime(Instant i) {
        return DateTimeFormatter.ISO_INSTANT.format(i.truncatedTo(ChronoUnit.SECONDS));
    }

    static boolean parseBoolean(String text) {
        String t = text.trim();
        if (t.equals("true") || t.equals("1")) {
            return true;
        }
        if (t.equals("false") || t.equals("0")) {
            return false;
        }
        throw new IllegalArgumentException("not a boolean: " + text);
    }

    // ---------------------------------------------------------------- values out

    /** A field's current value, including the fields Exchange derives; null when it has none. */
    static Object valueOf(StoredTask t, TaskField f) {
        return switch (f) {
            case ITEM_ID -> t.id;
            case DATE_TIME_CREATED -> t.created;
            case LAST_MODIFIED_TIME -> t.lastModified;
            case HAS_ATTACHMENTS, IS_TEAM_TASK -> Boolean.FALSE;
            case IS_RECURRING -> t.fields.get(TaskField.RECURRENCE) != null;
            case CHANGE_COUNT -> (int) t.version;
            case IS_COMPLETE -> t.status().equals("Completed");
            case IS_ASSIGNMENT_EDITABLE -> 0;
            case DELEGATION_STATE -> {
                Integer o = t.ownership();
                yield o == null || o == 0 ? "NoMatch" : o == 1 ? "Owned" : "Accepted";
            }
            // Exchange answers an item without a body with an empty text body, not with nothing.
            case BODY -> t.fields.getOrDefault(f, new StoredTask.Body("Text", ""));
            case OWNER -> {
                StoredTask.ExtendedValue v = t.extended.get(ExtendedPropertyKey.TASK_OWNER);
                yield v != null && v.type().equals("String") ? v.single() : null;
            }
            default -> t.fields.get(f);
        };
    }

    static void writeItemId(Element parent, StoredTask t) {
        Element id = add(parent, T, "ItemId");
        id.setAttribute("Id", t.id);
        id.setAttribute("ChangeKey", t.changeKey);
    }

    /** Writes {@code t:Task} with what the shape asks for, in schema order, dates as read in {@code zone}. */
    static void writeTask(Element parent, StoredTask t, TaskMailbox mailbox, ItemShape shape, ZoneId zone) {
        Element task = add(parent, T, "Task");
        boolean extendedWritten = false;
        for (TaskField f : TaskField.values()) {
            if (!extendedWritten && f.afterExtendedProperties()) {
                writeExtended(task, t, shape);
                extendedWritten = true;
            }
            if (!shape.includes(f)) {
                continue;
            }
            if (f == TaskField.ITEM_ID) {
                writeItemId(task, t);
                continue;
            }
            if (f == TaskField.PARENT_FOLDER_ID) {
                Element folder = add(task, T, "ParentFolderId");
                folder.setAttribute("Id", mailbox.folderId);
                folder.setAttribute("ChangeKey", mailbox.folderChangeKey);
                continue;
            }
            Object v = valueOf(t, f);
            if (v == null) {
                continue;
            }
            switch (f.kind) {
                case BODY -> {
                    StoredTask.Body b = convertBody((StoredTask.Body) v, shape.bodyType());
                    Element body = add(task, T, "Body", b.text());
                    body.setAttribute("BodyType", b.type());
                }
                case STRINGS -> {
                    Element list = add(task, T, f.element);
                    for (Object s : (List<?>) v) {
                        add(list, T, "String", (String) s);
                    }
                }
                // the date as kept, handed back by the rule it was taken by: 00:00 of it in the request's
                // zone, written with that zone's offset (Microsoft is silent on the form; exchangelib,
                // written against real servers, reads the date from such a local time)
                case DATE -> add(task, T, f.element, DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                        ((StoredTask.Day) v).date().atStartOfDay(zone).toOffsetDateTime()));
                case RECURRENCE -> ((TaskRecurrence) v).write(task);
                case DATETIME -> add(task, T, f.element, formatDateTime((Instant) v, zone));
                default -> add(task, T, f.element, format(v));
            }
        }
    }

    private static void writeExtended(Element task, StoredTask t, ItemShape shape) {
        for (ExtendedPath p : shape.extended()) {
            StoredTask.ExtendedValue v = extendedValue(t, p.key());
            if (v == null || !v.type().equals(p.type())) {
                continue; // another MAPI type is another property in Exchange
            }
            Element prop = add(task, T, "ExtendedProperty");
            Element uri = add(prop, T, "ExtendedFieldURI");
            p.attributes().forEach(uri::setAttribute);
            if (v.isArray()) {
                Element values = add(prop, T, "Values");
                for (String s : v.values()) {
                    add(values, T, "Value", s);
                }
            } else {
                add(prop, T, "Value", v.single());
            }
        }
    }

    /** An extended property's value; the task's dates are their MAPI properties (see {@link #DATE_PROPERTIES}). */
    static StoredTask.ExtendedValue extendedValue(StoredTask t, ExtendedPropertyKey key) {
        TaskField date = DATE_PROPERTIES.get(key);
        if (date == null) {
            return t.extended.get(key);
        }
        StoredTask.Day d = (StoredTask.Day) t.fields.get(date);
        if (d == null) {
            return null;
        }
        Instant value = date == TaskField.COMPLETE_DATE ? d.startIn(d.zone()) : d.startIn(ZoneOffset.UTC);
        return new StoredTask.ExtendedValue("SystemTime", List.of(formatDateTime(value)));
    }

    static String format(Object v) {
        if (v instanceof Instant i) {
            return formatDateTime(i);
        }
        if (v instanceof Double d) {
            return d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString(d.longValue()) : d.toString();
        }
        return String.valueOf(v);
    }

    static StoredTask.Body convertBody(StoredTask.Body b, String requested) {
        if (requested.equals("Text") && b.type().equals("HTML")) {
            return new StoredTask.Body("Text", htmlToText(b.text()));
        }
        if (requested.equals("HTML") && b.type().equals("Text")) {
            return new StoredTask.Body("HTML", "<html><body>" + escapeHtml(b.text()).replace("\n", "<br>")
                    + "</body></html>");
        }
        return b;
    }

    private static String htmlToText(String html) {
        String s = html.replaceAll("(?is)<(script|style)[^>]*>.*?</\\1>", "")
                .replaceAll("(?i)<br\\s*/?>", "\n")
                .replaceAll("(?i)</p>", "\n")
                .replaceAll("<[^>]+>", "");
        return s.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&amp;", "&").strip();
    }

    private static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

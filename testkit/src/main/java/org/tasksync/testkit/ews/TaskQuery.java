package org.tasksync.testkit.ews;

import static org.tasksync.testkit.ews.Xml.T;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.w3c.dom.Element;

/**
 * FindItem's {@code Restriction} and {@code SortOrder} over stored tasks. Supports IsEqualTo,
 * IsNotEqualTo, IsGreaterThan(OrEqualTo), IsLessThan(OrEqualTo), Exists, Contains, Not, And, Or on
 * task fields and extended properties. String comparisons ignore case, as Exchange's do.
 */
final class TaskQuery {

    private TaskQuery() {
    }

    /** A restriction; task dates compare as 00:00 of the date in {@code zone}, the request's zone. */
    static Predicate<StoredTask> restriction(Element restriction, ZoneId zone) throws EwsError {
        Element expr = Xml.firstChild(restriction).orElse(null);
        return expr == null ? t -> true : expression(expr, zone);
    }

    private static Predicate<StoredTask> expression(Element e, ZoneId zone) throws EwsError {
        if (!T.equals(e.getNamespaceURI())) {
            throw new EwsError("ErrorInvalidRestriction", "Unknown search expression " + e.getLocalName());
        }
        String op = e.getLocalName();
        switch (op) {
            case "And", "Or" -> {
                List<Predicate<StoredTask>> parts = new ArrayList<>();
                for (Element c : Xml.children(e)) {
                    parts.add(expression(c, zone));
                }
                return op.equals("And")
                        ? t -> parts.stream().allMatch(p -> p.test(t))
                        : t -> parts.stream().anyMatch(p -> p.test(t));
            }
            case "Not" -> {
                Predicate<StoredTask> inner = expression(Xml.firstChild(e).orElseThrow(
                        () -> new EwsError("ErrorInvalidRestriction", "Not without an expression")), zone);
                return inner.negate();
            }
            case "Exists" -> {
                TaskXml.PropertyPath path = TaskXml.parsePath(firstPath(e));
                return t -> !values(t, path, zone).isEmpty();
            }
            case "Contains" -> {
                TaskXml.PropertyPath path = TaskXml.parsePath(firstPath(e));
                String constant = Xml.child(e, T, "Constant").map(c -> c.getAttribute("Value")).orElse("");
                String mode = e.hasAttribute("ContainmentMode") ? e.getAttribute("ContainmentMode") : "Substring";
                boolean ignoreCase = e.hasAttribute("ContainmentComparison")
                        && e.getAttribute("ContainmentComparison").contains("IgnoreCase");
                return t -> values(t, path, zone).stream().anyMatch(v -> contains(String.valueOf(v), constant, mode,
                        ignoreCase));
            }
            case "IsEqualTo", "IsNotEqualTo", "IsGreaterThan", "IsGreaterThanOrEqualTo", "IsLessThan",
                    "IsLessThanOrEqualTo" -> {
                return comparison(e, op, zone);
            }
            default -> throw new EwsError("ErrorUnsupportedQueryFilter",
                    "The simulator does not support the search expression " + op);
        }
    }

    private static Predicate<StoredTask> comparison(Element e, String op, ZoneId zone) throws EwsError {
        TaskXml.PropertyPath left = TaskXml.parsePath(firstPath(e));
        Element operand = Xml.child(e, T, "FieldURIOrConstant").orElseThrow(
                () -> new EwsError("ErrorInvalidRestriction", op + " without FieldURIOrConstant"));
        Element inner = Xml.firstChild(operand).orElseThrow(
                () -> new EwsError("ErrorInvalidRestriction", "empty FieldURIOrConstant"));
        if (Xml.is(inner, T, "Constant")) {
            Comparable<?> constant = typed(left, inner.getAttribute("Value"));
            return t -> {
                List<Comparable<?>> vs = values(t, left, zone);
                if (vs.isEmpty()) {
                    return op.equals("IsNotEqualTo");
                }
                return vs.stream().anyMatch(v -> holds(op, compare(v, constant)));
            };
        }
        TaskXml.PropertyPath right = TaskXml.parsePath(inner);
        return t -> {
            List<Comparable<?>> a = values(t, left, zone);
            List<Comparable<?>> b = values(t, right, zone);
            if (a.isEmpty() || b.isEmpty()) {
                return op.equals("IsNotEqualTo") && a.isEmpty() != b.isEmpty();
            }
            return holds(op, compare(a.get(0), b.get(0)));
        };
    }

    private static Element firstPath(Element e) throws EwsError {
        for (Element c : Xml.children(e)) {
            if (TaskXml.isPath(c)) {
                return c;
            }
        }
        throw new EwsError("ErrorInvalidRestriction", e.getLocalName() + " without a property path");
    }

    private static boolean holds(String op, int cmp) {
        return switch (op) {
            case "IsEqualTo" -> cmp == 0;
            case "IsNotEqualTo" -> cmp != 0;
            case "IsGreaterThan" -> cmp > 0;
            case "IsGreaterThanOrEqualTo" -> cmp >= 0;
            case "IsLessThan" -> cmp < 0;
            default -> cmp <= 0;
        };
    }

    private static boolean contains(String value, String constant, String mode, boolean ignoreCase) {
        String v = ignoreCase ? value.toLowerCase(Locale.ROOT) : value;
        String c = ignoreCase ? constant.toLowerCase(Locale.ROOT) : constant;
        return switch (mode) {
            case "FullString" -> v.equals(c);
            case "Prefixed" -> v.startsWith(c);
            case "PrefixOnWords" -> v.startsWith(c) || v.contains(" " + c);
            default -> v.contains(c);
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Comparable a, Comparable b) {
        if (a instanceof String x && b instanceof String y) {
            return String.CASE_INSENSITIVE_ORDER.compare(x, y);
        }
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a.getClass() == b.getClass()) {
            return a.compareTo(b);
        }
        return String.CASE_INSENSITIVE_ORDER.compare(String.valueOf(a), String.valueOf(b));
    }

    /** The comparable values of a path on a task: none when absent, several for multi-valued ones. */
    static List<Comparable<?>> values(StoredTask t, TaskXml.PropertyPath path, ZoneId zone) {
        List<Comparable<?>> out = new ArrayList<>();
        if (path instanceof TaskXml.FieldPath fp) {
            Object v = TaskXml.valueOf(t, fp.field());
            if (v instanceof StoredTask.Day d) {
                out.add(d.startIn(zone));
            } else if (v instanceof StoredTask.Body b) {
                out.add(b.text());
            } else if (v instanceof List<?> list) {
                list.forEach(s -> out.add((String) s));
            } else if (v instanceof Comparable<?> c) {
                out.add(c);
            }
        } else if (path instanceof TaskXml.ExtendedPath ep) {
            StoredTask.ExtendedValue v = TaskXml.extendedValue(t, ep.key());
            if (v != null && v.type().equals(ep.type())) {
                for (String s : v.values()) {
                    try {
                        out.add(typed(ep, s));
                    } catch (EwsError e) {
                        out.add(s);
                    }
                }
            }
        }
        return out;
    }

    /** Parses a constant as the type of the path it is compared with. */
    static Comparable<?> typed(TaskXml.PropertyPath path, String text) throws EwsError {
        try {
            if (path instanceof TaskXml.FieldPath fp) {
                return switch (fp.field().kind) {
                    case DATE, DATETIME -> TaskXml.parseDateTime(text);
                    case BOOLEAN -> TaskXml.parseBoolean(text);
                    case INT, DOUBLE -> Double.valueOf(text.trim());
                    default -> text;
                };
            }
            if (path instanceof TaskXml.ExtendedPath ep) {
                String base = ep.type().replace("Array", "");
                return switch (base) {
                    case "Integer", "Short", "Long", "Currency" -> Long.valueOf(text.trim());
                    case "Double", "Float", "ApplicationTime" -> Double.valueOf(text.trim());
                    case "Boolean" -> TaskXml.parseBoolean(text);
                    case "SystemTime" -> TaskXml.parseDateTime(text);
                    default -> text;
                };
            }
            return text;
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new EwsError("ErrorInvalidValueForProperty", "The constant '" + text + "' does not fit " + path);
        }
    }

    /** The comparator of a {@code SortOrder}; ties keep the folder's order. */
    static Comparator<StoredTask> sortOrder(Element sortOrder) throws EwsError {
        Comparator<StoredTask> result = null;
        for (Element fieldOrder : Xml.children(sortOrder, T, "FieldOrder")) {
            Element pathElement = null;
            for (Element c : Xml.children(fieldOrder)) {
                if (TaskXml.isPath(c)) {
                    pathElement = c;
                }
            }
            if (pathElement == null) {
                throw new EwsError("ErrorInvalidRequest", "FieldOrder without a property path");
            }
            TaskXml.PropertyPath path = TaskXml.parsePath(pathElement);
            Comparator<StoredTask> c = (x, y) -> {
                List<Comparable<?>> a = values(x, path, ZoneOffset.UTC);
                List<Comparable<?>> b = values(y, path, ZoneOffset.UTC);
                if (a.isEmpty() || b.isEmpty()) {
                    return Boolean.compare(!a.isEmpty(), !b.isEmpty());
                }
                return compare(a.get(0), b.get(0));
            };
            if ("Descending".equals(fieldOrder.getAttribute("Order"))) {
                c = c.reversed();
            }
            result = result == null ? c : result.thenComparing(c);
        }
        Comparator<StoredTask> natural = Comparator.comparingLong(t -> t.createdSeq);
        return result == null ? natural : result.thenComparing(natural);
    }
}

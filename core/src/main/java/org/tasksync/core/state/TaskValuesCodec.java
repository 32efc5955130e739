package org.tasksync.core.state;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.TaskValues;

/**
 * The text form in which a state store keeps {@link TaskValues}: compact, lossless and versioned,
 * so that links written today can be read by later versions of the library.
 *
 * <p>Version 1 looks like {@code TV1;s=Call Bob;dd=2024-05-02;st=IN_PROGRESS;x.Region=North}: the
 * version tag, then {@code name=value} fields separated by {@code ;}. A field whose value is null
 * is left out, so null and the empty string ({@code s=}) stay apart. The names are {@code s}
 * subject, {@code b} body, {@code sd} start date, {@code dd} due date, {@code st} status,
 * {@code im} importance, {@code pc} percent complete, {@code cd} complete date, {@code rs=1}
 * reminder set, {@code ra} reminder time, {@code ow} owner, {@code cb} created by, and
 * {@code x.<name>} one extended field. Dates and instants are ISO-8601, enums their constant
 * names. In strings (and extended names) {@code \} is written {@code \\}, {@code ;} is
 * {@code \s}, {@code =} is {@code \e}, line feed, carriage return and tab are {@code \n},
 * {@code \r}, {@code \t}, and every other control character and every unpaired surrogate is
 * {@code \}{@code uXXXX}. The result therefore holds only characters that any database can store
 * as text (no NUL, no broken UTF-16), and the same values always give the same text.
 *
 * <p>Thread-safe: stateless.
 */
public final class TaskValuesCodec {

    /** The tag the current encoding starts with. */
    static final String VERSION_TAG = "TV1";

    private static final int MAX_QUOTED = 60;

    private TaskValuesCodec() {
    }

    /** The text form of {@code values}. */
    public static String encode(TaskValues values) {
        if (values == null) {
            throw new IllegalArgumentException("cannot encode null TaskValues");
        }
        StringBuilder out = new StringBuilder(64);
        out.append(VERSION_TAG);
        string(out, "s", values.subject());
        string(out, "b", values.body());
        plain(out, "sd", values.startDate());
        plain(out, "dd", values.dueDate());
        plain(out, "st", values.status() == null ? null : values.status().name());
        plain(out, "im", values.importance() == null ? null : values.importance().name());
        plain(out, "pc", values.percentComplete());
        plain(out, "cd", values.completeDate());
        plain(out, "rs", values.reminderSet() ? "1" : null);
        plain(out, "ra", values.reminderAt());
        string(out, "ow", values.owner());
        string(out, "cb", values.createdBy());
        // sorted, so that equal values always encode to equal text
        for (Map.Entry<String, String> e : new TreeMap<>(values.extended()).entrySet()) {
            out.append(";x.");
            escape(out, e.getKey());
            out.append('=');
            escape(out, e.getValue());
        }
        return out.toString();
    }

    /**
     * The values that {@code text} encodes.
     *
     * @throws IllegalArgumentException if {@code text} is not an encoding this version reads; the
     *                                  message says which part is wrong
     */
    public static TaskValues decode(String text) {
        if (text == null) {
            throw new IllegalArgumentException("cannot decode TaskValues from null");
        }
        // escaping leaves no raw ';' inside a value, so a plain split finds the fields
        String[] parts = text.split(";", -1);
        if (!parts[0].equals(VERSION_TAG)) {
            if (parts[0].matches("TV[0-9]+")) {
                throw new IllegalArgumentException("unsupported TaskValues encoding version '" + parts[0]
                        + "' (this library reads " + VERSION_TAG + ")");
            }
            throw new IllegalArgumentException("not an encoding of TaskValues: expected it to start with '"
                    + VERSION_TAG + "' but it starts with " + quote(parts[0]));
        }
        String subject = null;
        String body = null;
        LocalDate startDate = null;
        LocalDate dueDate = null;
        ExchangeStatus status = null;
        Importance importance = null;
        Integer percent = null;
        LocalDate completeDate = null;
        boolean reminderSet = false;
        Instant reminderAt = null;
        String owner = null;
        String createdBy = null;
        Map<String, String> extended = new TreeMap<>();
        Set<String> seen = new HashSet<>();

        for (int i = 1; i < parts.length; i++) {
            String part = parts[i];
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("TaskValues field #" + i + " " + quote(part) + " has no '='");
            }
            String name = part.substring(0, eq);
            String raw = part.substring(eq + 1);
            if (name.startsWith("x.")) {
                String key = unescape(name.substring(2), name);
                if (extended.put(key, unescape(raw, name)) != null) {
                    throw new IllegalArgumentException("extended TaskValues field " + quote(key) + " appears twice");
                }
                continue;
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("TaskValues field '" + name + "' appears twice");
            }
            switch (name) {
                case "s": subject = unescape(raw, name); break;
                case "b": body = unescape(raw, name); break;
                case "sd": startDate = date(raw, name); break;
                case "dd": dueDate = date(raw, name); break;
                case "st": status = constant(ExchangeStatus.class, raw, name); break;
                case "im": importance = constant(Importance.class, raw, name); break;
                case "pc": percent = integer(raw, name); break;
                case "cd": completeDate = date(raw, name); break;
                case "rs":
                    if (!raw.equals("1")) {
                        throw new IllegalArgumentException("TaskValues field 'rs' must be 1 (reminder set), not "
                                + quote(raw));
                    }
                    reminderSet = true;
                    break;
                case "ra": reminderAt = instant(raw, name); break;
                case "ow": owner = unescape(raw, name); break;
                case "cb": createdBy = unescape(raw, name); break;
                default:
                    throw new IllegalArgumentException("unknown TaskValues field " + quote(name) + " in "
                            + VERSION_TAG);
            }
        }
        return new TaskValues(subject, body, startDate, dueDate, status, importance, percent, completeDate,
                reminderSet, reminderAt, owner, createdBy, extended);
    }

    private static void string(StringBuilder out, String name, String value) {
        if (value != null) {
            out.append(';').append(name).append('=');
            escape(out, value);
        }
    }

    /** For values whose text form needs no escaping (dates, instants, numbers, enum names). */
    private static void plain(StringBuilder out, String name, Object value) {
        if (value != null) {
            out.append(';').append(name).append('=').append(value);
        }
    }

    private static void escape(StringBuilder out, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\': out.append("\\\\"); continue;
                case ';': out.append("\\s"); continue;
                case '=': out.append("\\e"); continue;
                case '\n': out.append("\\n"); continue;
                case '\r': out.append("\\r"); continue;
                case '\t': out.append("\\t"); continue;
                default:
                    break;
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else if (Character.isISOControl(c) || Character.isSurrogate(c)) {
                out.append("\\u").append(String.format("%04X", (int) c));
            } else {
                out.append(c);
            }
        }
    }

    private static String unescape(String s, String field) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (i + 1 >= s.length()) {
                throw new IllegalArgumentException("TaskValues field '" + field + "' ends in an unfinished escape");
            }
            char e = s.charAt(++i);
            switch (e) {
                case '\\': out.append('\\'); break;
                case 's': out.append(';'); break;
                case 'e': out.append('='); break;
                case 'n': out.append('\n'); break;
                case 'r': out.append('\r'); break;
                case 't': out.append('\t'); break;
                case 'u':
                    if (i + 4 >= s.length()) {
                        throw new IllegalArgumentException("TaskValues field '" + field
                                + "' has a \\u escape without four hex digits");
                    }
                    String hex = s.substring(i + 1, i + 5);
                    if (!hex.matches("[0-9A-Fa-f]{4}")) {
                        throw new IllegalArgumentException("TaskValues field '" + field
                                + "' has a \\u escape with bad hex digits " + quote(hex));
                    }
                    out.append((char) Integer.parseInt(hex, 16));
                    i += 4;
                    break;
                default:
                    throw new IllegalArgumentException("TaskValues field '" + field + "' has an unknown escape '\\"
                            + e + "'");
            }
        }
        return out.toString();
    }

    private static LocalDate date(String raw, String field) {
        try {
            return parseDate(raw);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("TaskValues field '" + field + "' is not an ISO date: " + quote(raw),
                    e);
        }
    }

    private static Instant instant(String raw, String field) {
        try {
            return parseInstant(raw);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("TaskValues field '" + field + "' is not an ISO instant: "
                    + quote(raw), e);
        }
    }

    /**
     * {@link LocalDate#parse}, without its formatter for the {@code yyyy-MM-dd} form the codec writes:
     * the formatter was a sixth of the CPU of reading links back (docs/state-store.md). Any other
     * form, and any value {@link LocalDate#of} rejects, goes to {@code LocalDate.parse}, which
     * accepts or rejects it as before.
     */
    static LocalDate parseDate(CharSequence raw) {
        if (raw.length() == 10 && raw.charAt(4) == '-' && raw.charAt(7) == '-') {
            int y = digits(raw, 0, 4);
            int m = digits(raw, 5, 7);
            int d = digits(raw, 8, 10);
            if (y >= 0 && m >= 0 && d >= 0) {
                try {
                    return LocalDate.of(y, m, d);
                } catch (DateTimeException e) {
                    // fall through: parse gives the message (and the verdict) it always gave
                }
            }
        }
        return LocalDate.parse(raw);
    }

    /**
     * {@link Instant#parse}, without its formatter for the {@code yyyy-MM-ddTHH:mm:ssZ} form that
     * {@link Instant#toString()} gives a whole second; every other form (fractions, leap second,
     * hour 24) goes to {@code Instant.parse} as before.
     */
    static Instant parseInstant(CharSequence raw) {
        if (raw.length() == 20 && raw.charAt(10) == 'T' && raw.charAt(13) == ':' && raw.charAt(16) == ':'
                && raw.charAt(19) == 'Z') {
            int h = digits(raw, 11, 13);
            int min = digits(raw, 14, 16);
            int sec = digits(raw, 17, 19);
            if (h >= 0 && h < 24 && min >= 0 && min < 60 && sec >= 0 && sec < 60) {
                try {
                    LocalDate day = parseDate(raw.subSequence(0, 10));
                    return Instant.ofEpochSecond(day.toEpochDay() * 86_400L + h * 3_600L + min * 60L + sec);
                } catch (DateTimeException e) {
                    // fall through to Instant.parse
                }
            }
        }
        return Instant.parse(raw);
    }

    /** The ASCII digits from {@code from} to {@code to} as a number, or -1 if any is not a digit. */
    private static int digits(CharSequence s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static Integer integer(String raw, String field) {
        try {
            return Integer.valueOf(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("TaskValues field '" + field + "' is not an integer: " + quote(raw),
                    e);
        }
    }

    private static <E extends Enum<E>> E constant(Class<E> type, String raw, String field) {
        try {
            return Enum.valueOf(type, raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("TaskValues field '" + field + "' is not a constant of " + type.getSimpleName()
                    + ": " + quote(raw), e);
        }
    }

    /** Quotes a piece of the input for a message, cut short so that a huge body cannot flood a log. */
    private static String quote(String s) {
        String shown = s.length() <= MAX_QUOTED ? s : s.substring(0, MAX_QUOTED) + "…";
        return "'" + shown + "'";
    }
}

package org.tasksync.adapter.ews.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds, in the text of an EWS response as Exchange sent it, what ews-java-api could not read: the
 * value of a named element, or the element that holds the value a parse failure names. Only used on
 * error paths, on responses caught in memory and never logged.
 *
 * <p>Stateless.
 */
final class RawXml {

    /** The longest value quoted in a message; Exchange's values can be bodies of megabytes. */
    static final int MAX_VALUE_LENGTH = 100;

    /** An element with text only: group 1 its local name, group 2 its text. */
    private static final Pattern TEXT_ELEMENT = Pattern.compile("<(?:\\w+:)?(\\w+)(?:\\s[^>]*)?>([^<]*)</(?:\\w+:)?\\1>");
    private static final Pattern UNKNOWN_ENUM = Pattern.compile("No enum constant [\\w.$]*\\.([^.\\s]+)$");
    private static final Pattern NOT_A_NUMBER = Pattern.compile("For input string: \"([^\"]*)\"");
    private static final Pattern BAD_CHARACTER = Pattern.compile("Character reference \"(&#[0-9A-Fa-fx]+)\"");

    /** A field and its raw value as Exchange sent it. */
    record Located(String field, String value) {
    }

    private RawXml() {
    }

    /** The trimmed text of the first element named {@code element} (any prefix), or null. */
    static String valueOf(CharSequence xml, String element) {
        Matcher m = Pattern.compile("<(?:\\w+:)?" + Pattern.quote(element) + "(?:\\s[^>]*)?>([^<]*)</").matcher(xml);
        return m.find() ? shortened(m.group(1).trim()) : null;
    }

    /**
     * The element whose text ews-java-api failed on, from the message of what it threw (an enumeration
     * value it does not know, a number that is none, a character XML cannot carry); null when the
     * message names no value or the value is not found.
     */
    static Located locate(CharSequence xml, Throwable thrown) {
        String needle = null;
        boolean part = false;
        for (Throwable t = thrown; t != null && needle == null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message == null) {
                continue;
            }
            Matcher m;
            if (t instanceof IllegalArgumentException && (m = UNKNOWN_ENUM.matcher(message.trim())).find()) {
                needle = m.group(1);
            } else if (t instanceof NumberFormatException && (m = NOT_A_NUMBER.matcher(message)).find()) {
                needle = m.group(1);
            } else if ((m = BAD_CHARACTER.matcher(message)).find()) {
                needle = m.group(1);
                part = true;
            }
        }
        if (needle == null || needle.isEmpty()) {
            return null;
        }
        Matcher m = TEXT_ELEMENT.matcher(xml);
        while (m.find()) {
            String text = m.group(2).trim();
            if (part ? text.contains(needle) : text.equals(needle)) {
                return new Located(m.group(1), shortened(text));
            }
        }
        return new Located(null, shortened(needle));
    }

    private static String shortened(String raw) {
        return raw.length() > MAX_VALUE_LENGTH ? raw.substring(0, MAX_VALUE_LENGTH) + "…" : raw;
    }
}

package org.tasksync.examples.csvcrm;

import java.util.ArrayList;
import java.util.List;

/**
 * Comma-separated values as RFC 4180 writes them: fields with a comma, a quote or a line break are
 * quoted, quotes doubled. One addition tells "no value" from "empty text": an unquoted empty field
 * is {@code null}, a quoted one ({@code ""}) is the empty string.
 */
final class Csv {

    private Csv() {
    }

    /** The records of a whole file; a record may span lines inside quotes. */
    static List<List<String>> parse(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;      // the current field was quoted
        boolean inQuotes = false;    // between a field's quotes
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inQuotes) {
                if (c != '"') {
                    field.append(c);
                } else if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else {
                    inQuotes = false;
                }
            } else if (c == '"') {
                inQuotes = true;
                quoted = true;
            } else if (c == ',' || c == '\n') {
                record.add(quoted || field.length() > 0 ? field.toString() : null);
                field.setLength(0);
                quoted = false;
                if (c == '\n') {
                    records.add(record);
                    record = new ArrayList<>();
                }
            } else if (c != '\r') {
                field.append(c);
            }
        }
        if (inQuotes) {
            throw new IllegalArgumentException("the file ends inside a quoted field");
        }
        if (quoted || field.length() > 0 || !record.isEmpty()) {
            record.add(quoted || field.length() > 0 ? field.toString() : null);
            records.add(record);
        }
        return records;
    }

    /** One record as a line, ending in CRLF. */
    static String format(List<String> values) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            String v = values.get(i);
            if (v == null) {
                continue;
            }
            boolean quote = v.isEmpty() || v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r");
            line.append(quote ? '"' + v.replace("\"", "\"\"") + '"' : v);
        }
        return line.append("\r\n").toString();
    }
}

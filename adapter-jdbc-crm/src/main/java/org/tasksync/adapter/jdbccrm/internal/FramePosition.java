package org.tasksync.adapter.jdbccrm.internal;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * Where a {@code tasksInTimeFrame} read goes on: within the scheduled tasks after (day, id), or
 * within the unscheduled tasks after id (null id: from their first).
 *
 * <p>Text form: {@code t1|S|2025-03-01|=A1:7} or {@code t1|U|=A1:9} or {@code t1|U|}.
 */
public record FramePosition(boolean unscheduled, LocalDate day, String id) {

    private static final String VERSION = "t1";

    public static FramePosition scheduledAfter(LocalDate day, String id) {
        return new FramePosition(false, day, id);
    }

    public static FramePosition unscheduledAfter(String idOrNull) {
        return new FramePosition(true, null, idOrNull);
    }

    public String encode() {
        String idPart = id == null ? "" : "=" + id;
        return unscheduled ? VERSION + "|U|" + idPart : VERSION + "|S|" + day + "|" + idPart;
    }

    /** Null or empty gives null (the first page). */
    public static FramePosition decode(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            if (text.startsWith(VERSION + "|U|")) {
                String idPart = text.substring(5);
                if (idPart.isEmpty()) {
                    return unscheduledAfter(null);
                }
                if (idPart.startsWith("=")) {
                    return unscheduledAfter(idPart.substring(1));
                }
            } else if (text.startsWith(VERSION + "|S|")) {
                String[] parts = text.substring(5).split("\\|", 2);
                if (parts.length == 2 && parts[1].startsWith("=")) {
                    return scheduledAfter(LocalDate.parse(parts[0]), parts[1].substring(1));
                }
            }
        } catch (DateTimeParseException e) {
            // falls through to the common message
        }
        throw new IllegalArgumentException("'" + text + "' is not a time frame page token of the JDBC CRM adapter");
    }
}

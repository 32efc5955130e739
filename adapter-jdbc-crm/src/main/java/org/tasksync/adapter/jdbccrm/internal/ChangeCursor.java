package org.tasksync.adapter.jdbccrm.internal;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A position in the task table ordered by (modification time, id): {@code changesSince} reads the
 * rows after it. Without an id it stands before every row of that modification time. When the CRM
 * logs deletions in a table of their own, {@code logged} says whether the position is a log entry,
 * which sorts after a task row with the same time and id.
 *
 * <p>A cursor handed out in the middle of a paged read also carries the read's <em>floor</em>: the
 * database clock minus the safety lag when the read began. The read's last cursor falls back to
 * the floor, so the next read sees again every row stamped after it, including rows whose
 * transaction stamped them before the read began and committed while it ran.
 *
 * <p>Text form: {@code c1|<time>|<floor or empty>|<=id, ~id for a log entry, or empty>}; the version
 * prefix lets a later release change the form and still read old cursors.
 */
public record ChangeCursor(Instant modifiedAt, String id, boolean logged, Instant floor) {

    private static final String VERSION = "c1";

    public ChangeCursor {
        if (modifiedAt == null) {
            throw new IllegalArgumentException("a change cursor needs a modification time");
        }
    }

    /** The position before every row modified at {@code at} or later, with no floor. */
    public static ChangeCursor before(Instant at) {
        return new ChangeCursor(at, null, false, null);
    }

    /** This position, or the position before the floor if that is earlier; without a floor. */
    public ChangeCursor fallBackTo(Instant floorTime) {
        int c = modifiedAt.compareTo(floorTime);
        if (c < 0) {
            return new ChangeCursor(modifiedAt, id, logged, null);
        }
        return before(floorTime);
    }

    public String encode() {
        return VERSION + "|" + modifiedAt + "|" + (floor == null ? "" : floor) + "|" + (id == null ? "" : (logged ? "~" : "=") + id);
    }

    /**
     * Reads a cursor written by {@link #encode()}; null or empty means "from the beginning" and
     * gives null.
     *
     * @throws IllegalArgumentException when the text is no cursor of this adapter
     */
    public static ChangeCursor decode(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String[] parts = text.split("\\|", 4);
        if (parts.length != 4 || !parts[0].equals(VERSION)
                || !(parts[3].isEmpty() || parts[3].startsWith("=") || parts[3].startsWith("~"))) {
            throw notACursor(text, null);
        }
        try {
            Instant at = Instant.parse(parts[1]);
            Instant floor = parts[2].isEmpty() ? null : Instant.parse(parts[2]);
            return new ChangeCursor(at, parts[3].isEmpty() ? null : parts[3].substring(1), parts[3].startsWith("~"),
                    floor);
        } catch (DateTimeParseException e) {
            throw notACursor(text, e);
        }
    }

    private static IllegalArgumentException notACursor(String text, Exception cause) {
        return new IllegalArgumentException("'" + text + "' is not a change cursor of the JDBC CRM adapter", cause);
    }
}

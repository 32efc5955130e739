package org.tasksync.adapter.jdbccrm.internal;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * Where a {@code tasksInTimeFrame} read goes on: how the read goes (sorted by the database, or rep
 * by rep), and the last row returned, by its place in the order (rep, scheduled day, id).
 *
 * <p>The rep is one of: none ({@code repNull}, the tasks without a rep, which come first); the
 * rep id as the database returned it ({@code rep}); or, when a read goes rep by rep through the
 * reps the query names, the place of that rep in the query's sorted rep ids ({@code repIndex}, -1
 * otherwise). A null {@code day} means the rep's unscheduled tasks, which follow its scheduled ones.
 *
 * <p>Text form: {@code t2|<S or W>|<rep>|<day or ->|<id>}, where the rep is {@code ~} (none),
 * {@code =} and the percent-encoded rep id, or {@code #} and the index; the id is percent-encoded,
 * so no part contains {@code |}. A token lives for one read, within one cycle, so a token of an
 * older version (such as {@code t1}) is refused like any other text.
 */
public record FramePosition(boolean repByRep, boolean repNull, String rep, int repIndex, LocalDate day, String id) {

    private static final String VERSION = "t2";

    public FramePosition {
        if (id == null || (repNull ? rep != null || repIndex >= 0 : (rep == null) == (repIndex < 0))) {
            throw new IllegalArgumentException("a time frame position names exactly one rep and an id");
        }
    }

    /** After a row of a rep the database named (null: a task without a rep). */
    public static FramePosition after(boolean repByRep, String rep, LocalDate day, String id) {
        return new FramePosition(repByRep, rep == null, rep, -1, day, id);
    }

    /** After a row of the {@code repIndex}th rep the query names, read rep by rep. */
    public static FramePosition afterListed(int repIndex, LocalDate day, String id) {
        return new FramePosition(true, false, null, repIndex, day, id);
    }

    public boolean unscheduled() {
        return day == null;
    }

    public String encode() {
        String repPart = repNull ? "~" : repIndex >= 0 ? "#" + repIndex : "=" + enc(rep);
        return VERSION + "|" + (repByRep ? "W" : "S") + "|" + repPart + "|" + (day == null ? "-" : day.toString()) + "|"
                + enc(id);
    }

    /** Null or empty gives null (the first page). */
    public static FramePosition decode(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String[] p = text.split("\\|", -1);
        try {
            if (p.length == 5 && p[0].equals(VERSION) && (p[1].equals("W") || p[1].equals("S"))) {
                boolean repByRep = p[1].equals("W");
                LocalDate day = p[3].equals("-") ? null : LocalDate.parse(p[3]);
                String id = dec(p[4]);
                if (p[2].equals("~")) {
                    return after(repByRep, null, day, id);
                }
                if (p[2].startsWith("=")) {
                    return after(repByRep, dec(p[2].substring(1)), day, id);
                }
                if (p[2].startsWith("#") && repByRep) {
                    return afterListed(Integer.parseInt(p[2].substring(1)), day, id);
                }
            }
        } catch (DateTimeParseException | IllegalArgumentException e) {
            // falls through to the common message (NumberFormatException is an IllegalArgumentException)
        }
        throw new IllegalArgumentException("'" + text + "' is not a time frame page token of the JDBC CRM adapter");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}

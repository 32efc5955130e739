package org.tasksync.core.internal.state;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.tasksync.core.MailboxPartition;
import org.tasksync.core.spi.KnownVersions;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.SyncStateStore;

/**
 * The engine's key scheme in the state store's cursor table, with typed records for its values; the
 * keys and encodings are those the engine always used, so no stored data migrates. Reads only: every
 * write goes through {@link org.tasksync.core.internal.effects.Effects}.
 */
public final class EngineState {

    /** The CRM change cursor of the whole estate; a partition's is {@code crm.changes.<partition>}. */
    public static final String CRM_CURSOR = "crm.changes";
    /** Each mailbox's change cursor: {@code mailbox.<address>}. */
    public static final String MAILBOX_CURSOR_PREFIX = "mailbox.";
    /** Each rep's time frame at the end of the last cycle: {@code rep.<id>} = {@code mailbox|from|to}. */
    public static final String REP_WINDOW_PREFIX = "rep.";
    /** Old copies of moved tasks still to delete: {@code moved.<mailbox>/<CRM id>} = "mailbox\nitem id\nCRM id". */
    public static final String MOVED_PREFIX = "moved.";
    /** The CRM change cursor taken before a first cycle's time-frame read. */
    private static final String START_SUFFIX = ".start";

    private final SyncStateStore store;
    private final String crmCursorKey;

    public EngineState(SyncStateStore store, MailboxPartition partition) {
        this.store = store;
        this.crmCursorKey = crmCursorKey(partition);
    }

    /** The CRM change cursor key of a partition. */
    public static String crmCursorKey(MailboxPartition partition) {
        return partition.isAll() ? CRM_CURSOR : CRM_CURSOR + "." + partition.name();
    }

    public static String mailboxCursorKey(String mailbox) {
        return MAILBOX_CURSOR_PREFIX + mailbox;
    }

    public static String repWindowKey(String repId) {
        return REP_WINDOW_PREFIX + repId;
    }

    public String crmCursorKey() {
        return crmCursorKey;
    }

    public String crmStartKey() {
        return crmCursorKey + START_SUFFIX;
    }

    public Optional<String> crmCursor() {
        return store.cursor(crmCursorKey);
    }

    public Optional<String> crmStart() {
        return store.cursor(crmStartKey());
    }

    /**
     * The versions the engine holds of a mailbox's items (linked, with a known change key): an item at
     * that version was changed by nobody since the engine's own write or read. Used by the change read
     * (adapters leave such items out) and by live sync's echo check of a feed's hints.
     */
    public static KnownVersions knownVersions(SyncStateStore store, String mailbox) {
        return itemIds -> {
            Map<String, String> out = new HashMap<>();
            store.findLinksByItems(mailbox, itemIds).forEach((itemId, l) -> {
                if (l.state() == Link.State.LINKED && l.changeKey() != null) {
                    out.put(itemId, l.changeKey());
                }
            });
            return out;
        };
    }

    public Optional<String> mailboxCursor(String mailbox) {
        return store.cursor(mailboxCursorKey(mailbox));
    }

    /** The stored time frames by rep id; a value that does not decode is null (the rep is read in full). */
    public Map<String, RepWindow> repWindows() {
        Map<String, RepWindow> out = new HashMap<>();
        store.cursors(REP_WINDOW_PREFIX).forEach((key, value) ->
                out.put(key.substring(REP_WINDOW_PREFIX.length()), RepWindow.decode(value)));
        return out;
    }

    /** The old copies of moved tasks still to delete, by their key. */
    public Map<String, MovedCopy> movedCopies() {
        Map<String, MovedCopy> out = new HashMap<>();
        store.cursors(MOVED_PREFIX).forEach((key, value) -> out.put(key, MovedCopy.decode(value)));
        return out;
    }

    /** A rep's time frame as the engine last synchronized it: the mailbox and the days. */
    public record RepWindow(String mailbox, LocalDate from, LocalDate to) {

        public String encode() {
            return mailbox + "|" + from + "|" + to;
        }

        /** Null for a value that is not {@code mailbox|from|to}: the rep is then read in full. */
        public static RepWindow decode(String value) {
            String[] p = value == null ? null : value.split("\\|");
            if (p == null || p.length != 3) {
                return null;
            }
            try {
                return new RepWindow(p[0], LocalDate.parse(p[1]), LocalDate.parse(p[2]));
            } catch (DateTimeParseException e) {
                return null;
            }
        }
    }

    /** The old copy of a task moved to another rep's mailbox (reassignment = move), still to delete. */
    public record MovedCopy(String mailbox, String itemId, String crmTaskId) {

        public String key() {
            return MOVED_PREFIX + mailbox + "/" + crmTaskId;
        }

        public String encode() {
            return mailbox + "\n" + itemId + "\n" + crmTaskId;
        }

        public static MovedCopy decode(String value) {
            String[] p = value.split("\n", 3);
            return new MovedCopy(p[0], p[1], p[2]);
        }
    }
}

package org.tasksync.testkit.ews;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * One simulated mailbox with its Tasks folder.
 *
 * <p>Thread-safety: every method is {@code synchronized} on the mailbox; callers that need several
 * steps to be atomic (check a change key, then write) hold the same monitor around them.
 */
final class TaskMailbox {

    /** How many SyncFolderItems states a mailbox remembers; older ones become invalid, as in Exchange. */
    static final int MAX_SYNC_STATES = 10_000;

    enum ChangeKind { CREATE, UPDATE, DELETE }

    record SyncChange(ChangeKind kind, String itemId, StoredTask task) {
    }

    record SyncPage(List<SyncChange> changes, String syncState, boolean includesLastItemInRange) {
    }

    final String address;
    final String folderId;
    final String folderChangeKey;
    /** The ids of the mailbox's root folder and of its message folder root ("Top of Information Store"). */
    final String rootId;
    final String msgFolderRootId;
    private final Clock clock;
    private final Map<String, StoredTask> items = new LinkedHashMap<>();
    private final Map<String, Long> tombstones = new HashMap<>();
    private final Map<String, Map<String, String>> syncStates = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, String>> eldest) {
            return size() > MAX_SYNC_STATES;
        }
    };
    private long seq;
    private volatile boolean impersonationDenied;
    /** Told of every item created, changed or deleted, under the mailbox's lock (streaming notifications). */
    private volatile Consumer<ItemEvent> events = e -> { };

    /** One change of an item for notification subscriptions: the EWS event type and the item's new version. */
    record ItemEvent(String type, String itemId, String changeKey, Instant at) {
    }

    TaskMailbox(String address, Clock clock) {
        this.address = address;
        this.clock = clock;
        this.folderId = "AQMkAD" + randomBase64(30);
        this.folderChangeKey = "AQAAABYAAA" + randomBase64(9);
        this.rootId = "AQMkAD" + randomBase64(30);
        this.msgFolderRootId = "AQMkAD" + randomBase64(30);
    }

    void onEvent(Consumer<ItemEvent> listener) {
        this.events = listener;
    }

    boolean impersonationDenied() {
        return impersonationDenied;
    }

    void impersonationDenied(boolean denied) {
        this.impersonationDenied = denied;
    }

    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    synchronized StoredTask get(String id) {
        return items.get(id);
    }

    /** The folder's items in creation order. */
    synchronized List<StoredTask> items() {
        return new ArrayList<>(items.values());
    }

    synchronized int size() {
        return items.size();
    }

    /** Creates a task written by the rep in Outlook (dates in UTC, the rep's zone being unknown here). */
    synchronized StoredTask create(TaskChange change) {
        return create(change, ZoneOffset.UTC);
    }

    /** Creates a task written by a request whose dates are scoped to {@code zone}. */
    synchronized StoredTask create(TaskChange change, ZoneId zone) {
        String id = "AAMkAD" + randomBase64(45);
        StoredTask t = new StoredTask(id, now(), ++seq);
        t.fields.put(TaskField.ITEM_CLASS, "IPM.Task");
        t.fields.put(TaskField.IMPORTANCE, "Normal");
        t.fields.put(TaskField.SENSITIVITY, "Normal");
        t.fields.put(TaskField.STATUS, "NotStarted");
        t.fields.put(TaskField.PERCENT_COMPLETE, 0.0);
        t.fields.put(TaskField.REMINDER_IS_SET, Boolean.FALSE);
        items.put(id, t);
        apply(t, change, zone);
        return t;
    }

    /** Writes a change made by the rep in Outlook; see {@link #apply(StoredTask, TaskChange, ZoneId)}. */
    synchronized void apply(StoredTask t, TaskChange change) {
        apply(t, change, ZoneOffset.UTC);
    }

    /**
     * Writes a change to an item: the fields given, then what Exchange derives from them. Status,
     * percent complete and complete date are written in the order given, each with its consequences
     * (see {@link #coupleStatus}); today, for a task that becomes Completed, is today in {@code zone}.
     */
    synchronized void apply(StoredTask t, TaskChange change, ZoneId zone) {
        boolean created = t.version == 0;
        Map<TaskField, Object> before = new EnumMap<>(TaskField.class);
        before.putAll(t.fields);
        for (Map.Entry<TaskField, Object> e : change.fields.entrySet()) {
            if (COUPLED.contains(e.getKey())) {
                continue;
            }
            if (e.getValue() == null) {
                remove(t, e.getKey());
            } else {
                t.fields.put(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<ExtendedPropertyKey, StoredTask.ExtendedValue> e : change.extended.entrySet()) {
            if (e.getValue() == null) {
                t.extended.remove(e.getKey());
            } else {
                t.extended.put(e.getKey(), e.getValue());
            }
        }
        coupleStatus(t, change, zone);
        if (t.version > 0) { // completing an occurrence of a recurring task (not a task created completed)
            TaskRecurrence.regenerateIfCompleted(this, t, "Completed".equals(before.get(TaskField.STATUS)));
        }
        t.version++;
        t.changeKey = "CQAAABYAAA" + randomBase64(27);
        t.changeKeyVersions.put(t.changeKey, t.version);
        t.lastModified = now();
        t.lastChangeSeq = ++seq;
        // Written means named by the write or changed by what Exchange derived from it (Outlook
        // writes status, percent and complete date together), for AutoResolve's conflict check.
        for (TaskField f : TaskField.values()) {
            if (change.fields.containsKey(f) || !Objects.equals(before.get(f), t.fields.get(f))) {
                t.fieldVersions.put(f, t.version);
            }
        }
        for (Object key : change.extended.keySet()) {
            t.fieldVersions.put(key, t.version);
        }
        events.accept(new ItemEvent(created ? "CreatedEvent" : "ModifiedEvent", t.id, t.changeKey, t.lastModified));
    }

    /**
     * Inserts a new item with the fields and extended properties of {@code original} as they are now,
     * except {@code without} (task regeneration's copy of the completed occurrence).
     */
    synchronized StoredTask insertCopy(StoredTask original, TaskField without) {
        TaskChange copy = new TaskChange();
        original.fields.forEach((f, v) -> {
            if (f != without) {
                copy.set(f, v);
            }
        });
        original.extended.forEach(copy::setExtended);
        StoredTask t = create(copy);
        t.fields.keySet().retainAll(copy.fields.keySet()); // no defaults beyond what the original had
        return t;
    }

    private static void remove(StoredTask t, TaskField f) {
        switch (f) {
            case STATUS -> t.fields.put(f, "NotStarted");
            case PERCENT_COMPLETE -> t.fields.put(f, 0.0);
            case IMPORTANCE, SENSITIVITY -> t.fields.put(f, "Normal");
            case REMINDER_IS_SET -> t.fields.put(f, Boolean.FALSE);
            case ITEM_CLASS -> t.fields.put(f, "IPM.Task");
            default -> t.fields.remove(f);
        }
    }

    private static final Set<TaskField> COUPLED = EnumSet.of(TaskField.STATUS, TaskField.PERCENT_COMPLETE,
            TaskField.COMPLETE_DATE);

    /**
     * Keeps status, percent complete and complete date together as Exchange does. Microsoft's Status
     * element page (Remarks; likewise TaskType.CompleteDate): setting CompleteDate has the same effect
     * as setting PercentComplete to 100 or Status to Completed, and in a request that sets several of
     * them the last one processed decides (PercentComplete 100, CompleteDate, Status NotStarted, in that
     * order, give NotStarted, no complete date, 0 %). So each of the three is written in the order the
     * request gives, with its consequences: Completed (or 100 %, or a complete date) means Completed,
     * 100 % and a complete date, today in the request's zone unless the task already has one; another
     * status drops the complete date and a 100 % (to 0 %); a percentage below 100 on a completed task
     * makes it NotStarted (0) or InProgress and drops the date. MS-OXOTASK 2.2.2.2.2 (PidLidTaskStatus)
     * ties the other two states to the percent as well, and the last field processed decides there
     * too: NotStarted sets 0 %, a percentage above 0 on a NotStarted task makes it InProgress, 0 % on an
     * InProgress task makes it NotStarted. An InProgress left at 0 % has no documented value to take;
     * {@link #checkStatusPercent} refuses it. Deleting the complete date only deletes it.
     */
    private void coupleStatus(StoredTask t, TaskChange c, ZoneId zone) {
        for (Map.Entry<TaskField, Object> e : c.fields.entrySet()) {
            TaskField f = e.getKey();
            if (!COUPLED.contains(f)) {
                continue;
            }
            if (e.getValue() == null) {
                remove(t, f);
            } else {
                t.fields.put(f, e.getValue());
            }
            String status = t.status();
            double percent = t.percentComplete();
            if (f == TaskField.STATUS) {
                if (status.equals("Completed")) {
                    completed(t, zone);
                } else {
                    t.fields.remove(TaskField.COMPLETE_DATE);
                    if (percent >= 100.0 || status.equals("NotStarted")) {
                        t.fields.put(TaskField.PERCENT_COMPLETE, 0.0);
                    }
                }
            } else if (f == TaskField.PERCENT_COMPLETE) {
                if (percent >= 100.0) {
                    completed(t, zone);
                } else if (status.equals("Completed")) {
                    t.fields.put(TaskField.STATUS, percent == 0.0 ? "NotStarted" : "InProgress");
                    t.fields.remove(TaskField.COMPLETE_DATE);
                } else if (percent > 0.0 && status.equals("NotStarted")) {
                    t.fields.put(TaskField.STATUS, "InProgress");
                } else if (percent == 0.0 && status.equals("InProgress")) {
                    t.fields.put(TaskField.STATUS, "NotStarted");
                }
            } else if (e.getValue() != null) {
                completed(t, zone);
            }
        }
    }

    /**
     * Refuses a request that would leave a task InProgress at 0 % (a status written last on a task
     * without progress): MS-OXOTASK 2.2.2.2.2 says InProgress MUST have a percent above 0 and below
     * 1.0, and no document says which percent Exchange would pick, so the simulator takes the stricter
     * way. Only requests are checked; nothing is written when it throws.
     */
    synchronized void checkStatusPercent(StoredTask current, TaskChange change) throws EwsError {
        StoredTask scratch = new StoredTask(current == null ? "new" : current.id, now(), 0);
        if (current == null) {
            scratch.fields.put(TaskField.STATUS, "NotStarted");
            scratch.fields.put(TaskField.PERCENT_COMPLETE, 0.0);
        } else {
            scratch.fields.putAll(current.fields);
        }
        coupleStatus(scratch, change, ZoneOffset.UTC);
        double percent = scratch.percentComplete();
        if (scratch.status().equals("InProgress") && (percent <= 0.0 || percent >= 100.0)) {
            throw new EwsError("ErrorInvalidValueForProperty", "Status InProgress requires a PercentComplete "
                    + "above 0 and below 100 (MS-OXOTASK PidLidTaskStatus), the item would have " + percent);
        }
    }

    private void completed(StoredTask t, ZoneId zone) {
        t.fields.put(TaskField.STATUS, "Completed");
        t.fields.put(TaskField.PERCENT_COMPLETE, 100.0);
        if (!t.fields.containsKey(TaskField.COMPLETE_DATE)) {
            t.fields.put(TaskField.COMPLETE_DATE, new StoredTask.Day(now().atZone(zone).toLocalDate(), zone));
        }
    }

    synchronized boolean delete(String id) {
        StoredTask t = items.remove(id);
        if (t == null) {
            return false;
        }
        tombstones.put(id, ++seq);
        events.accept(new ItemEvent("DeletedEvent", id, null, now()));
        return true;
    }

    /**
     * One page of SyncFolderItems: the items created, changed and deleted since the state (null or
     * empty: since the beginning), oldest change first. A state is the set of items (with change
     * keys) the client has been told about, kept here and named by an opaque token.
     */
    synchronized SyncPage sync(String state, int maxChanges, Set<String> ignored) throws EwsError {
        Map<String, String> known;
        if (state == null || state.isEmpty()) {
            known = Map.of();
        } else {
            known = syncStates.get(state);
            if (known == null) {
                throw new EwsError("ErrorInvalidSyncStateData",
                        "Synchronization state data is corrupt or otherwise invalid.");
            }
        }
        record Pending(ChangeKind kind, String id, long seq, StoredTask task) {
        }
        List<Pending> pending = new ArrayList<>();
        for (StoredTask t : items.values()) {
            String ck = known.get(t.id);
            if (ck == null) {
                pending.add(new Pending(ChangeKind.CREATE, t.id, t.lastChangeSeq, t));
            } else if (!ck.equals(t.changeKey)) {
                pending.add(new Pending(ChangeKind.UPDATE, t.id, t.lastChangeSeq, t));
            }
        }
        for (String id : known.keySet()) {
            if (!items.containsKey(id)) {
                pending.add(new Pending(ChangeKind.DELETE, id, tombstones.getOrDefault(id, 0L), null));
            }
        }
        pending.sort(Comparator.comparingLong(Pending::seq));
        Map<String, String> next = new HashMap<>(known);
        List<SyncChange> out = new ArrayList<>();
        int i = 0;
        for (; i < pending.size(); i++) {
            Pending p = pending.get(i);
            boolean ignore = ignored.contains(p.id());
            if (!ignore && out.size() == maxChanges) {
                break;
            }
            if (p.kind() == ChangeKind.DELETE) {
                next.remove(p.id());
            } else {
                next.put(p.id(), p.task().changeKey);
            }
            if (!ignore) {
                out.add(new SyncChange(p.kind(), p.id(), p.task()));
            }
        }
        boolean includesLast = i == pending.size();
        String token;
        if (state != null && !state.isEmpty() && next.equals(known)) {
            token = state;
        } else {
            token = "H4sIAAAAAAAEAO29B2AcSZ" + randomBase64(33);
            syncStates.put(token, Map.copyOf(next));
        }
        return new SyncPage(out, token, includesLast);
    }

    static String randomBase64(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }
}

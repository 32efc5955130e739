package org.tasksync.testkit.inmemory;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.ChangePage;
import org.tasksync.core.spi.CursorRejectedException;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.core.spi.ExchangeTaskUpdate;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.UnreadableItem;
import org.tasksync.core.spi.WriteOutcome;

/**
 * Exchange in memory: mailboxes with task folders, change keys that change on every write, a
 * change log behind the cursors, and the rep's hand in Outlook ({@link #userSetStatus},
 * {@link #userEdit}, {@link #userDelete}, {@link #userDelegate}). For tests, demos and as the
 * reference behaviour of {@link ExchangeAdapter}. Faults: a failing mailbox, failing writes of
 * given CRM ids, rejected cursors.
 *
 * <p>Thread-safe: every method holds the store's lock.
 */
public final class InMemoryExchange implements ExchangeAdapter {

    private static final class Item {
        final String itemId;
        String changeKey;
        /** Null once {@link MailboxConnection#removeTag} released the item. */
        String crmId;
        TaskValues values;
        java.time.Instant lastModified;
        boolean delegated;
        boolean recurring;
        long seq;
        /** Set while the item cannot be read: {field, value}; see {@link #makeUnreadable}. */
        String[] unreadable;

        Item(String itemId, String crmId) {
            this.itemId = itemId;
            this.crmId = crmId;
        }

        ExchangeTask view() {
            return new ExchangeTask(itemId, changeKey, crmId, values, lastModified, delegated, recurring);
        }
    }

    private static final class Box {
        final Map<String, Item> items = new LinkedHashMap<>();
        final Map<String, Long> deletions = new HashMap<>();
        ZoneId zone = ZoneOffset.UTC;
        long epoch;
    }

    private final Clock clock;
    private final Map<String, Box> boxes = new TreeMap<>();
    private final Map<String, MailboxException.Kind> failingMailboxes = new HashMap<>();
    private final Set<String> failingCrmIds = new HashSet<>();
    private boolean failRemoveTag;
    private final Map<String, AtomicLong> requests = new TreeMap<>();
    private long seq;
    private long ids;
    private int pageSize = 512;
    private int maxBatch = 100;

    public InMemoryExchange(Clock clock) {
        this.clock = clock;
    }

    // ------------------------------------------------------------------ configuration and faults

    public synchronized InMemoryExchange pageSize(int n) { pageSize = n; return this; }
    public synchronized InMemoryExchange maxBatchSize(int n) { maxBatch = n; return this; }

    /** From now on, connecting to {@code mailbox} fails with {@code kind}; null heals it. */
    public synchronized void failMailbox(String mailbox, MailboxException.Kind kind) {
        if (kind == null) failingMailboxes.remove(Mailbox.normalize(mailbox));
        else failingMailboxes.put(Mailbox.normalize(mailbox), kind);
    }

    /** Creates and updates of these CRM ids fail (per item) until healed with {@link #healWrites()}. */
    public synchronized void failWritesOf(String... crmIds) {
        failingCrmIds.addAll(List.of(crmIds));
    }

    public synchronized void healWrites() {
        failingCrmIds.clear();
    }

    /** The server forgets the mailbox's cursors (as EWS does with an invalid sync state, Graph with 410). */
    public synchronized void invalidateCursors(String mailbox) {
        box(mailbox).epoch++;
    }

    /**
     * From now on the item cannot be read (as when Exchange sends a value the client cannot parse):
     * change reads report it in {@link ChangePage#unreadable()} with this field and value, and
     * {@link MailboxConnection#findByCrmIds} fails the mailbox, until {@link #makeReadable} heals it.
     * The item counts as changed, so the next change read after healing returns it.
     */
    public synchronized void makeUnreadable(String mailbox, String itemId, String field, String value) {
        Item it = item(mailbox, itemId);
        it.unreadable = new String[] {field, value};
        it.seq = ++seq;
    }

    /** Heals {@link #makeUnreadable}; the item's values are what they were, and it counts as changed. */
    public synchronized void makeReadable(String mailbox, String itemId) {
        Item it = item(mailbox, itemId);
        it.unreadable = null;
        it.seq = ++seq;
    }

    // ------------------------------------------------------------------ the rep in Outlook

    /**
     * Sets the status as Outlook does: Completed ⇒ 100 % and today's date; otherwise no completion date,
     * and Not Started ⇒ 0 % (MS-OXOTASK 2.2.2.2.2, PidLidTaskStatus).
     */
    public synchronized void userSetStatus(String mailbox, String itemId, ExchangeStatus status) {
        Box b = box(mailbox);
        LocalDate today = clock.instant().atZone(b.zone).toLocalDate();
        userEdit(mailbox, itemId, v -> {
            TaskValues.Builder nb = v.toBuilder().status(status);
            if (status == ExchangeStatus.COMPLETED) {
                nb.percentComplete(100).completeDate(today);
            } else {
                nb.completeDate(null);
                if (status == ExchangeStatus.NOT_STARTED
                        || (v.percentComplete() != null && v.percentComplete() == 100)) nb.percentComplete(0);
            }
            return nb.build();
        });
    }

    public synchronized void userEdit(String mailbox, String itemId, UnaryOperator<TaskValues> edit) {
        Item it = item(mailbox, itemId);
        it.values = edit.apply(it.values);
        touch(it);
    }

    public synchronized void userDelete(String mailbox, String itemId) {
        Box b = box(mailbox);
        if (b.items.remove(itemId) == null) {
            throw new IllegalArgumentException("no item " + itemId + " in " + mailbox);
        }
        b.deletions.put(itemId, ++seq);
    }

    /** The rep assigns the task to somebody else (PidLidTaskOwnership becomes "assigned"). */
    public synchronized void userDelegate(String mailbox, String itemId) {
        Item it = item(mailbox, itemId);
        it.delegated = true;
        touch(it);
    }

    /** The rep makes the task recurring in Outlook. */
    public synchronized void userMakeRecurring(String mailbox, String itemId) {
        Item it = item(mailbox, itemId);
        it.recurring = true;
        touch(it);
    }

    /**
     * The rep completes an occurrence of a recurring task, and Exchange regenerates it (MS-OXOTASK): the
     * completed occurrence becomes a new item, a copy with the same CRM tag and no recurrence; the task
     * keeps its id, moves to {@code nextDue} and is Not Started again. Returns the new item's id.
     */
    public synchronized String userCompleteOccurrence(String mailbox, String itemId, LocalDate nextDue) {
        return userCompleteOccurrence(mailbox, itemId, nextDue, false);
    }

    /** As {@link #userCompleteOccurrence(String, String, LocalDate)}; the copy keeps the recurrence when {@code copyRecurring}. */
    public synchronized String userCompleteOccurrence(String mailbox, String itemId, LocalDate nextDue,
                                                      boolean copyRecurring) {
        Box b = box(mailbox);
        Item it = item(mailbox, itemId);
        if (!it.recurring) {
            throw new IllegalArgumentException("item " + itemId + " in " + mailbox + " is not recurring");
        }
        LocalDate today = clock.instant().atZone(b.zone).toLocalDate();
        Item copy = insert(b, it.crmId, it.values.toBuilder().status(ExchangeStatus.COMPLETED).percentComplete(100)
                .completeDate(today).build());
        copy.recurring = copyRecurring;
        it.values = it.values.toBuilder().dueDate(nextDue).status(ExchangeStatus.NOT_STARTED).percentComplete(0)
                .completeDate(null).build();
        touch(it);
        return copy.itemId;
    }

    /** Makes {@link MailboxConnection#removeTag} fail (true) or work again (false). */
    public synchronized void failRemoveTag(boolean fail) {
        failRemoveTag = fail;
    }

    /** A task the rep makes by hand (not tagged with a CRM id). */
    public synchronized String userCreate(String mailbox, TaskValues values) {
        return insert(box(mailbox), null, values).itemId;
    }

    // ------------------------------------------------------------------ inspection

    /** The tasks of a mailbox in creation order. */
    public synchronized List<ExchangeTask> tasks(String mailbox) {
        Box b = boxes.get(Mailbox.normalize(mailbox));
        return b == null ? List.of() : b.items.values().stream().map(Item::view).toList();
    }

    public synchronized Set<String> mailboxes() {
        return Set.copyOf(boxes.keySet());
    }

    /** Requests per mailbox (each SPI call counts one). */
    public synchronized long requests(String mailbox) {
        AtomicLong n = requests.get(Mailbox.normalize(mailbox));
        return n == null ? 0 : n.get();
    }

    public synchronized long totalRequests() {
        return requests.values().stream().mapToLong(AtomicLong::get).sum();
    }

    // ------------------------------------------------------------------ SPI

    @Override
    public synchronized MailboxConnection connect(Mailbox mailbox) throws MailboxException {
        MailboxException.Kind failure = failingMailboxes.get(mailbox.address());
        if (failure != null) {
            throw new MailboxException(mailbox.address(), failure, "injected failure");
        }
        box(mailbox.address()).zone = mailbox.zone();
        return new Connection(mailbox.address());
    }

    @Override
    public String name() {
        return "in-memory";
    }

    private final class Connection implements MailboxConnection {
        private final String address;
        private long sent;

        Connection(String address) {
            this.address = address;
        }

        private void count() throws MailboxException {
            synchronized (InMemoryExchange.this) {
                MailboxException.Kind failure = failingMailboxes.get(address);
                if (failure != null) {
                    throw new MailboxException(address, failure, "injected failure");
                }
                sent++;
                requests.computeIfAbsent(address, a -> new AtomicLong()).incrementAndGet();
            }
        }

        @Override
        public ChangePage changes(String cursor) throws MailboxException {
            count();
            synchronized (InMemoryExchange.this) {
                Box b = box(address);
                long after = 0;
                if (cursor != null) {
                    String[] p = cursor.split(":");
                    if (p.length != 2 || !p[0].equals(Long.toString(b.epoch))) {
                        throw new CursorRejectedException(address, "unknown cursor '" + cursor + "'");
                    }
                    after = Long.parseLong(p[1]);
                }
                final long from = after;
                List<Map.Entry<Long, Object>> changes = new ArrayList<>();
                b.items.values().stream().filter(i -> i.seq > from).forEach(i -> changes.add(Map.entry(i.seq, i)));
                if (cursor != null) {
                    b.deletions.forEach((id, s) -> {
                        if (s > from) changes.add(Map.entry(s, id));
                    });
                }
                changes.sort(Comparator.comparingLong(Map.Entry::getKey));
                boolean more = changes.size() > pageSize;
                List<Map.Entry<Long, Object>> page = more ? changes.subList(0, pageSize) : changes;
                List<ExchangeTask> changed = new ArrayList<>();
                List<String> deleted = new ArrayList<>();
                List<UnreadableItem> unreadable = new ArrayList<>();
                for (Map.Entry<Long, Object> e : page) {
                    if (e.getValue() instanceof Item it) {
                        if (it.unreadable != null) {
                            unreadable.add(new UnreadableItem(it.itemId, it.crmId, it.unreadable[0], it.unreadable[1],
                                    "injected: the value cannot be read"));
                        } else {
                            changed.add(it.view());
                        }
                    } else {
                        deleted.add((String) e.getValue());
                    }
                }
                long last = more ? page.get(page.size() - 1).getKey() : Math.max(from, seq);
                return new ChangePage(changed, deleted, b.epoch + ":" + last, more, unreadable);
            }
        }

        @Override
        public List<WriteOutcome> create(List<NewExchangeTask> tasks) throws MailboxException {
            count();
            synchronized (InMemoryExchange.this) {
                List<WriteOutcome> out = new ArrayList<>();
                for (NewExchangeTask t : tasks) {
                    if (failingCrmIds.contains(t.crmId())) {
                        out.add(WriteOutcome.failed(null, "injected failure for " + t.crmId()));
                        continue;
                    }
                    Item it = insert(box(address), t.crmId(), t.values());
                    out.add(WriteOutcome.ok(it.itemId, it.changeKey));
                }
                return out;
            }
        }

        @Override
        public List<WriteOutcome> update(List<ExchangeTaskUpdate> updates) throws MailboxException {
            count();
            synchronized (InMemoryExchange.this) {
                List<WriteOutcome> out = new ArrayList<>();
                for (ExchangeTaskUpdate u : updates) {
                    Item it = box(address).items.get(u.item().itemId());
                    if (it == null) {
                        out.add(WriteOutcome.gone(u.item().itemId(), "item not found"));
                    } else if (failingCrmIds.contains(u.crmId())) {
                        out.add(WriteOutcome.failed(u.item().itemId(), "injected failure for " + u.crmId()));
                    } else {
                        it.values = it.values.withFieldsFrom(u.values(), u.fields());
                        touch(it);
                        out.add(WriteOutcome.ok(it.itemId, it.changeKey));
                    }
                }
                return out;
            }
        }

        @Override
        public List<WriteOutcome> delete(List<ItemRef> items) throws MailboxException {
            count();
            synchronized (InMemoryExchange.this) {
                List<WriteOutcome> out = new ArrayList<>();
                Box b = box(address);
                for (ItemRef ref : items) {
                    if (b.items.remove(ref.itemId()) != null) {
                        b.deletions.put(ref.itemId(), ++seq);
                    }
                    out.add(WriteOutcome.ok(ref.itemId(), null));
                }
                return out;
            }
        }

        @Override
        public List<WriteOutcome> removeTag(List<ItemRef> items) throws MailboxException {
            count();
            synchronized (InMemoryExchange.this) {
                List<WriteOutcome> out = new ArrayList<>();
                Box b = box(address);
                for (ItemRef ref : items) {
                    Item it = b.items.get(ref.itemId());
                    if (failRemoveTag) {
                        out.add(WriteOutcome.failed(ref.itemId(), "injected failure of removeTag"));
                        continue;
                    }
                    if (it != null && it.crmId != null) {
                        it.crmId = null;
                        touch(it);
                    }
                    out.add(WriteOutcome.ok(ref.itemId(), it == null ? null : it.changeKey));
                }
                return out;
            }
        }

        @Override
        public List<ExchangeTask> findByCrmIds(Collection<String> crmIds) throws MailboxException {
            count();
            synchronized (InMemoryExchange.this) {
                Set<String> wanted = new HashSet<>(crmIds);
                List<Item> found = box(address).items.values().stream()
                        .filter(i -> i.crmId != null && wanted.contains(i.crmId)).toList();
                for (Item i : found) {
                    if (i.unreadable != null) {
                        throw new MailboxException(address, MailboxException.Kind.PROTOCOL, "cannot read item "
                                + i.itemId + ": field " + i.unreadable[0] + " = '" + i.unreadable[1] + "'");
                    }
                }
                return found.stream().map(Item::view).toList();
            }
        }

        @Override
        public int maxBatchSize() {
            synchronized (InMemoryExchange.this) {
                return maxBatch;
            }
        }

        @Override
        public long requestsSent() {
            synchronized (InMemoryExchange.this) {
                return sent;
            }
        }

        @Override
        public void close() {
        }
    }

    // ------------------------------------------------------------------ internals

    private Box box(String mailbox) {
        return boxes.computeIfAbsent(Mailbox.normalize(mailbox), a -> new Box());
    }

    private Item item(String mailbox, String itemId) {
        Item it = box(mailbox).items.get(itemId);
        if (it == null) {
            throw new IllegalArgumentException("no item " + itemId + " in " + mailbox);
        }
        return it;
    }

    private Item insert(Box b, String crmId, TaskValues values) {
        Item it = new Item("item-" + (++ids), crmId);
        it.values = values;
        touch(it);
        b.items.put(it.itemId, it);
        return it;
    }

    private void touch(Item it) {
        it.seq = ++seq;
        it.changeKey = "ck-" + it.seq;
        it.lastModified = clock.instant();
    }
}

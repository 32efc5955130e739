package org.tasksync.cluster.quartz;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.spi.ChangePage;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.core.spi.ExchangeTaskUpdate;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.SyncStateStore;
import org.tasksync.core.spi.WriteOutcome;

/**
 * One Exchange that the nodes of a test cluster share, each through its own {@link Node} view
 * around the node's own adapter. It records when two nodes work on one mailbox at the same time: a
 * connection that a node opens to a mailbox while another node has one open there is an overlap (a
 * connection spans a mailbox's whole change read, or one batch of writes). A node's view can also hold its next change read (so that a
 * cycle stops mid-way) and can make the node "die": from then on every call of its engine, to the
 * Exchange and to its state store, throws an {@link Error}, as nothing answers for a dead process.
 * Thread-safe.
 */
final class SharedExchange {

    /** A node connected to a mailbox that another node had open. */
    record Overlap(String mailbox, String node, String other) {
    }

    /** What a dead node's engine meets on every call. */
    static final class NodeDied extends Error {
        NodeDied(String node) {
            super("node " + node + " is dead");
        }
    }

    private final Map<String, Map<String, Integer>> open = new HashMap<>();
    private final List<Overlap> overlaps = new ArrayList<>();

    synchronized List<Overlap> overlaps() {
        return List.copyOf(overlaps);
    }

    private synchronized void opened(String mailbox, String node) {
        Map<String, Integer> byNode = open.computeIfAbsent(mailbox, m -> new HashMap<>());
        byNode.forEach((other, n) -> {
            if (!other.equals(node) && n > 0) {
                overlaps.add(new Overlap(mailbox, node, other));
            }
        });
        byNode.merge(node, 1, Integer::sum);
    }

    private synchronized void closed(String mailbox, String node) {
        open.get(mailbox).merge(node, -1, Integer::sum);
    }

    /** Node {@code id}, which reaches Exchange through its own {@code adapter}. */
    Node node(String id, ExchangeAdapter adapter) {
        return new Node(id, adapter);
    }

    /** One node's view of the Exchange, and its switches. */
    final class Node {
        final String id;
        private final ExchangeAdapter adapter;
        private final AtomicBoolean dead = new AtomicBoolean();
        private final AtomicBoolean holdNext = new AtomicBoolean();
        private final CountDownLatch held = new CountDownLatch(1);
        private final CountDownLatch resume = new CountDownLatch(1);
        private volatile String heldMailbox;

        private Node(String id, ExchangeAdapter adapter) {
            this.id = id;
            this.adapter = adapter;
        }

        /** The node's next change read, of whichever mailbox, stops until {@link #resume()} or {@link #die()}. */
        void holdNextChangeRead() {
            holdNext.set(true);
        }

        /** Waits until a change read is held; returns its mailbox. */
        String awaitHeld() throws InterruptedException {
            if (!held.await(2, TimeUnit.MINUTES)) {
                throw new AssertionError("node " + id + " read no mailbox's changes within 2 minutes");
            }
            return heldMailbox;
        }

        void resume() {
            resume.countDown();
        }

        /** From now on the node's engine gets an {@link Error} from every call; a held read ends with one. */
        void die() {
            dead.set(true);
            resume.countDown();
        }

        private void alive() {
            if (dead.get()) {
                throw new NodeDied(id);
            }
        }

        ExchangeAdapter exchange() {
            return mailbox -> {
                alive();
                MailboxConnection c = adapter.connect(mailbox);
                String address = mailbox.address();
                opened(address, id);
                return new MailboxConnection() {
                    private boolean isClosed;

                    public ChangePage changes(String cursor) throws MailboxException {
                        alive();
                        if (holdNext.getAndSet(false)) {
                            heldMailbox = address;
                            held.countDown();
                            try {
                                resume.await(2, TimeUnit.MINUTES);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            alive();
                        }
                        return c.changes(cursor);
                    }

                    public List<WriteOutcome> create(List<NewExchangeTask> t) throws MailboxException { alive(); return c.create(t); }
                    public List<WriteOutcome> update(List<ExchangeTaskUpdate> u) throws MailboxException { alive(); return c.update(u); }
                    public List<WriteOutcome> delete(List<ItemRef> i) throws MailboxException { alive(); return c.delete(i); }
                    public List<ExchangeTask> findByCrmIds(Collection<String> ids) throws MailboxException { alive(); return c.findByCrmIds(ids); }
                    public int maxBatchSize() { return c.maxBatchSize(); }
                    public long requestsSent() { return c.requestsSent(); }

                    public void close() {
                        if (!isClosed) {
                            isClosed = true;
                            closed(address, id);
                        }
                        c.close();
                    }
                };
            };
        }

        /** The node's state store, dying with the node; every method, leases included, goes through. */
        SyncStateStore store(SyncStateStore d) {
            return new SyncStateStore() {
                public Map<String, Link> findLinks(Collection<String> ids) { alive(); return d.findLinks(ids); }
                public Map<String, Link> findLinksByItems(String mb, Collection<String> ids) { alive(); return d.findLinksByItems(mb, ids); }
                public void saveLinks(Collection<Link> links) { alive(); d.saveLinks(links); }
                public void deleteLinks(Collection<String> ids) { alive(); d.deleteLinks(ids); }
                public int countLinks(String mb) { alive(); return d.countLinks(mb); }
                public Optional<String> cursor(String key) { alive(); return d.cursor(key); }
                public Map<String, String> cursors(String prefix) { alive(); return d.cursors(prefix); }
                public void saveCursors(Map<String, String> v) { alive(); d.saveCursors(v); }
                public Set<String> pendingTaskIds() { alive(); return d.pendingTaskIds(); }
                public void addPending(Collection<String> ids) { alive(); d.addPending(ids); }
                public void removePending(Collection<String> ids) { alive(); d.removePending(ids); }
                public boolean tryLease(String mb, String owner, Instant now, java.time.Duration ttl) {
                    alive();
                    return d.tryLease(mb, owner, now, ttl);
                }
                public void releaseLeases(String owner, Collection<String> mailboxes) { alive(); d.releaseLeases(owner, mailboxes); }
            };
        }
    }
}

package org.tasksync.core.engine;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.spi.ChangePage;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.core.spi.ExchangeTaskUpdate;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.WriteOutcome;

/**
 * An {@link ExchangeAdapter} in front of another that records what the engine asks of it: the zone
 * it gives each mailbox, the batches it creates, the fields of every update, and how many
 * mailboxes it works on at once (calls in flight on different connections; the engine keeps one
 * connection per mailbox for a whole cycle). With {@link #awaitConcurrency(int)} a change read
 * waits (boundedly) until that many calls are in flight, so a test sees parallel work without
 * relying on timing. Thread-safe.
 */
final class ObservedExchange implements ExchangeAdapter {

    /** One update as the engine sent it. */
    record Update(String mailbox, String crmId, Set<ExchangeField> fields) {
    }

    private final ExchangeAdapter delegate;
    final Map<String, ZoneId> zones = new ConcurrentHashMap<>();
    final List<Integer> createBatchSizes = Collections.synchronizedList(new ArrayList<>());
    final List<Update> updates = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private volatile int wanted = 1;
    private volatile CountDownLatch reached = new CountDownLatch(0);

    ObservedExchange(ExchangeAdapter delegate) {
        this.delegate = delegate;
    }

    /**
     * From now on, change reads wait up to 2 minutes until {@code n} calls are in flight at once (on a
     * loaded machine the engine's other mailbox threads may take long to get there; a read that
     * stopped waiting early would lower the concurrency the test sees).
     */
    void awaitConcurrency(int n) {
        wanted = n;
        reached = new CountDownLatch(1);
    }

    /** The most mailboxes read at the same moment. */
    int maxConcurrentConnections() {
        return maxOpen.get();
    }

    List<Update> updatesOf(String crmId) {
        synchronized (updates) {
            return updates.stream().filter(u -> u.crmId().equals(crmId)).toList();
        }
    }

    void clear() {
        createBatchSizes.clear();
        updates.clear();
    }

    @Override
    public MailboxConnection connect(Mailbox mailbox) throws MailboxException {
        MailboxConnection c = delegate.connect(mailbox);
        zones.put(mailbox.address(), mailbox.zone());
        return new Connection(mailbox.address(), c);
    }

    @Override
    public String name() {
        return "observed " + delegate.name();
    }

    private final class Connection implements MailboxConnection {
        private final String address;
        private final MailboxConnection c;

        Connection(String address, MailboxConnection c) {
            this.address = address;
            this.c = c;
        }

        @Override
        public ChangePage changes(String cursor) throws MailboxException {
            int now = open.incrementAndGet();
            maxOpen.accumulateAndGet(now, Math::max);
            if (now >= wanted) {
                reached.countDown();
            }
            try {
                reached.await(2, TimeUnit.MINUTES);
                return c.changes(cursor);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                open.decrementAndGet();
            }
        }

        @Override
        public List<WriteOutcome> create(List<NewExchangeTask> tasks) throws MailboxException {
            createBatchSizes.add(tasks.size());
            return c.create(tasks);
        }

        @Override
        public List<WriteOutcome> update(List<ExchangeTaskUpdate> list) throws MailboxException {
            list.forEach(u -> updates.add(new Update(address, u.crmId(), u.fields())));
            return c.update(list);
        }

        @Override
        public List<WriteOutcome> delete(List<ItemRef> items) throws MailboxException {
            return c.delete(items);
        }

        @Override
        public List<ExchangeTask> findByCrmIds(Collection<String> crmIds) throws MailboxException {
            return c.findByCrmIds(crmIds);
        }

        @Override
        public int maxBatchSize() {
            return c.maxBatchSize();
        }

        @Override
        public long requestsSent() {
            return c.requestsSent();
        }

        @Override
        public void close() {
            c.close();
        }
    }
}

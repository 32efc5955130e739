package org.tasksync.core.internal;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.spi.ChangePage;
import org.tasksync.core.spi.ExchangeTaskUpdate;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.WriteOutcome;

/**
 * Counts the calls the engine makes on a connection, for the report's request count when the
 * adapter does not count its own requests; splits batches larger than the adapter takes.
 */
final class CountingConnection implements MailboxConnection {
    private final MailboxConnection delegate;
    private final AtomicLong calls = new AtomicLong();

    CountingConnection(MailboxConnection delegate) {
        this.delegate = delegate;
    }

    @Override
    public ChangePage changes(String cursor) throws MailboxException {
        calls.incrementAndGet();
        return delegate.changes(cursor);
    }

    @Override
    public ChangePage changes(String cursor, org.tasksync.core.spi.KnownVersions known) throws MailboxException {
        calls.incrementAndGet();
        return delegate.changes(cursor, known);
    }

    @Override
    public List<WriteOutcome> create(List<NewExchangeTask> tasks) throws MailboxException {
        calls.incrementAndGet();
        return checked(delegate.create(tasks), tasks.size(), "create");
    }

    @Override
    public List<WriteOutcome> update(List<ExchangeTaskUpdate> updates) throws MailboxException {
        calls.incrementAndGet();
        return checked(delegate.update(updates), updates.size(), "update");
    }

    @Override
    public List<WriteOutcome> delete(List<ItemRef> items) throws MailboxException {
        calls.incrementAndGet();
        return checked(delegate.delete(items), items.size(), "delete");
    }

    @Override
    public List<WriteOutcome> removeTag(List<ItemRef> items) throws MailboxException {
        calls.incrementAndGet();
        return checked(delegate.removeTag(items), items.size(), "removeTag");
    }

    @Override
    public List<ExchangeTask> findByCrmIds(Collection<String> crmIds) throws MailboxException {
        calls.incrementAndGet();
        return delegate.findByCrmIds(crmIds);
    }

    @Override
    public int maxBatchSize() {
        return delegate.maxBatchSize();
    }

    @Override
    public long requestsSent() {
        long own = delegate.requestsSent();
        return own >= 0 ? own : calls.get();
    }

    @Override
    public void close() {
        delegate.close();
    }

    private static List<WriteOutcome> checked(List<WriteOutcome> out, int expected, String op) {
        if (out == null || out.size() != expected) {
            throw new IllegalStateException("Exchange adapter returned " + (out == null ? "no" : out.size())
                    + " outcomes for a " + op + " of " + expected + " items");
        }
        return out;
    }
}

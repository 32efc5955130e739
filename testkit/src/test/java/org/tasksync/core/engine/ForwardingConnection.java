package org.tasksync.core.engine;

import java.util.Collection;
import java.util.List;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.spi.ChangePage;
import org.tasksync.core.spi.ExchangeTaskUpdate;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.WriteOutcome;

/** A connection that passes every call on; tests override what they change. */
class ForwardingConnection implements MailboxConnection {
    private final MailboxConnection d;

    ForwardingConnection(MailboxConnection d) {
        this.d = d;
    }

    public ChangePage changes(String cursor) throws MailboxException { return d.changes(cursor); }
    public List<WriteOutcome> create(List<NewExchangeTask> t) throws MailboxException { return d.create(t); }
    public List<WriteOutcome> update(List<ExchangeTaskUpdate> u) throws MailboxException { return d.update(u); }
    public List<WriteOutcome> delete(List<ItemRef> i) throws MailboxException { return d.delete(i); }
    public List<ExchangeTask> findByCrmIds(Collection<String> ids) throws MailboxException { return d.findByCrmIds(ids); }
    public int maxBatchSize() { return d.maxBatchSize(); }
    public long requestsSent() { return d.requestsSent(); }
    public void close() { d.close(); }
}

package org.tasksync.core.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * Records when two engines work on one mailbox at the same time: each engine gets its own view
 * ({@link #exchangeFor}) of one shared Exchange, and a connection that one engine opens to a
 * mailbox while another engine has one open there counts as an overlap. A connection lives from
 * the engine's {@code connect} to its {@code close}, which spans a mailbox's whole change read or
 * one batch of writes. Thread-safe.
 */
final class MailboxOverlaps {

    /** One engine connected to a mailbox that another engine had open. */
    record Overlap(String mailbox, String engine, String other) {
    }

    private final Map<String, Map<String, Integer>> open = new HashMap<>();
    private final List<Overlap> overlaps = new ArrayList<>();

    synchronized List<Overlap> overlaps() {
        return List.copyOf(overlaps);
    }

    private synchronized void opened(String mailbox, String engine) {
        Map<String, Integer> byEngine = open.computeIfAbsent(mailbox, m -> new HashMap<>());
        byEngine.forEach((other, n) -> {
            if (!other.equals(engine) && n > 0) {
                overlaps.add(new Overlap(mailbox, engine, other));
            }
        });
        byEngine.merge(engine, 1, Integer::sum);
    }

    private synchronized void closed(String mailbox, String engine) {
        open.get(mailbox).merge(engine, -1, Integer::sum);
    }

    /** The Exchange as engine {@code engine} sees it; {@code hook} runs before each change read. */
    ExchangeAdapter exchangeFor(String engine, ExchangeAdapter shared, ChangeReadHook hook) {
        return mailbox -> {
            MailboxConnection c = shared.connect(mailbox);
            opened(mailbox.address(), engine);
            return new MailboxConnection() {
                private boolean closed;

                public ChangePage changes(String cursor) throws MailboxException {
                    hook.beforeChangeRead(mailbox);
                    return c.changes(cursor);
                }

                public List<WriteOutcome> create(List<NewExchangeTask> t) throws MailboxException { return c.create(t); }
                public List<WriteOutcome> update(List<ExchangeTaskUpdate> u) throws MailboxException { return c.update(u); }
                public List<WriteOutcome> delete(List<ItemRef> i) throws MailboxException { return c.delete(i); }
                public List<ExchangeTask> findByCrmIds(Collection<String> ids) throws MailboxException { return c.findByCrmIds(ids); }
                public int maxBatchSize() { return c.maxBatchSize(); }
                public long requestsSent() { return c.requestsSent(); }

                public void close() {
                    if (!closed) {
                        closed = true;
                        closed(mailbox.address(), engine);
                    }
                    c.close();
                }
            };
        };
    }

    ExchangeAdapter exchangeFor(String engine, ExchangeAdapter shared) {
        return exchangeFor(engine, shared, m -> { });
    }

    @FunctionalInterface
    interface ChangeReadHook {
        void beforeChangeRead(Mailbox mailbox);
    }
}

package org.tasksync.core.internal.effects;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.tasksync.core.spi.ExchangeTaskUpdate;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.StatusWriteResult;
import org.tasksync.core.spi.WriteOutcome;

/**
 * The effects of a dry run: nothing is written, and every write is answered as accepted, so the
 * report counts what a real run would write. A created item gets a made-up id that is never stored.
 */
final class DryRunEffects implements Effects {

    @Override
    public boolean dryRun() {
        return true;
    }

    @Override
    public void saveLinks(Collection<Link> links) {
    }

    @Override
    public void deleteLinks(Collection<String> crmTaskIds) {
    }

    @Override
    public void addPending(Collection<String> crmTaskIds) {
    }

    @Override
    public void removePending(Collection<String> crmTaskIds) {
    }

    @Override
    public void saveCursors(Map<String, String> cursors) {
    }

    @Override
    public StatusWriteResult writeStatus(String crmTaskId, String status, Instant expectedModifiedAt) {
        return StatusWriteResult.written(expectedModifiedAt);
    }

    @Override
    public List<WriteOutcome> create(MailboxConnection conn, List<NewExchangeTask> tasks) {
        return tasks.stream().map(t -> WriteOutcome.ok("dry-run:" + t.crmId(), null)).toList();
    }

    @Override
    public List<WriteOutcome> update(MailboxConnection conn, List<ExchangeTaskUpdate> updates) {
        return updates.stream().map(u -> WriteOutcome.ok(u.item().itemId(), null)).toList();
    }

    @Override
    public List<WriteOutcome> delete(MailboxConnection conn, List<ItemRef> items) {
        return items.stream().map(i -> WriteOutcome.ok(i.itemId(), null)).toList();
    }

    @Override
    public List<WriteOutcome> removeTag(MailboxConnection conn, List<ItemRef> items) {
        return items.stream().map(i -> WriteOutcome.ok(i.itemId(), null)).toList();
    }
}

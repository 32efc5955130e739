package org.tasksync.core.internal.effects;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.tasksync.core.internal.EngineParts;
import org.tasksync.core.spi.ExchangeTaskUpdate;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.StatusWriteResult;
import org.tasksync.core.spi.WriteOutcome;

/** The effects of a real run: each write goes to the state store, the CRM adapter or the mailbox. */
final class LiveEffects implements Effects {

    private final EngineParts parts;

    LiveEffects(EngineParts parts) {
        this.parts = parts;
    }

    @Override
    public boolean dryRun() {
        return false;
    }

    @Override
    public void saveLinks(Collection<Link> links) {
        if (!links.isEmpty()) {
            parts.store().saveLinks(links);
        }
    }

    @Override
    public void deleteLinks(Collection<String> crmTaskIds) {
        if (!crmTaskIds.isEmpty()) {
            parts.store().deleteLinks(crmTaskIds);
        }
    }

    @Override
    public void addPending(Collection<String> crmTaskIds) {
        if (!crmTaskIds.isEmpty()) {
            parts.store().addPending(crmTaskIds);
        }
    }

    @Override
    public void removePending(Collection<String> crmTaskIds) {
        if (!crmTaskIds.isEmpty()) {
            parts.store().removePending(crmTaskIds);
        }
    }

    @Override
    public void saveCursors(Map<String, String> cursors) {
        if (!cursors.isEmpty()) {
            parts.store().saveCursors(cursors);
        }
    }

    @Override
    public StatusWriteResult writeStatus(String crmTaskId, String status, Instant expectedModifiedAt) {
        return parts.crm().writeStatus(crmTaskId, status, expectedModifiedAt);
    }

    @Override
    public List<WriteOutcome> create(MailboxConnection conn, List<NewExchangeTask> tasks) throws MailboxException {
        return conn.create(tasks);
    }

    @Override
    public List<WriteOutcome> update(MailboxConnection conn, List<ExchangeTaskUpdate> updates) throws MailboxException {
        return conn.update(updates);
    }

    @Override
    public List<WriteOutcome> delete(MailboxConnection conn, List<ItemRef> items) throws MailboxException {
        return conn.delete(items);
    }

    @Override
    public List<WriteOutcome> removeTag(MailboxConnection conn, List<ItemRef> items) throws MailboxException {
        return conn.removeTag(items);
    }
}

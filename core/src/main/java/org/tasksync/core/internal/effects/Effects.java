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

/**
 * Every write of a run, to the state store, the CRM and Exchange: the one place where a dry run is
 * decided ({@link #of}). The dry-run implementation writes nothing and answers as a server that
 * accepted every write would, so the rest of the engine runs the same code either way and the
 * report of a dry run counts what a real run would do.
 */
public interface Effects {

    /** The effects of a run: live, or (dry run) none. */
    static Effects of(EngineParts parts, boolean dryRun) {
        return dryRun ? new DryRunEffects() : new LiveEffects(parts);
    }

    /** True when nothing is written. */
    boolean dryRun();

    void saveLinks(Collection<Link> links);

    void deleteLinks(Collection<String> crmTaskIds);

    void addPending(Collection<String> crmTaskIds);

    void removePending(Collection<String> crmTaskIds);

    /** Saves cursors; a null value removes its key. */
    void saveCursors(Map<String, String> cursors);

    StatusWriteResult writeStatus(String crmTaskId, String status, Instant expectedModifiedAt);

    List<WriteOutcome> create(MailboxConnection conn, List<NewExchangeTask> tasks) throws MailboxException;

    List<WriteOutcome> update(MailboxConnection conn, List<ExchangeTaskUpdate> updates) throws MailboxException;

    List<WriteOutcome> delete(MailboxConnection conn, List<ItemRef> items) throws MailboxException;

    List<WriteOutcome> removeTag(MailboxConnection conn, List<ItemRef> items) throws MailboxException;
}

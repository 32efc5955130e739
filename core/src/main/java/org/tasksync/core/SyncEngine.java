package org.tasksync.core;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.tasksync.core.internal.Cycle;
import org.tasksync.core.internal.EngineParts;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.core.spi.SyncStateStore;
import org.tasksync.core.state.InMemorySyncStateStore;

/**
 * Keeps a CRM's tasks and its reps' Exchange tasks in step: {@link #runOnce()} runs one cycle
 * (SPEC §6) and returns what it did; {@link SyncScheduler} runs it every n minutes.
 *
 * <pre>{@code
 * SyncEngine engine = SyncEngine.builder()
 *         .crm(crmAdapter)
 *         .exchange(exchangeAdapter)
 *         .stateStore(JdbcSyncStateStore.create(dataSource))
 *         .settings(SyncSettings.fromProperties(props))
 *         .build();
 * SyncReport report = engine.runOnce();
 * }</pre>
 *
 * <p>Thread-safe: cycles never overlap; a second caller of {@link #runOnce()} waits for the first.
 */
public final class SyncEngine {

    private final EngineParts parts;
    private final ReentrantLock cycleLock = new ReentrantLock();

    private SyncEngine(EngineParts parts) {
        this.parts = parts;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Runs one cycle; in a dry run (setting {@code tasksync.dry-run}) nothing is written. */
    public SyncReport runOnce() {
        return run(parts.settings().dryRun());
    }

    /** Runs one cycle that writes nothing and lists in the report what it would write. */
    public SyncReport dryRun() {
        return run(true);
    }

    /**
     * Runs one cycle over a share of the mailboxes only (for scale-out over several nodes): other
     * partitions' mailboxes, cursors and pending tasks are left alone, and the partition keeps a
     * CRM change cursor of its own. Cycles of different partitions may run at the same time, in
     * this engine or in engines on other nodes sharing the state store.
     */
    public SyncReport runOnce(MailboxPartition partition) {
        return new Cycle(parts, parts.settings().dryRun(), partition).run();
    }

    private SyncReport run(boolean dryRun) {
        cycleLock.lock();
        try {
            return new Cycle(parts, dryRun, MailboxPartition.ALL).run();
        } finally {
            cycleLock.unlock();
        }
    }

    public SyncSettings settings() {
        return parts.settings();
    }

    @Override
    public String toString() {
        return "SyncEngine{crm=" + parts.crm().getClass().getSimpleName() + ", exchange=" + parts.exchange().name()
                + ", store=" + parts.store().getClass().getSimpleName() + ", " + parts.settings() + "}";
    }

    /** Builds a {@link SyncEngine}; the CRM and the Exchange adapter are required. */
    public static final class Builder {
        private CrmAdapter crm;
        private ExchangeAdapter exchange;
        private SyncStateStore store;
        private SyncSettings settings = SyncSettings.ofDefaults();
        private Clock clock = Clock.systemUTC();
        private SyncListener listener = new SyncListener() { };

        private Builder() {
        }

        public Builder crm(CrmAdapter v) { crm = Objects.requireNonNull(v, "crm"); return this; }
        public Builder exchange(ExchangeAdapter v) { exchange = Objects.requireNonNull(v, "exchange"); return this; }

        /** Where links and cursors live; default in memory (a restart then resyncs, adopting, never duplicating). */
        public Builder stateStore(SyncStateStore v) { store = Objects.requireNonNull(v, "stateStore"); return this; }
        public Builder settings(SyncSettings v) { settings = Objects.requireNonNull(v, "settings"); return this; }
        public Builder clock(Clock v) { clock = Objects.requireNonNull(v, "clock"); return this; }
        public Builder listener(SyncListener v) { listener = Objects.requireNonNull(v, "listener"); return this; }

        public SyncEngine build() {
            if (crm == null) {
                throw new IllegalStateException("SyncEngine needs a CRM adapter: call crm(...)");
            }
            if (exchange == null) {
                throw new IllegalStateException("SyncEngine needs an Exchange adapter: call exchange(...)");
            }
            return new SyncEngine(new EngineParts(crm, exchange, store == null ? new InMemorySyncStateStore() : store,
                    settings, clock, listener));
        }
    }
}

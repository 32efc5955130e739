package org.tasksync.core;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.concurrent.locks.ReentrantLock;
import org.tasksync.core.internal.EngineParts;
import org.tasksync.core.internal.cycle.CycleRunner;
import org.tasksync.core.internal.cycle.MailboxLanes;
import org.tasksync.core.internal.cycle.TargetedRun;
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
 *
 * <p>Scale-out: engines on several nodes may share one state store when each is given its own
 * {@link Builder#node(String) node id}. A cycle then takes a lease on each mailbox before it
 * touches it and leaves mailboxes that another node holds to a later cycle (see
 * {@code docs/scale-out.md}).
 */
public final class SyncEngine {

    private final EngineParts parts;
    private final ReentrantLock cycleLock = new ReentrantLock();
    /** Per-mailbox mutual exclusion shared by every run of this engine. */
    private final MailboxLanes lanes = new MailboxLanes();

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
     * this engine or in engines on other nodes sharing the state store; with a
     * {@link Builder#node(String) node id}, mailbox leases keep two cycles off one mailbox even when
     * a partition's cycles overlap (a node taken for dead that is still running).
     */
    public SyncReport runOnce(MailboxPartition partition) {
        return new CycleRunner(parts, parts.settings().dryRun(), partition, lanes).run();
    }

    /**
     * Live sync: the Exchange → CRM work of one mailbox through its durable cursor (statuses written back,
     * Outlook edits, deletions in Outlook), for a participant's mailbox only (an enabled rep has it); any
     * other mailbox is a no-op report. The CRM change cursor and the reps' time frames do not move, so
     * the next full cycle re-reads what this run saw and finds nothing more to do. Dry-run aware
     * ({@code tasksync.dry-run}); never runs at the same time as other work of this engine on the same
     * mailbox, and takes the mailbox's lease on a node of several.
     */
    public SyncReport runMailbox(String mailbox) {
        Objects.requireNonNull(mailbox, "mailbox");
        return new TargetedRun(parts, lanes).mailbox(mailbox);
    }

    /**
     * Live sync: CRM → Exchange for exactly these CRM tasks (read by id, routed to their rep's mailbox as a
     * cycle routes them, reassignment and CRM deletion included), within the participants' time frames.
     * The CRM change cursor and the reps' time frames do not move. Dry-run aware; never runs at the same
     * time as other work of this engine on the same mailbox.
     */
    public SyncReport runCrmTasks(Collection<String> crmTaskIds) {
        Objects.requireNonNull(crmTaskIds, "crmTaskIds");
        return new TargetedRun(parts, lanes).crmTasks(crmTaskIds);
    }

    private SyncReport run(boolean dryRun) {
        cycleLock.lock();
        try {
            return new CycleRunner(parts, dryRun, MailboxPartition.ALL, lanes).run();
        } finally {
            cycleLock.unlock();
        }
    }

    public SyncSettings settings() {
        return parts.settings();
    }

    /** This node's id when the engine takes mailbox leases (scale-out); empty on a single node. */
    public java.util.Optional<String> node() {
        return java.util.Optional.ofNullable(parts.node());
    }

    /** How long this node's mailbox leases last unless renewed; empty on a single node. */
    public java.util.Optional<Duration> leaseDuration() {
        return java.util.Optional.ofNullable(parts.leaseDuration());
    }

    // LiveSync (same package) opens the adapters' change feeds and checks hints against the links
    org.tasksync.core.spi.ExchangeAdapter exchangeAdapter() {
        return parts.exchange();
    }

    org.tasksync.core.spi.CrmAdapter crmAdapter() {
        return parts.crm();
    }

    org.tasksync.core.spi.SyncStateStore stateStore() {
        return parts.store();
    }

    @Override
    public String toString() {
        return "SyncEngine{crm=" + parts.crm().getClass().getSimpleName() + ", exchange=" + parts.exchange().name()
                + ", store=" + parts.store().getClass().getSimpleName()
                + (parts.node() == null ? "" : ", node=" + parts.node() + ", leaseDuration=" + parts.leaseDuration())
                + ", " + parts.settings() + "}";
    }

    /** Builds a {@link SyncEngine}; the CRM and the Exchange adapter are required. */
    public static final class Builder {
        /** How long a mailbox lease lasts unless renewed, when {@link #leaseDuration} is not called. */
        public static final Duration DEFAULT_LEASE_DURATION = Duration.ofMinutes(10);
        private static final Duration MIN_LEASE = Duration.ofSeconds(1);
        private static final Duration MAX_LEASE = Duration.ofDays(1);
        private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,100}");

        private CrmAdapter crm;
        private ExchangeAdapter exchange;
        private SyncStateStore store;
        private SyncSettings settings = SyncSettings.ofDefaults();
        private Clock clock = Clock.systemUTC();
        private SyncListener listener = new SyncListener() { };
        private String node;
        private Duration leaseDuration;

        private Builder() {
        }

        public Builder crm(CrmAdapter v) { crm = Objects.requireNonNull(v, "crm"); return this; }
        public Builder exchange(ExchangeAdapter v) { exchange = Objects.requireNonNull(v, "exchange"); return this; }

        /** Where links and cursors live; default in memory (a restart then resyncs, adopting, never duplicating). */
        public Builder stateStore(SyncStateStore v) { store = Objects.requireNonNull(v, "stateStore"); return this; }
        public Builder settings(SyncSettings v) { settings = Objects.requireNonNull(v, "settings"); return this; }
        public Builder clock(Clock v) { clock = Objects.requireNonNull(v, "clock"); return this; }
        public Builder listener(SyncListener v) { listener = Objects.requireNonNull(v, "listener"); return this; }

        /**
         * Makes this engine one node of several that share the state store: its cycles take a lease
         * on each mailbox before touching it (the lease's owner is this id) and leave mailboxes that
         * another node holds to a later cycle. Every running node needs an id of its own.
         *
         * @throws IllegalArgumentException unless 1 to 100 characters of letters, digits and {@code . _ : @ -}
         */
        public Builder node(String id) {
            if (id == null || !NODE_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("node id must be 1 to 100 characters of letters, digits and"
                        + " . _ : @ -, was " + (id == null ? "null" : "'" + id + "'"));
            }
            node = id;
            return this;
        }

        /**
         * How long a mailbox lease lasts unless renewed (default {@link #DEFAULT_LEASE_DURATION}). A
         * node that dies keeps its mailboxes this long; it must be longer than the longest batch
         * (the lease is renewed before each) and should be longer than the longest cycle.
         *
         * @throws IllegalArgumentException unless between 1 second and 1 day
         */
        public Builder leaseDuration(Duration v) {
            if (v == null || v.compareTo(MIN_LEASE) < 0 || v.compareTo(MAX_LEASE) > 0) {
                throw new IllegalArgumentException("lease duration must be between " + MIN_LEASE + " and " + MAX_LEASE
                        + ", was " + v);
            }
            leaseDuration = v;
            return this;
        }

        public SyncEngine build() {
            if (crm == null) {
                throw new IllegalStateException("SyncEngine needs a CRM adapter: call crm(...)");
            }
            if (exchange == null) {
                throw new IllegalStateException("SyncEngine needs an Exchange adapter: call exchange(...)");
            }
            if (leaseDuration != null && node == null) {
                throw new IllegalStateException("a lease duration (" + leaseDuration + ") needs a node id: call"
                        + " node(...) too, or leave the lease duration out on a single node");
            }
            return new SyncEngine(new EngineParts(crm, exchange, store == null ? new InMemorySyncStateStore() : store,
                    settings, clock, listener, node,
                    node == null ? null : leaseDuration == null ? DEFAULT_LEASE_DURATION : leaseDuration));
        }
    }
}

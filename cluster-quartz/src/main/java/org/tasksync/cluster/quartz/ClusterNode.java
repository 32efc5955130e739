package org.tasksync.cluster.quartz;

import static org.quartz.JobBuilder.newJob;
import static org.quartz.SimpleScheduleBuilder.simpleSchedule;
import static org.quartz.TriggerBuilder.newTrigger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Date;
import java.util.HashSet;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import javax.sql.DataSource;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;
import org.quartz.TriggerKey;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.LiveSettings;
import org.tasksync.core.LiveSync;
import org.tasksync.core.MailboxPartition;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;

/**
 * One node of a tasksync cluster: a Quartz scheduler of its own, clustered with the other nodes'
 * through Quartz's JDBC job store on a shared PostgreSQL database, running the engine's mailbox
 * partitions as jobs. Each partition ({@link MailboxPartition}) is one job with a trigger that
 * repeats at the sync interval; Quartz hands each firing to one node, never runs a partition twice at
 * once, and moves the partitions of a node that stops checking in to the others. The engine is
 * built with this node's id, so it takes mailbox leases in the shared state store. With
 * {@code tasksync.live.enabled}, the node runs {@link LiveSync} beside its partition cycles: it
 * watches the mailboxes of the partitions it ran lately (docs/live-sync.md).
 *
 * <pre>{@code
 * Properties props = ...;  // tasksync.*, tasksync.cluster.* and org.quartz.* keys
 * ClusterNode node = ClusterNode.builder(SyncEngine.builder()
 *                 .crm(crm).exchange(exchange)
 *                 .stateStore(JdbcSyncStateStore.builder(dataSource).build())
 *                 .settings(SyncSettings.fromProperties(props)))
 *         .properties(props)
 *         .dataSource(dataSource)    // or org.quartz.dataSource.* in props
 *         .start();
 * ...
 * node.close();                       // lets the cycle in flight finish
 * }</pre>
 *
 * <p>Thread-safe. Several nodes of one cluster may live in one JVM (tests do); each needs its own
 * node id and, when its Quartz data source is defined in properties, its own data source name.
 */
public final class ClusterNode implements AutoCloseable {

    /** Quartz job and trigger group of the partition jobs. */
    public static final String GROUP = "tasksync";

    private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);
    private static final AtomicInteger DATA_SOURCES = new AtomicInteger();
    /** Quartz's factory returns an existing scheduler of the same name; nodes are made one at a time. */
    private static final Object CREATING = new Object();

    private final Scheduler scheduler;
    private final SyncEngine engine;
    private final String nodeId;
    private final ClusterSettings settings;
    private final Duration interval;
    private final LiveSync live;

    private ClusterNode(Scheduler scheduler, SyncEngine engine, String nodeId, ClusterSettings settings,
                        Duration interval, LiveSync live) {
        this.scheduler = scheduler;
        this.engine = engine;
        this.nodeId = nodeId;
        this.settings = settings;
        this.interval = interval;
        this.live = live;
    }

    /** This node's live sync, when {@code tasksync.live.enabled}; else empty. */
    public java.util.Optional<LiveSync> liveSync() {
        return java.util.Optional.ofNullable(live);
    }

    /**
     * A node running the engine that {@code engine} configures (adapters, state store, settings); the
     * node sets the builder's node id and lease duration itself.
     */
    public static Builder builder(SyncEngine.Builder engine) {
        return new Builder(Objects.requireNonNull(engine, "engine"));
    }

    /** This node's id: the owner of its mailbox leases and its Quartz instance id. */
    public String nodeId() {
        return nodeId;
    }

    public SyncEngine engine() {
        return engine;
    }

    public ClusterSettings settings() {
        return settings;
    }

    /** How often each partition's trigger fires. */
    public Duration interval() {
        return interval;
    }

    public boolean isRunning() {
        try {
            return scheduler.isStarted() && !scheduler.isShutdown();
        } catch (SchedulerException e) {
            return false;
        }
    }

    /** The Quartz scheduler, for tests. */
    Scheduler scheduler() {
        return scheduler;
    }

    /**
     * Stops this node gracefully: no new cycle starts here, a cycle in flight finishes (and releases
     * its mailbox leases) before this returns. The other nodes take over this node's share at their
     * next fire times. Closing twice does nothing.
     */
    @Override
    public void close() {
        if (live != null) {
            live.close();
        }
        try {
            if (!scheduler.isShutdown()) {
                log.info("node {} stopping; waiting for the cycle in flight", nodeId);
                scheduler.shutdown(true);
                log.info("node {} stopped", nodeId);
            }
        } catch (SchedulerException e) {
            throw new IllegalStateException("stopping the Quartz scheduler of node " + nodeId + " failed", e);
        }
    }

    @Override
    public String toString() {
        return "ClusterNode{" + nodeId + ", " + settings.partitions() + " partitions every " + interval + "}";
    }

    /** Builds and starts a {@link ClusterNode}. */
    public static final class Builder {
        private final SyncEngine.Builder engine;
        private ClusterSettings settings;
        private DataSource dataSource;
        private BiConsumer<MailboxPartition, SyncReport> onReport = (p, r) -> { };
        private Duration interval;
        private LiveSettings live = LiveSettings.ofDefaults();

        private Builder(SyncEngine.Builder engine) {
            this.engine = engine;
        }

        public Builder settings(ClusterSettings v) {
            settings = Objects.requireNonNull(v, "settings");
            return this;
        }

        /** Same as {@code settings(ClusterSettings.fromProperties(p))} and {@code live(LiveSettings.fromProperties(p))}. */
        public Builder properties(Properties p) {
            live(LiveSettings.fromProperties(p));
            return settings(ClusterSettings.fromProperties(p));
        }

        /**
         * Live sync on this node when {@link LiveSettings#enabled()}: it watches the mailboxes of the
         * partitions this node ran within the last two intervals, and a CRM gap fires every partition
         * job at once (each on whichever node Quartz gives it to).
         */
        public Builder live(LiveSettings v) {
            live = Objects.requireNonNull(v, "live");
            return this;
        }

        /**
         * The database of Quartz's tables, as a (preferably pooled) data source the host owns and
         * closes; instead of a data source in the Quartz properties.
         */
        public Builder dataSource(DataSource v) {
            dataSource = Objects.requireNonNull(v, "dataSource");
            return this;
        }

        /** Called on the Quartz worker thread after each partition cycle of this node. */
        public Builder onReport(BiConsumer<MailboxPartition, SyncReport> v) {
            onReport = Objects.requireNonNull(v, "onReport");
            return this;
        }

        /**
         * For tests only: the triggers' interval instead of the settings' interval in minutes, so
         * that a test sees several cycles in seconds.
         */
        Builder intervalForTests(Duration v) {
            if (v == null || v.isNegative() || v.isZero()) {
                throw new IllegalArgumentException("interval must be positive, was " + v);
            }
            interval = v;
            return this;
        }

        /**
         * Creates this node's scheduler, Quartz's tables if missing (setting
         * {@code tasksync.cluster.create-quartz-tables}), the partition jobs if missing, and starts
         * the scheduler.
         *
         * @throws IllegalArgumentException for conflicting configuration
         * @throws IllegalStateException    when Quartz or its database cannot be set up
         */
        public ClusterNode start() {
            ClusterSettings s = settings != null ? settings : ClusterSettings.ofDefaults();
            String ownDataSource = null;
            if (dataSource != null) {
                if (s.quartzOverrides().containsKey(ClusterSettings.JOB_STORE_DATA_SOURCE)) {
                    throw new IllegalArgumentException("give the Quartz database either as a DataSource or as "
                            + ClusterSettings.JOB_STORE_DATA_SOURCE + " ('"
                            + s.quartzOverrides().get(ClusterSettings.JOB_STORE_DATA_SOURCE) + "'), not both");
                }
                ownDataSource = "tasksync_node_" + DATA_SOURCES.incrementAndGet();
                DBConnectionManager.getInstance().addConnectionProvider(ownDataSource, new HostDataSource(dataSource));
            } else if (!s.quartzOverrides().containsKey(ClusterSettings.JOB_STORE_DATA_SOURCE)) {
                throw new IllegalArgumentException(ClusterSettings.JOB_STORE_DATA_SOURCE + " is not set and no DataSource"
                        + " was given: Quartz needs the shared PostgreSQL database");
            }
            Properties quartz = s.quartzProperties(ownDataSource);
            String dsName = quartz.getProperty(ClusterSettings.JOB_STORE_DATA_SOURCE);

            Scheduler scheduler;
            try {
                synchronized (CREATING) {
                    scheduler = new StdSchedulerFactory(quartz).getScheduler();
                    // nodes are not looked up by name; unbinding lets another node of this cluster live in this JVM
                    SchedulerRepository.getInstance().remove(scheduler.getSchedulerName());
                }
            } catch (SchedulerException e) {
                throw new IllegalStateException("creating the Quartz scheduler failed: " + e.getMessage(), e);
            }
            AtomicReference<LiveSync> liveRef = new AtomicReference<>();
            try {
                String nodeId = s.nodeId().orElse(scheduler.getSchedulerInstanceId());
                SyncEngine built = engine.node(nodeId).leaseDuration(s.leaseDuration()).build();
                Duration every = interval != null ? interval : Duration.ofMinutes(built.settings().intervalMinutes());
                BiConsumer<MailboxPartition, SyncReport> reports = onReport;
                if (live.enabled()) {
                    reports = (partition, report) -> {
                        LiveSync l = liveRef.get();
                        if (l != null) {
                            l.cycleFinished(partition, report);
                        }
                        onReport.accept(partition, report);
                    };
                }
                scheduler.setJobFactory(new PartitionJobFactory(built, nodeId, s.partitions(), reports));
                if (s.createQuartzTables()) {
                    createTables(dsName, s.tablePrefix());
                }
                schedulePartitions(scheduler, s.partitions(), every);
                if (live.enabled()) {
                    Scheduler sched = scheduler;
                    int partitions = s.partitions();
                    liveRef.set(LiveSync.builder(built).settings(live)
                            .externalCycles(every.multipliedBy(2), () -> fireAll(sched, partitions)).start());
                }
                scheduler.start();
                log.info("node {} started: {} partitions every {}, lease duration {}, Quartz scheduler '{}'", nodeId,
                        s.partitions(), every, s.leaseDuration(), scheduler.getSchedulerName());
                return new ClusterNode(scheduler, built, nodeId, s, every, liveRef.get());
            } catch (SchedulerException | SQLException | RuntimeException e) {
                LiveSync l = liveRef.get();
                if (l != null) {
                    l.close();
                }
                try {
                    scheduler.shutdown(false);
                } catch (SchedulerException ignored) {
                    e.addSuppressed(ignored);
                }
                if (e instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException("starting the cluster node failed: " + e.getMessage(), e);
            }
        }

        private static void createTables(String dsName, String prefix) throws SQLException {
            try (Connection c = DBConnectionManager.getInstance().getConnection(dsName)) {
                QuartzTables.ensure(c, prefix);
            }
        }
    }

    /**
     * Makes the partition jobs and their triggers unless they exist, so that every node of the
     * cluster may run this at start, at once. Jobs of another partition count (an older layout) are
     * removed, and triggers of another interval are replaced, so the node started last sets the
     * layout: all nodes should have the same settings.
     */
    static void schedulePartitions(Scheduler scheduler, int partitions, Duration interval) throws SchedulerException {
        Set<JobKey> wanted = new HashSet<>();
        for (int i = 0; i < partitions; i++) {
            wanted.add(jobKey(i, partitions));
        }
        for (JobKey existing : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
            if (!wanted.contains(existing)) {
                log.info("removing job {} of an older partition layout", existing);
                scheduler.deleteJob(existing);
            }
        }
        long ms = interval.toMillis();
        long now = System.currentTimeMillis();
        for (int i = 0; i < partitions; i++) {
            JobKey key = jobKey(i, partitions);
            TriggerKey triggerKey = TriggerKey.triggerKey(key.getName(), GROUP);
            // partitions start spread over one interval, so their CRM queries do not all come at once
            Trigger trigger = newTrigger().withIdentity(triggerKey).forJob(key)
                    .startAt(new Date(now + ms * i / partitions))
                    .withSchedule(simpleSchedule().withIntervalInMilliseconds(ms).repeatForever()
                            .withMisfireHandlingInstructionNextWithRemainingCount())
                    .build();
            if (!scheduler.checkExists(key)) {
                JobDetail job = newJob(PartitionJob.class).withIdentity(key)
                        .withDescription("tasksync mailbox partition " + i + " of " + partitions)
                        .usingJobData(PartitionJob.INDEX, String.valueOf(i))
                        .usingJobData(PartitionJob.COUNT, String.valueOf(partitions))
                        .build();
                try {
                    scheduler.scheduleJob(job, trigger);
                } catch (ObjectAlreadyExistsException raced) {
                    log.debug("job {} was made by another node starting at the same time", key);
                }
                continue;
            }
            Trigger current = scheduler.getTrigger(triggerKey);
            if (!(current instanceof SimpleTrigger st) || st.getRepeatInterval() != ms) {
                log.info("partition job {}: interval now {}", key, interval);
                if (current == null) {
                    scheduler.scheduleJob(trigger);
                } else {
                    scheduler.rescheduleJob(triggerKey, trigger);
                }
            }
        }
    }

    /** Fires every partition job once now (after a CRM gap): Quartz still runs each on one node at a time. */
    static void fireAll(Scheduler scheduler, int partitions) {
        for (int i = 0; i < partitions; i++) {
            try {
                scheduler.triggerJob(jobKey(i, partitions));
            } catch (SchedulerException e) {
                log.warn("could not fire partition job {} after a CRM gap; it runs at its next fire time",
                        jobKey(i, partitions), e);
            }
        }
    }

    static JobKey jobKey(int index, int count) {
        return JobKey.jobKey("partition-" + index + "of" + count, GROUP);
    }

    /** A host's data source as a Quartz connection provider; the host closes it, not Quartz. */
    private static final class HostDataSource implements ConnectionProvider {
        private final DataSource dataSource;

        HostDataSource(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public void initialize() {
        }
    }
}

package org.tasksync.cluster.quartz;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.tasksync.core.settings.PropertyReader;

/**
 * How one node of a tasksync cluster runs: the number of mailbox partitions, the node's id, how
 * long its mailbox leases last, and the Quartz properties ({@code org.quartz.*}) that pass through
 * to Quartz. Immutable; built with {@link #builder()} or read with {@link #fromProperties}, each
 * value checked at once, every error naming the key and the value.
 *
 * <p>Every node of a cluster needs the same partition count and the same Quartz scheduler name and
 * database; only the node id differs. See {@code docs/scale-out.md} for every key.
 */
public final class ClusterSettings {

    /** Prefix of this module's own keys; other keys of the prefix are refused, so a typo fails. */
    public static final String PREFIX = "tasksync.cluster.";
    public static final String PARTITIONS = PREFIX + "partitions";
    public static final String NODE_ID = PREFIX + "node-id";
    public static final String LEASE_DURATION_SECONDS = PREFIX + "lease-duration-seconds";
    public static final String CREATE_QUARTZ_TABLES = PREFIX + "create-quartz-tables";
    /** Every {@code tasksync.cluster.*} key {@link #fromProperties} reads. */
    public static final List<String> KEYS = List.of(PARTITIONS, NODE_ID, LEASE_DURATION_SECONDS, CREATE_QUARTZ_TABLES);

    /** Prefix of the keys that pass through to Quartz. */
    public static final String QUARTZ_PREFIX = "org.quartz.";
    static final String INSTANCE_NAME = "org.quartz.scheduler.instanceName";
    static final String INSTANCE_ID = "org.quartz.scheduler.instanceId";
    static final String JOB_STORE_CLASS = "org.quartz.jobStore.class";
    static final String DELEGATE = "org.quartz.jobStore.driverDelegateClass";
    static final String CLUSTERED = "org.quartz.jobStore.isClustered";
    static final String USE_PROPERTIES = "org.quartz.jobStore.useProperties";
    static final String JOB_STORE_DATA_SOURCE = "org.quartz.jobStore.dataSource";
    static final String TABLE_PREFIX = "org.quartz.jobStore.tablePrefix";
    static final String THREAD_COUNT = "org.quartz.threadPool.threadCount";
    static final String DATA_SOURCE_PREFIX = "org.quartz.dataSource.";

    public static final int DEFAULT_PARTITIONS = 8;
    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofMinutes(10);
    public static final String DEFAULT_INSTANCE_NAME = "tasksync";
    static final String DEFAULT_TABLE_PREFIX = "QRTZ_";
    static final int MAX_PARTITIONS = 10_000;
    private static final Set<String> JDBC_JOB_STORES = Set.of("org.quartz.impl.jdbcjobstore.JobStoreTX",
            "org.quartz.impl.jdbcjobstore.JobStoreCMT");
    private static final Pattern NODE_ID_PATTERN = Pattern.compile("[A-Za-z0-9._:@-]{1,100}");

    private final int partitions;
    private final String nodeId;
    private final Duration leaseDuration;
    private final boolean createQuartzTables;
    private final Map<String, String> quartz;

    private ClusterSettings(Builder b) {
        this.partitions = b.partitions;
        this.nodeId = b.nodeId;
        this.leaseDuration = b.leaseDuration;
        this.createQuartzTables = b.createQuartzTables;
        this.quartz = Map.copyOf(b.quartz);
    }

    public static ClusterSettings ofDefaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the {@code tasksync.cluster.*} keys and passes every {@code org.quartz.*} key through;
     * other keys (the engine's {@code tasksync.*} settings, anything else) are left to their
     * readers, so one file can hold them all.
     *
     * @throws IllegalArgumentException for an unknown {@code tasksync.cluster.*} key or a bad value,
     *                                  naming the key and the value
     */
    public static ClusterSettings fromProperties(Properties p) {
        PropertyReader r = PropertyReader.of(p, "cluster", "docs/scale-out.md").keys(KEYS).owns(List.of(PREFIX))
                .prefixes(List.of(QUARTZ_PREFIX)).rejectUnknown();
        Builder b = builder();
        r.integer(PARTITIONS).ifPresent(b::partitions);
        r.string(NODE_ID).ifPresent(b::nodeId);
        r.duration(LEASE_DURATION_SECONDS, ChronoUnit.SECONDS).ifPresent(b::leaseDuration);
        r.bool(CREATE_QUARTZ_TABLES).ifPresent(b::createQuartzTables);
        new TreeMap<>(r.under(QUARTZ_PREFIX)).forEach(b::quartz);
        return b.build();
    }

    /** How many partitions the mailboxes are spread over; one Quartz job each. */
    public int partitions() { return partitions; }

    /** The node id set explicitly; empty when it is Quartz's instance id (which may be generated). */
    public Optional<String> nodeId() { return Optional.ofNullable(nodeId); }

    /** How long a mailbox lease of this node lasts unless renewed. */
    public Duration leaseDuration() { return leaseDuration; }

    /** Whether a node creates Quartz's tables from the DDL in the Quartz jar when they are missing. */
    public boolean createQuartzTables() { return createQuartzTables; }

    /** The {@code org.quartz.*} values given, before the module's defaults are added. */
    public Map<String, String> quartzOverrides() { return quartz; }

    /**
     * The properties Quartz is started with: the module's defaults (a clustered JDBC job store on
     * PostgreSQL), then the values given. {@code dataSourceName} (may be null) is the name of a
     * data source the node registered itself.
     */
    Properties quartzProperties(String dataSourceName) {
        Properties p = new Properties();
        p.setProperty(INSTANCE_NAME, DEFAULT_INSTANCE_NAME);
        p.setProperty(INSTANCE_ID, nodeId != null ? nodeId : "AUTO");
        p.setProperty(JOB_STORE_CLASS, "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty(DELEGATE, "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty(CLUSTERED, "true");
        p.setProperty(USE_PROPERTIES, "true");
        p.setProperty(THREAD_COUNT, String.valueOf(Math.min(partitions, 4)));
        quartz.forEach(p::setProperty);
        if (dataSourceName != null) {
            p.setProperty(JOB_STORE_DATA_SOURCE, dataSourceName);
        }
        // Quartz pools a data source defined by URL with c3p0 unless told otherwise; this module ships HikariCP
        for (String key : quartz.keySet()) {
            if (key.startsWith(DATA_SOURCE_PREFIX) && key.endsWith(".URL")) {
                String ds = key.substring(0, key.length() - ".URL".length());
                if (!quartz.containsKey(ds + ".provider") && !quartz.containsKey(ds + ".connectionProvider.class")) {
                    p.setProperty(ds + ".provider", "hikaricp");
                }
            }
        }
        return p;
    }

    /** The Quartz table prefix in effect. */
    String tablePrefix() {
        return quartz.getOrDefault(TABLE_PREFIX, DEFAULT_TABLE_PREFIX);
    }

    @Override
    public String toString() {
        // Quartz properties may hold a database password: only their keys are shown
        return "ClusterSettings{partitions=" + partitions + ", nodeId=" + nodeId + ", leaseDuration=" + leaseDuration
                + ", createQuartzTables=" + createQuartzTables + ", quartzKeys=" + new TreeMap<>(quartz).keySet() + "}";
    }

    /** Builds {@link ClusterSettings}; each setter checks its value at once. */
    public static final class Builder {
        private int partitions = DEFAULT_PARTITIONS;
        private String nodeId;
        private Duration leaseDuration = DEFAULT_LEASE_DURATION;
        private boolean createQuartzTables = true;
        private final Map<String, String> quartz = new TreeMap<>();

        private Builder() {
        }

        /** @throws IllegalArgumentException unless between 1 and 10000 */
        public Builder partitions(int v) {
            partitions = PropertyReader.checkBetween(PARTITIONS, v, 1, MAX_PARTITIONS);
            return this;
        }

        /**
         * The node's id: the owner of its mailbox leases and, unless set separately, its Quartz
         * instance id. Unique among the running nodes.
         *
         * @throws IllegalArgumentException unless 1 to 100 characters of letters, digits and {@code . _ : @ -}
         */
        public Builder nodeId(String v) {
            if (v == null || !NODE_ID_PATTERN.matcher(v).matches()) {
                throw PropertyReader.invalid(NODE_ID, "1 to 100 characters of letters, digits and . _ : @ -", v);
            }
            nodeId = v;
            return this;
        }

        /** @throws IllegalArgumentException unless between 1 second and 1 day */
        public Builder leaseDuration(Duration v) {
            if (v == null || v.compareTo(Duration.ofSeconds(1)) < 0 || v.compareTo(Duration.ofDays(1)) > 0) {
                throw PropertyReader.invalid(LEASE_DURATION_SECONDS, "between 1 and 86400 seconds",
                        v == null ? null : v.getSeconds() + (v.getNano() == 0 ? "" : " and a fraction"));
            }
            leaseDuration = v;
            return this;
        }

        public Builder createQuartzTables(boolean v) {
            createQuartzTables = v;
            return this;
        }

        /**
         * A Quartz property, passed through. The ones this module depends on are checked: the job
         * store must stay a clustered JDBC job store.
         *
         * @throws IllegalArgumentException for a key outside {@code org.quartz.}, or a value that
         *                                  would turn clustering off
         */
        public Builder quartz(String key, String value) {
            Objects.requireNonNull(key, "key");
            if (!key.startsWith(QUARTZ_PREFIX)) {
                throw new IllegalArgumentException(key + " is not a Quartz property (they start with " + QUARTZ_PREFIX
                        + "), value '" + value + "'");
            }
            if (value == null) {
                throw new IllegalArgumentException(key + " must have a value, was null");
            }
            String v = value.trim();
            switch (key) {
                case CLUSTERED -> {
                    if (!v.equalsIgnoreCase("true")) {
                        throw PropertyReader.invalid(key, "true: every node runs its own scheduler on the shared database,"
                                + " which only a clustered job store coordinates", value);
                    }
                }
                case JOB_STORE_CLASS -> {
                    if (!JDBC_JOB_STORES.contains(v)) {
                        throw PropertyReader.invalid(key, "a JDBC job store (" + JDBC_JOB_STORES + ")", value);
                    }
                }
                case THREAD_COUNT -> {
                    int n;
                    try {
                        n = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        throw PropertyReader.invalid(key, "a whole number", value);
                    }
                    PropertyReader.checkAtLeast(key, n, 1);
                }
                case INSTANCE_NAME, INSTANCE_ID, TABLE_PREFIX -> {
                    if (v.isEmpty()) {
                        throw PropertyReader.invalid(key, "not empty", value);
                    }
                }
                default -> {
                }
            }
            quartz.put(key, v);
            return this;
        }

        /**
         * @throws IllegalArgumentException when {@code tasksync.cluster.node-id} and
         *                                  {@code org.quartz.scheduler.instanceId} are both set and differ,
         *                                  or Quartz's table prefix is not a plain identifier while this
         *                                  module creates the tables
         */
        public ClusterSettings build() {
            String instanceId = quartz.get(INSTANCE_ID);
            if (nodeId != null && instanceId != null && !instanceId.equals(nodeId)) {
                throw new IllegalArgumentException(NODE_ID + " '" + nodeId + "' and " + INSTANCE_ID + " '" + instanceId
                        + "' differ: set one of them (the other follows)");
            }
            if (nodeId == null && instanceId != null && !instanceId.equals("AUTO")
                    && !NODE_ID_PATTERN.matcher(instanceId).matches()) {
                throw PropertyReader.invalid(INSTANCE_ID, "1 to 100 characters of letters, digits and . _ : @ - (it is"
                        + " also the node id)", instanceId);
            }
            String prefix = quartz.getOrDefault(TABLE_PREFIX, DEFAULT_TABLE_PREFIX);
            if (createQuartzTables && !prefix.matches("[A-Za-z_][A-Za-z0-9_]{0,39}")) {
                throw PropertyReader.invalid(TABLE_PREFIX, "a plain SQL identifier of at most 40 characters when "
                        + CREATE_QUARTZ_TABLES + " is true", prefix);
            }
            if (quartz.containsKey(DELEGATE) && createQuartzTables
                    && !quartz.get(DELEGATE).toLowerCase(Locale.ROOT).contains("postgres")) {
                throw PropertyReader.invalid(DELEGATE, "Quartz's PostgreSQL delegate when " + CREATE_QUARTZ_TABLES
                        + " is true (the tables are made for PostgreSQL)", quartz.get(DELEGATE));
            }
            return new ClusterSettings(this);
        }
    }
}

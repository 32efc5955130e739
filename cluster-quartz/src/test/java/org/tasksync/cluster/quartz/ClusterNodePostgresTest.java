package org.tasksync.cluster.quartz;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quartz.JobKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.MailboxPartition;
import org.tasksync.core.MailboxReport;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.SyncStateStore;
import org.tasksync.core.state.JdbcSyncStateStore;
import org.tasksync.adapter.ews.EwsConfig;
import org.tasksync.adapter.ews.EwsExchangeAdapter;
import org.tasksync.testkit.ews.EwsSimulator;
import org.tasksync.testkit.ews.ExtendedPropertyKey;
import org.tasksync.testkit.ews.OutlookTask;
import org.tasksync.testkit.inmemory.InMemoryCrm;

/**
 * Nodes of a tasksync cluster, each a Quartz scheduler of its own, sharing a real PostgreSQL
 * (Quartz's tables and the engine's state store), one CRM and one Exchange: the EWS simulator,
 * which each node reaches through an EWS adapter of its own (the real ews-java-api over HTTP).
 * Triggers fire every second or two through the test-only interval; nothing waits on the wall clock
 * but bounded polling for conditions a user would look for.
 */
class ClusterNodePostgresTest {

    private static final Logger log = LoggerFactory.getLogger(ClusterNodePostgresTest.class);
    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    private static final int PARTITIONS = 6;
    private static final int MAILBOXES = 18;
    private static final LocalDate TODAY = LocalDate.now(ZoneId.of("Europe/Vienna"));
    private static EmbeddedPostgres postgres;

    private final InMemoryCrm crm = new InMemoryCrm(Clock.systemUTC());
    private static final String EWS_USER = "svc-tasksync";
    private static final String EWS_PASSWORD = "Pa55-w0rd!for-EWS";
    private static final ExtendedPropertyKey CRM_ID = ExtendedPropertyKey.named(EwsExchangeAdapter.PROPERTY_SET_ID,
            EwsExchangeAdapter.CRM_ID_PROPERTY);

    private final SharedExchange shared = new SharedExchange();
    private EwsSimulator ews;
    private final List<ClusterNode> nodes = Collections.synchronizedList(new ArrayList<>());
    private final List<HikariDataSource> pools = Collections.synchronizedList(new ArrayList<>());
    private final List<Cycle> cycles = Collections.synchronizedList(new ArrayList<>());
    private String schema;
    private String url;
    private HikariDataSource testPool;

    /** A partition cycle that a node finished, with its report. */
    record Cycle(String node, MailboxPartition partition, SyncReport report) {
    }

    @BeforeAll
    static void startPostgres() throws Exception {
        // the server must answer within this (the library's default, 10 s, is short on a loaded machine)
        postgres = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofMinutes(2)).start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @BeforeEach
    void freshSchema() throws SQLException {
        schema = "cluster_" + SCHEMAS.incrementAndGet();
        admin("CREATE SCHEMA " + schema);
        url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres?currentSchema=" + schema;
        testPool = pool("test", 2);
        ews = EwsSimulator.builder().basicAuth(EWS_USER, EWS_PASSWORD).rejectUnknownMailboxes().start();
        for (int i = 0; i < MAILBOXES; i++) {
            ews.registerMailbox(mailbox(i));
            crm.putRep(new Rep("r" + i, "Rep " + i, mailbox(i), ZoneId.of("Europe/Vienna"), true));
            for (int t = 0; t < 2; t++) {
                crm.upsertTask(CrmTask.builder("A1:" + i + "-" + t).repId("r" + i).subject("Call customer " + i)
                        .dueDate(TODAY.plusDays(3)).status("Open").priority("Normal").build());
            }
        }
    }

    @AfterEach
    void stopEverything() throws SQLException {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        synchronized (nodes) {
            for (ClusterNode n : nodes) {
                closing.add(CompletableFuture.runAsync(n::close));
            }
        }
        closing.forEach(CompletableFuture::join);
        synchronized (pools) {
            pools.forEach(HikariDataSource::close);
        }
        admin("DROP SCHEMA " + schema + " CASCADE");
        ews.close();
        ews.assertNoResponseErrors();
        assertThat(ews.requestValidationErrors()).as("requests the adapters sent").isEmpty();
    }

    /** Node {@code id}, with an EWS adapter of its own, as a separate process would have. */
    private SharedExchange.Node node(String id) {
        return shared.node(id, EwsExchangeAdapter.create(EwsConfig.builder().url(ews.url())
                .credentials(EWS_USER, EWS_PASSWORD).timeout(Duration.ofSeconds(20)).build()));
    }

    private List<OutlookTask> outlook(String mailbox) {
        return ews.outlook(mailbox).tasks();
    }

    private static String crmId(OutlookTask t) {
        return t.extended(CRM_ID).orElse(null);
    }

    /** The rep sets a status in Outlook on the task of {@code crmTaskId}. */
    private void setStatusInOutlook(String mailbox, String crmTaskId, String status) {
        OutlookTask t = ews.outlook(mailbox).tasksWith(CRM_ID, crmTaskId).get(0);
        ews.outlook(mailbox).setStatus(t.itemId(), status);
    }

    /**
     * No mailbox was worked on by two nodes at once: no connection of one node overlapped another's,
     * and the simulator never had two requests for one mailbox in flight.
     */
    private void assertNoMailboxSharedAtOnce() {
        assertThat(shared.overlaps()).isEmpty();
        for (int i = 0; i < MAILBOXES; i++) {
            assertThat(ews.traffic().maxInFlight(mailbox(i))).as("requests in flight at once for %s", mailbox(i))
                    .isLessThanOrEqualTo(1);
        }
    }

    private static void admin(String sql) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static String mailbox(int i) {
        return "rep" + i + "@example.com";
    }

    private HikariDataSource pool(String name, int size) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url);
        cfg.setUsername("postgres");
        cfg.setMaximumPoolSize(size);
        cfg.setPoolName(schema + "-" + name);
        HikariDataSource ds = new HikariDataSource(cfg);
        pools.add(ds);
        return ds;
    }

    /** The properties of a node whose Quartz database is defined in them, as an operator would write them. */
    private Properties properties(String nodeId, Duration lease) {
        Properties p = new Properties();
        p.setProperty("tasksync.tasks.interval-minutes", "1");
        p.setProperty("tasksync.cluster.partitions", String.valueOf(PARTITIONS));
        p.setProperty("tasksync.cluster.node-id", nodeId);
        p.setProperty("tasksync.cluster.lease-duration-seconds", String.valueOf(lease.toSeconds()));
        // several nodes in one JVM: each needs a data source name of its own
        String ds = "quartz_" + nodeId.replace('-', '_');
        p.setProperty("org.quartz.jobStore.dataSource", ds);
        p.setProperty("org.quartz.dataSource." + ds + ".driver", "org.postgresql.Driver");
        p.setProperty("org.quartz.dataSource." + ds + ".URL", url);
        p.setProperty("org.quartz.dataSource." + ds + ".user", "postgres");
        p.setProperty("org.quartz.dataSource." + ds + ".password", "");
        p.setProperty("org.quartz.dataSource." + ds + ".maxConnections", "4");
        p.setProperty("org.quartz.threadPool.threadCount", "2");
        // a dead node is noticed within seconds, and idle nodes look for due triggers every second
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", "1000");
        p.setProperty("org.quartz.scheduler.idleWaitTime", "1000");
        // a fire more than a second late counts as missed, as a minute late does with real intervals
        p.setProperty("org.quartz.jobStore.misfireThreshold", "1000");
        return p;
    }

    private ClusterNode start(SharedExchange.Node view, Properties p, Duration interval) {
        SyncStateStore store = view.store(JdbcSyncStateStore.builder(pool(view.id, 3)).build());
        SyncEngine.Builder engine = SyncEngine.builder().crm(crm).exchange(view.exchange()).stateStore(store)
                .settings(SyncSettings.fromProperties(p)).clock(Clock.systemUTC());
        ClusterNode node = ClusterNode.builder(engine).properties(p).intervalForTests(interval)
                .onReport((partition, report) -> cycles.add(new Cycle(view.id, partition, report)))
                .start();
        nodes.add(node);
        return node;
    }

    /** Waits, boundedly, for a condition; fails with {@code what} when it does not come. */
    private static void await(String what, Duration atMost, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + atMost + ": " + what);
            }
            Thread.sleep(100);
        }
    }

    private boolean everyMailboxHas(Map<Integer, Set<String>> expectedIds, String subject) {
        for (int i = 0; i < MAILBOXES; i++) {
            List<OutlookTask> tasks = outlook(mailbox(i));
            Set<String> ids = tasks.stream().map(ClusterNodePostgresTest::crmId).collect(Collectors.toSet());
            if (tasks.size() != ids.size() || !ids.equals(expectedIds.get(i))
                    || !tasks.stream().allMatch(t -> subject.equals(t.subject()))) {
                return false;
            }
        }
        return true;
    }

    private Map<Integer, Set<String>> crmIdsByMailbox() {
        Map<Integer, Set<String>> out = new TreeMap<>();
        for (int i = 0; i < MAILBOXES; i++) {
            out.put(i, new HashSet<>());
        }
        crm.tasks().values().forEach(t -> out.get(Integer.parseInt(t.repId().substring(1))).add(t.id()));
        return out;
    }

    private void editEveryTask(String subject) {
        crm.tasks().values().forEach(t -> crm.upsertTask(t.toBuilder().subject(subject).build()));
    }

    private Set<String> mailboxesOf(MailboxPartition p) {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < MAILBOXES; i++) {
            if (p.contains(mailbox(i))) {
                out.add(mailbox(i));
            }
        }
        return out;
    }

    private Set<String> pending() {
        return JdbcSyncStateStore.builder(testPool).build().pendingTaskIds();
    }

    // ------------------------------------------------------------------ three nodes at work

    @Test
    void threeNodesSyncEveryMailboxInEveryCycleOfItsPartitionAndNeverTwoAtOnce() throws Exception {
        Duration interval = Duration.ofMillis(1500);
        List<CompletableFuture<ClusterNode>> starting = new ArrayList<>();
        // started at once: Quartz's tables and the partition jobs are made exactly once all the same
        for (String id : List.of("node-a", "node-b", "node-c")) {
            starting.add(CompletableFuture.supplyAsync(() -> start(node(id), properties(id, Duration.ofSeconds(30)),
                    interval)));
        }
        starting.forEach(CompletableFuture::join);
        assertThat(partitionJobs()).hasSize(PARTITIONS);

        Map<Integer, Set<String>> expected = crmIdsByMailbox();
        await("every task in its rep's Outlook", Duration.ofMinutes(1),
                () -> everyMailboxSubjectsStartWith("Call customer"));
        for (int round = 1; round <= 2; round++) {
            String subject = "Round " + round;
            String status = round == 1 ? "InProgress" : "Completed";
            String crmStatus = round == 1 ? "In Progress" : "Completed";
            editEveryTask(subject);
            for (int i = 0; i < MAILBOXES; i++) {
                setStatusInOutlook(mailbox(i), "A1:" + i + "-0", status);
            }
            await(subject + " in every mailbox and every Outlook status in the CRM", Duration.ofMinutes(1),
                    () -> everyMailboxHas(expected, subject) && allFirstTasksHave(crmStatus));
        }
        int seen = cycles.size();
        await("two more cycles of every partition", Duration.ofMinutes(1), () -> {
            Map<MailboxPartition, Long> n = cyclesSince(seen);
            return n.size() == PARTITIONS && n.values().stream().allMatch(c -> c >= 2);
        });

        List<Cycle> all;
        synchronized (cycles) {
            all = List.copyOf(cycles);
        }
        for (Cycle c : all) {
            // each cycle of a partition synced every mailbox of the partition: none deferred, none failed
            assertThat(c.report().mailboxes()).extracting(MailboxReport::mailbox)
                    .as("mailboxes of %s on %s", c.partition(), c.node())
                    .containsExactlyInAnyOrderElementsOf(mailboxesOf(c.partition()));
            assertThat(c.report().deferredMailboxes()).as("deferred in %s", c).isEmpty();
            assertThat(c.report().failedMailboxes()).as("failed in %s", c).isEmpty();
            assertThat(c.report().cycleError()).isNull();
        }
        assertNoMailboxSharedAtOnce();
        assertThat(pending()).isEmpty();
        Map<String, Long> perNode = all.stream().collect(Collectors.groupingBy(Cycle::node, TreeMap::new,
                Collectors.counting()));
        log.info("cycles per node: {}", perNode);
    }

    private boolean everyMailboxSubjectsStartWith(String prefix) {
        Map<Integer, Set<String>> expected = crmIdsByMailbox();
        for (int i = 0; i < MAILBOXES; i++) {
            List<OutlookTask> tasks = outlook(mailbox(i));
            Set<String> ids = tasks.stream().map(ClusterNodePostgresTest::crmId).collect(Collectors.toSet());
            if (tasks.size() != ids.size() || !ids.equals(expected.get(i))
                    || !tasks.stream().allMatch(t -> t.subject().startsWith(prefix))) {
                return false;
            }
        }
        return true;
    }

    private boolean allFirstTasksHave(String crmStatus) {
        for (int i = 0; i < MAILBOXES; i++) {
            String id = "A1:" + i + "-0";
            if (!crmStatus.equals(crm.task(id).orElseThrow().status())) {
                return false;
            }
        }
        return true;
    }

    private Map<MailboxPartition, Long> cyclesSince(int index) {
        synchronized (cycles) {
            return cycles.subList(index, cycles.size()).stream()
                    .collect(Collectors.groupingBy(Cycle::partition, Collectors.counting()));
        }
    }

    private Set<String> partitionJobs() throws Exception {
        ClusterNode any = nodes.get(0);
        return any.scheduler().getJobKeys(GroupMatcher.jobGroupEquals(ClusterNode.GROUP)).stream()
                .map(JobKey::getName).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    // ------------------------------------------------------------------ a node that stops abruptly

    @Test
    void aNodeStoppedAbruptlyMidCycleHasItsMailboxesSyncedByTheOthersOnceItsLeasesExpire() throws Exception {
        // Long enough for Quartz to count node c as failed (about 9 s after its last check-in) and for
        // another node to run a whole cycle of the partition on a slow, loaded machine: the deferral
        // below can only be seen while node c's lease on the held mailbox still runs.
        Duration lease = Duration.ofSeconds(60);
        Duration interval = Duration.ofSeconds(1);
        SharedExchange.Node a = node("node-a");
        SharedExchange.Node b = node("node-b");
        SharedExchange.Node c = node("node-c");
        // node c goes first, so that it has work when it is stopped
        ClusterNode nodeC = start(c, properties(c.id, lease), interval);
        start(a, properties(a.id, lease), interval);
        start(b, properties(b.id, lease), interval);
        await("every task in its rep's Outlook", Duration.ofMinutes(1),
                () -> everyMailboxSubjectsStartWith("Call customer"));

        // node c stops in the middle of a cycle, holding the leases of the mailboxes it began
        c.holdNextChangeRead();
        String held = c.awaitHeld();
        MailboxPartition partition = MailboxPartition.of(MailboxPartition.partitionOf(held, PARTITIONS), PARTITIONS);
        // meanwhile the CRM and the reps go on: edits, new tasks, Outlook status changes
        editEveryTask("After the stop");
        for (String mb : mailboxesOf(partition)) {
            int i = Integer.parseInt(mb.substring(3, mb.indexOf('@')));
            crm.upsertTask(CrmTask.builder("A1:" + i + "-new").repId("r" + i).subject("After the stop")
                    .dueDate(TODAY.plusDays(5)).status("Open").priority("High").build());
        }
        Set<String> completedInOutlook = new HashSet<>();
        for (int i = 0; i < MAILBOXES; i++) {
            setStatusInOutlook(mailbox(i), "A1:" + i + "-0", "Completed");
            completedInOutlook.add("A1:" + i + "-0");
        }
        // its scheduler goes without waiting for anything; Quartz soon counts the node as failed
        nodeC.scheduler().shutdown(false);
        nodes.remove(nodeC);

        // the others run the partition, but leave the mailboxes whose leases node c still holds
        // (a cycle that starts before the lease expires defers it, whenever it reports)
        await("another node defers " + held + " while node c still holds it", lease,
                () -> cycleOf(partition, cyc -> !cyc.node().equals(c.id)
                        && cyc.report().mailbox(held).map(MailboxReport::deferred).orElse(false)));
        assertThat(outlook(held)).noneMatch(t -> "After the stop".equals(t.subject()));

        // now node c's engine drops dead mid-cycle: its leases are never released
        c.die();
        Map<Integer, Set<String>> expected = crmIdsByMailbox();
        await("every mailbox synced by the other nodes within the lease time", lease.plusSeconds(30),
                () -> everyMailboxHas(expected, "After the stop") && completedInOutlook.stream()
                        .allMatch(id -> "Completed".equals(crm.task(id).orElseThrow().status())));
        await("nothing left pending", Duration.ofSeconds(30), () -> pending().isEmpty());

        // the cycle that wrote the last change reports once it has finished: wait for its report too
        await("a cycle of another node that synced " + held, Duration.ofSeconds(30),
                () -> cycleOf(partition, cyc -> !cyc.node().equals(c.id) && cyc.report().mailbox(held)
                        .map(m -> !m.deferred() && !m.failed()).orElse(false)));
        assertNoMailboxSharedAtOnce();
        for (int i = 0; i < MAILBOXES; i++) {
            assertThat(outlook(mailbox(i))).extracting(ClusterNodePostgresTest::crmId).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(expected.get(i));
        }
    }

    private boolean cycleOf(MailboxPartition partition, java.util.function.Predicate<Cycle> test) {
        synchronized (cycles) {
            return cycles.stream().filter(cyc -> cyc.partition().equals(partition)).anyMatch(test);
        }
    }

    // ------------------------------------------------------------------ graceful stop, layout

    @Test
    void closingANodeLetsTheCycleInFlightFinishAndReleaseItsLeases() throws Exception {
        SharedExchange.Node a = node("node-a");
        Properties p = properties(a.id, Duration.ofMinutes(10));
        p.remove("org.quartz.jobStore.dataSource");
        p.stringPropertyNames().stream().filter(k -> k.startsWith("org.quartz.dataSource.")).forEach(p::remove);
        SyncStateStore store = a.store(JdbcSyncStateStore.builder(pool(a.id, 3)).build());
        // this node gets its Quartz database as a DataSource from the host
        ClusterNode node = ClusterNode.builder(SyncEngine.builder().crm(crm).exchange(a.exchange()).stateStore(store)
                        .settings(SyncSettings.fromProperties(p)).clock(Clock.systemUTC()))
                .properties(p).dataSource(pool("quartz", 4)).intervalForTests(Duration.ofSeconds(1))
                .onReport((partition, report) -> cycles.add(new Cycle(a.id, partition, report)))
                .start();
        nodes.add(node);
        assertThat(node.nodeId()).isEqualTo("node-a");
        assertThat(node.isRunning()).isTrue();
        a.holdNextChangeRead();
        String held = a.awaitHeld();
        MailboxPartition partition = MailboxPartition.of(MailboxPartition.partitionOf(held, PARTITIONS), PARTITIONS);
        int before = cycles.size();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(node::close);
        Thread.sleep(500);
        assertThat(closing).as("close waits for the cycle in flight").isNotDone();
        a.resume();
        closing.get(1, TimeUnit.MINUTES);

        assertThat(node.isRunning()).isFalse();
        List<Cycle> after;
        synchronized (cycles) {
            after = List.copyOf(cycles.subList(before, cycles.size()));
        }
        assertThat(after).anySatisfy(cyc -> {
            assertThat(cyc.partition()).isEqualTo(partition);
            assertThat(cyc.report().mailbox(held)).get().satisfies(m -> assertThat(m.failed() || m.deferred()).isFalse());
        });
        SyncStateStore check = JdbcSyncStateStore.builder(testPool).build();
        for (int i = 0; i < MAILBOXES; i++) {
            assertThat(check.tryLease(mailbox(i), "node-x", java.time.Instant.now(), Duration.ofSeconds(5)))
                    .as("lease of %s is free", mailbox(i)).isTrue();
        }
        node.close(); // a second close does nothing
    }

    @Test
    void theNodeStartedLastSetsThePartitionLayoutAndTheTablesAreMadeOnce() throws Exception {
        Properties four = properties("node-a", Duration.ofMinutes(10));
        four.setProperty("tasksync.cluster.partitions", "4");
        ClusterNode first = start(node("node-a"), four, Duration.ofSeconds(30));
        assertThat(partitionJobs()).containsExactly("partition-0of4", "partition-1of4", "partition-2of4",
                "partition-3of4");
        assertThat(quartzTables()).hasSize(QuartzTables.TABLES.size());
        first.close();
        nodes.remove(first);

        ClusterNode second = start(node("node-b"), properties("node-b", Duration.ofMinutes(10)),
                Duration.ofSeconds(20));
        assertThat(second.scheduler().getJobKeys(GroupMatcher.jobGroupEquals(ClusterNode.GROUP)))
                .extracting(JobKey::getName)
                .containsExactlyInAnyOrder("partition-0of6", "partition-1of6", "partition-2of6", "partition-3of6",
                        "partition-4of6", "partition-5of6");
        assertThat(((org.quartz.SimpleTrigger) second.scheduler().getTrigger(
                org.quartz.TriggerKey.triggerKey("partition-0of6", ClusterNode.GROUP))).getRepeatInterval())
                .isEqualTo(20_000);
        assertThat(second.scheduler().getMetaData().isJobStoreClustered()).isTrue();
        assertThat(second.scheduler().getMetaData().getJobStoreClass().getName())
                .isEqualTo("org.quartz.impl.jdbcjobstore.JobStoreTX");
        assertThat(quartzTables()).hasSize(QuartzTables.TABLES.size());
    }

    @Test
    void eachNodesLiveSyncWatchesOnlyThePartitionsItRunsAndLeasesStillHold() throws Exception {
        Duration interval = Duration.ofSeconds(2);
        Map<String, HintingExchange> feeds = new TreeMap<>();
        for (String id : List.of("node-a", "node-b")) {
            Properties p = properties(id, Duration.ofSeconds(30));
            p.setProperty("tasksync.live.enabled", "true");
            p.setProperty("tasksync.live.quiet-period-ms", "100");
            p.setProperty("tasksync.live.max-delay-ms", "300");
            SharedExchange.Node view = node(id);
            HintingExchange feed = new HintingExchange(view.exchange());
            feeds.put(id, feed);
            SyncStateStore store = view.store(JdbcSyncStateStore.builder(pool(view.id, 3)).build());
            nodes.add(ClusterNode.builder(SyncEngine.builder().crm(crm).exchange(feed).stateStore(store)
                            .settings(SyncSettings.fromProperties(p)).clock(Clock.systemUTC()))
                    .properties(p).intervalForTests(interval)
                    .onReport((partition, report) -> cycles.add(new Cycle(view.id, partition, report)))
                    .start());
        }
        assertThat(nodes).allSatisfy(n -> assertThat(n.liveSync()).isPresent());
        Set<String> all = new java.util.TreeSet<>();
        for (int i = 0; i < MAILBOXES; i++) {
            all.add(mailbox(i));
        }
        await("every mailbox watched by some node", Duration.ofMinutes(1), () -> {
            Set<String> union = new java.util.TreeSet<>();
            feeds.values().forEach(f -> union.addAll(f.watched()));
            return union.equals(all) && everyMailboxSubjectsStartWith("Call customer");
        });

        // a node watches only mailboxes of partitions it ran itself (the watch set follows a partition's
        // cycle before the test's onReport hears of it, so the two are compared until they agree)
        for (Map.Entry<String, HintingExchange> e : feeds.entrySet()) {
            await("mailboxes " + e.getKey() + " watches are all of partitions it ran", Duration.ofSeconds(30), () -> {
                Set<String> watched = new java.util.TreeSet<>(e.getValue().watched());
                Set<MailboxPartition> ran = new HashSet<>();
                synchronized (cycles) {
                    cycles.stream().filter(c -> c.node().equals(e.getKey())).forEach(c -> ran.add(c.partition()));
                }
                return watched.stream().allMatch(m -> ran.stream().anyMatch(p -> p.contains(m)));
            });
        }

        // a rep's status, hinted to every node that watches the mailbox, reaches the CRM once
        setStatusInOutlook(mailbox(0), "A1:0-0", "Completed");
        feeds.values().forEach(f -> f.hint(mailbox(0)));
        await("the rep's status in the CRM", Duration.ofMinutes(1),
                () -> "Completed".equals(crm.task("A1:0-0").orElseThrow().status()));
        assertNoMailboxSharedAtOnce();
    }

    /** A node's Exchange with a change feed the test fires; it reports a newly watched mailbox as a gap. */
    static final class HintingExchange implements org.tasksync.core.spi.ExchangeAdapter {
        private final org.tasksync.core.spi.ExchangeAdapter delegate;
        private volatile org.tasksync.core.spi.ExchangeChangeListener listener;
        private final Set<String> watched = Collections.synchronizedSet(new java.util.TreeSet<>());

        HintingExchange(org.tasksync.core.spi.ExchangeAdapter delegate) {
            this.delegate = delegate;
        }

        @Override
        public org.tasksync.core.spi.MailboxConnection connect(org.tasksync.core.model.Mailbox mailbox)
                throws org.tasksync.core.spi.MailboxException {
            return delegate.connect(mailbox);
        }

        @Override
        public java.util.Optional<org.tasksync.core.spi.ExchangeChangeFeed> changeFeed(
                org.tasksync.core.spi.ExchangeChangeListener l) {
            listener = l;
            return java.util.Optional.of(new org.tasksync.core.spi.ExchangeChangeFeed() {
                @Override
                public void watch(java.util.Collection<org.tasksync.core.model.Mailbox> mailboxes) {
                    Set<String> now = new java.util.TreeSet<>();
                    mailboxes.forEach(m -> now.add(m.address()));
                    List<String> added = now.stream().filter(m -> !watched.contains(m)).toList();
                    watched.retainAll(now);
                    watched.addAll(now);
                    added.forEach(m -> l.gap(m, "newly watched"));
                }

                @Override
                public void close() {
                    listener = null;
                }
            });
        }

        Set<String> watched() {
            synchronized (watched) {
                return Set.copyOf(watched);
            }
        }

        void hint(String mailbox) {
            org.tasksync.core.spi.ExchangeChangeListener l = listener;
            if (l != null && watched().contains(mailbox)) {
                l.changed(mailbox, List.of());
            }
        }
    }

    private List<String> quartzTables() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = testPool.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                     + schema + "' AND table_name LIKE 'qrtz!_%' ESCAPE '!'")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}

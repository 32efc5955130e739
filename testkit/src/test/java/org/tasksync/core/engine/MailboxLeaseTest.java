package org.tasksync.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tasksync.core.MailboxReport;
import org.tasksync.core.SkipReason;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.spi.ChangePage;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.core.spi.ExchangeTaskUpdate;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.SyncStateStore;
import org.tasksync.core.spi.WriteOutcome;
import org.tasksync.core.state.InMemorySyncStateStore;

/**
 * Scale-out with mailbox leases: engines on several nodes share one state store, one CRM and one
 * Exchange, their cycles overlap, and still no mailbox is worked on by two of them at once; a node
 * that dies keeps its mailboxes only until its leases expire, and nothing is lost or duplicated.
 */
class MailboxLeaseTest {

    private static final int MAILBOXES = 6;
    private static final Duration LEASE = Duration.ofMinutes(5);

    private final Fixture f = new Fixture(SyncSettings.builder().pastDays(30).futureDays(60).mailboxParallelism(1)
            .build());
    private final MailboxOverlaps overlaps = new MailboxOverlaps();
    private final ExecutorService background = Executors.newSingleThreadExecutor();

    MailboxLeaseTest() {
        for (int i = 0; i < MAILBOXES; i++) {
            f.rep("r" + i, mailbox(i));
            for (int t = 0; t < 3; t++) {
                f.task("A1:" + i + "-" + t, "r" + i);
            }
        }
    }

    @AfterEach
    void stopBackground() {
        background.shutdownNow();
    }

    private static String mailbox(int i) {
        return "rep" + i + "@example.com";
    }

    private SyncEngine node(String id, ExchangeAdapter exchange) {
        return SyncEngine.builder().crm(f.crm).exchange(exchange).stateStore(f.store).settings(f.settings)
                .clock(f.clock).node(id).leaseDuration(LEASE).build();
    }

    /** An Exchange whose change read of {@code mailbox} stops until {@code go} opens, once {@code armed}. */
    private ExchangeAdapter blockingOn(String engine, String mailbox, AtomicBoolean armed, CountDownLatch inside,
                                       CountDownLatch go) {
        return overlaps.exchangeFor(engine, f.exchange, mb -> {
            if (mb.address().equals(mailbox) && armed.getAndSet(false)) {
                inside.countDown();
                try {
                    assertThat(go.await(30, TimeUnit.SECONDS)).as("test released the blocked cycle").isTrue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
    }

    private void editEveryTask(String subject) {
        for (int i = 0; i < MAILBOXES; i++) {
            for (int t = 0; t < 3; t++) {
                f.editTask("A1:" + i + "-" + t, b -> b.subject(subject));
            }
        }
    }

    private void assertEveryTaskOnceWithSubject(String subject) {
        for (int i = 0; i < MAILBOXES; i++) {
            List<ExchangeTask> tasks = f.outlook(mailbox(i));
            assertThat(tasks).as("tasks in %s", mailbox(i)).hasSize(3);
            assertThat(tasks).extracting(ExchangeTask::crmId).doesNotHaveDuplicates();
            assertThat(tasks).allSatisfy(t -> assertThat(t.values().subject()).isEqualTo(subject));
        }
    }

    // ------------------------------------------------------------------ two live nodes

    @Test
    void aMailboxThatAnotherNodeIsWorkingOnIsLeftToItAndSyncedByItLater() throws Exception {
        AtomicBoolean armed = new AtomicBoolean();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        SyncEngine a = node("node-a", blockingOn("a", mailbox(0), armed, inside, go));
        SyncEngine b = node("node-b", overlaps.exchangeFor("b", f.exchange));
        f.later(Duration.ofSeconds(10));
        assertThat(a.runOnce().clean()).isTrue();
        editEveryTask("Second round");
        ExchangeTask rep0Task = f.outlookTask(mailbox(0), "A1:0-1");
        f.exchange.userSetStatus(mailbox(0), rep0Task.itemId(), ExchangeStatus.COMPLETED);
        f.later(Duration.ofSeconds(10));

        // node a's cycle stops inside mailbox rep0 (mailboxes go one at a time, in address order)
        armed.set(true);
        Future<SyncReport> aCycle = background.submit(() -> a.runOnce());
        assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
        SyncReport bReport = b.runOnce();

        MailboxReport rep0 = bReport.mailbox(mailbox(0)).orElseThrow();
        assertThat(rep0.deferred()).isTrue();
        assertThat(rep0.failed()).isFalse();
        assertThat(rep0.deferredReason()).contains("leased by another node");
        assertThat(rep0.skipped(SkipReason.MAILBOX_LEASED)).isEqualTo(3);
        assertThat(rep0.requests()).isZero();
        assertThat(bReport.deferredMailboxes()).extracting(MailboxReport::mailbox).containsExactly(mailbox(0));
        assertThat(bReport.failedMailboxes()).isEmpty();
        assertThat(bReport.toTable()).contains("deferred (" + mailbox(0) + "): leased by another node");
        // node b did the others, and left rep0's tasks pending for whoever holds rep0
        for (int i = 1; i < MAILBOXES; i++) {
            assertThat(f.outlook(mailbox(i))).allSatisfy(t -> assertThat(t.values().subject()).isEqualTo("Second round"));
        }
        assertThat(f.outlook(mailbox(0))).noneSatisfy(t -> assertThat(t.values().subject()).isEqualTo("Second round"));
        assertThat(f.store.pendingTaskIds()).contains("A1:0-0", "A1:0-1", "A1:0-2");

        go.countDown();
        SyncReport aReport = aCycle.get(30, TimeUnit.SECONDS);
        assertThat(aReport.deferredMailboxes()).isEmpty();
        assertThat(aReport.failedMailboxes()).isEmpty();
        assertEveryTaskOnceWithSubject("Second round");
        assertThat(f.crm.task("A1:0-1").orElseThrow().status()).isEqualTo("Completed");
        assertThat(overlaps.overlaps()).isEmpty();
        // both released what they held: either node may take any mailbox at once
        f.later(Duration.ofSeconds(1));
        for (int i = 0; i < MAILBOXES; i++) {
            assertThat(f.store.tryLease(mailbox(i), "node-c", f.clock.instant(), LEASE)).as(mailbox(i)).isTrue();
        }
    }

    /** What leases prevent: engines without node ids work on one mailbox at once. */
    @Test
    void withoutNodeIdsTwoEnginesDoWorkOnOneMailboxAtOnce() throws Exception {
        AtomicBoolean armed = new AtomicBoolean(true);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        SyncEngine a = SyncEngine.builder().crm(f.crm).exchange(blockingOn("a", mailbox(0), armed, inside, go))
                .stateStore(f.store).settings(f.settings).clock(f.clock).build();
        SyncEngine b = SyncEngine.builder().crm(f.crm).exchange(overlaps.exchangeFor("b", f.exchange))
                .stateStore(f.store).settings(f.settings).clock(f.clock).build();
        f.later(Duration.ofSeconds(10));

        Future<SyncReport> aCycle = background.submit(() -> a.runOnce());
        assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
        SyncReport bReport = b.runOnce();
        go.countDown();
        aCycle.get(30, TimeUnit.SECONDS);

        assertThat(bReport.deferredMailboxes()).isEmpty();
        assertThat(overlaps.overlaps()).contains(new MailboxOverlaps.Overlap(mailbox(0), "b", "a"));
    }

    @Test
    void twoNodesCyclingAtTheSameTimeNeverShareAMailboxAndAgreeInTheEnd() throws Exception {
        SyncEngine a = node("node-a", overlaps.exchangeFor("a", f.exchange, m -> Thread.yield()));
        SyncEngine b = node("node-b", overlaps.exchangeFor("b", f.exchange, m -> Thread.yield()));
        f.later(Duration.ofSeconds(10));
        assertThat(a.runOnce().clean()).isTrue();
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 8; round++) {
                editEveryTask("Round " + round);
                String mb = mailbox(round % MAILBOXES);
                f.exchange.userSetStatus(mb, f.exchange.tasks(mb).get(0).itemId(), ExchangeStatus.IN_PROGRESS);
                f.later(Duration.ofSeconds(10));
                CountDownLatch start = new CountDownLatch(1);
                Future<SyncReport> ra = two.submit(() -> { start.await(); return a.runOnce(); });
                Future<SyncReport> rb = two.submit(() -> { start.await(); return b.runOnce(); });
                start.countDown();
                assertThat(ra.get(1, TimeUnit.MINUTES).failedMailboxes()).isEmpty();
                assertThat(rb.get(1, TimeUnit.MINUTES).failedMailboxes()).isEmpty();
            }
        } finally {
            two.shutdownNow();
        }
        f.later(Duration.ofSeconds(10));
        assertThat(a.runOnce().deferredMailboxes()).isEmpty();

        assertThat(overlaps.overlaps()).isEmpty();
        assertEveryTaskOnceWithSubject("Round 7");
        assertThat(f.store.pendingTaskIds()).isEmpty();
        for (int i = 0; i < MAILBOXES; i++) {
            String first = f.exchange.tasks(mailbox(i)).get(0).crmId();
            assertThat(f.crm.task(first).orElseThrow().status()).as(first).isEqualTo("In Progress");
        }
    }

    // ------------------------------------------------------------------ the partition's end of cycle

    /**
     * Two cycles of one partition share its CRM cursor and pending set; their ends must not
     * interleave. A cycle whose end finds another owner's end-of-cycle lease leaves both as they
     * were (after a short wait), so the changes it read are read again, and nothing is lost.
     */
    @Test
    void aCycleWhoseEndMeetsAnotherCycleOfItsPartitionLeavesTheCursorAndLosesNothing() {
        SyncEngine a = node("node-a", overlaps.exchangeFor("a", f.exchange));
        f.later(Duration.ofSeconds(10));
        assertThat(a.runOnce().clean()).isTrue();
        String cursor = f.store.cursor(org.tasksync.core.internal.state.EngineState.CRM_CURSOR).orElseThrow();
        f.later(Duration.ofSeconds(10));
        // another node is in the middle of its end of a cycle of the same partition (all mailboxes)
        assertThat(f.store.tryLease("partition:all", "node-x", f.clock.instant(), LEASE)).isTrue();
        f.editTask("A1:1-0", b -> b.subject("Edited while x ends its cycle"));
        f.store.addPending(List.of("A1:2-0"));
        f.later(Duration.ofSeconds(10));

        SyncReport report = a.runOnce();

        assertThat(report.cycleError()).contains("end-of-cycle lease").contains("left as they were");
        assertThat(f.outlookTask(mailbox(1), "A1:1-0").values().subject()).isEqualTo("Edited while x ends its cycle");
        assertThat(f.store.cursor(org.tasksync.core.internal.state.EngineState.CRM_CURSOR)).contains(cursor);
        assertThat(f.store.pendingTaskIds()).contains("A1:2-0");

        // node x is done: the next cycle reads the change again, writes nothing twice, and moves on
        f.store.releaseLeases("node-x", List.of("partition:all"));
        f.later(Duration.ofSeconds(10));
        SyncReport next = a.runOnce();
        assertThat(next.clean()).isTrue();
        assertThat(next.updated()).isZero();
        assertThat(f.store.cursor(org.tasksync.core.internal.state.EngineState.CRM_CURSOR)).isPresent().get().isNotEqualTo(cursor);
        assertThat(f.store.pendingTaskIds()).isEmpty();
        // and the end-of-cycle lease was given back at once: any owner may take it
        assertThat(f.store.tryLease("partition:all", "node-y", f.clock.instant(), LEASE)).isTrue();
    }

    // ------------------------------------------------------------------ a node that dies

    @Test
    void aNodeThatDiesHoldingLeasesKeepsItsMailboxesOnlyUntilTheLeasesExpire() {
        AtomicBoolean armed = new AtomicBoolean();
        AtomicBoolean dead = new AtomicBoolean();
        SyncEngine a = node("node-a", dyingOnCreate(overlaps.exchangeFor("a", f.exchange), mailbox(2), armed, dead));
        SyncEngine b = node("node-b", overlaps.exchangeFor("b", f.exchange));
        f.later(Duration.ofSeconds(10));
        assertThat(a.runOnce().clean()).isTrue();
        f.task("A1:2-new", "r2");
        editEveryTask("Edited before the crash");
        f.later(Duration.ofSeconds(10));

        // node a dies right after Exchange created rep2's new task, before the link was saved
        armed.set(true);
        assertThatThrownBy(a::runOnce).isInstanceOf(CrashSwitch.Crash.class);
        assertThat(f.outlook(mailbox(2))).extracting(ExchangeTask::crmId).contains("A1:2-new");

        // the rep completes a task while node a's leases still run
        String rep4Item = f.outlookTask(mailbox(4), "A1:4-0").itemId();
        f.exchange.userSetStatus(mailbox(4), rep4Item, ExchangeStatus.COMPLETED);
        f.later(LEASE.minusSeconds(30));
        long requestsBefore = f.exchange.totalRequests();
        SyncReport early = b.runOnce();
        // node a had taken every mailbox; none is touched before its lease expires, none is an error
        assertThat(early.deferredMailboxes()).hasSize(MAILBOXES);
        assertThat(early.failedMailboxes()).isEmpty();
        assertThat(f.exchange.totalRequests()).isEqualTo(requestsBefore);
        assertThat(f.crm.task("A1:4-0").orElseThrow().status()).isEqualTo("Open");

        f.later(Duration.ofSeconds(31));
        SyncReport afterExpiry = b.runOnce();

        assertThat(afterExpiry.deferredMailboxes()).isEmpty();
        assertThat(afterExpiry.failedMailboxes()).isEmpty();
        assertThat(f.crm.task("A1:4-0").orElseThrow().status()).isEqualTo("Completed");
        assertThat(f.outlook(mailbox(2))).extracting(ExchangeTask::crmId)
                .containsExactlyInAnyOrder("A1:2-0", "A1:2-1", "A1:2-2", "A1:2-new");
        for (int i = 0; i < MAILBOXES; i++) {
            assertThat(f.outlook(mailbox(i))).extracting(ExchangeTask::crmId).doesNotHaveDuplicates();
            assertThat(f.outlook(mailbox(i)).stream().filter(t -> !t.crmId().endsWith("-new")))
                    .allSatisfy(t -> assertThat(t.values().subject()).isEqualTo("Edited before the crash"));
        }
        assertThat(f.store.pendingTaskIds()).isEmpty();
        assertThat(overlaps.overlaps()).isEmpty();
    }

    /**
     * Once {@code armed}, the first create in {@code mailbox} goes through and then the process
     * "dies": that call and every later one throw an {@link Error}, as nothing answers any more.
     */
    private static ExchangeAdapter dyingOnCreate(ExchangeAdapter d, String mailbox, AtomicBoolean armed,
                                                 AtomicBoolean dead) {
        return mb -> {
            if (dead.get()) {
                throw new CrashSwitch.Crash("connect after death");
            }
            MailboxConnection c = d.connect(mb);
            return new MailboxConnection() {
                private void alive() {
                    if (dead.get()) {
                        throw new CrashSwitch.Crash("a call after death");
                    }
                }

                public ChangePage changes(String cursor) throws MailboxException { alive(); return c.changes(cursor); }
                public List<WriteOutcome> create(List<NewExchangeTask> t) throws MailboxException {
                    alive();
                    List<WriteOutcome> out = c.create(t);
                    if (armed.get() && mb.address().equals(mailbox)) {
                        dead.set(true);
                        throw new CrashSwitch.Crash("create in " + mailbox);
                    }
                    return out;
                }
                public List<WriteOutcome> update(List<ExchangeTaskUpdate> u) throws MailboxException { alive(); return c.update(u); }
                public List<WriteOutcome> delete(List<ItemRef> i) throws MailboxException { alive(); return c.delete(i); }
                public List<ExchangeTask> findByCrmIds(Collection<String> ids) throws MailboxException { alive(); return c.findByCrmIds(ids); }
                public int maxBatchSize() { return c.maxBatchSize(); }
                public long requestsSent() { return c.requestsSent(); }
                public void close() { c.close(); }
            };
        };
    }

    // ------------------------------------------------------------------ renewal

    /** Each create takes {@code step} of the clock; {@code between} gets the mailbox before each create, after the step. */
    private ExchangeAdapter slowCreates(Duration step, java.util.function.Consumer<String> between) {
        return mb -> {
            MailboxConnection c = f.exchange.connect(mb);
            return new MailboxConnection() {
                public ChangePage changes(String cursor) throws MailboxException { return c.changes(cursor); }
                public List<WriteOutcome> create(List<NewExchangeTask> t) throws MailboxException {
                    f.clock.advance(step);
                    between.accept(mb.address());
                    return c.create(t);
                }
                public List<WriteOutcome> update(List<ExchangeTaskUpdate> u) throws MailboxException { return c.update(u); }
                public List<WriteOutcome> delete(List<ItemRef> i) throws MailboxException { return c.delete(i); }
                public List<ExchangeTask> findByCrmIds(Collection<String> ids) throws MailboxException { return c.findByCrmIds(ids); }
                public int maxBatchSize() { return c.maxBatchSize(); }
                public long requestsSent() { return c.requestsSent(); }
                public void close() { c.close(); }
            };
        };
    }

    @Test
    void theLeaseIsRenewedBeforeEachBatchSoACycleLongerThanTheLeaseKeepsItsMailbox() {
        f.settings(s -> s.batchSize(1));
        List<Boolean> intruderGranted = new ArrayList<>();
        // every batch takes 3/4 of the lease: without renewals the lease would lapse at the second batch
        SyncEngine a = SyncEngine.builder().crm(f.crm).stateStore(f.store).settings(f.settings).clock(f.clock)
                .exchange(slowCreates(Duration.ofSeconds(45), mb -> intruderGranted.add(
                        f.store.tryLease(mb, "node-x", f.clock.instant(), Duration.ofSeconds(60)))))
                .node("node-a").leaseDuration(Duration.ofSeconds(60)).build();
        f.later(Duration.ofSeconds(10));

        SyncReport report = a.runOnce();

        assertThat(intruderGranted).hasSize(3 * MAILBOXES).containsOnly(false);
        assertThat(report.deferredMailboxes()).isEmpty();
        assertThat(report.created()).isEqualTo(3 * MAILBOXES);
    }

    @Test
    void aCycleThatOutlivesItsLeaseStopsTouchingTheMailboxAndLosesNothing() {
        f.settings(s -> s.batchSize(1));
        AtomicBoolean intruderHolds = new AtomicBoolean();
        // the first batch takes longer than the lease, and another node takes rep0 over meanwhile
        SyncEngine a = SyncEngine.builder().crm(f.crm).stateStore(f.store).settings(f.settings).clock(f.clock)
                .exchange(slowCreates(Duration.ofSeconds(90), mb -> {
                    if (!intruderHolds.get() && mb.equals(mailbox(0))) {
                        intruderHolds.set(f.store.tryLease(mailbox(0), "node-x", f.clock.instant(), LEASE));
                    }
                }))
                .node("node-a").leaseDuration(Duration.ofSeconds(60)).build();
        f.later(Duration.ofSeconds(10));

        SyncReport report = a.runOnce();

        assertThat(intruderHolds).isTrue();
        MailboxReport rep0 = report.mailbox(mailbox(0)).orElseThrow();
        assertThat(rep0.deferredReason()).contains("lease lost to another node");
        assertThat(rep0.created()).isEqualTo(1);
        assertThat(rep0.skipped(SkipReason.MAILBOX_LEASED)).isEqualTo(2);
        assertThat(f.outlook(mailbox(0))).hasSize(1);
        String first = f.outlook(mailbox(0)).get(0).crmId();
        Set<String> rest = new java.util.HashSet<>(Set.of("A1:0-0", "A1:0-1", "A1:0-2"));
        rest.remove(first);
        assertThat(f.store.pendingTaskIds()).containsAll(rest);

        // once the other node lets go, the next cycle writes the rest, and the first task only once
        f.store.releaseLeases("node-x", List.of(mailbox(0)));
        f.later(Duration.ofSeconds(10));
        SyncReport next = a.runOnce();
        assertThat(next.deferredMailboxes()).isEmpty();
        assertThat(f.outlook(mailbox(0))).extracting(ExchangeTask::crmId)
                .containsExactlyInAnyOrder("A1:0-0", "A1:0-1", "A1:0-2");
    }

    // ------------------------------------------------------------------ configuration

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " ", "node a", "node/1", "nöde", "tab\tnode"})
    void aNodeIdThatIsNotPlainIsRefusedWithTheValue(String id) {
        assertThatThrownBy(() -> SyncEngine.builder().node(id))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("node id")
                .hasMessageContaining(id == null ? "null" : "'" + id + "'");
        assertThatThrownBy(() -> SyncEngine.builder().node("n".repeat(101))).hasMessageContaining("n".repeat(101));
    }

    @Test
    void aLeaseDurationOutsideOneSecondToOneDayIsRefusedWithTheValue() {
        for (Duration bad : new Duration[] {null, Duration.ZERO, Duration.ofSeconds(-5), Duration.ofMillis(999),
                Duration.ofDays(1).plusSeconds(1)}) {
            assertThatThrownBy(() -> SyncEngine.builder().leaseDuration(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lease duration")
                    .hasMessageContaining(String.valueOf(bad));
        }
    }

    @Test
    void aLeaseDurationWithoutANodeIdIsRefusedAtBuildTime() {
        assertThatThrownBy(() -> SyncEngine.builder().crm(f.crm).exchange(f.exchange)
                .leaseDuration(Duration.ofMinutes(3)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("node id")
                .hasMessageContaining("PT3M");
    }

    @Test
    void aNodeGetsTheDefaultLeaseDurationAndASingleNodeNone() {
        SyncEngine clustered = SyncEngine.builder().crm(f.crm).exchange(f.exchange).node("host-1.example.com:7").build();
        assertThat(clustered.node()).contains("host-1.example.com:7");
        assertThat(clustered.leaseDuration()).contains(SyncEngine.Builder.DEFAULT_LEASE_DURATION);
        assertThat(clustered.toString()).contains("node=host-1.example.com:7");
        assertThat(f.engine.node()).isEmpty();
        assertThat(f.engine.leaseDuration()).isEmpty();
    }

    /** A store written before leases existed grants every lease (the SPI's default): right on one node. */
    @Test
    void aNodeOnAStoreWithoutLeasesSyncsAsASingleNodeWould() {
        InMemorySyncStateStore d = new InMemorySyncStateStore();
        SyncStateStore oldStore = new SyncStateStore() {
            public Map<String, Link> findLinks(Collection<String> ids) { return d.findLinks(ids); }
            public Map<String, Link> findLinksByItems(String mb, Collection<String> ids) { return d.findLinksByItems(mb, ids); }
            public void saveLinks(Collection<Link> links) { d.saveLinks(links); }
            public void deleteLinks(Collection<String> ids) { d.deleteLinks(ids); }
            public int countLinks(String mb) { return d.countLinks(mb); }
            public Optional<String> cursor(String key) { return d.cursor(key); }
            public Map<String, String> cursors(String prefix) { return d.cursors(prefix); }
            public void saveCursors(Map<String, String> v) { d.saveCursors(v); }
            public Set<String> pendingTaskIds() { return d.pendingTaskIds(); }
            public void addPending(Collection<String> ids) { d.addPending(ids); }
            public void removePending(Collection<String> ids) { d.removePending(ids); }
        };
        assertThat(oldStore.tryLease(mailbox(0), "x", f.clock.instant(), LEASE)).isTrue();
        assertThat(oldStore.tryLease(mailbox(0), "y", f.clock.instant(), LEASE)).isTrue();
        SyncEngine a = SyncEngine.builder().crm(f.crm).exchange(f.exchange).stateStore(oldStore).settings(f.settings)
                .clock(f.clock).node("node-a").build();
        f.later(Duration.ofSeconds(10));

        SyncReport report = a.runOnce();

        assertThat(report.clean()).isTrue();
        assertThat(report.deferredMailboxes()).isEmpty();
        assertThat(report.created()).isEqualTo(3 * MAILBOXES);
    }

    /** A dry run takes no leases: it must not hold up a real cycle on another node. */
    @Test
    void aDryRunTakesNoLease() {
        SyncEngine a = node("node-a", f.exchange);
        f.later(Duration.ofSeconds(10));
        SyncReport dry = a.dryRun();
        assertThat(dry.plannedWrites()).hasSize(3 * MAILBOXES);
        for (int i = 0; i < MAILBOXES; i++) {
            assertThat(f.store.tryLease(mailbox(i), "node-b", f.clock.instant(), LEASE)).as(mailbox(i)).isTrue();
        }
    }
}

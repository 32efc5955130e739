package org.tasksync.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.SyncStateStore;
import org.tasksync.core.spi.WriteOutcome;

/**
 * Issue 16: creates are saved per engine batch ({@code batch-size} tasks), not per adapter chunk (Graph's
 * {@code $batch} takes 20), and a batch that fails between its chunks leaves every CRM task in Exchange
 * exactly once after the next cycle (SPEC §6.6, §7).
 */
class CreateBatchSavesTest {

    private static final String ANNA = "anna@example.com";

    private final Fixture f = new Fixture();
    /** The links of each {@code saveLinks} that reached the store, in order. */
    private final List<List<Link>> saves = new ArrayList<>();
    /** Runs before each save reaches the store; a test makes it throw to fail the store. */
    private Consumer<Collection<Link>> beforeSave = links -> { };
    /** Runs before each create request reaches the mailbox, with its number (1, 2, ...); may throw. */
    private CreateHook beforeCreate = n -> { };
    private final AtomicInteger createRequests = new AtomicInteger();
    private final List<Integer> createSizes = new ArrayList<>();

    private interface CreateHook {
        void accept(int n) throws MailboxException;
    }

    CreateBatchSavesTest() {
        f.rep("anna", ANNA);
        f.exchange.maxBatchSize(20); // as Graph's $batch
        f.settings(b -> b.batchSize(100));
        useObservedParts(f.store);
    }

    /** The engine over {@code real}, with saves and create requests observed and faults injected. */
    private void useObservedParts(SyncStateStore real) {
        SyncStateStore store = new SyncStateStore() {
            @Override
            public synchronized void saveLinks(Collection<Link> links) {
                beforeSave.accept(links);
                real.saveLinks(links);
                saves.add(List.copyOf(links));
            }

            @Override public Map<String, Link> findLinks(Collection<String> ids) { return real.findLinks(ids); }
            @Override public Map<String, Link> findLinksByItems(String mb, Collection<String> ids) { return real.findLinksByItems(mb, ids); }
            @Override public void deleteLinks(Collection<String> ids) { real.deleteLinks(ids); }
            @Override public int countLinks(String mailbox) { return real.countLinks(mailbox); }
            @Override public Optional<String> cursor(String key) { return real.cursor(key); }
            @Override public Map<String, String> cursors(String prefix) { return real.cursors(prefix); }
            @Override public void saveCursors(Map<String, String> values) { real.saveCursors(values); }
            @Override public Set<String> pendingTaskIds() { return real.pendingTaskIds(); }
            @Override public void addPending(Collection<String> ids) { real.addPending(ids); }
            @Override public void removePending(Collection<String> ids) { real.removePending(ids); }
        };
        f.engine = SyncEngine.builder().crm(f.crm).stateStore(store).settings(f.settings).clock(f.clock)
                .exchange(mailbox -> new ForwardingConnection(f.exchange.connect(mailbox)) {
                    @Override
                    public List<WriteOutcome> create(List<NewExchangeTask> t) throws MailboxException {
                        beforeCreate.accept(createRequests.incrementAndGet());
                        synchronized (createSizes) {
                            createSizes.add(t.size());
                        }
                        return super.create(t);
                    }
                }).build();
    }

    private void tasks(int n) {
        for (int i = 0; i < n; i++) {
            f.task(String.format("A1:16-%03d", i), "anna");
        }
    }

    private List<Integer> saveSizes(Link.State state) {
        return saves.stream().filter(s -> s.stream().allMatch(l -> l.state() == state)).map(List::size).toList();
    }

    private List<Link> links(Link.State state) {
        List<String> ids = new ArrayList<>(f.crm.tasks().keySet());
        return f.store.findLinks(ids).values().stream().filter(l -> l.state() == state).toList();
    }

    private void assertEachCrmTaskOnceInOutlook() {
        List<String> tags = f.outlook(ANNA).stream().map(ExchangeTask::crmId).filter(id -> id != null).toList();
        assertThat(tags).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(f.crm.tasks().keySet());
    }

    @Test
    void twoStoreWritesPerEngineBatchHoweverSmallTheAdaptersChunks() {
        tasks(250);

        SyncReport report = f.cycle();

        assertThat(report.created()).isEqualTo(250);
        assertThat(createSizes).as("the requests still obey the adapter's limit").hasSize(13)
                .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(20));
        assertThat(saveSizes(Link.State.CREATE_INTENDED)).as("one intent save per engine batch")
                .containsExactly(100, 100, 50);
        assertThat(saveSizes(Link.State.LINKED)).as("one result save per engine batch").containsExactly(100, 100, 50);
        assertThat(saves).as("no other save of links in an initial sync").hasSize(6);
        assertThat(links(Link.State.LINKED)).hasSize(250);
    }

    @Test
    void anAdapterChunkAsLargeAsTheBatchChangesNothing() {
        f.exchange.maxBatchSize(100); // as EWS
        tasks(250);

        f.cycle();

        assertThat(createSizes).containsExactly(100, 100, 50);
        assertThat(saves).hasSize(6);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mailbox", "runtime"})
    void aFaultOnTheThirdChunkKeepsTheFirstTwoLinkedAndTheRestIsCreatedNextCycleOnce(String fault) {
        tasks(100);
        beforeCreate = n -> {
            if (n == 3) {
                if (fault.equals("mailbox")) {
                    throw new MailboxException(ANNA, MailboxException.Kind.UNAVAILABLE, "injected on the 3rd chunk");
                }
                throw new IllegalStateException("injected on the 3rd chunk");
            }
        };

        SyncReport failed = f.cycle();

        assertThat(failed.failedMailboxes()).extracting(m -> m.mailbox()).containsExactly(ANNA);
        assertThat(f.outlook(ANNA)).hasSize(40);
        List<Link> linked = links(Link.State.LINKED);
        assertThat(linked).as("the items of chunks 1 and 2 are linked, not left as intents").hasSize(40);
        assertThat(linked).extracting(Link::itemId)
                .containsExactlyInAnyOrderElementsOf(f.outlook(ANNA).stream().map(ExchangeTask::itemId).toList());
        assertThat(links(Link.State.CREATE_INTENDED)).hasSize(60);

        beforeCreate = n -> { };
        SyncReport next = f.cycle();

        assertThat(next.created()).isEqualTo(60);
        assertThat(next.adopted()).isZero();
        assertEachCrmTaskOnceInOutlook();
        assertThat(links(Link.State.LINKED)).hasSize(100);
        assertThat(f.cycle().created()).isZero();
    }

    @Test
    void aFaultOnTheThirdChunkWhoseResultSaveFailsTooIsAdoptedNextCycle() {
        tasks(100);
        beforeCreate = n -> {
            if (n == 3) {
                throw new MailboxException(ANNA, MailboxException.Kind.UNAVAILABLE, "injected on the 3rd chunk");
            }
        };
        beforeSave = links -> {
            if (links.stream().anyMatch(l -> l.state() == Link.State.LINKED)) {
                throw new IllegalStateException("the store fails");
            }
        };

        f.cycle();

        assertThat(f.outlook(ANNA)).hasSize(40);
        assertThat(links(Link.State.CREATE_INTENDED)).as("the intents remain").hasSize(100);

        beforeCreate = n -> { };
        beforeSave = links -> { };
        SyncReport next = f.cycle();

        assertThat(next.adopted()).isEqualTo(40);
        assertThat(next.created()).isEqualTo(60);
        assertEachCrmTaskOnceInOutlook();
    }

    /** The process dies during the 3rd chunk: nothing after it reaches the store. */
    @Test
    void aProcessCrashBetweenChunksIsRepairedByTheNextCycle() {
        tasks(100);
        boolean[] dead = {false};
        beforeCreate = n -> {
            if (n == 3) {
                dead[0] = true;
                throw new CrashSafetyTest.SimulatedCrash();
            }
        };
        beforeSave = links -> {
            if (dead[0]) {
                throw new CrashSafetyTest.SimulatedCrash();
            }
        };

        assertThatThrownBy(f::cycle).isInstanceOf(CrashSafetyTest.SimulatedCrash.class);
        assertThat(f.outlook(ANNA)).hasSize(40);
        assertThat(links(Link.State.LINKED)).isEmpty();

        dead[0] = false;
        beforeCreate = n -> { };
        beforeSave = links -> { };
        useObservedParts(f.store); // the restarted process
        SyncReport restart = f.cycle();

        assertThat(restart.adopted()).isEqualTo(40);
        assertThat(restart.created()).isEqualTo(60);
        assertEachCrmTaskOnceInOutlook();
        assertThat(f.cycle().created() + f.cycle().adopted()).isZero();
    }

    /** The store dies on the save of a batch's results, after all its chunks were created. */
    @Test
    void aStoreCrashBeforeTheResultSaveIsAdoptedByTheNextCycle() {
        tasks(100);
        beforeSave = links -> {
            if (links.stream().anyMatch(l -> l.state() == Link.State.LINKED)) {
                throw new CrashSafetyTest.SimulatedCrash();
            }
        };

        assertThatThrownBy(f::cycle).isInstanceOf(CrashSafetyTest.SimulatedCrash.class);
        assertThat(f.outlook(ANNA)).hasSize(100);

        beforeSave = links -> { };
        useObservedParts(f.store);
        SyncReport restart = f.cycle();

        assertThat(restart.adopted()).isEqualTo(100);
        assertThat(restart.created()).isZero();
        assertEachCrmTaskOnceInOutlook();
    }
}

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
import org.junit.jupiter.api.Test;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.SyncStateStore;

/**
 * Issue 16: a created batch costs the state store one save (its intents, which carry the results of
 * the batch before), the intent is durable before the create is sent, and a crash between a batch's
 * create and the save of its result adopts the items instead of creating them again (SPEC §7).
 */
class CreateSavesTest {

    private static final String ANNA = "anna@example.com";
    private static final String BEN = "ben@example.com";

    private final Fixture f = new Fixture();
    private final List<String> annaIds = new ArrayList<>();

    CreateSavesTest() {
        f.rep("anna", ANNA);
        f.rep("ben", BEN);
        f.settings(b -> b.batchSize(100));
        for (int i = 0; i < 250; i++) {
            String id = String.format("A1:3-%03d", i);
            f.task(id, "anna");
            annaIds.add(id);
        }
    }

    /** The host's store, counting the saves that reach it (each one transaction). */
    static final class CountingStore implements SyncStateStore {
        private final SyncStateStore d;
        int linkSaves;

        CountingStore(SyncStateStore d) {
            this.d = d;
        }

        @Override
        public synchronized void saveLinks(Collection<Link> links) {
            linkSaves++;
            d.saveLinks(links);
        }

        @Override public Map<String, Link> findLinks(Collection<String> ids) { return d.findLinks(ids); }
        @Override public Map<String, Link> findLinksByItems(String mb, Collection<String> ids) { return d.findLinksByItems(mb, ids); }
        @Override public void deleteLinks(Collection<String> ids) { d.deleteLinks(ids); }
        @Override public int countLinks(String mailbox) { return d.countLinks(mailbox); }
        @Override public Optional<String> cursor(String key) { return d.cursor(key); }
        @Override public Map<String, String> cursors(String prefix) { return d.cursors(prefix); }
        @Override public void saveCursors(Map<String, String> values) { d.saveCursors(values); }
        @Override public Set<String> pendingTaskIds() { return d.pendingTaskIds(); }
        @Override public void addPending(Collection<String> ids) { d.addPending(ids); }
        @Override public void removePending(Collection<String> ids) { d.removePending(ids); }
    }

    private long inState(Link.State state) {
        return f.store.findLinks(annaIds).values().stream().filter(l -> l.state() == state).count();
    }

    private void assertOneOutlookTaskPerCrmTask() {
        List<String> ids = f.outlook(ANNA).stream().map(ExchangeTask::crmId).filter(id -> id != null).toList();
        assertThat(ids).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(annaIds);
    }

    /** Runs a cycle that dies just after the {@code n}-th create reached Exchange. */
    private void crashAfterCreate(int n) {
        CrashSwitch crash = new CrashSwitch();
        crash.arm(n, true); // only the Exchange is wrapped: its writes are the creates
        SyncEngine dying = SyncEngine.builder().crm(f.crm).exchange(crash.exchange(f.exchange)).stateStore(f.store)
                .settings(f.settings).clock(f.clock).build();
        f.later(Duration.ofSeconds(10));
        assertThatThrownBy(dying::runOnce).isInstanceOf(CrashSwitch.Crash.class);
        assertThat(crash.writeLog()).containsOnly("create").hasSize(n);
    }

    @Test
    void aCreatedBatchCostsTheStoreOneSave() {
        for (int i = 0; i < 150; i++) {
            f.task(String.format("A1:4-%03d", i), "ben");
        }
        CountingStore counting = new CountingStore(f.store);
        SyncStateStore real = f.store;
        f.store = counting;
        f.rebuild();

        SyncReport initial = f.cycle();

        assertThat(initial.created()).isEqualTo(400);
        // 5 batches (anna 3, ben 2): 5 saves of intents, each carrying the results held before it, and
        // the results of the last one at the end of the run; saving each result apart took 10
        assertThat(counting.linkSaves).isEqualTo(6);
        assertThat(real.countLinks(ANNA)).isEqualTo(250);
        assertThat(real.countLinks(BEN)).isEqualTo(150);
        assertThat(inState(Link.State.CREATE_INTENDED)).isZero();

        SyncReport next = f.cycle();
        assertThat(next.created() + next.adopted() + next.updated()).isZero();
    }

    @Test
    void theIntentIsDurableBeforeTheCreateIsSentAndACrashAfterTheCreateAdopts() {
        crashAfterCreate(2);

        assertThat(f.outlook(ANNA)).hasSize(200);
        // durable: the first batch's results (written with the second batch's intents), the second
        // batch's intents; nothing of the third
        assertThat(inState(Link.State.LINKED)).isEqualTo(100);
        assertThat(inState(Link.State.CREATE_INTENDED)).isEqualTo(100);

        // the restarted engine: a live run of the mailbox links the items its intents name
        SyncReport live = f.engine.runMailbox(ANNA);
        assertThat(live.adopted()).isEqualTo(100);
        assertThat(live.created()).isZero();
        assertThat(inState(Link.State.LINKED)).isEqualTo(200);

        SyncReport restart = f.cycle();
        assertThat(restart.created()).isEqualTo(50);
        assertThat(restart.adopted()).isZero();
        assertOneOutlookTaskPerCrmTask();
    }

    @Test
    void aCrashWhileTheResultIsHeldLeavesTheIntentsAndAdopts() {
        crashAfterCreate(1);

        assertThat(f.outlook(ANNA)).hasSize(100);
        assertThat(inState(Link.State.CREATE_INTENDED)).isEqualTo(100);
        assertThat(inState(Link.State.LINKED)).isZero();

        SyncReport restart = f.cycle();

        assertThat(restart.adopted()).isEqualTo(100);
        assertThat(restart.created()).isEqualTo(150);
        assertOneOutlookTaskPerCrmTask();
        assertThat(inState(Link.State.LINKED)).isEqualTo(250);
    }

    @Test
    void aDryRunWritesNoLink() {
        SyncReport dry = f.engine.dryRun();

        assertThat(dry.created()).isEqualTo(250);
        assertThat(f.store.findLinks(annaIds)).isEmpty();
        assertThat(f.outlook(ANNA)).isEmpty();
        assertThat(f.cycle().created()).isEqualTo(250);
    }
}

package org.tasksync.core.internal.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.SyncStateStore;
import org.tasksync.core.state.InMemorySyncStateStore;

/** Issue 16: create results held for the store's next write, shown to readers meanwhile, never reordered. */
class HeldResultsStoreTest {

    private static final String ANNA = "anna@example.com";
    private static final String BEN = "ben@example.com";

    /** The host's store, recording what reaches it. */
    static final class Recording implements SyncStateStore {
        private final InMemorySyncStateStore d = new InMemorySyncStateStore();
        final List<List<Link>> saves = new ArrayList<>();
        final List<String> calls = new ArrayList<>();
        boolean failSaves;

        @Override
        public synchronized void saveLinks(Collection<Link> links) {
            calls.add("saveLinks");
            if (failSaves) {
                throw new IllegalStateException("store down");
            }
            saves.add(List.copyOf(links));
            d.saveLinks(links);
        }

        @Override
        public synchronized void saveCursors(Map<String, String> values) {
            calls.add("saveCursors");
            d.saveCursors(values);
        }

        @Override
        public synchronized void deleteLinks(Collection<String> ids) {
            calls.add("deleteLinks");
            d.deleteLinks(ids);
        }

        @Override public Map<String, Link> findLinks(Collection<String> ids) { return d.findLinks(ids); }
        @Override public Map<String, Link> findLinksByItems(String mb, Collection<String> ids) { return d.findLinksByItems(mb, ids); }
        @Override public int countLinks(String mailbox) { return d.countLinks(mailbox); }
        @Override public Optional<String> cursor(String key) { return d.cursor(key); }
        @Override public Map<String, String> cursors(String prefix) { return d.cursors(prefix); }
        @Override public Set<String> pendingTaskIds() { return d.pendingTaskIds(); }
        @Override public void addPending(Collection<String> ids) { d.addPending(ids); }
        @Override public void removePending(Collection<String> ids) { d.removePending(ids); }
    }

    private final Recording host = new Recording();
    private final HeldResultsStore store = HeldResultsStore.of(host);

    private static Link intent(String id, String mailbox) {
        return Link.intent(id, mailbox, TaskValues.builder().subject("Task " + id).build(), "Open",
                Instant.parse("2026-03-02T09:00:00Z"));
    }

    private static Link result(Link intent) {
        return intent.linked("item-" + intent.crmTaskId(), "ck-" + intent.crmTaskId());
    }

    @Test
    void aHeldResultRidesTheNextSaveInOneCall() {
        Link a = intent("A", ANNA);
        Link b = intent("B", BEN);
        store.saveLinks(List.of(a));
        store.hold(List.of(result(a)));
        assertThat(host.findLinks(List.of("A")).get("A").state()).isEqualTo(Link.State.CREATE_INTENDED);

        store.saveLinks(List.of(b)); // the next batch's intents, of another mailbox

        assertThat(host.saves).hasSize(2);
        assertThat(host.saves.get(1)).containsExactlyInAnyOrder(result(a), b);
        assertThat(host.findLinks(List.of("A")).get("A").itemId()).isEqualTo("item-A");
        assertThat(store.heldCount()).isZero();
    }

    @Test
    void readersSeeTheHeldResultInPlaceOfItsIntent() {
        Link a = intent("A", ANNA);
        store.saveLinks(List.of(a));
        store.hold(List.of(result(a)));

        assertThat(store.findLinks(List.of("A", "Z"))).containsOnlyKeys("A").containsEntry("A", result(a));
        assertThat(store.findLinksByItems(ANNA, List.of("item-A"))).containsEntry("item-A", result(a));
        assertThat(store.findLinksByItems(BEN, List.of("item-A"))).isEmpty();
        // nothing more was written for the reads
        assertThat(host.saves).hasSize(1);
    }

    @Test
    void aHeldResultNeverOverwritesALinkSavedAfterIt() {
        Link a = intent("A", ANNA);
        store.saveLinks(List.of(a));
        store.hold(List.of(result(a)));
        Link moved = intent("A", BEN); // e.g. reassigned in the same run: a newer link of the same task

        store.saveLinks(List.of(moved));
        store.flush();

        assertThat(host.findLinks(List.of("A")).get("A")).isEqualTo(moved);
        assertThat(host.saves.get(1)).containsExactly(moved);
    }

    @Test
    void aResultIsNotShownInPlaceOfALinkItDidNotFollow() {
        Link a = intent("A", ANNA);
        store.saveLinks(List.of(a));
        store.hold(List.of(result(a)));
        Link other = intent("A", BEN);
        host.saveLinks(List.of(other)); // written past this engine (another node)

        assertThat(store.findLinks(List.of("A")).get("A")).isEqualTo(other);
    }

    @Test
    void everyOtherWriteWritesTheHeldResultsFirst() {
        Link a = intent("A", ANNA);
        store.saveLinks(List.of(a));
        store.hold(List.of(result(a)));

        store.saveCursors(Map.of("mailbox." + ANNA, "c1"));

        assertThat(host.calls).containsExactly("saveLinks", "saveLinks", "saveCursors");
        assertThat(host.findLinks(List.of("A")).get("A").state()).isEqualTo(Link.State.LINKED);
    }

    @Test
    void deletingATaskDropsItsHeldResult() {
        Link a = intent("A", ANNA);
        Link b = intent("B", ANNA);
        store.saveLinks(List.of(a, b));
        store.hold(List.of(result(a), result(b)));

        store.deleteLinks(List.of("A"));

        assertThat(host.findLinks(List.of("A", "B"))).containsOnlyKeys("B").containsEntry("B", result(b));
        assertThat(host.calls).containsExactly("saveLinks", "saveLinks", "deleteLinks");
    }

    @Test
    void countingLinksCountsTheHeldResults() {
        Link a = intent("A", ANNA);
        store.saveLinks(List.of(a));
        store.hold(List.of(result(a)));

        assertThat(store.countLinks(ANNA)).isEqualTo(1);
    }

    @Test
    void aFailedSaveKeepsTheResultsForTheNextWrite() {
        Link a = intent("A", ANNA);
        store.saveLinks(List.of(a));
        store.hold(List.of(result(a)));
        host.failSaves = true;

        assertThatThrownBy(() -> store.saveLinks(List.of(intent("B", BEN)))).hasMessageContaining("store down");
        assertThat(store.findLinks(List.of("A")).get("A")).isEqualTo(result(a));

        host.failSaves = false;
        store.flush();
        assertThat(host.findLinks(List.of("A")).get("A")).isEqualTo(result(a));
        assertThat(store.heldCount()).isZero();
    }

    @Test
    void flushWithNothingHeldWritesNothing() {
        store.flush();
        assertThat(host.calls).isEmpty();
        assertThat(HeldResultsStore.of(store)).isSameAs(store);
        assertThat(store.store()).isSameAs(host);
        assertThat(store.pendingTaskIds()).isEqualTo(Set.of());
    }
}

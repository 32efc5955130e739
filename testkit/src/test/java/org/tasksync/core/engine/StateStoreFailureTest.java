package org.tasksync.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.SyncStateStore;
import org.tasksync.core.state.StateStoreException;

/**
 * A state store that fails outside a mailbox's work (the pending ids at the start of the CRM part,
 * the cursors at its end) does not make {@code runOnce()} throw: the report says what failed, and
 * what the cycle did not record is done again next cycle, without duplicates or lost changes.
 */
class StateStoreFailureTest {

    private static final String ANNA = "anna@example.com";

    private final Fixture f = new Fixture();
    private volatile String failing;

    StateStoreFailureTest() {
        f.rep("anna", ANNA);
        f.task("A1:1", "anna");
        f.task("A1:2", "anna");
        SyncStateStore real = f.store;
        f.store = new SyncStateStore() {
            private void maybeFail(String op) {
                if (op.equals(failing)) {
                    failing = null;
                    throw new StateStoreException("injected: " + op + " failed");
                }
            }
            public Map<String, Link> findLinks(Collection<String> ids) { return real.findLinks(ids); }
            public Map<String, Link> findLinksByItems(String mb, Collection<String> ids) { return real.findLinksByItems(mb, ids); }
            public void saveLinks(Collection<Link> links) { real.saveLinks(links); }
            public void deleteLinks(Collection<String> ids) { real.deleteLinks(ids); }
            public int countLinks(String mb) { return real.countLinks(mb); }
            public Optional<String> cursor(String key) { return real.cursor(key); }
            public Map<String, String> cursors(String prefix) { return real.cursors(prefix); }
            public void saveCursors(Map<String, String> values) {
                if (values.containsKey(org.tasksync.core.internal.state.EngineState.CRM_CURSOR)) {
                    maybeFail("saveCursors");
                }
                real.saveCursors(values);
            }
            public Set<String> pendingTaskIds() {
                maybeFail("pendingTaskIds");
                return real.pendingTaskIds();
            }
            public void addPending(Collection<String> ids) { real.addPending(ids); }
            public void removePending(Collection<String> ids) { real.removePending(ids); }
        };
        f.rebuild();
        f.cycle();
    }

    @Test
    void failingToReadThePendingIdsEndsTheCycleWithAReportAndTheNextCatchesUp() {
        f.editTask("A1:1", b -> b.subject("Edited"));
        f.exchange.userSetStatus(ANNA, f.outlookTask(ANNA, "A1:2").itemId(), ExchangeStatus.COMPLETED);
        failing = "pendingTaskIds";

        SyncReport report = f.cycle();

        assertThat(report.cycleError()).startsWith("the state store failed: ").contains("injected: pendingTaskIds failed")
                .endsWith("what this cycle did not record is done again next cycle");
        assertThat(report.toTable()).contains("cycle error: the state store failed");
        // the Outlook part had run: the rep's status is in the CRM already
        assertThat(f.crm.task("A1:2").orElseThrow().status()).isEqualTo("Completed");

        SyncReport next = f.cycle();
        assertThat(next.clean()).isTrue();
        assertThat(f.outlookTask(ANNA, "A1:1").values().subject()).isEqualTo("Edited");
        assertThat(f.outlook(ANNA)).hasSize(2);
    }

    @Test
    void failingToSaveTheCrmCursorLeavesItWhereItWasAndNothingIsWrittenTwice() {
        String before = f.store.cursor(org.tasksync.core.internal.state.EngineState.CRM_CURSOR).orElseThrow();
        f.editTask("A1:1", b -> b.subject("Edited"));
        failing = "saveCursors";

        SyncReport report = f.cycle();

        assertThat(report.cycleError()).contains("injected: saveCursors failed");
        assertThat(report.updated()).isEqualTo(1);
        assertThat(f.store.cursor(org.tasksync.core.internal.state.EngineState.CRM_CURSOR)).contains(before);

        SyncReport next = f.cycle();
        assertThat(next.clean()).isTrue();
        assertThat(next.updated()).isZero(); // read again, found written already
        assertThat(f.store.cursor(org.tasksync.core.internal.state.EngineState.CRM_CURSOR)).isPresent().get().isNotEqualTo(before);
    }
}

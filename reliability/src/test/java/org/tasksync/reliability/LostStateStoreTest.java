package org.tasksync.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tasksync.adapter.ews.EwsExchangeAdapter;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.core.spi.CrmPage;
import org.tasksync.core.spi.StatusWriteResult;
import org.tasksync.core.spi.TimeFrameQuery;
import org.tasksync.core.state.InMemorySyncStateStore;

/**
 * A lost state store (SPEC §7) through the EWS stack: the first cycle against full mailboxes adopts
 * the tagged tasks instead of creating them again, and deletes the tagged task of a CRM task deleted
 * meanwhile, also when that deletion is among the changes the same cycle reads, as after a first
 * cycle that failed (found by the core's EngineStateMachineProperties with reassignment=move, seed
 * -5499125557806702715, where a crash did what the failing time-frame read does here: the orphan
 * stayed for good).
 */
class LostStateStoreTest {

    private static final Rep REP = new Rep("R-LOST", "Lena Lost", "lena@example.com", ZoneId.of("Europe/Vienna"), true);

    @Test
    void aFreshStoreAdoptsTaggedTasksAndDeletesThoseOfTasksDeletedMeanwhile() {
        try (Rig rig = new Rig(List.of(REP))) {
            LocalDate today = LocalDate.now(rig.clock);
            for (int i = 1; i <= 3; i++) {
                rig.crm.putTask(CrmTask.builder("A1:L-" + i).repId(REP.id()).subject("Task " + i)
                        .dueDate(i == 3 ? null : today.plusDays(i)).build());
            }
            rig.cycle();
            rig.cycle();
            String keptItem = rig.inOutlook(REP, "A1:L-1").itemId();

            // the fresh store's first cycle fails reading the time frame, after it stored where the CRM's
            // changes begin; the next one reads the deletions made meanwhile among those changes
            boolean[] failTimeFrame = {true};
            CrmAdapter crm = new CrmAdapter() {
                @Override public List<Rep> reps() { return rig.crmAdapter.reps(); }
                @Override public String currentChangeCursor() { return rig.crmAdapter.currentChangeCursor(); }
                @Override public CrmPage changesSince(String cursor, int n) { return rig.crmAdapter.changesSince(cursor, n); }
                @Override public CrmPage tasksById(Collection<String> ids) { return rig.crmAdapter.tasksById(ids); }
                @Override public StatusWriteResult writeStatus(String id, String status, Instant expected) {
                    return rig.crmAdapter.writeStatus(id, status, expected);
                }
                @Override public CrmPage tasksInTimeFrame(TimeFrameQuery q, String token, int n) {
                    if (failTimeFrame[0]) {
                        failTimeFrame[0] = false;
                        throw new IllegalStateException("injected: the CRM database went away");
                    }
                    return rig.crmAdapter.tasksInTimeFrame(q, token, n);
                }
            };
            SyncEngine fresh = SyncEngine.builder().crm(crm).stateStore(new InMemorySyncStateStore())
                    .exchange(EwsExchangeAdapter.create(Rig.ewsConfig(rig.ews).build())).settings(rig.settings())
                    .clock(rig.clock).build();
            assertThat(fresh.runOnce().cycleError()).contains("injected");
            rig.crm.deleteTask("A1:L-2");
            rig.crm.deleteTask("A1:L-3"); // unscheduled: in no time frame, read only as a change
            SyncReport first = fresh.runOnce();

            assertThat(first.clean()).as(first.toTable()).isTrue();
            assertThat(first.created()).as("nothing created twice").isZero();
            assertThat(first.adopted()).isEqualTo(1);
            assertThat(rig.inOutlook(REP, "A1:L-1").itemId()).isEqualTo(keptItem);
            assertThat(rig.tagged(REP, "A1:L-2")).as("deleted in the CRM while the store was lost").isEmpty();
            assertThat(rig.tagged(REP, "A1:L-3")).isEmpty();
            SyncReport quiet = fresh.runOnce();
            assertThat(quiet.created() + quiet.updated() + quiet.deleted()).isZero();
            rig.assertEwsClean();
        }
    }
}

package org.tasksync.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.testkit.ews.EwsFault;

/**
 * Under {@code tasksync.reassignment=move} the old copy of a reassigned task is deleted. A deletion
 * that fails is tried again next cycle (SPEC §8) even though the link already points to the new
 * mailbox (found by {@link FaultInjectionScenariosTest}, seeds 7005 and 7007: the old copy stayed for
 * good); and a task moved back before the old copy went keeps that copy instead of losing it.
 */
class MoveReassignmentTest {

    private static final ZoneId ZONE = ZoneId.of("Europe/Vienna");
    private static final Rep LOU = new Rep("R-LOU", "Lou", "lou@example.com", ZONE, true);
    private static final Rep RITA = new Rep("R-RITA", "Rita", "rita@example.com", ZONE, true);

    @Test
    void aFailedDeletionOfTheOldCopyIsTriedAgainUntilItIsGone() {
        try (Rig rig = rig()) {
            String id = task(rig, LOU);
            rig.crm.putTask(rig.task(id).orElseThrow().toBuilder().repId(RITA.id()).build());
            rig.ews.inject(EwsFault.serverBusyFault().always().forMailbox(LOU.mailbox()).forOperation("DeleteItem"));

            SyncReport failed = rig.cycle();
            assertThat(failed.mailbox(LOU.mailbox()).orElseThrow().failed()).as(failed.toTable()).isTrue();
            assertThat(rig.tagged(RITA, id)).hasSize(1);
            assertThat(rig.tagged(LOU, id)).as("not deleted yet").hasSize(1);
            rig.cycle(); // still failing: the deletion stays due

            rig.ews.clearFaults();
            SyncReport healed = rig.cycle();
            assertThat(healed.mailbox(LOU.mailbox()).orElseThrow().deleted()).as(healed.toTable()).isEqualTo(1);
            assertThat(rig.tagged(LOU, id)).as("the old copy is gone").isEmpty();
            assertThat(rig.tagged(RITA, id)).hasSize(1);
            SyncReport quiet = rig.cycle();
            assertThat(quiet.clean()).isTrue();
            assertThat(quiet.deleted()).isZero();
            rig.assertEwsClean();
        }
    }

    @Test
    void aTaskMovedBackBeforeItsOldCopyWentKeepsThatCopy() {
        try (Rig rig = rig()) {
            String id = task(rig, LOU);
            String lousItem = rig.inOutlook(LOU, id).itemId();
            rig.crm.putTask(rig.task(id).orElseThrow().toBuilder().repId(RITA.id()).build());
            rig.ews.inject(EwsFault.serverBusyFault().always().forMailbox(LOU.mailbox()).forOperation("DeleteItem"));
            rig.cycle();
            assertThat(rig.tagged(LOU, id)).hasSize(1);

            rig.crm.putTask(rig.task(id).orElseThrow().toBuilder().repId(LOU.id()).subject("Back to Lou").build());
            rig.ews.clearFaults();
            rig.cycle();
            rig.cycle();

            assertThat(rig.tagged(RITA, id)).as("Rita's copy is deleted").isEmpty();
            assertThat(rig.inOutlook(LOU, id).itemId()).as("Lou's old copy is linked again, not deleted").isEqualTo(lousItem);
            assertThat(rig.inOutlook(LOU, id).subject()).isEqualTo("Back to Lou");
            SyncReport quiet = rig.cycle();
            assertThat(quiet.clean()).isTrue();
            assertThat(quiet.created() + quiet.deleted() + quiet.updated()).isZero();
            rig.assertEwsClean();
        }
    }

    private static Rig rig() {
        Rig rig = new Rig(List.of(LOU, RITA));
        rig.settings(b -> b.reassignment(SyncSettings.Reassignment.MOVE));
        return rig;
    }

    private static String task(Rig rig, Rep rep) {
        String id = "A1:move-1";
        rig.crm.putTask(CrmTask.builder(id).repId(rep.id()).subject("Visit").dueDate(LocalDate.now(rig.clock).plusDays(2))
                .build());
        rig.cycle();
        rig.cycle();
        assertThat(rig.tagged(rep, id)).hasSize(1);
        return id;
    }
}

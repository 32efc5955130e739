package org.tasksync.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tasksync.core.SyncReport;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.testkit.ews.OutlookTask;

/**
 * Exchange derives a task's status from its percent when a write sets the percent alone (Not Started
 * with 40 % becomes In Progress). The engine must not cause that and then take it for the rep's
 * change (found by {@link FaultInjectionScenariosTest}, seed 7000, without any fault involved).
 */
class StatusPercentTest {

    private static final Rep RITA = new Rep("R1", "Rita Vienna", "rita@example.com", ZoneId.of("Europe/Vienna"), true);

    @Test
    void aRepsNotStartedSurvivesTheCrmsPercent() {
        try (Rig rig = new Rig(List.of(RITA))) {
            rig.crm.putTask(CrmTask.builder("A1:1-1").repId("R1").subject("Call ACME")
                    .dueDate(LocalDate.now(rig.clock).plusDays(2)).status("In Progress").percentComplete(40).build());
            assertThat(rig.cycle().created()).isEqualTo(1);
            OutlookTask t = rig.inOutlook(RITA, "A1:1-1");
            assertThat(t.status()).isEqualTo("InProgress");
            assertThat(t.percentComplete()).isEqualTo(40.0);

            rig.outlook(RITA).setStatus(t.itemId(), "NotStarted"); // Outlook sets 0 % with it
            for (int i = 0; i < 3; i++) {
                SyncReport r = rig.cycle();
                assertThat(r.clean()).as(r.toTable()).isTrue();
            }

            assertThat(rig.task("A1:1-1").orElseThrow().status()).as("the CRM has the rep's status").isEqualTo("Open");
            OutlookTask after = rig.inOutlook(RITA, "A1:1-1");
            assertThat(after.status()).as("Exchange keeps the rep's status").isEqualTo("NotStarted");
            assertThat(after.percentComplete()).as("the CRM's percent, written with the status (SPEC §3)").isEqualTo(40.0);
            rig.assertEwsClean();
        }
    }
}

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
 * Exchange ties status and percent together (MS-OXOTASK 2.2.2.2.2: NotStarted 0 %, InProgress above
 * 0 and below 100 %; the last field written decides). The engine writes only pairs that rule keeps, so
 * a status it wrote is never turned into another one it would take for the rep's change (first found
 * by {@link FaultInjectionScenariosTest}, seed 7000, without any fault involved).
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
            assertThat(after.percentComplete()).as("NotStarted means 0 % (MS-OXOTASK 2.2.2.2.2), whatever the CRM's percent")
                    .isEqualTo(0.0);
            assertThat(rig.task("A1:1-1").orElseThrow().percentComplete()).as("percent does not flow back").isEqualTo(40);
            rig.assertEwsClean();
        }
    }

    @Test
    void aCrmInProgressWithoutProgressIsWrittenAsExchangeKeepsIt() {
        try (Rig rig = new Rig(List.of(RITA))) {
            rig.crm.putTask(CrmTask.builder("A1:1-2").repId("R1").subject("Call Globex")
                    .dueDate(LocalDate.now(rig.clock).plusDays(2)).status("In Progress").percentComplete(0).build());
            SyncReport r = rig.cycle();
            assertThat(r.clean()).as(r.toTable()).isTrue();
            assertThat(r.created()).isEqualTo(1);

            OutlookTask t = rig.inOutlook(RITA, "A1:1-2");
            assertThat(t.status()).isEqualTo("InProgress");
            assertThat(t.percentComplete()).as("InProgress needs more than 0 % (MS-OXOTASK 2.2.2.2.2)").isEqualTo(1.0);
            for (int i = 0; i < 2; i++) {
                SyncReport again = rig.cycle();
                assertThat(again.clean()).as(again.toTable()).isTrue();
                assertThat(again.updated()).isZero();
            }
            assertThat(rig.task("A1:1-2").orElseThrow().status()).isEqualTo("In Progress");
            rig.assertEwsClean();
        }
    }
}

package org.tasksync.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tasksync.core.MailboxReport;
import org.tasksync.core.SyncReport;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;

/**
 * The mass-delete guard of SPEC §7 through the EWS stack: a cycle that would delete more than 50 %
 * and more than 20 of one mailbox's linked tasks deletes nothing there and says why in the report;
 * exactly 50 %, or 20 tasks, are not "more than" and go through; the other mailboxes' deletions go on;
 * the held deletions wait (they are not forgotten) until the guard is raised, and then go through.
 */
class MassDeleteGuardTest {

    private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
    private static final Rep HELD = new Rep("R-HELD", "Hal Held", "hal@example.com", ZONE, true);
    private static final Rep HALF = new Rep("R-HALF", "Hanna Half", "hanna@example.com", ZONE, true);
    private static final Rep TWENTY = new Rep("R-TWENTY", "Tom Twenty", "tom@example.com", ZONE, true);

    @Test
    void theGuardHoldsMoreThanHalfAndMoreThanTwentyAndLetsThemThroughWhenRaised() {
        try (Rig rig = new Rig(List.of(HELD, HALF, TWENTY))) {
            LocalDate today = LocalDate.now(rig.clock);
            tasks(rig, HELD, 30, today);   // 21 of 30 deleted: 70 % and 21 > 20 -> held
            tasks(rig, HALF, 42, today);   // 21 of 42 deleted: exactly 50 %, not more -> deleted
            tasks(rig, TWENTY, 25, today); // 20 of 25 deleted: 80 %, but not more than 20 -> deleted
            SyncReport created = rig.cycle();
            assertThat(created.created()).as(created.toTable()).isEqualTo(97);
            rig.cycle();

            delete(rig, HELD, 21);
            delete(rig, HALF, 21);
            delete(rig, TWENTY, 20);
            SyncReport r = rig.cycle();

            MailboxReport held = r.mailbox(HELD.mailbox()).orElseThrow();
            assertThat(held.deleted()).as(r.toTable()).isZero();
            assertThat(held.warnings()).anySatisfy(w -> assertThat(w)
                    .contains("mass-delete guard").contains("21 of 30 linked tasks")
                    .contains("more than 50 % and more than 20").contains("nothing deleted"));
            assertThat(r.toTable()).contains("warning (" + HELD.mailbox() + "): mass-delete guard: 21 of 30");
            assertThat(rig.outlook(HELD).tasks()).hasSize(30);
            assertThat(r.mailbox(HALF.mailbox()).orElseThrow().deleted()).isEqualTo(21);
            assertThat(rig.outlook(HALF).tasks()).hasSize(21);
            assertThat(r.mailbox(TWENTY.mailbox()).orElseThrow().deleted()).isEqualTo(20);
            assertThat(rig.outlook(TWENTY).tasks()).hasSize(5);

            SyncReport again = rig.cycle();
            assertThat(again.mailbox(HELD.mailbox()).orElseThrow().deleted()).as("still held").isZero();
            assertThat(again.mailbox(HELD.mailbox()).orElseThrow().warnings()).anySatisfy(w -> assertThat(w)
                    .contains("mass-delete guard"));

            rig.settings(b -> b.massDeleteMaxShare(0.75));
            SyncReport raised = rig.cycle();
            assertThat(raised.mailbox(HELD.mailbox()).orElseThrow().deleted()).as(raised.toTable()).isEqualTo(21);
            assertThat(raised.mailbox(HELD.mailbox()).orElseThrow().warnings()).noneMatch(w -> w.contains("mass-delete"));
            assertThat(rig.outlook(HELD).tasks()).hasSize(9)
                    .allSatisfy(t -> assertThat(t.extended(Rig.CRM_ID).orElseThrow()).matches(".*-(2[2-9]|30)$"));
            assertThat(rig.cycle().clean()).isTrue();
            rig.assertEwsClean();
        }
    }

    private static void tasks(Rig rig, Rep rep, int n, LocalDate today) {
        for (int i = 1; i <= n; i++) {
            rig.crm.putTask(CrmTask.builder(id(rep, i)).repId(rep.id()).subject("Task " + i + " of " + rep.displayName())
                    .dueDate(today.plusDays(1 + i % 20)).status("Open").build());
        }
    }

    private static void delete(Rig rig, Rep rep, int n) {
        for (int i = 1; i <= n; i++) {
            rig.crm.deleteTask(id(rep, i));
        }
    }

    private static String id(Rep rep, int n) {
        return "A1:" + rep.id() + "-" + n;
    }
}

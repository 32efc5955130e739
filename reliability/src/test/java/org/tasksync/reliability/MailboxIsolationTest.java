package org.tasksync.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tasksync.core.MailboxReport;
import org.tasksync.core.SkipReason;
import org.tasksync.core.SyncReport;
import org.tasksync.core.internal.state.EngineState;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.testkit.ews.EwsFault;
import org.tasksync.testkit.ews.OutlookTask;

/**
 * One failing mailbox among several (SPEC §8), through the EWS adapter and the simulator: a mailbox
 * Exchange does not know, one the service account may no longer impersonate, and one throttled past
 * the adapter's bound fail on their own; the healthy mailbox is synchronized in both directions in
 * the same cycles, the failed ones keep their change cursors where they were, and once healed nothing
 * is lost: the rep's status changes made meanwhile reach the CRM and the CRM's edits reach Outlook.
 */
class MailboxIsolationTest {

    private static final ZoneId VIENNA = ZoneId.of("Europe/Vienna");
    private static final Rep GONE = new Rep("R-GONE", "Gus Gone", "gus.gone@example.com", VIENNA, true);
    private static final Rep DENIED = new Rep("R-DENY", "Dina Denied", "dina.denied@example.com", VIENNA, true);
    private static final Rep BUSY = new Rep("R-BUSY", "Bea Busy", "bea.busy@example.com", VIENNA, true);
    private static final Rep FINE = new Rep("R-FINE", "Finn Fine", "finn.fine@example.com", VIENNA, true);
    private static final List<Rep> REPS = List.of(GONE, DENIED, BUSY, FINE);

    @Test
    void aFailingMailboxLeavesTheOthersSyncedAndItsCursorWhereItWasAndLosesNothingOnceHealed() {
        try (Rig rig = new Rig(List.of(DENIED, BUSY, FINE))) {
            rig.putRep(GONE); // in the CRM, with an address Exchange does not know (yet)
            LocalDate today = LocalDate.now(rig.clock);
            for (Rep rep : REPS) {
                for (int i = 1; i <= 3; i++) {
                    rig.crm.putTask(CrmTask.builder(id(rep, i)).repId(rep.id()).subject("Visit " + rep.displayName() + " " + i)
                            .dueDate(today.plusDays(i)).status("Open").build());
                }
            }

            SyncReport first = rig.cycle();
            assertThat(failure(first, GONE)).as(first.toTable()).contains("not found");
            assertThat(first.mailbox(GONE.mailbox()).orElseThrow().skipped(SkipReason.MAILBOX_FAILED)).isEqualTo(3);
            for (Rep rep : List.of(DENIED, BUSY, FINE)) {
                assertThat(first.mailbox(rep.mailbox()).orElseThrow().failed()).as(first.toTable()).isFalse();
                assertThat(rig.outlook(rep).tasks()).hasSize(3);
            }
            assertThat(cursor(rig, GONE)).as("a mailbox never read has no cursor").isEmpty();
            rig.cycle(); // reads the engine's own creates back
            Map<Rep, Optional<String>> before = new HashMap<>();
            for (Rep rep : REPS) {
                before.put(rep, cursor(rig, rep));
            }

            // meanwhile: the reps complete a task in Outlook, the CRM edits another of each rep
            for (Rep rep : List.of(DENIED, BUSY, FINE)) {
                OutlookTask t = rig.inOutlook(rep, id(rep, 1));
                rig.outlook(rep).setStatus(t.itemId(), "Completed");
            }
            for (Rep rep : REPS) {
                CrmTask t = rig.task(id(rep, 2)).orElseThrow();
                rig.crm.putTask(t.toBuilder().subject("Visit moved").dueDate(today.plusDays(9)).build());
            }
            rig.ews.denyImpersonation(DENIED.mailbox(), true);
            rig.ews.inject(EwsFault.serverBusyFault().always().forMailbox(BUSY.mailbox()));

            SyncReport broken = rig.cycle();
            assertThat(failure(broken, GONE)).contains("not found");
            assertThat(failure(broken, DENIED)).contains("access denied");
            assertThat(failure(broken, BUSY)).contains("throttled");
            MailboxReport fine = broken.mailbox(FINE.mailbox()).orElseThrow();
            assertThat(fine.failed()).as(broken.toTable()).isFalse();
            assertThat(fine.statusesWrittenBack()).isEqualTo(1);
            assertThat(fine.updated()).isEqualTo(1);
            assertThat(rig.task(id(FINE, 1)).orElseThrow().status()).isEqualTo("Completed");
            assertThat(rig.inOutlook(FINE, id(FINE, 2)).subject()).isEqualTo("Visit moved");
            for (Rep rep : List.of(GONE, DENIED, BUSY)) {
                assertThat(cursor(rig, rep)).as("cursor of failed %s", rep.mailbox()).isEqualTo(before.get(rep));
                assertThat(rig.task(id(rep, 1)).orElseThrow().status()).as("not read yet").isEqualTo("Open");
            }
            assertThat(cursor(rig, FINE)).as("the healthy mailbox's cursor moved").isNotEqualTo(before.get(FINE));
            assertThat(rig.inOutlook(DENIED, id(DENIED, 2)).subject()).as("not written yet").startsWith("Visit Dina");

            rig.ews.registerMailbox(GONE.mailbox());
            rig.ews.denyImpersonation(DENIED.mailbox(), false);
            rig.ews.clearFaults();
            SyncReport healed = rig.cycle();
            assertThat(healed.clean()).as(healed.toTable()).isTrue();
            rig.cycle();

            Agreement agreement = new Agreement(rig);
            for (Rep rep : REPS) {
                for (int i = 1; i <= 3; i++) {
                    CrmTask t = rig.task(id(rep, i)).orElseThrow();
                    assertThat(agreement.differences(t, rig.inOutlook(rep, t.id()))).isEmpty();
                }
                if (rep != GONE) {
                    assertThat(rig.task(id(rep, 1)).orElseThrow().status()).as("the rep's status of %s", rep.mailbox())
                            .isEqualTo("Completed");
                }
                assertThat(rig.inOutlook(rep, id(rep, 2)).subject()).isEqualTo("Visit moved");
            }
            rig.assertEwsClean();
        }
    }

    private static String id(Rep rep, int n) {
        return "A1:" + rep.id() + "-" + n;
    }

    private static String failure(SyncReport r, Rep rep) {
        MailboxReport m = r.mailbox(rep.mailbox()).orElseThrow();
        assertThat(m.failed()).as("%s failed in%n%s", rep.mailbox(), r.toTable()).isTrue();
        assertThat(r.toTable()).contains("mailbox error: " + m.mailboxError());
        return m.mailboxError();
    }

    private static Optional<String> cursor(Rig rig, Rep rep) {
        return rig.store.cursor(EngineState.MAILBOX_CURSOR_PREFIX + rep.mailboxKey());
    }
}

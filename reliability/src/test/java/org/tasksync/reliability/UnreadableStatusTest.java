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
import org.tasksync.testkit.ews.EwsFault;

/**
 * A status that ews-java-api cannot read (a value it does not know, or none) must not be taken for
 * "no status": the engine would write the CRM's over it and the rep's change would be lost, with no
 * error anywhere (found by the Exchange rows of {@link BadInputCatalogTest}). It is a per-task error
 * naming the task, its item, the field and the value; the task is left alone until it reads well.
 */
class UnreadableStatusTest {

    private static final ZoneId ZONE = ZoneId.of("Europe/Vienna");
    private static final Rep ANN = new Rep("R-ANN", "Ann", "ann@example.com", ZONE, true);
    private static final Rep BOB = new Rep("R-BOB", "Bob", "bob@example.com", ZONE, true);

    @Test
    void aStatusTheClientCannotReadIsAPerTaskErrorNamingItAndLosesNothing() {
        try (Rig rig = new Rig(List.of(ANN, BOB))) {
            for (Rep rep : List.of(ANN, BOB)) {
                rig.crm.putTask(CrmTask.builder("A1:" + rep.id()).repId(rep.id()).subject("Call")
                        .dueDate(LocalDate.now(rig.clock).plusDays(1)).status("Open").build());
            }
            rig.cycle();
            rig.cycle();
            for (Rep rep : List.of(ANN, BOB)) {
                rig.outlook(rep).setStatus(rig.inOutlook(rep, "A1:" + rep.id()).itemId(), "Completed");
            }
            rig.ews.inject(EwsFault.rewriteResponse(xml -> xml.replace(">Completed</t:Status>", ">Bogus</t:Status>"))
                    .forMailbox(ANN.mailbox()).forOperation("GetItem").always());

            SyncReport r = rig.cycle();

            MailboxReport ann = r.mailbox(ANN.mailbox()).orElseThrow();
            assertThat(ann.failed()).as(r.toTable()).isFalse();
            assertThat(ann.taskErrors()).singleElement().asString().startsWith("task A1:R-ANN: ")
                    .contains("field Exchange Status = 'Bogus'")
                    .contains(rig.inOutlook(ANN, "A1:R-ANN").itemId());
            assertThat(rig.task("A1:R-ANN").orElseThrow().status()).isEqualTo("Open");
            assertThat(rig.inOutlook(ANN, "A1:R-ANN").status()).as("not overwritten").isEqualTo("Completed");
            assertThat(r.mailbox(BOB.mailbox()).orElseThrow().statusesWrittenBack()).isEqualTo(1);

            rig.ews.clearFaults();
            assertThat(rig.cycle().clean()).isTrue();
            assertThat(rig.task("A1:R-ANN").orElseThrow().status()).isEqualTo("Completed");
            rig.assertEwsClean();
        }
    }
}

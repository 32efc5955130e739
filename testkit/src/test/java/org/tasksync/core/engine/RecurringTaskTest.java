package org.tasksync.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tasksync.core.PlannedWrite;
import org.tasksync.core.SyncReport;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;

/**
 * The engine's rule for a CRM task the rep made recurring (docs/engine.md, "Recurring tasks"), with
 * the in-memory Exchange regenerating as MS-OXOTASK describes: the parts the end-to-end tests of the
 * adapters cannot reach cheaply (a dry run; removing the tag failing; several tasks in one page).
 */
class RecurringTaskTest {

    private static final String ANNA = "anna@example.com";

    private final Fixture f = new Fixture();
    private String series;

    RecurringTaskTest() {
        f.rep("anna", ANNA);
        f.task("A1:1", "anna");
        f.task("A1:2", "anna");
        f.cycle();
        series = f.outlookTask(ANNA, "A1:1").itemId();
        f.exchange.userMakeRecurring(ANNA, series);
        f.cycle();
    }

    private List<ExchangeTask> tagged(String crmId) {
        return f.outlook(ANNA).stream().filter(t -> crmId.equals(t.crmId())).toList();
    }

    @Test
    void aDryRunPlansTheMoveAndTheTagRemovalAndWritesNothing() {
        String occurrence = f.exchange.userCompleteOccurrence(ANNA, series, Fixture.TODAY.plusDays(10));

        SyncReport dry = f.engine.dryRun();

        assertThat(dry.plannedWrites()).anySatisfy(w -> {
            assertThat(w.kind()).isEqualTo(PlannedWrite.Kind.UPDATE);
            assertThat(w.detail()).contains("remove the CRM tag").contains(series);
        });
        assertThat(dry.plannedWrites()).anySatisfy(w -> assertThat(w.kind()).isEqualTo(PlannedWrite.Kind.CRM_STATUS));
        assertThat(f.crm.task("A1:1").orElseThrow().status()).isEqualTo("Open");
        assertThat(tagged("A1:1")).hasSize(2);

        SyncReport real = f.cycle();
        assertThat(real.statusesWrittenBack()).isEqualTo(1);
        assertThat(f.crm.task("A1:1").orElseThrow().status()).isEqualTo("Completed");
        assertThat(tagged("A1:1")).extracting(ExchangeTask::itemId).containsExactly(occurrence);
    }

    @Test
    void aTagThatCannotBeRemovedIsTriedAgainAndTheStatusIsWrittenOnce() {
        String occurrence = f.exchange.userCompleteOccurrence(ANNA, series, Fixture.TODAY.plusDays(10));
        f.exchange.failRemoveTag(true);

        SyncReport failed = f.cycle();

        assertThat(f.crm.task("A1:1").orElseThrow().status()).isEqualTo("Completed");
        assertThat(failed.statusesWrittenBack()).isEqualTo(1);
        assertThat(failed.mailboxes().get(0).warnings()).anySatisfy(w -> assertThat(w)
                .contains("removing the CRM tag").contains(series).contains("tried again next cycle"));
        assertThat(tagged("A1:1")).hasSize(2);

        f.exchange.failRemoveTag(false);
        SyncReport healed = f.cycle();

        assertThat(healed.statusesWrittenBack()).isZero();
        assertThat(healed.created() + healed.updated()).isZero();
        assertThat(tagged("A1:1")).extracting(ExchangeTask::itemId).containsExactly(occurrence);
        assertThat(f.outlook(ANNA).stream().filter(t -> t.itemId().equals(series)).findFirst().orElseThrow().crmId())
                .isNull();
        assertThat(f.cycle().clean()).isTrue();
    }

    @Test
    void aCompletedCopyThatKeptThePatternStillCarriesTheCrmTask() {
        String occurrence = f.exchange.userCompleteOccurrence(ANNA, series, Fixture.TODAY.plusDays(10), true);

        f.cycle();

        assertThat(f.crm.task("A1:1").orElseThrow().status()).isEqualTo("Completed");
        assertThat(tagged("A1:1")).extracting(ExchangeTask::itemId).containsExactly(occurrence);
    }

    @Test
    void theOtherTasksOfThePageSyncAsUsual() {
        f.exchange.userCompleteOccurrence(ANNA, series, Fixture.TODAY.plusDays(10));
        f.exchange.userSetStatus(ANNA, f.outlookTask(ANNA, "A1:2").itemId(), ExchangeStatus.IN_PROGRESS);

        SyncReport r = f.cycle();

        assertThat(r.statusesWrittenBack()).isEqualTo(2);
        assertThat(f.crm.task("A1:1").orElseThrow().status()).isEqualTo("Completed");
        assertThat(f.crm.task("A1:2").orElseThrow().status()).isEqualTo("In Progress");
        assertThat(tagged("A1:1")).singleElement().satisfies(t -> {
            assertThat(t.recurring()).isFalse();
            assertThat(t.values().status()).isEqualTo(ExchangeStatus.COMPLETED);
        });
    }
}

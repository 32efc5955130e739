package org.tasksync.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;

/** SPEC §6.6: writes batched per mailbox, mailboxes in parallel up to a bound. */
class OrderAndCostTest {

    private static final String ANNA = "anna@example.com";

    private final Fixture f = new Fixture();

    private ObservedExchange observe() {
        ObservedExchange observed = new ObservedExchange(f.exchange);
        f.engine = SyncEngine.builder().crm(f.crm).exchange(observed).stateStore(f.store).settings(f.settings)
                .clock(f.clock).build();
        return observed;
    }

    private void fiveMailboxes() {
        for (int r = 1; r <= 5; r++) {
            f.rep("rep" + r, "rep" + r + "@example.com");
            for (int i = 0; i < 3; i++) {
                f.task("A1:6-" + r + i, "rep" + r);
            }
        }
    }

    @ParameterizedTest(name = "bound {0}")
    @CsvSource({"2", "3"})
    void mailboxesAreProcessedInParallelUpToTheBound(int bound) {
        fiveMailboxes();
        f.settings(b -> b.mailboxParallelism(bound));
        ObservedExchange observed = observe();
        observed.awaitConcurrency(bound);

        SyncReport report = f.cycle();

        assertThat(observed.maxConcurrentConnections()).isEqualTo(bound);
        assertThat(report.created()).isEqualTo(15);
        assertThat(report.failedMailboxes()).isEmpty();
    }

    @Test
    void boundOfOneProcessesOneMailboxAtATime() {
        fiveMailboxes();
        f.settings(b -> b.mailboxParallelism(1));
        ObservedExchange observed = observe();

        f.cycle();

        assertThat(observed.maxConcurrentConnections()).isEqualTo(1);
        assertThat(f.exchange.mailboxes()).hasSize(5);
    }

    @Test
    void createsAreBatched() {
        f.rep("anna", ANNA);
        for (int i = 0; i < 250; i++) {
            f.task(String.format("A1:6-%03d", i), "anna");
        }
        f.settings(b -> b.batchSize(100));
        ObservedExchange observed = observe();

        SyncReport report = f.cycle();

        assertThat(observed.createBatchSizes).containsExactlyInAnyOrder(100, 100, 50);
        assertThat(f.exchange.requests(ANNA)).as("one change read and three creates").isEqualTo(4);
        assertThat(report.mailbox(ANNA).orElseThrow().requests()).isEqualTo(4);
        assertThat(f.outlook(ANNA)).hasSize(250);
    }

    @Test
    void updatesAreBatched() {
        f.rep("anna", ANNA);
        for (int i = 0; i < 250; i++) {
            f.task(String.format("A1:6-%03d", i), "anna");
        }
        f.cycle();
        for (int i = 0; i < 250; i++) {
            f.editTask(String.format("A1:6-%03d", i), b -> b.subject("edited"));
        }
        long before = f.exchange.requests(ANNA);

        SyncReport report = f.cycle();

        assertThat(report.updated()).isEqualTo(250);
        assertThat(f.exchange.requests(ANNA) - before).as("one change read and three updates").isEqualTo(4);
    }

    @Test
    void batchesAreCutToWhatTheAdapterTakes() {
        f.exchange.maxBatchSize(20); // Graph's $batch takes 20
        f.rep("anna", ANNA);
        for (int i = 0; i < 250; i++) {
            f.task(String.format("A1:6-%03d", i), "anna");
        }
        ObservedExchange observed = observe();

        f.cycle();

        assertThat(observed.createBatchSizes).hasSize(13).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(20));
        assertThat(observed.createBatchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(250);
        assertThat(Collections.max(observed.createBatchSizes)).isEqualTo(20);
        assertThat(f.outlook(ANNA)).hasSize(250);
    }

    @Test
    void crmChangesAreReadPageByPage() {
        f.settings(b -> b.crmPageSize(7));
        f.rep("anna", ANNA);
        for (int i = 0; i < 30; i++) {
            f.task(String.format("A1:6-%03d", i), "anna");
        }
        f.cycle();
        assertThat(f.outlook(ANNA)).hasSize(30);

        for (int i = 0; i < 30; i++) {
            f.editTask(String.format("A1:6-%03d", i), b -> b.subject("edited"));
        }
        for (int i = 0; i < 10; i++) {
            f.crm.deleteTask(String.format("A1:6-%03d", i));
        }
        f.task("A1:6-100", "anna");
        SyncReport report = f.cycle();

        assertThat(report.updated()).isEqualTo(20);
        assertThat(report.deleted()).isEqualTo(10);
        assertThat(report.created()).isEqualTo(1);
        assertThat(f.outlook(ANNA)).hasSize(21).allSatisfy(t -> assertThat(t.values().subject())
                .isIn("edited", "Call customer A1:6-100"));
    }

    @Test
    void outlookChangesAreReadPageByPage() {
        f.exchange.pageSize(4);
        f.rep("anna", ANNA);
        for (int i = 0; i < 30; i++) {
            f.task(String.format("A1:6-%03d", i), "anna");
        }
        f.cycle();
        f.cycle();

        f.later(java.time.Duration.ofMinutes(1));
        f.outlook(ANNA).forEach(t -> f.exchange.userSetStatus(ANNA, t.itemId(),
                org.tasksync.core.model.ExchangeStatus.COMPLETED));
        SyncReport report = f.cycle();

        assertThat(report.statusesWrittenBack()).isEqualTo(30);
        assertThat(f.crm.tasks().values()).allSatisfy(t -> assertThat(t.status()).isEqualTo("Completed"));
    }
}

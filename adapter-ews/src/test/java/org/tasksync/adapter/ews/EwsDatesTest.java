package org.tasksync.adapter.ews;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.ExchangeTaskUpdate;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.testkit.ews.EwsSimulator;
import org.tasksync.testkit.ews.OutlookTask;

/**
 * SPEC §4: the date a rep sees in Outlook is exactly the CRM date, in every zone, against the
 * simulator's rule (task date-times taken in UTC without a TimeZoneContext header, inferred from
 * EWS's time-zone pages; kept as a calendar date). The old adapter wrote 00:00 of the date in the
 * rep's zone: one day early east of UTC (Berlin, Auckland), right only by luck west of it.
 */
class EwsDatesTest {

    private static final String REP = "rita.rep@example.com";

    private EwsSimulator ews;
    private EwsExchangeAdapter adapter;

    @BeforeEach
    void start() {
        ews = SimulatedExchange.start();
        ews.registerMailbox(REP);
        adapter = EwsExchangeAdapter.create(SimulatedExchange.config(ews).build());
    }

    @AfterEach
    void stop() {
        ews.close();
        SimulatedExchange.assertClean(ews);
    }

    private static TaskValues.Builder task(LocalDate start, LocalDate due) {
        return TaskValues.builder().subject("Visit").status(ExchangeStatus.NOT_STARTED).importance(Importance.NORMAL)
                .percentComplete(0).startDate(start).dueDate(due);
    }

    private ExchangeTask readBack(MailboxConnection c, String crmId) throws Exception {
        List<ExchangeTask> found = c.findByCrmIds(List.of(crmId));
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "Europe/Berlin, 2026-05-04",
            "Pacific/Auckland, 2026-05-04",
            "Pacific/Honolulu, 2026-05-04",
            "Asia/Kolkata, 2026-12-31",
            "Pacific/Kiritimati, 2027-01-01",
            "Europe/Berlin, 2026-03-29", // the day Berlin changes to summer time
            "America/New_York, 2026-11-01", // the day New York changes back
            "America/Santiago, 2026-09-06", // Santiago skips 00:00 that day
    })
    void theCrmDateIsTheDateInOutlookAndTheDateReadBack(String zone, LocalDate due) throws Exception {
        try (MailboxConnection c = adapter.connect(new Mailbox(REP, "Rita Rep", ZoneId.of(zone)))) {
            String id = c.create(List.of(new NewExchangeTask("A1:1", task(due.minusDays(2), due).build())))
                    .get(0).itemId();

            OutlookTask inOutlook = ews.outlook(REP).task(id).orElseThrow();
            assertThat(inOutlook.dueDate()).as("due date in Outlook").isEqualTo(due);
            assertThat(inOutlook.startDate()).as("start date in Outlook").isEqualTo(due.minusDays(2));
            ExchangeTask back = readBack(c, "A1:1");
            assertThat(back.values().dueDate()).isEqualTo(due);
            assertThat(back.values().startDate()).isEqualTo(due.minusDays(2));
        }
    }

    @Test
    void theCompleteDateArrivesAsTheCrmDate() throws Exception {
        LocalDate done = LocalDate.of(2026, 5, 2);
        try (MailboxConnection c = adapter.connect(new Mailbox(REP, "Rita Rep", ZoneId.of("Pacific/Auckland")))) {
            TaskValues completed = task(null, LocalDate.of(2026, 5, 4)).status(ExchangeStatus.COMPLETED)
                    .percentComplete(100).completeDate(done).build();
            String created = c.create(List.of(new NewExchangeTask("A1:2", completed))).get(0).itemId();
            String open = c.create(List.of(new NewExchangeTask("A1:3", task(null, LocalDate.of(2026, 5, 4)).build())))
                    .get(0).itemId();
            c.update(List.of(new ExchangeTaskUpdate(new ItemRef(open, null), "A1:3", completed,
                    Set.of(ExchangeField.STATUS, ExchangeField.PERCENT_COMPLETE, ExchangeField.COMPLETE_DATE))));

            assertThat(ews.outlook(REP).task(created).orElseThrow().completeDate()).isEqualTo(done);
            assertThat(ews.outlook(REP).task(open).orElseThrow().completeDate()).isEqualTo(done);
            assertThat(readBack(c, "A1:2").values().completeDate()).isEqualTo(done);
            assertThat(readBack(c, "A1:3").values().completeDate()).isEqualTo(done);
        }
    }

    @Test
    void aDateTheRepPicksInOutlookIsReadAsThatDateInEveryZone() throws Exception {
        LocalDate picked = LocalDate.of(2026, 6, 15);
        String id;
        try (MailboxConnection c = adapter.connect(new Mailbox(REP, "Rita Rep", ZoneId.of("Europe/Berlin")))) {
            id = c.create(List.of(new NewExchangeTask("A1:4", task(null, LocalDate.of(2026, 6, 1)).build())))
                    .get(0).itemId();
        }
        ews.outlook(REP).edit(id, e -> e.dueDate(picked).status("Completed").completeDate(picked.minusDays(1)));

        for (String zone : List.of("Europe/Berlin", "Pacific/Auckland", "Pacific/Honolulu", "UTC")) {
            try (MailboxConnection c = adapter.connect(new Mailbox(REP, "Rita Rep", ZoneId.of(zone)))) {
                TaskValues v = readBack(c, "A1:4").values();
                assertThat(v.dueDate()).as(zone).isEqualTo(picked);
                assertThat(v.completeDate()).as(zone).isEqualTo(picked.minusDays(1));
            }
        }
    }
}

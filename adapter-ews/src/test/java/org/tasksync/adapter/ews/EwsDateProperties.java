package org.tasksync.adapter.ews;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.testkit.ews.EwsSimulator;
import org.tasksync.testkit.ews.OutlookTask;

/**
 * SPEC §4 over every zone Java knows and dates from 1970 to 2100: a CRM date written by the adapter
 * is the date Outlook shows and the date read back, against the EWS simulator's documented rule
 * (a task date-time is taken in the request's TimeZoneContext zone, UTC without one, and kept as a
 * calendar date). Start, due and complete date each go through the real client over HTTP.
 */
class EwsDateProperties {

    private static final String REP = "rita.rep@example.com";
    private static final List<String> ZONES = List.copyOf(new TreeSet<>(ZoneId.getAvailableZoneIds()));
    private static final AtomicInteger IDS = new AtomicInteger();

    private static EwsSimulator ews;
    private static EwsExchangeAdapter adapter;

    @BeforeContainer
    static void start() {
        ews = SimulatedExchange.start();
        ews.registerMailbox(REP);
        adapter = EwsExchangeAdapter.create(SimulatedExchange.config(ews).build());
    }

    @AfterContainer
    static void stop() {
        ews.close();
        SimulatedExchange.assertClean(ews);
    }

    @Provide
    Arbitrary<LocalDate> dates() {
        return Arbitraries.longs().between(LocalDate.of(1970, 1, 1).toEpochDay(), LocalDate.of(2100, 12, 31).toEpochDay())
                .map(LocalDate::ofEpochDay);
    }

    @Provide
    Arbitrary<List<LocalDate>> dateLists() {
        return dates().list().ofMinSize(1).ofMaxSize(12);
    }

    @Provide
    Arbitrary<String> zones() {
        return Arbitraries.of(ZONES);
    }

    @Property(tries = 150)
    void everyDateArrivesAndComesBackAsItselfInAnyZone(@ForAll("zones") String zone,
                                                      @ForAll("dateLists") List<LocalDate> dates)
            throws Exception {
        Map<String, TaskValues> written = new HashMap<>();
        List<NewExchangeTask> batch = new ArrayList<>();
        for (LocalDate d : dates) {
            String crmId = "A1:p-" + IDS.incrementAndGet();
            TaskValues.Builder b = TaskValues.builder().subject("Date " + d).importance(Importance.NORMAL)
                    .startDate(d.minusDays(1)).dueDate(d);
            TaskValues v = batch.size() % 2 == 0
                    ? b.status(ExchangeStatus.COMPLETED).percentComplete(100).completeDate(d.plusDays(1)).build()
                    : b.status(ExchangeStatus.IN_PROGRESS).percentComplete(50).build();
            written.put(crmId, v);
            batch.add(new NewExchangeTask(crmId, v));
        }
        try (MailboxConnection c = adapter.connect(new Mailbox(REP, "Rita Rep", ZoneId.of(zone)))) {
            List<String> itemIds = c.create(batch).stream().map(o -> o.itemId()).toList();
            for (int i = 0; i < batch.size(); i++) {
                TaskValues v = batch.get(i).values();
                OutlookTask inOutlook = ews.outlook(REP).task(itemIds.get(i)).orElseThrow();
                assertThat(inOutlook.startDate()).as("start in Outlook, " + zone).isEqualTo(v.startDate());
                assertThat(inOutlook.dueDate()).as("due in Outlook, " + zone).isEqualTo(v.dueDate());
                assertThat(inOutlook.completeDate()).as("completed in Outlook, " + zone).isEqualTo(v.completeDate());
            }
            for (ExchangeTask back : c.findByCrmIds(written.keySet())) {
                TaskValues v = written.get(back.crmId());
                assertThat(back.values().startDate()).as("start read back, " + zone).isEqualTo(v.startDate());
                assertThat(back.values().dueDate()).as("due read back, " + zone).isEqualTo(v.dueDate());
                assertThat(back.values().completeDate()).as("completed read back, " + zone).isEqualTo(v.completeDate());
            }
        }
    }
}

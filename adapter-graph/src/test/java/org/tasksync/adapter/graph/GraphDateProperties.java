package org.tasksync.adapter.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.ibm.icu.util.TimeZone;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.WriteOutcome;
import org.tasksync.testkit.graph.GraphSimulator;

/**
 * SPEC §4 on Microsoft 365: over every zone and date, the date To Do keeps for a task (what its apps
 * show; the simulator applies "Create todoTask": "the date in the specified time zone") is the CRM
 * date, and the adapter reads the same date back. Through the real Graph SDK over HTTP.
 */
class GraphDateProperties {

    private static final String ANNA = "anna@example.com";
    private static final List<String> ZONES;
    private static final GraphSimulator SIM = GraphSimulator.start();
    private static final GraphExchangeAdapter ADAPTER;
    private static final AtomicInteger IDS = new AtomicInteger();

    static {
        List<String> zones = new ArrayList<>(new TreeSet<>(ZoneId.getAvailableZoneIds()));
        zones.addAll(List.of("Z", "+05:30", "-09:30", "+14:00", "-12:00"));
        ZONES = List.copyOf(zones);
        SIM.addUser(ANNA);
        ADAPTER = GraphExchangeAdapter.builder(GraphSettings.builder().baseUrl(SIM.baseUrl()).build())
                .tokenSource(GraphTokenSource.fixed(SIM.token())).build();
    }

    @AfterContainer
    static void stop() {
        SIM.close();
    }

    @Provide
    Arbitrary<LocalDate> dates() {
        return Arbitraries.longs().between(LocalDate.of(1970, 1, 1).toEpochDay(), LocalDate.of(2100, 12, 31).toEpochDay())
                .map(LocalDate::ofEpochDay);
    }

    @Provide
    Arbitrary<String> zones() {
        return Arbitraries.of(ZONES);
    }

    @Property(tries = 150)
    void theDateToDoKeepsAndTheDateReadBackAreTheCrmDate(@ForAll("dates") LocalDate due, @ForAll("zones") String zone)
            throws Exception {
        check(ZoneId.of(zone), List.of(due));
    }

    /**
     * Every kind of zone, on days when many zones change their clocks. What the adapter sends and how
     * it reads depend on the zone's Windows name only (docs/graph.md), so one zone per Windows name and
     * every zone without one cover all zones Java knows; the property above samples them all.
     */
    @Example
    void everyKindOfZoneKeepsTheDaysAroundTheClockChanges() throws Exception {
        java.util.Map<String, String> byWindowsName = new java.util.TreeMap<>();
        for (String zone : ZONES) {
            ZoneId z = ZoneId.of(zone);
            String windows = z instanceof ZoneOffset ? null : TimeZone.getWindowsID(z.getId());
            byWindowsName.putIfAbsent(windows == null ? "none:" + zone : windows, zone);
        }
        for (String zone : byWindowsName.values()) {
            check(ZoneId.of(zone), List.of(LocalDate.of(2026, 3, 29), LocalDate.of(2026, 11, 1),
                    LocalDate.of(2026, 1, 1)));
        }
    }

    private static void check(ZoneId zone, List<LocalDate> dues) throws Exception {
        Mailbox mb = new Mailbox(ANNA, "Anna", zone);
        try (MailboxConnection c = ADAPTER.connect(mb)) {
            List<NewExchangeTask> news = new ArrayList<>();
            List<String> crmIds = new ArrayList<>();
            for (LocalDate due : dues) {
                String crmId = "A1:p-" + IDS.incrementAndGet();
                crmIds.add(crmId);
                news.add(new NewExchangeTask(crmId, TaskValues.builder().subject("Due " + due).status(ExchangeStatus.COMPLETED)
                        .dueDate(due).startDate(due.minusDays(1)).completeDate(due).build()));
            }
            List<WriteOutcome> out = c.create(news);
            for (int i = 0; i < dues.size(); i++) {
                LocalDate due = dues.get(i);
                assertThat(out.get(i).succeeded()).as("%s in %s: %s", due, zone, out.get(i)).isTrue();
                String id = out.get(i).itemId();
                assertThat(SIM.toDo().keptDate(ANNA, id, "dueDateTime")).as("due date To Do shows, %s in %s", due, zone)
                        .isEqualTo(due);
                assertThat(SIM.toDo().keptDate(ANNA, id, "startDateTime")).as("start date, %s in %s", due, zone)
                        .isEqualTo(due.minusDays(1));
                assertThat(SIM.toDo().keptDate(ANNA, id, "completedDateTime")).as("completion, %s in %s", due, zone)
                        .isEqualTo(due);
            }
            for (var t : c.findByCrmIds(crmIds)) {
                LocalDate due = dues.get(crmIds.indexOf(t.crmId()));
                ZoneId rules = rulesOf(zone);
                assertThat(t.values().dueDate()).as("due date read back, %s in %s", due, zone)
                        .isEqualTo(readable(due, rules));
                assertThat(t.values().startDate()).as("start date read back, %s in %s", due, zone)
                        .isEqualTo(readable(due.minusDays(1), rules));
                assertThat(t.values().completeDate()).as("completion read back, %s in %s", due, zone)
                        .isEqualTo(readable(due, rules));
            }
        }
    }

    /** The zone whose clock Graph applies to the Windows name of {@code zone} (UTC when it has none). */
    private static ZoneId rulesOf(ZoneId zone) {
        String windows = zone instanceof ZoneOffset ? null : TimeZone.getWindowsID(zone.getId());
        return windows == null ? ZoneOffset.UTC : ZoneId.of(TimeZone.getIDForWindowsID(windows, null));
    }

    /**
     * The date as it can be read back: itself, unless the zone skipped that whole day (Pacific/Apia
     * on 2011-12-30), when no time of it exists and Graph's midnight is the next day's (as
     * DateRoundTripProperties in core has it).
     */
    private static LocalDate readable(LocalDate date, ZoneId rules) {
        for (int minute = 0; minute < 24 * 60; minute += 15) {
            if (!rules.getRules().getValidOffsets(date.atStartOfDay().plusMinutes(minute)).isEmpty()) {
                return date;
            }
        }
        return date.plusDays(1);
    }
}

package org.tasksync.core.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.function.UnaryOperator;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.SyncStateStore;
import org.tasksync.core.state.InMemorySyncStateStore;
import org.tasksync.testkit.MutableClock;
import org.tasksync.testkit.inmemory.InMemoryCrm;
import org.tasksync.testkit.inmemory.InMemoryExchange;

/** A CRM, an Exchange and a state store in memory, with a clock the test moves, and an engine over them. */
final class Fixture {
    static final Instant START = Instant.parse("2026-03-02T09:00:00Z");
    static final LocalDate TODAY = LocalDate.of(2026, 3, 2);

    final MutableClock clock = new MutableClock(START);
    final InMemoryCrm crm = new InMemoryCrm(clock);
    final InMemoryExchange exchange = new InMemoryExchange(clock);
    SyncStateStore store = new InMemorySyncStateStore();
    SyncSettings settings;
    SyncEngine engine;

    Fixture() {
        this(SyncSettings.builder().pastDays(30).futureDays(60).build());
    }

    Fixture(SyncSettings settings) {
        this.settings = settings;
        rebuild();
    }

    void rebuild() {
        engine = SyncEngine.builder().crm(crm).exchange(exchange).stateStore(store).settings(settings).clock(clock).build();
    }

    void settings(UnaryOperator<SyncSettings.Builder> change) {
        settings = change.apply(settings.toBuilder()).build();
        rebuild();
    }

    Rep rep(String id, String mailbox) {
        return rep(id, mailbox, ZoneId.of("Europe/Vienna"));
    }

    Rep rep(String id, String mailbox, ZoneId zone) {
        Rep r = new Rep(id, "Rep " + id.toUpperCase(), mailbox, zone, true);
        crm.putRep(r);
        return r;
    }

    CrmTask task(String id, String repId, UnaryOperator<CrmTask.Builder> more) {
        CrmTask.Builder b = CrmTask.builder(id).repId(repId).subject("Call customer " + id)
                .dueDate(TODAY.plusDays(3)).status("Open").priority("Normal");
        return crm.upsertTask(more.apply(b).build());
    }

    CrmTask task(String id, String repId) {
        return task(id, repId, b -> b);
    }

    CrmTask editTask(String id, UnaryOperator<CrmTask.Builder> edit) {
        clock.advance(Duration.ofSeconds(1));
        return crm.upsertTask(edit.apply(crm.task(id).orElseThrow().toBuilder()).build());
    }

    SyncReport cycle() {
        clock.advance(Duration.ofSeconds(10));
        return engine.runOnce();
    }

    List<ExchangeTask> outlook(String mailbox) {
        return exchange.tasks(mailbox);
    }

    ExchangeTask outlookTask(String mailbox, String crmId) {
        return exchange.tasks(mailbox).stream().filter(t -> crmId.equals(t.crmId())).findFirst()
                .orElseThrow(() -> new AssertionError("no Exchange task for " + crmId + " in " + mailbox + ": "
                        + exchange.tasks(mailbox)));
    }

    void later(Duration d) {
        clock.advance(d);
    }
}

package org.tasksync.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncListener;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.TaskError;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.state.InMemorySyncStateStore;
import org.tasksync.testkit.MutableClock;
import org.tasksync.testkit.inmemory.InMemoryCrm;
import org.tasksync.testkit.inmemory.InMemoryExchange;

/** The meters of real cycles of the engine over the in-memory CRM and Exchange. */
class TasksyncMetricsTest {

    private static final String ANNA = "anna@example.com";
    private static final String BEN = "ben@example.com";
    private static final String CARL = "carl@example.com";
    private static final LocalDate TODAY = LocalDate.of(2026, 3, 2);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T09:00:00Z"));
    private final InMemoryCrm crm = new InMemoryCrm(clock);
    private final InMemoryExchange exchange = new InMemoryExchange(clock);
    private final InMemorySyncStateStore store = new InMemorySyncStateStore();
    private final MockClock meterClock = new MockClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, meterClock);

    TasksyncMetricsTest() {
        for (String id : List.of("anna", "ben", "carl")) {
            crm.putRep(new Rep(id, "Rep " + id, id + "@example.com", ZoneId.of("Europe/Vienna"), true));
        }
    }

    private SyncEngine engine(SyncListener listener, UnaryOperator<SyncSettings.Builder> settings) {
        return SyncEngine.builder().crm(crm).exchange(exchange).stateStore(store).clock(clock).listener(listener)
                .settings(settings.apply(SyncSettings.builder().pastDays(30).futureDays(60)).build()).build();
    }

    private SyncEngine engine(SyncListener listener) {
        return engine(listener, s -> s);
    }

    private void task(String id, String rep, UnaryOperator<CrmTask.Builder> more) {
        clock.advance(Duration.ofSeconds(1));
        crm.upsertTask(more.apply(CrmTask.builder(id).repId(rep).subject("Call customer " + id)
                .dueDate(TODAY.plusDays(3)).status("Open").priority("Normal")).build());
    }

    private SyncReport cycle(SyncEngine engine) {
        clock.advance(Duration.ofSeconds(10));
        return engine.runOnce();
    }

    private double counter(String name, String... tags) {
        return registry.get(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    @Test
    void aCycleWithAFailingMailboxAndABadTaskIsCountedAsItsReportSays() {
        SyncEngine engine = engine(new TasksyncMetrics(registry));
        task("A1:1-1", "anna", b -> b);
        task("A1:1-2", "anna", b -> b);
        task("A1:1-3", "anna", b -> b.subject(""));
        task("A1:2-1", "ben", b -> b);
        task("A1:3-1", "carl", b -> b);
        exchange.failMailbox(CARL, MailboxException.Kind.THROTTLED);

        SyncReport report = cycle(engine);

        assertThat(report.created()).isEqualTo(3);
        assertThat(counter("tasksync.tasks.created")).isEqualTo(3);
        assertThat(counter("tasksync.tasks.updated")).isZero();
        assertThat(counter("tasksync.task.errors", "field", "Subject")).isEqualTo(1);
        assertThat(counter("tasksync.mailbox.failures", "kind", "throttled")).isEqualTo(1);
        assertThat(counter("tasksync.tasks.skipped", "reason", "mailbox_failed")).isEqualTo(1);
        assertThat(report.requests()).isPositive();
        assertThat(counter("tasksync.requests")).isEqualTo(report.requests());
        assertThat(gauge("tasksync.mailboxes")).isEqualTo(3);
        assertThat(gauge("tasksync.mailboxes.failing")).isEqualTo(1);
        assertThat(registry.get("tasksync.cycle.duration").tag("outcome", "errors").timer().count()).isEqualTo(1);
        assertThat(registry.find("tasksync.cycle.duration").tag("outcome", "clean").timer()).isNull();

        meterClock.add(90, TimeUnit.SECONDS);
        assertThat(gauge("tasksync.last.cycle.age")).isEqualTo(90);
        assertThat(gauge("tasksync.last.clean.cycle.age")).as("no clean cycle since the metrics started")
                .isEqualTo(90);
    }

    @Test
    void aCleanCycleResetsTheAgeAndCountsUpdatesStatusesAndConflictsOnTopOfTheLastCycle() {
        SyncEngine engine = engine(new TasksyncMetrics(registry));
        task("A1:1-1", "anna", b -> b);
        task("A1:2-1", "ben", b -> b);
        exchange.failMailbox(CARL, MailboxException.Kind.AUTHENTICATION);
        cycle(engine);
        meterClock.add(60, TimeUnit.SECONDS);
        assertThat(gauge("tasksync.last.clean.cycle.age")).isEqualTo(60);

        exchange.failMailbox(CARL, null);
        task("A1:1-1", "anna", b -> b.subject("Call the customer back"));
        ExchangeTask bens = exchange.tasks(BEN).get(0);
        exchange.userSetStatus(BEN, bens.itemId(), ExchangeStatus.COMPLETED);
        meterClock.add(30, TimeUnit.SECONDS);
        SyncReport second = cycle(engine);

        assertThat(second.clean()).as(second.toTable()).isTrue();
        assertThat(counter("tasksync.tasks.created")).isEqualTo(2);
        assertThat(counter("tasksync.tasks.updated")).isEqualTo(second.updated()).isEqualTo(1);
        assertThat(counter("tasksync.statuses.written.back")).isEqualTo(1);
        assertThat(counter("tasksync.mailbox.failures", "kind", "authentication")).isEqualTo(1);
        assertThat(gauge("tasksync.mailboxes.failing")).isZero();
        assertThat(gauge("tasksync.last.clean.cycle.age")).isZero();
        assertThat(registry.get("tasksync.cycle.duration").tag("outcome", "clean").timer().count()).isEqualTo(1);
        assertThat(registry.get("tasksync.cycle.duration").timers().stream()
                .mapToLong(t -> t.count()).sum()).isEqualTo(2);
    }

    @Test
    void aDryRunIsTimedButWritesNothingInTheCounters() {
        task("A1:1-1", "anna", b -> b);
        SyncReport dry = engine(new TasksyncMetrics(registry)).dryRun();

        assertThat(dry.plannedWrites()).isNotEmpty();
        assertThat(registry.get("tasksync.cycle.duration").tag("outcome", "dry_run").timer().count()).isEqualTo(1);
        assertThat(registry.find("tasksync.tasks.created").counters()).isEmpty();
        assertThat(gauge("tasksync.mailboxes")).isZero();
    }

    @Test
    void aCycleThatFailsBeforeAnyMailboxIsCountedAsFailed() {
        boolean[] crmDown = {true};
        CrmAdapter failingCrm = (CrmAdapter) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {CrmAdapter.class}, (proxy, method, args) -> {
                    if (crmDown[0] && method.getName().equals("reps")) {
                        throw new IllegalStateException("CRM database unreachable");
                    }
                    try {
                        return method.invoke(crm, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        SyncEngine engine = SyncEngine.builder().crm(failingCrm).exchange(exchange).stateStore(store).clock(clock)
                .listener(new TasksyncMetrics(registry)).settings(SyncSettings.builder().build()).build();
        task("A1:1-1", "anna", b -> b);

        SyncReport failed = cycle(engine);
        meterClock.add(45, TimeUnit.SECONDS);

        assertThat(failed.cycleError()).contains("CRM database unreachable");
        assertThat(registry.get("tasksync.cycle.duration").tag("outcome", "failed").timer().count()).isEqualTo(1);
        assertThat(gauge("tasksync.last.clean.cycle.age")).isEqualTo(45);

        crmDown[0] = false;
        cycle(engine);
        assertThat(counter("tasksync.tasks.created")).isEqualTo(1);
        assertThat(gauge("tasksync.last.clean.cycle.age")).isZero();
    }

    @ParameterizedTest
    @EnumSource(MailboxException.Kind.class)
    void everyKindOfMailboxFailureHasItsTag(MailboxException.Kind kind) {
        SyncEngine engine = engine(new TasksyncMetrics(registry));
        task("A1:1-1", "anna", b -> b);
        exchange.failMailbox(ANNA, kind);

        cycle(engine);

        String tag = kind.name().toLowerCase(java.util.Locale.ROOT);
        assertThat(counter("tasksync.mailbox.failures", "kind", tag)).isEqualTo(1);
        assertThat(registry.find("tasksync.mailbox.failures").counters()).hasSize(1);
    }

    @Test
    void byDefaultNoMeterCarriesAMailboxAndTheSwitchAddsItToThePerMailboxCounters() {
        task("A1:1-1", "anna", b -> b);
        task("A1:1-2", "anna", b -> b);
        task("A1:2-1", "ben", b -> b);
        cycle(engine(new TasksyncMetrics(registry)));

        assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTag("mailbox")).isNull());

        SimpleMeterRegistry small = new SimpleMeterRegistry();
        TasksyncMetrics withMailbox = TasksyncMetrics.builder(small).mailboxTag(true)
                .tags(Tags.of("engine", "ews")).build();
        task("A1:1-3", "anna", b -> b);
        task("A1:1-4", "anna", b -> b.subject(""));
        cycle(engine(withMailbox));

        assertThat(small.get("tasksync.tasks.created").tags("mailbox", ANNA, "engine", "ews").counter().count())
                .isEqualTo(1);
        assertThat(small.get("tasksync.tasks.created").tags("mailbox", BEN).counter().count()).isZero();
        assertThat(small.get("tasksync.task.errors").tags("mailbox", ANNA, "field", "Subject").counter().count())
                .isEqualTo(1);
        assertThat(small.getMeters()).allSatisfy(m -> assertThat(m.getId().getTag("engine")).isEqualTo("ews"));
        assertThat(small.getMeters().stream().map(Meter::getId).map(Meter.Id::getName).distinct())
                .contains("tasksync.last.clean.cycle.age", "tasksync.mailboxes.failing");
    }

    @Test
    void theFieldTagIsBoundedWhateverAnAdapterReports() {
        TasksyncMetrics metrics = new TasksyncMetrics(registry);
        for (int i = 0; i < TasksyncMetrics.MAX_FIELDS; i++) {
            assertThat(metrics.field(new TaskError("A1:1-" + i, "#" + i + " Field" + i, "v", "bad"))).isEqualTo("Field" + i);
        }

        assertThat(metrics.field(new TaskError("A1:2-1", "one field too many", "v", "bad"))).isEqualTo("other");
        assertThat(metrics.field(new TaskError("A1:2-2", "#7 Field7", "v", "bad"))).as("a field seen before").isEqualTo("Field7");
    }

    @Test
    void metersFollowMicrometersNamingAndHaveADescription() {
        task("A1:1-1", "anna", b -> b);
        exchange.failMailbox(BEN, MailboxException.Kind.NOT_FOUND);
        cycle(engine(new TasksyncMetrics(registry)));

        assertThat(registry.getMeters()).isNotEmpty().allSatisfy(m -> {
            assertThat(m.getId().getName()).matches("tasksync(\\.[a-z]+)+");
            assertThat(m.getId().getDescription()).isNotBlank();
            m.getId().getTags().forEach(t -> assertThat(t.getKey()).matches("[a-z]+"));
        });
    }
}

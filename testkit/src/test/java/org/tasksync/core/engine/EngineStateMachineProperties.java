package org.tasksync.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.mapping.StatusMapping;
import org.tasksync.core.mapping.TaskMapper;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.SyncStateStore;
import org.tasksync.core.state.InMemorySyncStateStore;
import org.tasksync.testkit.MutableClock;
import org.tasksync.testkit.inmemory.InMemoryCrm;
import org.tasksync.testkit.inmemory.InMemoryExchange;

/**
 * The engine as a state machine (issue 2): random CRM creates, edits, deletions and reassignments,
 * Outlook status edits, other edits and deletions, the clock moving days, crashes between any two
 * writes, items Exchange sends with a value the client cannot read, and a lost state store. After quiet cycles the two sides agree field by field, no CRM task
 * has two Exchange tasks in one mailbox, and every Outlook status change that no later CRM change
 * superseded is in the CRM.
 */
class EngineStateMachineProperties {

    static final String[] REP_IDS = {"r1", "r2", "r3"};
    static final ZoneId[] ZONES = {ZoneId.of("Europe/Vienna"), ZoneId.of("America/Los_Angeles"), ZoneId.of("Pacific/Auckland")};
    static final String[] STATUSES = {"Open", "In Progress", "Completed", "Missed"};
    static final String[] PRIORITIES = {"Low", "Normal", "High"};
    static final int TASKS = 10;

    /** One step of a scenario. */
    interface Action {
        void apply(World w);
    }

    record CrmCreate(int task, int rep, Integer due, int status, int priority, int percent) implements Action {
        public void apply(World w) {
            String id = id(task);
            if (w.crm.task(id).isPresent() || w.deletedInCrm.contains(id)) {
                return;
            }
            w.crm.upsertTask(CrmTask.builder(id).repId(REP_IDS[rep]).subject("Task " + task)
                    .dueDate(due == null ? null : w.today().plusDays(due)).status(STATUSES[status])
                    .priority(PRIORITIES[priority]).percentComplete(percent).reminder(task % 3 == 0 ? 15 : null, "minutes")
                    .comments(task % 2 == 0 ? "notes for " + task : null).build());
            w.crmEdited(id);
        }
    }

    record CrmEdit(int task, int what, int value) implements Action {
        public void apply(World w) {
            String id = id(task);
            Optional<CrmTask> t = w.crm.task(id);
            if (t.isEmpty()) {
                return;
            }
            CrmTask.Builder b = t.get().toBuilder();
            switch (what) {
                case 0 -> b.subject("Task " + task + " v" + value);
                case 1 -> b.dueDate(w.today().plusDays(value - 20));
                case 2 -> b.status(STATUSES[value % STATUSES.length]);
                case 3 -> b.priority(PRIORITIES[value % PRIORITIES.length]);
                default -> b.percentComplete(value % 101);
            }
            w.crm.upsertTask(b.build());
            w.crmEdited(id);
        }
    }

    record CrmDelete(int task) implements Action {
        public void apply(World w) {
            String id = id(task);
            if (w.crm.task(id).isPresent()) {
                w.crm.deleteTask(id);
                w.deletedInCrm.add(id);
                w.outlookStatus.remove(id);
            }
        }
    }

    record CrmReassign(int task, int rep) implements Action {
        public void apply(World w) {
            String id = id(task);
            w.crm.task(id).ifPresent(t -> {
                w.crm.upsertTask(t.toBuilder().repId(REP_IDS[rep]).build());
                w.crmEdited(id);
            });
        }
    }

    record OutlookStatus(int task, ExchangeStatus status) implements Action {
        public void apply(World w) {
            w.currentItem(id(task)).ifPresent(item -> {
                w.exchange.userSetStatus(w.mailboxOf(id(task)), item.itemId(), status);
                if (status == w.syncedStatus.get(id(task))) {
                    // back to the status of the last cycle: no status change since then (SPEC §6.1), so a
                    // CRM status change meanwhile wins, and either side's value is right if none came
                    w.outlookStatus.remove(id(task));
                } else if (item.values().status() != status) {
                    // setting the status it already has changes nothing Exchange could report
                    w.outlookStatus.put(id(task), status);
                }
            });
        }
    }

    record OutlookEdit(int task, String subject) implements Action {
        public void apply(World w) {
            w.currentItem(id(task)).ifPresent(item -> w.exchange.userEdit(w.mailboxOf(id(task)), item.itemId(),
                    v -> v.toBuilder().subject(subject).build()));
        }
    }

    record OutlookDelete(int task) implements Action {
        public void apply(World w) {
            w.currentItem(id(task)).ifPresent(item -> {
                String mb = w.mailboxOf(id(task));
                w.exchange.userDelete(mb, item.itemId());
                w.outlookStatus.remove(id(task));
                // After a lost store a mailbox is read from the beginning until a read gets through all its
                // items, and such a read reports no deletions: with an unreadable item in the way, the
                // engine notices the deletion only when a write finds the item gone, and dates it then. So
                // whether a CRM edit in between brings the task back is not judged here (docs/engine.md).
                w.deletedInOutlook.put(id(task), w.blindSinceLostStore.contains(mb) ? Integer.MAX_VALUE : w.cyclesDone);
            });
        }
    }

    /** Exchange starts (or stops) sending a value the client cannot read for the task's item. */
    record OutlookUnreadable(int task) implements Action {
        public void apply(World w) {
            w.currentItem(id(task)).ifPresent(item -> {
                String mb = w.mailboxOf(id(task));
                if (w.unreadable.remove(item.itemId()) != null) {
                    w.exchange.makeReadable(mb, item.itemId());
                } else {
                    w.exchange.makeUnreadable(mb, item.itemId(), "Status", "Bogus");
                    w.unreadable.put(item.itemId(), mb);
                    if (w.storeLost) {
                        w.blindSinceLostStore.add(mb);
                    }
                }
            });
        }
    }

    record AdvanceDays(int days) implements Action {
        public void apply(World w) {
            w.clock.advance(Duration.ofDays(days));
        }
    }

    record RunCycle() implements Action {
        public void apply(World w) {
            w.cycle();
        }
    }

    record CrashingCycle(int atWrite) implements Action {
        public void apply(World w) {
            w.crash.arm(atWrite);
            try {
                w.cycle();
            } catch (CrashSwitch.Crash expected) {
                w.crashes++;
            } finally {
                w.crash.disarm();
            }
        }
    }

    record LoseStateStore() implements Action {
        public void apply(World w) {
            w.store = w.stores.get();
            w.deletedInOutlook.clear(); // without the store's memory, a task deleted in Outlook comes back
            w.storeLost = true;
            w.blindSinceLostStore.addAll(w.unreadable.values());
            w.build();
        }
    }

    static String id(int task) {
        return "A1:" + task;
    }

    /** The systems, the engine over them, and what the scenario expects. */
    static final class World {
        final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T09:00:00Z"));
        final InMemoryCrm crm = new InMemoryCrm(clock);
        final InMemoryExchange exchange = new InMemoryExchange(clock).maxBatchSize(3).pageSize(4);
        final CrashSwitch crash = new CrashSwitch();
        final SyncSettings settings;
        final java.util.function.Supplier<SyncStateStore> stores;
        SyncStateStore store;
        SyncEngine engine;
        final Map<String, ExchangeStatus> outlookStatus = new HashMap<>();
        final Set<String> deletedInCrm = new HashSet<>();
        /** Tasks deleted in Outlook, with the number of completed cycles when it happened. */
        final Map<String, Integer> deletedInOutlook = new HashMap<>();
        /** Items made unreadable, with their mailbox; read well again before the quiet cycles. */
        final Map<String, String> unreadable = new HashMap<>();
        /** Mailboxes that had an unreadable item since the state store was lost (see OutlookDelete). */
        final Set<String> blindSinceLostStore = new HashSet<>();
        boolean storeLost;
        /** Each task's Outlook status at the end of the last cycle that did not crash. */
        final Map<String, ExchangeStatus> syncedStatus = new HashMap<>();
        int cyclesDone;
        int crashes;

        World(SyncSettings.Reassignment reassignment, java.util.function.Supplier<SyncStateStore> stores) {
            this.stores = stores;
            this.store = stores.get();
            settings = SyncSettings.builder().pastDays(7).futureDays(14).batchSize(3).crmPageSize(4)
                    .mailboxParallelism(2).reassignment(reassignment).build();
            for (int i = 0; i < REP_IDS.length; i++) {
                crm.putRep(new Rep(REP_IDS[i], "Rep " + i, REP_IDS[i] + "@example.com", ZONES[i], true));
            }
            build();
        }

        void build() {
            engine = SyncEngine.builder().crm(crash.crm(crm)).exchange(crash.exchange(exchange))
                    .stateStore(crash.store(store)).settings(settings).clock(clock).build();
        }

        LocalDate today() {
            return clock.instant().atZone(ZONES[0]).toLocalDate();
        }

        void crmEdited(String id) {
            outlookStatus.remove(id); // a later CRM change supersedes an unsynced Outlook status change
            // Exchange tells no deletion time: the engine dates a deletion at the start of the cycle that
            // sees it, so only a CRM change after a completed cycle has certainly come "later"
            Integer deletedAt = deletedInOutlook.get(id);
            if (deletedAt != null && cyclesDone > deletedAt) {
                deletedInOutlook.remove(id);
            }
        }

        String mailboxOf(String id) {
            return crm.task(id).map(t -> t.repId() + "@example.com").orElse(null);
        }

        Optional<ExchangeTask> currentItem(String id) {
            String mb = mailboxOf(id);
            if (mb == null) {
                return Optional.empty();
            }
            return exchange.tasks(mb).stream().filter(t -> id.equals(t.crmId())).findFirst();
        }

        void cycle() {
            clock.advance(Duration.ofSeconds(5));
            engine.runOnce();
            cyclesDone++;
            for (String mb : exchange.mailboxes()) {
                for (ExchangeTask t : exchange.tasks(mb)) {
                    // an item the engine could not read keeps the status it last saw
                    if (t.crmId() != null && mb.equals(mailboxOf(t.crmId())) && !unreadable.containsKey(t.itemId())) {
                        syncedStatus.put(t.crmId(), t.values().status());
                    }
                }
            }
        }
    }

    @Provide
    Arbitrary<List<Action>> scenarios() {
        Arbitrary<Integer> task = Arbitraries.integers().between(0, TASKS - 1);
        Arbitrary<Integer> rep = Arbitraries.integers().between(0, REP_IDS.length - 1);
        Arbitrary<Action> create = Combinators.combine(task, rep,
                Arbitraries.integers().between(-12, 25).injectNull(0.15), Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 100)).as(CrmCreate::new);
        Arbitrary<Action> edit = Combinators.combine(task, Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, 60)).as(CrmEdit::new);
        Arbitrary<Action> delete = task.map(CrmDelete::new);
        Arbitrary<Action> reassign = Combinators.combine(task, rep).as(CrmReassign::new);
        Arbitrary<Action> outlookStatus = Combinators.combine(task, Arbitraries.of(ExchangeStatus.class)).as(OutlookStatus::new);
        Arbitrary<Action> outlookEdit = Combinators.combine(task, Arbitraries.of("Renamed in Outlook", "Mine now"))
                .as(OutlookEdit::new);
        Arbitrary<Action> outlookDelete = task.map(OutlookDelete::new);
        Arbitrary<Action> outlookUnreadable = task.map(OutlookUnreadable::new);
        Arbitrary<Action> days = Arbitraries.integers().between(1, 9).map(AdvanceDays::new);
        Arbitrary<Action> cycle = Arbitraries.just(new RunCycle());
        Arbitrary<Action> crashCycle = Arbitraries.integers().between(1, 30).map(CrashingCycle::new);
        Arbitrary<Action> lose = Arbitraries.just(new LoseStateStore());
        Arbitrary<Action> action = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, create), net.jqwik.api.Tuple.of(6, edit), net.jqwik.api.Tuple.of(2, delete),
                net.jqwik.api.Tuple.of(2, reassign), net.jqwik.api.Tuple.of(5, outlookStatus),
                net.jqwik.api.Tuple.of(2, outlookEdit), net.jqwik.api.Tuple.of(2, outlookDelete),
                net.jqwik.api.Tuple.of(2, outlookUnreadable),
                net.jqwik.api.Tuple.of(2, days), net.jqwik.api.Tuple.of(6, cycle), net.jqwik.api.Tuple.of(4, crashCycle),
                net.jqwik.api.Tuple.of(1, lose));
        return action.list().ofMinSize(5).ofMaxSize(45);
    }

    // The normal build runs fixed seeds, so that it fails on a change of the code and never on the dice;
    // `mvn -pl core test -Pexplore` runs the exploring properties below with fresh seeds (docs/engine.md).

    @Property(tries = 150, seed = "20261124")
    void afterQuietCyclesBothSidesAgreeWithKeepOriginal(@ForAll("scenarios") List<Action> scenario) {
        check(scenario, SyncSettings.Reassignment.KEEP_ORIGINAL);
    }

    @Property(tries = 100, seed = "7443508437910369607")
    void afterQuietCyclesBothSidesAgreeWithMove(@ForAll("scenarios") List<Action> scenario) {
        check(scenario, SyncSettings.Reassignment.MOVE);
    }

    @Property(tries = 25, seed = "-5499125557806702715")
    void afterQuietCyclesBothSidesAgreeOnTheJdbcStore(@ForAll("scenarios") List<Action> scenario) {
        check(scenario, SyncSettings.Reassignment.KEEP_ORIGINAL, EngineStateMachineProperties::h2Store);
    }

    /**
     * Regression of exploring seeds -8881058074586723750 and -5377100525698246711: the CRM's In Progress
     * at 0 % is written as InProgress at 1 %, the rep sets WaitingOnOthers, and that status stays with
     * its 1 % (the oracle wanted 0 %, though the engine rightly leaves the percent written).
     */
    @Example
    void repsWaitingOnOthersKeepsThePercentWrittenForInProgress() {
        check(List.of(new CrmCreate(0, 0, null, 1, 0, 0), new RunCycle(),
                new OutlookStatus(0, ExchangeStatus.WAITING_ON_OTHERS), new RunCycle()),
                SyncSettings.Reassignment.KEEP_ORIGINAL);
    }

    @Property(tries = 1000)
    @Tag("explore")
    void exploreWithKeepOriginal(@ForAll("scenarios") List<Action> scenario) {
        check(scenario, SyncSettings.Reassignment.KEEP_ORIGINAL);
    }

    @Property(tries = 1000)
    @Tag("explore")
    void exploreWithMove(@ForAll("scenarios") List<Action> scenario) {
        check(scenario, SyncSettings.Reassignment.MOVE);
    }

    @Property(tries = 200)
    @Tag("explore")
    void exploreOnTheJdbcStore(@ForAll("scenarios") List<Action> scenario) {
        check(scenario, SyncSettings.Reassignment.MOVE, EngineStateMachineProperties::h2Store);
    }

    private static SyncStateStore h2Store() {
        org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
        ds.setURL("jdbc:h2:mem:sm" + java.util.UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return org.tasksync.core.state.JdbcSyncStateStore.builder(ds).build();
    }

    private void check(List<Action> scenario, SyncSettings.Reassignment reassignment) {
        check(scenario, reassignment, InMemorySyncStateStore::new);
    }

    private void check(List<Action> scenario, SyncSettings.Reassignment reassignment,
                       java.util.function.Supplier<SyncStateStore> stores) {
        World w = new World(reassignment, stores);
        for (Action a : scenario) {
            w.clock.advance(Duration.ofSeconds(1));
            a.apply(w);
        }
        // whatever Exchange could not read reads well again: the quiet cycles must then catch up
        w.unreadable.forEach((item, mb) -> {
            if (w.exchange.tasks(mb).stream().anyMatch(t -> t.itemId().equals(item))) {
                w.exchange.makeReadable(mb, item);
            }
        });
        for (int i = 0; i < 3; i++) {
            w.cycle();
        }
        noCrmTaskHasTwoExchangeTasksInOneMailbox(w);
        everyTaskInItsWindowAgreesFieldByField(w);
        everyUnsupersededOutlookStatusChangeIsInTheCrm(w);
        deletedCrmTasksAreGoneFromTheirMailbox(w);
    }

    private void noCrmTaskHasTwoExchangeTasksInOneMailbox(World w) {
        for (String mb : w.exchange.mailboxes()) {
            List<String> tags = w.exchange.tasks(mb).stream().map(ExchangeTask::crmId).filter(java.util.Objects::nonNull).toList();
            assertThat(tags).as("CRM ids tagged in %s", mb).doesNotHaveDuplicates();
        }
    }

    private void everyTaskInItsWindowAgreesFieldByField(World w) {
        StatusMapping statuses = w.settings.mapping().status();
        TaskMapper mapper = new TaskMapper(w.settings.mapping());
        for (CrmTask t : w.crm.tasks().values()) {
            int rep = List.of(REP_IDS).indexOf(t.repId());
            ZoneId zone = ZONES[rep];
            LocalDate today = w.clock.instant().atZone(zone).toLocalDate();
            LocalDate day = t.scheduledDay();
            boolean inWindow = day == null || (!day.isBefore(today.minusDays(w.settings.pastDays()))
                    && !day.isAfter(today.plusDays(w.settings.futureDays())));
            Optional<ExchangeTask> item = w.currentItem(t.id());
            if (!inWindow) {
                continue;
            }
            if (item.isEmpty()) {
                assertThat(w.deletedInOutlook).as("%s is in its window but missing from %s", t, w.mailboxOf(t.id()))
                        .containsKey(t.id());
                continue;
            }
            TaskValues expected = mapper.map(t, new TaskMapper.Context("Rep " + rep, null, zone, today,
                    item.get().values().completeDate())).values();
            TaskValues actual = item.get().values();
            for (ExchangeField f : w.settings.mapping().fields().managedFields()) {
                if (f.equals(ExchangeField.STATUS)) {
                    assertThat(statuses.sameCrmStatus(statuses.toCrm(actual.status()), t.status()))
                            .as("status of %s: Exchange %s, CRM %s", t.id(), actual.status(), t.status()).isTrue();
                } else if (f.equals(ExchangeField.PERCENT_COMPLETE) && actual.status() != null) {
                    // docs/engine.md "Percent by status": the percent that goes with the status Exchange
                    // holds; where that is the rep's status kept for the CRM's (WaitingOnOthers for In
                    // Progress), the percent written for the CRM's status is right too and stays (In
                    // Progress at 0 % was written as 1 %; a rep's WaitingOnOthers does not make it 0 %)
                    int crmPercent = t.percentComplete() == null ? 0 : t.percentComplete();
                    Set<Integer> allowed = new HashSet<>();
                    allowed.add(TaskMapper.percentFor(actual.status(), crmPercent));
                    if (actual.status() != expected.status()) {
                        allowed.add(expected.percentComplete());
                    }
                    assertThat(actual.percentComplete()).as("%s of %s (Exchange %s, CRM %s)", f, t.id(), actual, t)
                            .isIn(allowed);
                } else if (f.equals(ExchangeField.COMPLETE_DATE) && t.completeDate() == null) {
                    assertThat(actual.completeDate() != null).as("completion date of %s", t.id())
                            .isEqualTo(actual.status() == ExchangeStatus.COMPLETED);
                } else {
                    assertThat(actual.get(f)).as("%s of %s (Exchange %s, CRM %s)", f, t.id(), actual, t)
                            .isEqualTo(expected.get(f));
                }
            }
        }
    }

    private void everyUnsupersededOutlookStatusChangeIsInTheCrm(World w) {
        StatusMapping statuses = w.settings.mapping().status();
        w.outlookStatus.forEach((id, status) -> {
            CrmTask t = w.crm.task(id).orElseThrow();
            assertThat(statuses.sameCrmStatus(t.status(), statuses.toCrm(status)))
                    .as("Outlook set %s to %s; the CRM has %s", id, status, t.status()).isTrue();
        });
    }

    private void deletedCrmTasksAreGoneFromTheirMailbox(World w) {
        for (String id : w.deletedInCrm) {
            for (String mb : w.exchange.mailboxes()) {
                List<ExchangeTask> left = new ArrayList<>(w.exchange.tasks(mb).stream()
                        .filter(t -> id.equals(t.crmId()) && t.values().status() != ExchangeStatus.COMPLETED).toList());
                if (w.settings.reassignment() == SyncSettings.Reassignment.MOVE) {
                    assertThat(left).as("%s was deleted in the CRM but is still open in %s", id, mb).isEmpty();
                }
            }
        }
    }
}

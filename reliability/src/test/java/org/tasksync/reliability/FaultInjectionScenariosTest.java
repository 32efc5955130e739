package org.tasksync.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.tasksync.core.MailboxReport;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.mapping.StatusMapping;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Rep;
import org.tasksync.testkit.ews.EwsFault;
import org.tasksync.testkit.ews.InjectedFault;
import org.tasksync.testkit.ews.OutlookTask;

/**
 * Convergence under faults (issue 7): the real engine, the JDBC CRM on H2, the JDBC state store and
 * the EWS adapter against the EWS simulator. A seeded random scenario runs many cycles; before each,
 * random CRM creates, edits, deletions and reassignments and random Outlook status changes, edits
 * and deletions (the rep, through the simulator); during each, random faults: EWS ErrorServerBusy
 * (in the messages, as a SOAP fault with and without BackOffMilliseconds), HTTP 503, dropped
 * connections and latency, some of them past the adapter's retry bound; a failing CRM statement or
 * connection; a failing state-store call (before it reaches the store, or after it wrote and its
 * answer was lost). Then quiet cycles without faults until one is clean and writes nothing, after
 * which:
 * <ul>
 *   <li>every CRM task in its rep's time frame agrees field by field with its Outlook task;</li>
 *   <li>no CRM task has two Exchange tasks in a mailbox;</li>
 *   <li>every Outlook status change is in the CRM, unless a later CRM status change, reassignment
 *       or deletion superseded it;</li>
 *   <li>a task deleted in Outlook stays deleted unless the CRM task changed after a cycle saw the
 *       deletion, and then it is there again; tasks deleted in the CRM are gone unless completed;</li>
 *   <li>tasks the rep made by hand are untouched.</li>
 * </ul>
 * "No cursor skipped a change" follows: a CRM cursor past an unapplied edit leaves a field in
 * disagreement, a mailbox cursor past an unapplied status change loses it.
 *
 * <p>Seeds and cycles come from {@code tasksync.reliability.seeds} / {@code .cycles} (the POM sets a
 * few for the normal build, {@code -Preliability-long} many more); {@code tasksync.reliability.seed}
 * runs one seed alone. The figures go to {@code target/reliability-figures.md}.
 */
class FaultInjectionScenariosTest {

    static final long SEED_BASE = 7_000;
    static final int TASKS = 28;
    static final int MAX_QUIET_CYCLES = 8;
    static final String[] STATUSES = {"Open", "In Progress", "Completed", "Missed"};
    static final String[] PRIORITIES = {"Low", "Normal", "High"};
    static final String[] OUTLOOK_STATUSES = {"NotStarted", "InProgress", "Completed", "WaitingOnOthers", "Deferred"};
    static final String[] OPERATIONS = {"SyncFolderItems", "GetItem", "CreateItem", "UpdateItem", "DeleteItem", "FindItem"};
    static final List<Rep> REPS = List.of(
            new Rep("R1", "Rita Vienna", "rita@example.com", ZoneId.of("Europe/Vienna"), true),
            new Rep("R2", "Lou Angeles", "lou@example.com", ZoneId.of("America/Los_Angeles"), true),
            new Rep("R3", "Ake Auckland", "ake@example.com", ZoneId.of("Pacific/Auckland"), true),
            new Rep("R4", "Kiri Kolkata", "kiri@example.com", ZoneId.of("Asia/Kolkata"), true));

    private static final Figures FIGURES = new Figures();

    @TestFactory
    Stream<DynamicTest> scenariosConvergeAfterFaults() {
        int cycles = Integer.getInteger("tasksync.reliability.cycles", 25);
        String one = System.getProperty("tasksync.reliability.seed");
        List<Long> seeds = new ArrayList<>();
        if (one != null && !one.isBlank()) {
            seeds.add(Long.parseLong(one.trim()));
        } else {
            int n = Integer.getInteger("tasksync.reliability.seeds", 4);
            for (int i = 0; i < n; i++) {
                seeds.add(SEED_BASE + i);
            }
        }
        Stream<DynamicTest> runs = seeds.stream().map(seed -> DynamicTest.dynamicTest("seed " + seed,
                () -> new Scenario(seed, cycles, FIGURES).run()));
        DynamicTest figures = DynamicTest.dynamicTest("figures", () -> {
            String command = System.getProperty("tasksync.reliability.command", "mvn -B verify");
            String md = FIGURES.markdown(command, seeds.get(0), seeds.size(), cycles);
            FIGURES.write(Path.of(System.getProperty("tasksync.reliability.figures", "target/reliability-figures.md")), md);
            System.out.println(md);
            assertThat(FIGURES.scenarios).as("scenarios run").isEqualTo(seeds.size());
            assertThat(FIGURES.faultsTotal()).as("faults injected").isGreaterThan(seeds.size() * cycles / 3);
            assertThat(FIGURES.duplicates).isZero();
            assertThat(FIGURES.lostOutlookStatus).isZero();
            assertThat(FIGURES.fieldDisagreements).isZero();
        });
        return Stream.concat(runs, Stream.of(figures));
    }

    /** One seeded scenario: the systems, the random actions and faults, and what the test expects. */
    static final class Scenario {
        final long seed;
        final int cycles;
        final Figures figures;
        final Random rnd;
        Rig rig;
        StatusMapping statuses;

        /** CRM task ids deleted in the CRM (never used again), with the rep they had. */
        final Map<String, String> deletedInCrm = new HashMap<>();
        /** Outlook status changes not yet superseded: the status and when Exchange says it was made. */
        final Map<String, ExchangeStatus> outlookStatus = new HashMap<>();
        /** Tasks the rep deleted in Outlook, until a CRM change must bring them back. */
        final Map<String, OutlookDeletion> deletedInOutlook = new HashMap<>();
        /** Tasks the rep made by hand, per mailbox. */
        final Map<String, Integer> handMade = new HashMap<>();
        int counter;

        static final class OutlookDeletion {
            final String mailbox;
            boolean seen;
            boolean editedBeforeSeen;

            OutlookDeletion(String mailbox) {
                this.mailbox = mailbox;
            }
        }

        Scenario(long seed, int cycles, Figures figures) {
            this.seed = seed;
            this.cycles = cycles;
            this.figures = figures;
            this.rnd = new Random(seed);
        }

        boolean move() {
            return seed % 2 != 0;
        }

        void run() {
            try (Rig r = new Rig(REPS)) {
                rig = r;
                CapturingLogProvider.watchFor(Rig.EWS_PASSWORD);
                CapturingLogProvider.watchFor(Rig.CRM_PASSWORD);
                CapturingLogProvider.watchFor(Rig.STORE_PASSWORD);
                // odd seeds delete the old copy of a reassigned task (tasksync.reassignment=move)
                rig.settings(b -> b.batchSize(4).crmPageSize(5).mailboxParallelism(2)
                        .reassignment(move() ? SyncSettings.Reassignment.MOVE : SyncSettings.Reassignment.KEEP_ORIGINAL));
                rig.ews(b -> b.batchSize(4).syncPageSize(5));
                statuses = rig.settings().mapping().status();
                for (int c = 0; c < cycles; c++) {
                    int actions = rnd.nextInt(7);
                    for (int i = 0; i < actions; i++) {
                        randomAction();
                    }
                    faultyCycle();
                }
                int quiet = 0;
                boolean settled = false;
                while (!settled && quiet < MAX_QUIET_CYCLES) {
                    SyncReport report = rig.cycle();
                    quiet++;
                    seen(report);
                    settled = report.clean() && report.created() + report.updated() + report.deleted()
                            + report.statusesWrittenBack() + report.adopted() == 0;
                    if (!settled && quiet == MAX_QUIET_CYCLES) {
                        throw new AssertionError("seed " + seed + ": not settled after " + quiet
                                + " quiet cycles; last report:\n" + report.toTable());
                    }
                }
                synchronized (figures) {
                    figures.scenarios++;
                    figures.quietCycles += quiet;
                    figures.maxQuietCyclesToSettle = Math.max(figures.maxQuietCyclesToSettle, quiet);
                }
                check();
                rig.assertEwsClean();
                assertThat(CapturingLogProvider.violations()).as("log lines with a password").isEmpty();
            }
        }

        // ------------------------------------------------------------ faults

        void faultyCycle() {
            List<InjectedFault> ews = new ArrayList<>();
            if (rnd.nextInt(10) < 6) {
                int n = 1 + rnd.nextInt(2);
                for (int i = 0; i < n; i++) {
                    ews.add(rig.ews.inject(randomEwsFault()));
                }
            }
            int crmBefore = rig.faultyCrmDb.fired();
            if (rnd.nextInt(10) < 3) {
                rig.faultyCrmDb.failOperation(1 + rnd.nextInt(20));
            }
            int storeBefore = rig.store.firedBefore();
            int storeAfter = rig.store.firedAfter();
            if (rnd.nextInt(10) < 3) {
                rig.store.failCall(1 + rnd.nextInt(25), rnd.nextBoolean());
            }
            SyncReport report = null;
            try {
                report = rig.cycle();
            } catch (RuntimeException e) {
                // a failure outside a mailbox's work (the state store) ends in the report, never in an exception
                throw new AssertionError("runOnce() threw instead of returning a report", e);
            } finally {
                rig.ews.clearFaults();
                rig.faultyCrmDb.disarm();
                rig.store.disarm();
            }
            synchronized (figures) {
                figures.cycles++;
                for (InjectedFault f : ews) {
                    figures.fault("EWS " + describe(f.fault()), f.hits());
                }
                figures.fault("CRM database: statement or connection failed", rig.faultyCrmDb.fired() - crmBefore);
                figures.fault("state store: call failed before writing", rig.store.firedBefore() - storeBefore);
                figures.fault("state store: call wrote, answer lost", rig.store.firedAfter() - storeAfter);
                if (report != null) {
                    figures.mailboxFailures += report.failedMailboxes().size();
                    if (report.cycleError() != null) {
                        figures.cyclesWithCycleError++;
                    }
                }
            }
            seen(report);
        }

        EwsFault randomEwsFault() {
            EwsFault f = switch (rnd.nextInt(6)) {
                case 0 -> EwsFault.serverBusyMessage(Duration.ofMillis(5 + rnd.nextInt(30)));
                case 1 -> EwsFault.serverBusyFault(Duration.ofMillis(5 + rnd.nextInt(30)));
                case 2 -> EwsFault.serverBusyFault();
                case 3 -> EwsFault.http503();
                case 4 -> EwsFault.dropConnection();
                default -> EwsFault.latency(Duration.ofMillis(5 + rnd.nextInt(25)));
            };
            if (f.kind() != EwsFault.Kind.LATENCY) {
                // mostly within the retry bound (3 retries); sometimes past it, which fails the mailbox
                int roll = rnd.nextInt(10);
                f = roll < 7 ? f.times(1 + rnd.nextInt(2)) : roll < 9 ? f.times(4 + rnd.nextInt(3)) : f.always();
            }
            if (rnd.nextBoolean()) {
                f = f.forOperation(OPERATIONS[rnd.nextInt(OPERATIONS.length)]);
            }
            if (rnd.nextInt(3) > 0) {
                f = f.forMailbox(REPS.get(rnd.nextInt(REPS.size())).mailbox());
            }
            return f;
        }

        static String describe(EwsFault f) {
            return switch (f.kind()) {
                case SERVER_BUSY_MESSAGE -> "ErrorServerBusy in the response messages, with BackOffMilliseconds";
                case SERVER_BUSY_FAULT -> f.duration() != null ? "ErrorServerBusy SOAP fault (HTTP 500) with BackOffMilliseconds"
                        : "ErrorServerBusy SOAP fault (HTTP 500) without BackOffMilliseconds";
                case HTTP_503 -> "HTTP 503";
                case DROP_CONNECTION -> "connection dropped without an answer";
                case LATENCY -> "latency (requests delayed)";
                case HOLD -> "hold";
                case REWRITE_RESPONSE -> "response rewritten";
            };
        }

        /** After a cycle: Outlook deletions in mailboxes that did not fail have been seen by the engine. */
        void seen(SyncReport report) {
            if (report == null) {
                return;
            }
            for (OutlookDeletion d : deletedInOutlook.values()) {
                Optional<MailboxReport> m = report.mailbox(d.mailbox);
                if (m.isPresent() && !m.get().failed()) {
                    d.seen = true;
                }
            }
        }

        // ------------------------------------------------------------ actions

        void randomAction() {
            int roll = rnd.nextInt(28);
            if (roll < 6) {
                crmCreate();
            } else if (roll < 12) {
                crmEdit();
            } else if (roll < 13) {
                crmDelete();
            } else if (roll < 15) {
                crmReassign();
            } else if (roll < 22) {
                outlookStatus();
            } else if (roll < 25) {
                outlookEdit();
            } else if (roll < 27) {
                outlookDelete();
            } else {
                handMade();
            }
        }

        String id(int n) {
            return "A1:" + seed + "-" + n;
        }

        Rep rep(String id) {
            return rig.reps.get(id);
        }

        Rep randomRep() {
            return REPS.get(rnd.nextInt(REPS.size()));
        }

        Optional<String> existing() {
            List<String> ids = new ArrayList<>();
            for (int n = 0; n < TASKS; n++) {
                if (rig.task(id(n)).isPresent()) {
                    ids.add(id(n));
                }
            }
            return ids.isEmpty() ? Optional.empty() : Optional.of(ids.get(rnd.nextInt(ids.size())));
        }

        LocalDate randomDue() {
            int roll = rnd.nextInt(10);
            if (roll == 0) {
                return null;
            }
            LocalDate today = LocalDate.now(rig.clock);
            return roll == 1 ? today.plusDays(200) : today.plusDays(rnd.nextInt(31) - 10);
        }

        void crmCreate() {
            String id = id(rnd.nextInt(TASKS));
            if (rig.task(id).isPresent() || deletedInCrm.containsKey(id)) {
                return;
            }
            LocalDate due = randomDue();
            CrmTask.Builder b = CrmTask.builder(id).repId(randomRep().id()).createdByRepId(rnd.nextBoolean()
                    ? randomRep().id() : null).subject("Task " + id).dueDate(due)
                    .startDate(due != null && rnd.nextBoolean() ? due.minusDays(rnd.nextInt(4)) : null)
                    .status(STATUSES[rnd.nextInt(STATUSES.length)]).priority(PRIORITIES[rnd.nextInt(PRIORITIES.length)])
                    .percentComplete(rnd.nextInt(101))
                    .comments(rnd.nextBoolean() ? "Notes for " + id + "\nsecond line" : null)
                    .reminder(rnd.nextInt(3) == 0 ? 15 : null, rnd.nextBoolean() ? "minutes" : "days");
            rig.crm.putTask(b.build());
            crmAction();
        }

        void crmEdit() {
            Optional<String> pick = existing();
            if (pick.isEmpty()) {
                return;
            }
            String id = pick.get();
            CrmTask t = rig.task(id).orElseThrow();
            CrmTask.Builder b = t.toBuilder();
            boolean statusEdit = false;
            switch (rnd.nextInt(7)) {
                case 0 -> b.subject("Task " + id + " v" + rnd.nextInt(1000));
                case 1 -> {
                    LocalDate due = randomDue();
                    b.dueDate(due).startDate(due == null || t.startDate() == null ? null : due.minusDays(1));
                }
                case 2 -> {
                    b.status(STATUSES[rnd.nextInt(STATUSES.length)]);
                    statusEdit = true;
                }
                case 3 -> b.priority(PRIORITIES[rnd.nextInt(PRIORITIES.length)]);
                case 4 -> b.percentComplete(rnd.nextInt(101));
                case 5 -> b.comments(rnd.nextBoolean() ? null : "Edited notes " + rnd.nextInt(1000));
                default -> b.reminder(rnd.nextBoolean() ? 1 + rnd.nextInt(3) : null, "hours");
            }
            rig.crm.putTask(b.build());
            crmAction();
            crmChanged(id, statusEdit);
        }

        void crmDelete() {
            Optional<String> pick = existing();
            if (pick.isEmpty()) {
                return;
            }
            String id = pick.get();
            String repId = rig.task(id).orElseThrow().repId();
            rig.crm.deleteTask(id);
            crmAction();
            deletedInCrm.put(id, repId);
            supersede(id);
            deletedInOutlook.remove(id);
        }

        void crmReassign() {
            Optional<String> pick = existing();
            if (pick.isEmpty()) {
                return;
            }
            String id = pick.get();
            CrmTask t = rig.task(id).orElseThrow();
            Rep to = randomRep();
            if (to.id().equals(t.repId())) {
                return;
            }
            rig.crm.putTask(t.toBuilder().repId(to.id()).build());
            crmAction();
            supersede(id);
            deletedInOutlook.remove(id); // the new rep gets the task whatever happened to the old copy
        }

        void crmAction() {
            synchronized (figures) {
                figures.crmActions++;
            }
        }

        /** A CRM change of a task; a status change supersedes an Outlook status change not yet synced. */
        void crmChanged(String id, boolean statusChanged) {
            if (statusChanged) {
                supersede(id);
            }
            OutlookDeletion d = deletedInOutlook.get(id);
            if (d != null) {
                if (d.seen) {
                    deletedInOutlook.remove(id); // changed after the engine saw the deletion: created again
                    synchronized (figures) {
                        figures.recreatedAfterOutlookDelete++;
                    }
                } else {
                    d.editedBeforeSeen = true; // the engine dates the deletion at the cycle that sees it
                }
            }
        }

        void supersede(String id) {
            if (outlookStatus.remove(id) != null) {
                synchronized (figures) {
                    figures.outlookStatusSuperseded++;
                }
            }
        }

        /** The Outlook task of a CRM task in its current rep's mailbox, if the engine made one. */
        Optional<OutlookTask> current(String id) {
            Optional<CrmTask> t = rig.task(id);
            if (t.isEmpty()) {
                return Optional.empty();
            }
            List<OutlookTask> items = rig.tagged(rep(t.get().repId()), id);
            return items.isEmpty() ? Optional.empty() : Optional.of(items.get(0));
        }

        void outlookStatus() {
            outlookChange(e -> e.status(OUTLOOK_STATUSES[rnd.nextInt(OUTLOOK_STATUSES.length)]));
        }

        void outlookEdit() {
            int what = rnd.nextInt(4);
            outlookChange(e -> {
                switch (what) {
                    case 0 -> e.subject("Renamed in Outlook " + rnd.nextInt(100));
                    case 1 -> e.dueDate(LocalDate.ofInstant(rig.clock.instant(), ZoneOffset.UTC).plusDays(3 + rnd.nextInt(5)));
                    case 2 -> e.body("The rep's own notes");
                    default -> e.percentComplete(rnd.nextInt(101)); // may change the status too, as in Outlook
                }
            });
        }

        /** An edit of the task's Outlook copy; a status it changes is the rep's status change. */
        void outlookChange(java.util.function.Consumer<org.tasksync.testkit.ews.TaskEdit> edit) {
            Optional<String> pick = existing();
            if (pick.isEmpty()) {
                return;
            }
            String id = pick.get();
            Optional<OutlookTask> item = current(id);
            if (item.isEmpty()) {
                return;
            }
            Rep rep = rep(rig.task(id).orElseThrow().repId());
            OutlookTask after = rig.outlook(rep).edit(item.get().itemId(), edit);
            synchronized (figures) {
                figures.outlookActions++;
            }
            if (after.status().equals(item.get().status())) {
                return;
            }
            synchronized (figures) {
                figures.outlookStatusChanges++;
            }
            // Exchange keeps modification times to the second (its clock runs a second ahead, see Rig); a CRM
            // change or write-back not older than that time may win by the rule of SPEC §6.1: not judged.
            Instant crmModified = rig.task(id).orElseThrow().modifiedAt();
            if (!crmModified.isBefore(after.lastModified())) {
                outlookStatus.remove(id);
                synchronized (figures) {
                    figures.outlookStatusAmbiguous++;
                }
                return;
            }
            outlookStatus.put(id, ExchangeStatus.fromWireName(after.status()));
        }

        void outlookDelete() {
            Optional<String> pick = existing();
            if (pick.isEmpty()) {
                return;
            }
            String id = pick.get();
            Optional<OutlookTask> item = current(id);
            if (item.isEmpty()) {
                return;
            }
            Rep rep = rep(rig.task(id).orElseThrow().repId());
            rig.outlook(rep).delete(item.get().itemId());
            synchronized (figures) {
                figures.outlookActions++;
            }
            outlookStatus.remove(id);
            deletedInOutlook.put(id, new OutlookDeletion(rep.mailbox()));
        }

        void handMade() {
            Rep rep = randomRep();
            rig.outlook(rep).create(e -> e.subject("The rep's own task " + (++counter)).status("NotStarted"));
            handMade.merge(rep.mailbox(), 1, Integer::sum);
            synchronized (figures) {
                figures.outlookActions++;
            }
        }

        // ------------------------------------------------------------ the checks

        void check() {
            Agreement agreement = new Agreement(rig);
            List<String> problems = new ArrayList<>();
            int duplicates = 0;
            int lost = 0;
            int disagreements = 0;
            int compared = 0;
            int checkedStatus = 0;
            for (Rep rep : REPS) {
                List<OutlookTask> items = rig.outlook(rep).tasks();
                Map<String, Integer> perId = new HashMap<>();
                int untagged = 0;
                for (OutlookTask t : items) {
                    Optional<String> crmId = t.extended(Rig.CRM_ID);
                    if (crmId.isPresent()) {
                        perId.merge(crmId.get(), 1, Integer::sum);
                    } else {
                        untagged++;
                    }
                }
                for (Map.Entry<String, Integer> e : perId.entrySet()) {
                    if (e.getValue() > 1) {
                        duplicates += e.getValue() - 1;
                        problems.add("duplicate: " + e.getValue() + " tasks tagged " + e.getKey() + " in " + rep.mailbox());
                    }
                }
                if (untagged != handMade.getOrDefault(rep.mailbox(), 0)) {
                    problems.add(rep.mailbox() + " has " + untagged + " untagged tasks, the rep made "
                            + handMade.getOrDefault(rep.mailbox(), 0));
                }
            }
            Set<String> ids = new LinkedHashSet<>();
            for (int n = 0; n < TASKS; n++) {
                ids.add(id(n));
            }
            for (String id : ids) {
                Optional<CrmTask> task = rig.task(id);
                if (task.isEmpty()) {
                    String repId = deletedInCrm.get(id);
                    if (repId != null) {
                        for (OutlookTask t : rig.tagged(rep(repId), id)) {
                            if (!"Completed".equals(t.status())) {
                                problems.add(id + " was deleted in the CRM but is still open in " + rep(repId).mailbox());
                            }
                        }
                    }
                    continue;
                }
                CrmTask t = task.get();
                Rep rep = rep(t.repId());
                List<OutlookTask> items = rig.tagged(rep, id);
                ExchangeStatus expected = outlookStatus.get(id);
                if (expected != null) {
                    checkedStatus++;
                    if (!statuses.sameCrmStatus(t.status(), statuses.toCrm(expected))) {
                        lost++;
                        problems.add("lost Outlook status: the rep set " + id + " to " + expected + ", the CRM has "
                                + t.status());
                    }
                }
                if (!agreement.inWindow(t)) {
                    continue; // left alone, wherever its copies are (SPEC §5)
                }
                if (move()) {
                    for (Rep other : REPS) {
                        if (!other.equals(rep) && !rig.tagged(other, id).isEmpty()) {
                            problems.add(id + " was moved to " + rep.mailbox() + " but a copy is left in " + other.mailbox());
                        }
                    }
                }
                OutlookDeletion deletion = deletedInOutlook.get(id);
                if (items.isEmpty()) {
                    if (deletion == null) {
                        disagreements++;
                        problems.add(id + " is in its time frame but missing from " + rep.mailbox());
                    }
                    continue;
                }
                if (deletion != null && !deletion.editedBeforeSeen) {
                    problems.add(id + " was deleted in Outlook and not changed in the CRM since, but is back in "
                            + rep.mailbox());
                }
                compared++;
                List<String> diff = agreement.differences(t, items.get(0));
                disagreements += diff.size();
                problems.addAll(diff);
            }
            synchronized (figures) {
                figures.duplicates += duplicates;
                figures.lostOutlookStatus += lost;
                figures.fieldDisagreements += disagreements;
                figures.tasksCompared += compared;
                figures.fieldsCompared += compared * 11;
                figures.outlookStatusChecked += checkedStatus;
            }
            assertThat(problems).as("seed %d: what does not agree after the quiet cycles", seed).isEmpty();
        }
    }
}

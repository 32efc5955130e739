package org.tasksync.examples.probe;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.core.spi.ExchangeTaskUpdate;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.WriteOutcome;

/**
 * One probe of one mailbox through an Exchange adapter: the rights, a create of tagged probe tasks,
 * the read back through the adapter and as the rep's app shows it, a batch update the way the
 * engine sends it, a status set as the rep would, and the deletion of the probe tasks, which is
 * tried whatever failed before. Each step is a check in the {@link ProbeReport}.
 *
 * <p>Used once, by one thread.
 */
final class ExchangeProbe {

    /** How many probe tasks: two or more, so that every batch has the shape a cycle's batches have. */
    static final int TASKS = 2;
    /** The prefix of the probe tasks' CRM ids; no CRM id of a real task looks like it. */
    static final String CRM_ID_PREFIX = "probe:";

    private final ExchangeAdapter adapter;
    private final ServerSide server;
    private final Mailbox mailbox;
    private final ProbeReport report;
    private final LocalDate start;
    private final LocalDate due;

    /** A probe task created: its CRM id, its item, and the values last written. */
    private static final class Probed {
        final String crmId;
        String itemId;
        String changeKey;
        TaskValues values;

        Probed(String crmId, TaskValues values) {
            this.crmId = crmId;
            this.values = values;
        }
    }

    private final List<Probed> probed = new ArrayList<>();

    ExchangeProbe(ExchangeAdapter adapter, ServerSide server, Mailbox mailbox, Clock clock, ProbeReport report) {
        this.adapter = Objects.requireNonNull(adapter, "adapter");
        this.server = Objects.requireNonNull(server, "server");
        this.mailbox = Objects.requireNonNull(mailbox, "mailbox");
        this.report = Objects.requireNonNull(report, "report");
        LocalDate today = LocalDate.now(clock.withZone(mailbox.zone()));
        this.start = today.plusDays(7);
        this.due = dueDate(mailbox.zone(), start);
    }

    /**
     * The due date: the next day on which the zone changes its offset (a DST change), because a date
     * written as an instant goes wrong there first; a zone without changes gets two weeks after the start.
     */
    static LocalDate dueDate(ZoneId zone, LocalDate start) {
        ZoneOffsetTransition next = zone.getRules().nextTransition(start.plusDays(1).atStartOfDay(zone).toInstant());
        if (next != null) {
            LocalDate day = next.getInstant().atZone(zone).toLocalDate();
            if (day.isBefore(start.plusDays(400))) {
                return day;
            }
        }
        return start.plusDays(7);
    }

    LocalDate start() {
        return start;
    }

    LocalDate due() {
        return due;
    }

    /** Runs every check; the report holds the outcome. */
    void run() {
        report.line("dates in the rep's zone " + mailbox.zone().getId() + ": start " + start + ", due " + due
                + (mailbox.zone().getRules().getOffset(due.atStartOfDay(mailbox.zone()).toInstant()).getTotalSeconds() == 0
                ? " (a zone at UTC's offset: pass --zone with the rep's zone to catch a date written a day early)"
                : ""));
        try {
            report.pass("rights", server.checkRights());
        } catch (ServerSide.ServerFailure f) {
            report.fail("rights", f.getMessage());
            skipAfter("rights", List.of("create", "read-back", "shown", "batch-update", "shown-after-update", "status"));
            cleanup(null);
            return;
        }
        MailboxConnection connection = null;
        List<String> remaining = new ArrayList<>(List.of("create", "read-back", "shown", "batch-update",
                "shown-after-update", "status"));
        try {
            connection = adapter.connect(mailbox);
            if (create(connection)) {
                remaining.remove("create");
                readBack(connection);
                remaining.remove("read-back");
                shown("shown");
                remaining.remove("shown");
                batchUpdate(connection);
                remaining.remove("batch-update");
                shown("shown-after-update");
                remaining.remove("shown-after-update");
                status(connection);
                remaining.remove("status");
            } else {
                remaining.remove("create");
            }
        } catch (MailboxException e) {
            report.fail(remaining.remove(0), e.getMessage());
        } catch (RuntimeException e) {
            report.fail(remaining.remove(0), "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
            for (String name : remaining) {
                report.skip(name, "not tried: an earlier step failed");
            }
            cleanup(connection);
            if (connection != null) {
                connection.close();
            }
        }
    }

    private void skipAfter(String failed, List<String> names) {
        for (String name : names) {
            report.skip(name, "not tried: the " + failed + " check failed");
        }
    }

    // ------------------------------------------------------------------ the steps

    private boolean create(MailboxConnection connection) throws MailboxException {
        List<NewExchangeTask> tasks = new ArrayList<>();
        for (int i = 1; i <= TASKS; i++) {
            String crmId = CRM_ID_PREFIX + UUID.randomUUID();
            TaskValues values = TaskValues.builder()
                    .subject("tasksync probe " + i + " of " + TASKS + " (deleted by the probe)")
                    .body("Made by the tasksync probe to check this mailbox; it deletes it when it ends.")
                    .startDate(start)
                    .dueDate(due)
                    .status(ExchangeStatus.NOT_STARTED)
                    .importance(Importance.NORMAL)
                    .percentComplete(0)
                    .owner("tasksync probe owner")
                    .build();
            probed.add(new Probed(crmId, values));
            tasks.add(new NewExchangeTask(crmId, values));
        }
        List<WriteOutcome> outcomes = connection.create(tasks);
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < probed.size(); i++) {
            WriteOutcome o = i < outcomes.size() ? outcomes.get(i) : null;
            Probed p = probed.get(i);
            if (o != null && o.succeeded()) {
                p.itemId = o.itemId();
                p.changeKey = o.changeKey();
            } else {
                failed.add(p.crmId + ": " + (o == null ? "no answer for this task" : o.error()));
            }
        }
        if (!failed.isEmpty()) {
            report.fail("create", "the server refused " + failed.size() + " of " + TASKS + " probe tasks: "
                    + String.join("; ", failed));
            return false;
        }
        report.pass("create", TASKS + " tasks created in one batch, tagged " + crmIds() + ", start " + start
                + ", due " + due);
        return true;
    }

    private void readBack(MailboxConnection connection) throws MailboxException {
        List<String> problems = compareWithAdapter(connection, ExchangeField.SUBJECT, ExchangeField.START_DATE,
                ExchangeField.DUE_DATE);
        if (problems.isEmpty()) {
            report.pass("read-back", "the adapter found each task once by its CRM id, with the subject, start "
                    + start + " and due " + due + " as written");
        } else {
            report.fail("read-back", String.join("; ", problems));
        }
    }

    private void shown(String check) {
        List<String> problems = new ArrayList<>();
        Set<String> missing = new LinkedHashSet<>();
        String wires = "";
        for (Probed p : probed) {
            ServerSide.Shown shown;
            try {
                shown = server.shown(p.itemId);
            } catch (ServerSide.ServerFailure f) {
                problems.add(p.crmId + ": the raw read failed: " + f.getMessage());
                continue;
            }
            judge(p, "start", p.values.startDate(), shown.start(), problems, missing);
            judge(p, "due", p.values.dueDate(), shown.due(), problems, missing);
            wires = "(" + shown.start().source() + " " + shown.start().wire() + ", " + shown.due().source() + " "
                    + shown.due().wire() + ")";
        }
        Probed last = probed.get(probed.size() - 1);
        if (!problems.isEmpty()) {
            report.fail(check, String.join("; ", problems));
        } else if (!missing.isEmpty()) {
            report.skip(check, "the server returned no " + String.join(", no ", missing) + " for the probe tasks, so "
                    + "what " + server.app() + " shows is not known (expected start " + last.values.startDate()
                    + ", due " + last.values.dueDate() + "); look at a task in " + server.app()
                    + " made by a first cycle");
        } else {
            report.pass(check, server.app() + " shows start " + last.values.startDate() + " and due "
                    + last.values.dueDate() + " " + wires);
        }
    }

    private void judge(Probed p, String what, LocalDate expected, ServerSide.ShownDate shown, List<String> problems,
            Set<String> missing) {
        if (shown.wire() == null) {
            missing.add(shown.source());
            return;
        }
        if (shown.problem() != null) {
            problems.add(p.crmId + ": " + shown.source() + " = " + shown.wire() + ": " + shown.problem());
        }
        if (!expected.equals(shown.date())) {
            problems.add(p.crmId + ": " + server.app() + " shows the " + what + " date " + shown.date() + " ("
                    + shown.source() + " = " + shown.wire() + "), the CRM's date is " + expected);
        }
    }

    private void batchUpdate(MailboxConnection connection) throws MailboxException {
        List<ExchangeTaskUpdate> updates = new ArrayList<>();
        // fields of both kinds a cycle writes: standard ones and one kept apart (EWS: PR_CREATOR_NAME,
        // Graph: the open extension), so that the batch has the shape of the engine's
        Set<ExchangeField> fields = Set.of(ExchangeField.SUBJECT, ExchangeField.START_DATE, ExchangeField.DUE_DATE,
                ExchangeField.CREATED_BY);
        for (Probed p : probed) {
            p.values = p.values.toBuilder()
                    .subject(p.values.subject().replace("(deleted", "(updated, deleted"))
                    .startDate(start.plusDays(1))
                    .dueDate(due.plusDays(1))
                    .createdBy("tasksync probe")
                    .build();
            updates.add(new ExchangeTaskUpdate(new ItemRef(p.itemId, p.changeKey), p.crmId, p.values, fields));
        }
        List<WriteOutcome> outcomes = connection.update(updates);
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < probed.size(); i++) {
            WriteOutcome o = i < outcomes.size() ? outcomes.get(i) : null;
            Probed p = probed.get(i);
            if (o == null || !o.succeeded()) {
                problems.add(p.crmId + ": the server refused the update: " + (o == null ? "no answer" : o.error()));
            } else if (o.changeKey() != null) {
                p.changeKey = o.changeKey();
            }
        }
        if (problems.isEmpty()) {
            // owner and Complete % were set at create and are not in the update: a server that drops what a
            // PATCH leaves out (Graph's open extension, "Update open extension") must not lose them
            for (String problem : compareWithAdapter(connection, ExchangeField.SUBJECT, ExchangeField.START_DATE,
                    ExchangeField.DUE_DATE, ExchangeField.CREATED_BY, ExchangeField.OWNER,
                    ExchangeField.PERCENT_COMPLETE)) {
                boolean untouched = problem.contains(": " + ExchangeField.OWNER.name() + " written")
                        || problem.contains(": " + ExchangeField.PERCENT_COMPLETE.name() + " written");
                problems.add(untouched ? problem + " (not in the update: the server lost a value the update "
                        + "did not name)" : problem);
            }
        }
        if (problems.isEmpty()) {
            report.pass("batch-update", "one update of " + TASKS + " tasks (subject, start, due, created-by) was "
                    + "accepted and read back: start " + start.plusDays(1) + ", due " + due.plusDays(1)
                    + "; owner and Complete % from the create were kept");
        } else {
            report.fail("batch-update", String.join("; ", problems));
        }
    }

    private void status(MailboxConnection connection) throws MailboxException {
        Probed p = probed.get(0);
        ExchangeStatus set = ExchangeStatus.COMPLETED;
        try {
            server.setStatusAsRep(p.itemId, set);
        } catch (ServerSide.ServerFailure f) {
            report.fail("status", "setting " + set.wireName() + " as the rep would in " + server.app()
                    + " failed: " + f.getMessage());
            return;
        }
        ExchangeTask read = readOne(connection, p);
        if (read == null) {
            report.fail("status", p.crmId + ": the adapter no longer finds the task after the rep set "
                    + set.wireName());
        } else if (read.values().status() != set) {
            report.fail("status", p.crmId + ": the rep set " + set.wireName() + " in " + server.app()
                    + ", the adapter reads " + (read.values().status() == null ? "no status"
                    : read.values().status().wireName()));
        } else {
            p.values = read.values();
            report.pass("status", "the rep's " + set.wireName() + " (set in " + server.app()
                    + " by a raw call) is read by the adapter as " + read.values().status().wireName()
                    + (read.values().completeDate() != null ? ", complete date " + read.values().completeDate() : ""));
        }
    }

    /** Deletes the probe tasks whatever happened before, and makes sure they are gone. */
    private void cleanup(MailboxConnection connection) {
        List<Probed> unknown = probed.stream().filter(p -> p.itemId == null).toList();
        if (connection != null && !unknown.isEmpty()) {
            // a create whose answer was lost (or refused for some) may still have made tasks: look them up
            try {
                for (ExchangeTask t : connection.findByCrmIds(unknown.stream().map(p -> p.crmId).toList())) {
                    unknown.stream().filter(p -> p.crmId.equals(t.crmId()) && p.itemId == null).findFirst()
                            .ifPresent(p -> p.itemId = t.itemId());
                }
            } catch (MailboxException | RuntimeException e) {
                report.line("cleanup: the probe tasks whose create was not confirmed cannot be looked up ("
                        + e.getMessage() + "); look for CRM ids starting with " + CRM_ID_PREFIX + " by hand");
            }
        }
        List<Probed> made = probed.stream().filter(p -> p.itemId != null).toList();
        if (made.isEmpty()) {
            report.pass("cleanup", "no probe task was created, nothing to delete");
            return;
        }
        if (connection == null) {
            report.fail("cleanup", "no connection to delete " + itemsOf(made) + "; delete them by hand");
            return;
        }
        List<String> problems = new ArrayList<>();
        try {
            List<WriteOutcome> outcomes = connection.delete(made.stream()
                    .map(p -> new ItemRef(p.itemId, p.changeKey)).toList());
            for (int i = 0; i < made.size(); i++) {
                WriteOutcome o = i < outcomes.size() ? outcomes.get(i) : null;
                if (o == null || !o.succeeded() && !o.itemGone()) {
                    problems.add(made.get(i).crmId + ": " + (o == null ? "no answer" : o.error()));
                }
            }
            List<ExchangeTask> left = connection.findByCrmIds(made.stream().map(p -> p.crmId).toList());
            for (ExchangeTask t : left) {
                problems.add(t.crmId() + " is still in the mailbox as item " + t.itemId());
            }
        } catch (MailboxException | RuntimeException e) {
            problems.add(e.getMessage());
        }
        if (problems.isEmpty()) {
            report.pass("cleanup", made.size() + " probe tasks deleted the way the engine deletes them"
                    + (adapter.name().equals("ews") ? " (moved to Deleted Items)" : "") + " and no longer found");
        } else {
            report.fail("cleanup", String.join("; ", problems) + "; delete " + itemsOf(made) + " by hand");
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Reads the probe tasks through the adapter and lists where they differ from what was written. */
    private List<String> compareWithAdapter(MailboxConnection connection, ExchangeField... fields)
            throws MailboxException {
        Map<String, List<ExchangeTask>> found = new LinkedHashMap<>();
        for (ExchangeTask t : connection.findByCrmIds(probed.stream().map(p -> p.crmId).toList())) {
            found.computeIfAbsent(t.crmId(), k -> new ArrayList<>()).add(t);
        }
        List<String> problems = new ArrayList<>();
        for (Probed p : probed) {
            List<ExchangeTask> tasks = found.getOrDefault(p.crmId, List.of());
            if (tasks.size() != 1) {
                problems.add(p.crmId + ": found " + tasks.size() + " times by its CRM id, expected once");
                continue;
            }
            ExchangeTask t = tasks.get(0);
            p.changeKey = t.changeKey();
            if (!t.itemId().equals(p.itemId)) {
                problems.add(p.crmId + ": found as item " + t.itemId() + ", created as " + p.itemId);
            }
            for (ExchangeField f : fields) {
                Object wrote = p.values.get(f);
                Object read = t.values().get(f);
                if (!Objects.equals(wrote, read)) {
                    problems.add(p.crmId + ": " + f.name() + " written " + wrote + ", read back " + read);
                }
            }
        }
        return problems;
    }

    private ExchangeTask readOne(MailboxConnection connection, Probed p) throws MailboxException {
        return connection.findByCrmIds(List.of(p.crmId)).stream().filter(t -> p.crmId.equals(t.crmId()))
                .findFirst().orElse(null);
    }

    private String crmIds() {
        return String.join(", ", probed.stream().map(p -> p.crmId).toList());
    }

    private static String itemsOf(List<Probed> made) {
        return String.join(", ", made.stream().map(p -> p.crmId + " (item " + p.itemId + ")").toList());
    }
}

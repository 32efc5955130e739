package org.tasksync.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.tasksync.adapter.ews.EwsConfig;
import org.tasksync.adapter.jdbccrm.JdbcCrmSettings;
import org.tasksync.core.MailboxReport;
import org.tasksync.core.SkipReason;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.TaskError;
import org.tasksync.core.mapping.TaskMapper;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.state.JdbcSyncStateStore;
import org.tasksync.testkit.ews.EwsFault;
import org.tasksync.testkit.ews.OutlookTask;

/**
 * The bad-input catalog (SPEC §8): a table of bad CRM rows, bad settings and bad answers from
 * Exchange. Each gives a clear error that names the thing (task, setting key, mailbox and item), the
 * field and the value, and every other task is unaffected: the good tasks next to the bad ones are
 * synchronized in the same cycle. Three of the rows are not errors by design, and the table says what
 * they give instead (characters XML cannot carry are replaced and reported; a rep without a mailbox
 * is skipped with the reason; a megabyte body typed in Outlook is overwritten by the CRM's text).
 *
 * <p>The CRM rows share one CRM and one cycle, the Exchange answers share one simulator (one mailbox
 * per answer) and one cycle, so the table costs two rigs, not one per row.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputCatalogTest {

    private static final ZoneId VIENNA = ZoneId.of("Europe/Vienna");
    private static final Rep RITA = new Rep("R-RITA", "Rita Row", "rita.row@example.com", VIENNA, true);
    private static final int BODY_LIMIT = 5_000;

    private final List<AutoCloseable> rigs = new ArrayList<>();

    @AfterAll
    void closeRigs() throws Exception {
        for (AutoCloseable r : rigs) {
            r.close();
        }
    }

    // ================================================================== CRM rows

    /** A bad CRM row: how to write it, and what the report must say about it. */
    record Row(String name, String id, Consumer<RowWriter> write, Consumer<Outcome> expect) {
    }

    /** Writes rows of a case into the CRM. */
    record RowWriter(Rig rig, String id, LocalDate today) {
        CrmTask.Builder task() {
            return CrmTask.builder(id).repId(RITA.id()).subject("Bad row " + id).dueDate(today.plusDays(3))
                    .status("Open").priority("Normal");
        }

        void put(UnaryOperator<CrmTask.Builder> b) {
            rig.crm.putTask(b.apply(task()).build());
        }

        /** Sets a column to a value the CRM's catalogs or constraints would not produce. */
        void raw(String column, Object value) {
            try (Connection c = rig.crmDb.getConnection();
                 PreparedStatement ps = c.prepareStatement("UPDATE a1_task SET " + column + " = ? WHERE id = ?")) {
                ps.setObject(1, value);
                ps.setString(2, id);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** What a cycle did with a row, and what it logged. */
    record Outcome(Rig rig, SyncReport report, String id, List<String> log) {
        TaskError error() {
            List<TaskError> mine = report.allTaskErrors().stream().filter(e -> e.taskId().equals(id)).toList();
            assertThat(mine).as("errors of %s in%n%s", id, report.toTable()).hasSize(1);
            assertThat(report.toTable()).contains("task error: " + mine.get(0));
            assertThat(rig.tagged(RITA, id)).as("a bad task is not written").isEmpty();
            return mine.get(0);
        }

        void error(String field, String value, String reason) {
            TaskError e = error();
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.value()).isEqualTo(value);
            assertThat(e.reason()).contains(reason);
        }

        OutlookTask written() {
            assertThat(report.allTaskErrors()).noneMatch(e -> e.taskId().equals(id));
            return rig.inOutlook(RITA, id);
        }

        List<String> warnings() {
            return report.mailbox(RITA.mailbox()).orElseThrow().warnings().stream().filter(w -> w.contains(id)).toList();
        }
    }

    static List<Row> crmRows() {
        String longSubject = "S".repeat(300);
        return List.of(
                new Row("unknown status code", "A1:bad-1", w -> {
                    w.rig().crm.putTask(w.task().build(), "99");
                }, o -> o.error("#2 Status", "99", "")),
                new Row("null status", "A1:bad-2", w -> {
                    w.put(b -> b);
                    w.raw("status", null);
                }, o -> o.error("#2 Status", null, "")),
                new Row("unknown priority code", "A1:bad-3", w -> {
                    w.put(b -> b);
                    w.raw("priority", 9);
                }, o -> o.error("#5 Priority", "9", "")),
                new Row("unknown reminder unit code", "A1:bad-4", w -> {
                    w.put(b -> b.reminder(15, "minutes"));
                    w.raw("reminder_unit", 7);
                }, o -> {
                    TaskError e = o.error();
                    assertThat(e.field()).startsWith("#43");
                    assertThat(e.value()).isEqualTo("7");
                }),
                new Row("null subject", "A1:bad-5", w -> {
                    w.put(b -> b);
                    w.raw("subject", null);
                }, o -> o.error("#58 Subject", null, "")),
                new Row("blank subject", "A1:bad-6", w -> w.put(b -> b.subject("   ")),
                        o -> o.error("#58 Subject", "   ", "subject is empty")),
                new Row("subject of 300 characters", "A1:bad-7", w -> w.put(b -> b.subject(longSubject)),
                        o -> {
                            TaskError e = o.error();
                            assertThat(e.field()).isEqualTo("#58 Subject");
                            assertThat(e.value()).startsWith("SSSS").contains("(300 characters)");
                            assertThat(e.reason()).contains("300 characters, more than the 255");
                        }),
                new Row("300 % complete", "A1:bad-8", w -> w.put(b -> b.percentComplete(300)),
                        o -> o.error("#56 Complete %", "300", "between 0 and 100")),
                new Row("negative % complete", "A1:bad-9", w -> w.put(b -> b.percentComplete(-1)),
                        o -> o.error("#56 Complete %", "-1", "between 0 and 100")),
                new Row("due before start", "A1:bad-10", w -> w.put(b -> b.startDate(w.today().plusDays(5))),
                        o -> o.error("#38 Start date", dueOf(o).plusDays(2).toString(), "start date is after the due date")),
                new Row("comments over the body limit", "A1:bad-11", w -> w.put(b -> b.comments("c".repeat(BODY_LIMIT + 1))),
                        o -> {
                            TaskError e = o.error();
                            assertThat(e.field()).isEqualTo("#20 Comments");
                            assertThat(e.value()).contains("(" + (BODY_LIMIT + 1) + " characters)");
                            assertThat(e.reason()).contains("configured limit of " + BODY_LIMIT)
                                    .contains("tasksync.body.max-length");
                        }),
                new Row("negative reminder duration", "A1:bad-12", w -> w.put(b -> b.reminder(-15, "minutes")),
                        o -> o.error("#42 Reminder Duration", "-15", "must not be negative")),
                new Row("null rep", "A1:bad-13", w -> {
                    w.put(b -> b);
                    w.raw("rep_id", null);
                }, o -> {
                    TaskError e = o.report().allTaskErrors().stream().filter(x -> x.taskId().equals(o.id())).findFirst()
                            .orElseThrow(() -> new AssertionError(o.report().toTable()));
                    assertThat(e.field()).isEqualTo("#4 Rep");
                }),
                new Row("rep unknown to the CRM", "A1:bad-14", w -> w.put(b -> b.repId("R-GHOST")),
                        o -> {
                            TaskError e = o.report().taskErrors().stream().filter(x -> x.taskId().equals(o.id()))
                                    .findFirst().orElseThrow(() -> new AssertionError(o.report().toTable()));
                            assertThat(e.field()).isEqualTo("#4 Rep");
                            assertThat(e.value()).isEqualTo("R-GHOST");
                            assertThat(e.reason()).contains("no such rep");
                        }),
                new Row("a character XML cannot carry in the subject (replaced and reported)", "A1:bad-15",
                        w -> w.put(b -> b.subject("Call\u0001ACME")), o -> {
                            assertThat(o.written().subject()).isEqualTo("Call" + TaskMapper.REPLACEMENT + "ACME");
                            assertThat(o.warnings()).singleElement().asString().contains("#58 Subject")
                                    .contains("replaced by U+FFFD");
                        }),
                new Row("characters XML cannot carry in the comments (replaced and reported)", "A1:bad-16",
                        w -> w.put(b -> b.comments("line\u0008one\u0000two")), o -> {
                            assertThat(o.written().body()).isEqualTo("line\uFFFDone\uFFFDtwo");
                            assertThat(o.warnings()).singleElement().asString().contains("#20 Comments")
                                    .contains("2 character(s)");
                        }),
                new Row("a lone surrogate in the subject (replaced and reported)", "A1:bad-17",
                        w -> w.put(b -> b.subject("half \uD83D of an emoji")), o -> {
                            assertThat(o.written().subject()).isEqualTo("half \uFFFD of an emoji");
                            assertThat(o.warnings()).singleElement().asString().contains("#58 Subject");
                        }),
                new Row("rep without an e-mail address (skipped with the reason)", "A1:bad-18", w -> {
                    w.rig().putRep(new Rep("R-NOMAIL", "Nora Nomail", null, VIENNA, true));
                    w.put(b -> b.repId("R-NOMAIL"));
                }, o -> {
                    // this row's task and the next row's
                    assertThat(o.report().unassignedSkips()).containsEntry(SkipReason.REP_WITHOUT_MAILBOX, 2);
                    assertThat(o.report().toTable()).contains("rep without mailbox 2");
                    assertThat(o.report().allTaskErrors()).noneMatch(e -> e.taskId().equals(o.id()));
                }),
                new Row("rep with a blank e-mail address (skipped with the reason)", "A1:bad-19", w -> {
                    w.rig().putRep(new Rep("R-BLANK", "Bill Blank", "   ", VIENNA, true));
                    w.put(b -> b.repId("R-BLANK"));
                }, o -> assertThat(o.report().unassignedSkips()).containsEntry(SkipReason.REP_WITHOUT_MAILBOX, 2)),
                new Row("rep with an invalid time zone (warned, default zone)", "A1:bad-20", w -> {
                    w.rig().putRep(new Rep("R-MARS", "Marvin Mars", "marvin.mars@example.com", null, true));
                    w.rig().ews.registerMailbox("marvin.mars@example.com");
                    try (Connection c = w.rig().crmDb.getConnection();
                         PreparedStatement ps = c.prepareStatement("UPDATE crm_rep SET time_zone = 'Mars/Olympus' WHERE id = 'R-MARS'")) {
                        ps.executeUpdate();
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                    w.put(b -> b.repId("R-MARS"));
                }, o -> {
                    Rep mars = o.rig().reps.get("R-MARS");
                    OutlookTask t = o.rig().inOutlook(mars, o.id());
                    LocalDate due = o.rig().task(o.id()).orElseThrow().dueDate();
                    assertThat(t.dueDate()).as("the date arrives as it is").isEqualTo(due);
                    assertThat(o.log()).anySatisfy(l -> assertThat(l).startsWith("WARN").contains("R-MARS")
                            .contains("Mars/Olympus"));
                }),
                new Row("disabled rep (skipped with the reason)", "A1:bad-21", w -> {
                    w.rig().putRep(new Rep("R-OFF", "Otto Off", "otto.off@example.com", VIENNA, false));
                    w.put(b -> b.repId("R-OFF"));
                }, o -> assertThat(o.report().unassignedSkips()).containsEntry(SkipReason.REP_DISABLED, 1)),
                new Row("rep whose address Exchange does not know (mailbox error)", "A1:bad-22", w -> {
                    w.rig().putRep(new Rep("R-NOBOX", "Nils Nobox", "nils.nobox@example.com", VIENNA, true));
                    w.put(b -> b.repId("R-NOBOX"));
                }, o -> {
                    MailboxReport m = o.report().mailbox("nils.nobox@example.com").orElseThrow();
                    assertThat(m.mailboxError()).contains("nils.nobox@example.com").contains("not found");
                    assertThat(m.skipped(SkipReason.MAILBOX_FAILED)).isEqualTo(1);
                }));
    }

    private static LocalDate dueOf(Outcome o) {
        return o.rig().task(o.id()).orElseThrow().dueDate();
    }

    @TestFactory
    Stream<DynamicTest> badCrmRows() {
        Rig rig = new Rig(List.of(RITA));
        rigs.add(rig);
        rig.settings(b -> b.maxBodyLength(BODY_LIMIT));
        LocalDate today = LocalDate.now(rig.clock);
        List<Row> rows = crmRows();
        List<String> good = new ArrayList<>();
        for (Row row : rows) {
            row.write().accept(new RowWriter(rig, row.id(), today));
            // a good neighbour of every bad row in the same mailbox
            String neighbour = row.id().replace("bad", "good");
            rig.crm.putTask(CrmTask.builder(neighbour).repId(RITA.id()).subject("Good neighbour of " + row.id())
                    .dueDate(today.plusDays(2)).status("In Progress").percentComplete(30).build());
            good.add(neighbour);
        }
        SyncReport report;
        List<String> logged;
        try (CapturingLogProvider.Capture log = CapturingLogProvider.capture()) {
            report = rig.cycle();
            logged = log.lines();
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (Row row : rows) {
            tests.add(DynamicTest.dynamicTest(row.name(), () -> row.expect().accept(new Outcome(rig, report, row.id(), logged))));
        }
        tests.add(DynamicTest.dynamicTest("every good task next to a bad one is synchronized", () -> {
            Agreement agreement = new Agreement(rig);
            for (String id : good) {
                CrmTask t = rig.task(id).orElseThrow();
                assertThat(agreement.differences(t, rig.inOutlook(rig.reps.get(t.repId()), id))).isEmpty();
            }
            assertThat(report.created()).isEqualTo(good.size() + 4); // and the four rows that are repaired or zoned
            rig.assertEwsClean();
        }));
        return tests.stream();
    }

    // ================================================================== settings

    /** A bad setting: how to build it, and the texts the error must contain. */
    record Setting(String name, Runnable build, String key, String value) {
    }

    static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    static Properties ews(String... kv) {
        Properties p = props("tasksync.ews.url", "https://mail.example.com/EWS/Exchange.asmx",
                "tasksync.ews.username", "svc", "tasksync.ews.password", "pw");
        p.putAll(props(kv));
        return p;
    }

    static List<Setting> settings() {
        return List.of(
                new Setting("interval 0", () -> SyncSettings.fromProperties(props("tasksync.tasks.interval-minutes", "0")),
                        "tasksync.tasks.interval-minutes", "0"),
                new Setting("negative past days", () -> SyncSettings.fromProperties(
                        props("tasksync.tasks.time-frame.past-days", "-3")), "tasksync.tasks.time-frame.past-days", "-3"),
                new Setting("negative future days", () -> SyncSettings.fromProperties(
                        props("tasksync.tasks.time-frame.future-days", "-1")), "tasksync.tasks.time-frame.future-days", "-1"),
                new Setting("bad default zone", () -> SyncSettings.fromProperties(props("tasksync.default-zone", "Mars/Olympus")),
                        "tasksync.default-zone", "Mars/Olympus"),
                new Setting("interval not a number", () -> SyncSettings.fromProperties(
                        props("tasksync.tasks.interval-minutes", "often")), "tasksync.tasks.interval-minutes", "often"),
                new Setting("switch neither true nor false", () -> SyncSettings.fromProperties(
                        props("tasksync.tasks.enabled", "maybe")), "tasksync.tasks.enabled", "maybe"),
                new Setting("unknown key (a typo)", () -> SyncSettings.fromProperties(
                        props("tasksync.tasks.intervall-minutes", "15")), "tasksync.tasks.intervall-minutes", ""),
                new Setting("batch size 0", () -> SyncSettings.fromProperties(props("tasksync.batch-size", "0")),
                        "tasksync.batch-size", "0"),
                new Setting("mass-delete share above 1", () -> SyncSettings.fromProperties(
                        props("tasksync.mass-delete.max-share", "1.5")), "tasksync.mass-delete.max-share", "1.5"),
                new Setting("reassignment mode unknown", () -> SyncSettings.fromProperties(
                        props("tasksync.reassignment", "teleport")), "tasksync.reassignment", "teleport"),
                new Setting("reminder base time 25:00", () -> SyncSettings.fromProperties(
                        props("tasksync.reminder.base-time", "25:00")), "tasksync.reminder.base-time", "25:00"),
                new Setting("status mapped to an unknown Exchange status", () -> SyncSettings.fromProperties(
                        props("tasksync.status.to-exchange.Open", "Started")), "tasksync.status.to-exchange.Open", "Started"),
                new Setting("malformed EWS URL", () -> EwsConfig.fromProperties(ews("tasksync.ews.url", "htp:/mail example")),
                        "tasksync.ews.url", "htp:/mail example"),
                new Setting("EWS URL that is not absolute", () -> EwsConfig.fromProperties(ews("tasksync.ews.url", "/EWS/Exchange.asmx")),
                        "tasksync.ews.url", "/EWS/Exchange.asmx"),
                new Setting("EWS timeout 0", () -> EwsConfig.fromProperties(ews("tasksync.ews.timeout-ms", "0")),
                        "tasksync.ews.timeout-ms", "0"),
                new Setting("EWS sync page above Exchange's 512", () -> EwsConfig.fromProperties(
                        ews("tasksync.ews.sync-page-size", "1000")), "tasksync.ews.sync-page-size", "1000"),
                new Setting("EWS version unknown", () -> EwsConfig.fromProperties(ews("tasksync.ews.version", "Exchange2099")),
                        "tasksync.ews.version", "Exchange2099"),
                new Setting("unknown EWS key", () -> EwsConfig.fromProperties(ews("tasksync.ews.time-out", "5")),
                        "tasksync.ews.time-out", ""),
                new Setting("CRM table name with a space", () -> JdbcCrmSettings.fromProperties(
                        props("tasksync.crm.jdbc.task-table", "a1 task")), "tasksync.crm.jdbc.task-table", "a1 task"),
                new Setting("CRM column name with a semicolon", () -> JdbcCrmSettings.fromProperties(
                        props("tasksync.crm.jdbc.column.a1.58", "subject;DROP TABLE crm_rep")),
                        "tasksync.crm.jdbc.column.a1.58", "subject;DROP TABLE crm_rep"),
                new Setting("CRM table name with a quote", () -> JdbcCrmSettings.fromProperties(
                        props("tasksync.crm.jdbc.rep-table", "crm_\"rep")), "tasksync.crm.jdbc.rep-table", "crm_\"rep"),
                new Setting("unknown CRM key", () -> JdbcCrmSettings.fromProperties(
                        props("tasksync.crm.jdbc.task-tabel", "a1_task")), "tasksync.crm.jdbc.task-tabel", ""),
                new Setting("CRM status code given twice", () -> JdbcCrmSettings.fromProperties(
                        props("tasksync.crm.jdbc.catalog.status.0", "Open", "tasksync.crm.jdbc.catalog.status.5", "Open")),
                        "tasksync.crm.jdbc.catalog.status.", "Open"),
                new Setting("negative change-safety lag", () -> JdbcCrmSettings.fromProperties(
                        props("tasksync.crm.jdbc.change-safety-lag", "-PT1M")), "tasksync.crm.jdbc.change-safety-lag", "PT-1M"),
                new Setting("state-store table prefix with a dash", () -> JdbcSyncStateStore.builder("jdbc:h2:mem:x", "sa", "")
                        .tablePrefix("tasksync-"), "tasksync.state.jdbc.table-prefix", "tasksync-"),
                new Setting("state-store URL that is not JDBC", () -> JdbcSyncStateStore.builder("postgres://db/crm", "sa", ""),
                        "tasksync.state.jdbc.url", "postgres://db/crm"));
    }

    @TestFactory
    Stream<DynamicTest> badSettingsFailAtBuildTimeNamingKeyAndValue() {
        return settings().stream().map(s -> DynamicTest.dynamicTest(s.name(), () ->
                assertThatThrownBy(s.build()::run).isInstanceOf(IllegalArgumentException.class)
                        .satisfies(e -> assertThat(e.getMessage()).contains(s.key()).contains(s.value()))));
    }

    // ================================================================== Exchange's answers

    /**
     * A bad answer from Exchange for one mailbox's reads, and what the report must say: for an answer
     * about one item ({@code itemLevel}) the per-task error of that item's task, otherwise the
     * mailbox's report.
     */
    record Answer(String name, String operation, UnaryOperator<String> rewrite, boolean itemLevel,
                  Consumer<MailboxReport> expect) {
    }

    /** Applies {@code edit} only to the GetItem answer message of the task whose subject is "Task 1". */
    static UnaryOperator<String> onTask1(UnaryOperator<String> edit) {
        Pattern message = Pattern.compile("<m:GetItemResponseMessage\\b.*?</m:GetItemResponseMessage>", Pattern.DOTALL);
        return xml -> {
            Matcher m = message.matcher(xml);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String block = m.group();
                m.appendReplacement(out, Matcher.quoteReplacement(
                        block.contains("<t:Subject>Task 1</t:Subject>") ? edit.apply(block) : block));
            }
            m.appendTail(out);
            return out.toString();
        };
    }

    /** The one per-task error of the mailbox, of task 1; returns its text. */
    static String task1Error(MailboxReport m) {
        assertThat(m.taskErrors()).as("per-task errors of %s", m.mailbox()).singleElement()
                .satisfies(e -> assertThat(e.taskId()).endsWith("-1"));
        return m.taskErrors().get(0).toString();
    }

    static List<Answer> answers() {
        String huge = "x".repeat(5_000_000);
        return List.of(
                new Answer("malformed XML (the answer cut off whenever it carries task 1)", "GetItem",
                        xml -> xml.contains("<t:Subject>Task 1</t:Subject>") ? xml.substring(0, xml.length() - 60) : xml,
                        true, m -> assertThat(task1Error(m)).contains("GetItem").contains("ParseError")),
                new Answer("a Status of Bogus on an item", "GetItem",
                        onTask1(xml -> xml.replace(">Completed</t:Status>", ">Bogus</t:Status>")),
                        true, m -> assertThat(task1Error(m)).contains("field Exchange Status = 'Bogus'")),
                new Answer("a DelegationState of Max on an item", "GetItem",
                        onTask1(xml -> xml.replace("<t:Status>", "<t:DelegationState>Max</t:DelegationState><t:Status>")),
                        true, m -> assertThat(task1Error(m)).contains("field Exchange DelegationState = 'Max'")),
                new Answer("an item without its Status", "GetItem",
                        onTask1(xml -> xml.replaceAll("<t:Status>[A-Za-z]*</t:Status>", "")),
                        true, m -> assertThat(task1Error(m)).contains("field Exchange Status = (empty)")),
                new Answer("an item without its ItemId", "GetItem", onTask1(xml -> xml.replaceAll("<t:ItemId [^>]*/>", "")),
                        true, m -> assertThat(task1Error(m)).contains("field Exchange ItemId = (empty)")),
                new Answer("a character XML cannot carry (&#x1;) in a subject", "GetItem",
                        onTask1(xml -> xml.replaceFirst("<t:Subject>", "<t:Subject>&#x1;")),
                        true, m -> assertThat(task1Error(m)).contains("field Exchange Subject = '&#x1;Task 1'")
                                .contains("ParseError")),
                new Answer("a PercentComplete that is no number", "GetItem",
                        onTask1(xml -> xml.replaceAll("<t:PercentComplete>[0-9.]*</t:PercentComplete>",
                                "<t:PercentComplete>lots</t:PercentComplete>")),
                        true, m -> assertThat(task1Error(m)).contains("field Exchange PercentComplete = 'lots'")),
                new Answer("a change list without its SyncState (fails the mailbox)", "SyncFolderItems",
                        xml -> xml.replaceAll("<m:SyncState>[^<]*</m:SyncState>", ""),
                        false, m -> {
                            assertThat(m.failed()).isTrue();
                            assertThat(m.mailboxError()).contains("SyncFolderItems").contains("SyncState");
                        }),
                new Answer("a body of 5 MB typed in Outlook (overwritten by the CRM's text, SPEC §6.4)", "GetItem",
                        xml -> xml.replaceAll("<t:Body BodyType=\"Text\"[^>]*/>|<t:Body BodyType=\"Text\"[^>]*>[^<]*</t:Body>",
                                "<t:Body BodyType=\"Text\">" + huge + "</t:Body>"),
                        false, m -> {
                            assertThat(m.failed()).isFalse();
                            assertThat(m.taskErrors()).isEmpty();
                            assertThat(m.statusesWrittenBack()).isEqualTo(2);
                            assertThat(m.updated()).isEqualTo(2);
                        }));
    }

    /**
     * One mailbox per answer, two tasks each. Before the faulty cycle the rep completes task 1 (the
     * one the bad answer is about) and sets task 2 in progress, and the CRM renames both. An answer
     * about one item must cost only that item: task 2 syncs both ways in the same cycle, task 1 is a
     * per-task error naming the task, its item, the field and the value, is left alone (its status
     * not guessed, nothing written over it), and once Exchange answers well the rep's Completed
     * reaches the CRM and the CRM's subject reaches Outlook.
     */
    @TestFactory
    Stream<DynamicTest> badAnswersFromExchange() {
        List<Answer> answers = answers();
        List<Rep> reps = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            reps.add(new Rep("R-X" + i, "Xavier " + i, "x" + i + "@example.com", VIENNA, true));
        }
        reps.add(RITA);
        Rig rig = new Rig(reps);
        rigs.add(rig);
        LocalDate today = LocalDate.now(rig.clock);
        for (Rep rep : reps) {
            for (int i = 1; i <= 2; i++) {
                rig.crm.putTask(CrmTask.builder("A1:" + rep.id() + "-" + i).repId(rep.id()).subject("Task " + i)
                        .dueDate(today.plusDays(i)).status("Open").build());
            }
        }
        assertThat(rig.cycle().clean()).isTrue();
        rig.cycle();
        Map<String, String> itemOfTask1 = new HashMap<>();
        for (Rep rep : reps) {
            String task1 = "A1:" + rep.id() + "-1";
            String task2 = "A1:" + rep.id() + "-2";
            itemOfTask1.put(rep.mailbox(), rig.inOutlook(rep, task1).itemId());
            rig.outlook(rep).setStatus(rig.inOutlook(rep, task1).itemId(), "Completed");
            rig.outlook(rep).setStatus(rig.inOutlook(rep, task2).itemId(), "InProgress");
            for (String id : List.of(task1, task2)) {
                rig.crm.putTask(rig.task(id).orElseThrow().toBuilder().subject("Renamed " + id).build());
            }
        }
        for (int i = 0; i < answers.size(); i++) {
            Answer a = answers.get(i);
            rig.ews.inject(EwsFault.rewriteResponse(a.rewrite()).forMailbox(reps.get(i).mailbox())
                    .forOperation(a.operation()).always());
        }
        SyncReport report = rig.cycle();
        Map<String, List<String>> rightAfter = new HashMap<>(); // CRM status of 1 and 2, Outlook subject of 1 and 2
        for (Rep rep : reps) {
            List<String> seen = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                seen.add(rig.task("A1:" + rep.id() + "-" + i).orElseThrow().status());
            }
            for (int i = 1; i <= 2; i++) {
                seen.add(rig.inOutlook(rep, "A1:" + rep.id() + "-" + i).subject());
            }
            seen.add(rig.inOutlook(rep, "A1:" + rep.id() + "-1").status());
            rightAfter.put(rep.mailbox(), seen);
        }
        rig.ews.clearFaults();
        SyncReport healed = rig.cycle();
        SyncReport after = rig.cycle();
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            Answer a = answers.get(i);
            Rep rep = reps.get(i);
            List<String> seen = rightAfter.get(rep.mailbox());
            tests.add(DynamicTest.dynamicTest(a.name(), () -> {
                MailboxReport m = report.mailbox(rep.mailbox()).orElseThrow();
                if (m.failed()) {
                    assertThat(m.mailboxError()).startsWith("mailbox " + rep.mailbox());
                    assertThat(report.toTable()).contains("mailbox error: " + m.mailboxError());
                    assertThat(seen.subList(0, 2)).as("not read, so not guessed").containsExactly("Open", "Open");
                }
                if (a.itemLevel()) {
                    assertThat(m.failed()).as(report.toTable()).isFalse();
                    String error = task1Error(m);
                    assertThat(error).startsWith("task A1:" + rep.id() + "-1: ")
                            .contains(itemOfTask1.get(rep.mailbox())).contains("read again next cycle");
                    assertThat(report.toTable()).contains("task error: " + error);
                    assertThat(seen.get(0)).as("task 1's status is not guessed").isEqualTo("Open");
                    assertThat(seen.get(2)).as("task 1 is left alone").isEqualTo("Task 1");
                    assertThat(seen.get(4)).as("the rep's status is not overwritten").isEqualTo("Completed");
                    assertThat(seen.get(1)).as("task 2's Outlook status reaches the CRM in the same cycle")
                            .isEqualTo("In Progress");
                    assertThat(seen.get(3)).as("task 2's CRM subject reaches Outlook in the same cycle")
                            .isEqualTo("Renamed A1:" + rep.id() + "-2");
                    assertThat(m.statusesWrittenBack()).isEqualTo(1);
                }
                a.expect().accept(m);
                assertThat(rig.task("A1:" + rep.id() + "-1").orElseThrow().status())
                        .as("once Exchange answers well again, the rep's status is in the CRM").isEqualTo("Completed");
                assertThat(rig.inOutlook(rep, "A1:" + rep.id() + "-1").subject())
                        .as("and the CRM's subject in Outlook").isEqualTo("Renamed A1:" + rep.id() + "-1");
            }));
        }
        tests.add(DynamicTest.dynamicTest("the other mailbox is synchronized in the same cycle", () -> {
            MailboxReport m = report.mailbox(RITA.mailbox()).orElseThrow();
            assertThat(m.failed()).as(report.toTable()).isFalse();
            assertThat(m.taskErrors()).isEmpty();
            assertThat(m.statusesWrittenBack()).isEqualTo(2);
            assertThat(rig.task("A1:" + RITA.id() + "-1").orElseThrow().status()).isEqualTo("Completed");
            assertThat(healed.clean()).as(healed.toTable()).isTrue();
            assertThat(after.clean()).isTrue();
            Agreement agreement = new Agreement(rig);
            for (Rep rep : reps) {
                for (int i = 1; i <= 2; i++) {
                    CrmTask t = rig.task("A1:" + rep.id() + "-" + i).orElseThrow();
                    assertThat(agreement.differences(t, rig.inOutlook(rep, t.id()))).isEmpty();
                }
            }
            rig.assertEwsClean();
        }));
        return tests.stream();
    }
}

package org.tasksync.examples.readme;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tasksync.adapter.ews.EwsExchangeAdapter;
import org.tasksync.adapter.ews.EwsSettings;
import org.tasksync.adapter.graph.GraphExchangeAdapter;
import org.tasksync.adapter.graph.GraphSettings;
import org.tasksync.adapter.graph.GraphTokenSource;
import org.tasksync.adapter.jdbccrm.ReferenceCrm;
import org.tasksync.core.MailboxReport;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.TaskError;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.testkit.ews.EwsFault;
import org.tasksync.testkit.ews.EwsSimulator;
import org.tasksync.testkit.graph.GraphSimulator;
import org.tasksync.testkit.inmemory.InMemoryCrm;

/**
 * Keeps the README true: its two commands are the ones this build runs, and each troubleshooting
 * message it shows is the message a user gets (made here against the EWS simulator).
 */
class ReadmeTest {

    private static final String ADA = "ada.lovelace@example.com";
    private static final String BOB = "bob.kahn@example.com";
    private static final String CHIARA = "chiara.rossi@example.com";
    private static final String FORMER = "former.rep@example.com";

    private static String readme;

    @BeforeAll
    static void read() throws Exception {
        readme = Files.readString(Path.of("..", "README.md"), UTF_8);
    }

    private static List<String> fencedBlocks() {
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^```[a-z]*\\n(.*?)^```", Pattern.DOTALL).matcher(readme);
        while (m.find()) {
            blocks.add(m.group(1).strip());
        }
        return blocks;
    }

    @Test
    void theFirstCommandRunsTheDemoAndTheSecondTheTestsAsCiDoes() throws Exception {
        List<String> blocks = fencedBlocks();

        assertThat(blocks.get(0)).isEqualTo("mvn -B -q -DskipTests -pl examples -am package exec:java");
        assertThat(blocks.get(1)).isEqualTo("mvn -B -ntp verify");
        assertThat(Files.readString(Path.of("..", ".ci", "run"), UTF_8)).contains(blocks.get(1));
    }

    /** The report's lines about one mailbox or task, as toTable() prints them. */
    private static String line(SyncReport report, String prefix) {
        return report.toTable().lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with '" + prefix + "' in\n" + report.toTable()));
    }

    @Test
    void theMailboxErrorsAreTheOnesShown() {
        try (EwsSimulator exchange = EwsSimulator.builder().basicAuth("svc", "right").rejectUnknownMailboxes().start()) {
            InMemoryCrm crm = new InMemoryCrm(Clock.systemUTC());
            for (String mailbox : List.of(ADA, BOB, CHIARA, FORMER)) {
                if (!mailbox.equals(FORMER)) {
                    exchange.registerMailbox(mailbox);
                }
                crm.putRep(new Rep(mailbox, mailbox, mailbox, ZoneOffset.UTC, true));
                crm.upsertTask(CrmTask.builder("A1:" + mailbox).repId(mailbox).subject("Call")
                        .dueDate(LocalDate.now(ZoneOffset.UTC)).build());
            }
            exchange.denyImpersonation(BOB, true);
            exchange.inject(EwsFault.serverBusyFault(Duration.ofMillis(20)).forMailbox(CHIARA).always());
            EwsSettings.Builder config = EwsSettings.builder().url(exchange.url()).credentials("svc", "right")
                    .throttleMaxWait(Duration.ofMillis(200));

            SyncReport report = SyncEngine.builder().crm(crm).exchange(EwsExchangeAdapter.create(config.build()))
                    .build().runOnce();
            SyncReport refused = SyncEngine.builder().crm(crm)
                    .exchange(EwsExchangeAdapter.create(config.credentials("svc", "wrong").build())).build().runOnce();

            assertThat(readme).contains(line(report, "mailbox error: mailbox " + BOB + ": "));
            assertThat(readme).contains(line(report, "mailbox error: mailbox " + FORMER + ": "));
            assertThat(readme).contains(line(refused, "mailbox error: mailbox " + ADA + ": "));
            String throttled = line(report, "mailbox error: mailbox " + CHIARA + ": ");
            assertThat(readme).contains(throttled.substring(0, throttled.indexOf("; gave up after ") + 16))
                    .contains("ms of waiting (…); tried again next cycle");
            assertThat(throttled).endsWith("; tried again next cycle");
            assertThat(report.mailboxes()).filteredOn(MailboxReport::failed).hasSize(3);
        }
    }

    @Test
    void theGraphMailboxErrorsAreTheOnesShown() {
        try (GraphSimulator graph = GraphSimulator.start()) {
            InMemoryCrm crm = new InMemoryCrm(Clock.systemUTC());
            for (String mailbox : List.of(ADA, CHIARA, FORMER)) {
                if (!mailbox.equals(FORMER)) {
                    graph.addUser(mailbox);
                }
                crm.putRep(new Rep(mailbox, mailbox, mailbox, ZoneOffset.UTC, true));
                crm.upsertTask(CrmTask.builder("A1:" + mailbox).repId(mailbox).subject("Call")
                        .dueDate(LocalDate.now(ZoneOffset.UTC)).build());
            }
            graph.throttleMailbox(CHIARA, 100, 1);
            GraphSettings settings = GraphSettings.builder().baseUrl(graph.baseUrl()).maxWait(Duration.ofSeconds(1))
                    .build();

            SyncReport report = SyncEngine.builder().crm(crm).exchange(GraphExchangeAdapter.builder(settings)
                    .tokenSource(GraphTokenSource.fixed(graph.token())).build()).build().runOnce();
            SyncReport refused = SyncEngine.builder().crm(crm).exchange(GraphExchangeAdapter.builder(settings)
                    .tokenSource(GraphTokenSource.fixed("a token for somebody else")).build()).build().runOnce();

            assertThat(readme).contains(line(report, "mailbox error: mailbox " + FORMER + ": "));
            assertThat(readme).contains(line(refused, "mailbox error: mailbox " + ADA + ": "));
            String throttled = line(report, "mailbox error: mailbox " + CHIARA + ": ");
            String before = "Graph answered 429 Too Many Requests after ";
            assertThat(readme).contains(throttled.substring(0, throttled.indexOf(before) + before.length()))
                    .contains("(tasksync.graph.throttle.*); tried again next cycle");
            assertThat(throttled).endsWith("(tasksync.graph.throttle.*); tried again next cycle");
        }
    }

    @Test
    void theUnreadableItemErrorIsTheOneShown() {
        InMemoryCrm crm = new InMemoryCrm(Clock.systemUTC());
        crm.putRep(new Rep("R-ADA", "Ada", ADA, ZoneOffset.UTC, true));
        crm.upsertTask(CrmTask.builder("A1:200-1").repId("R-ADA").subject("Call Ada")
                .dueDate(LocalDate.now(ZoneOffset.UTC)).build());
        crm.upsertTask(CrmTask.builder("A1:200-2").repId("R-ADA").subject("Visit Ada")
                .dueDate(LocalDate.now(ZoneOffset.UTC)).build());
        try (EwsSimulator exchange = EwsSimulator.start()) {
            SyncEngine engine = SyncEngine.builder().crm(crm).exchange(EwsExchangeAdapter.create(
                    EwsSettings.builder().url(exchange.url()).credentials("svc", "any").build())).build();
            assertThat(engine.runOnce().created()).isEqualTo(2);
            var visit = exchange.outlook(ADA).tasks().stream().filter(t -> t.subject().equals("Visit Ada")).findFirst()
                    .orElseThrow();
            exchange.outlook(ADA).setStatus(visit.itemId(), "Completed");
            // Exchange sends a status value the client does not know for that one task
            Pattern message = Pattern.compile("<m:GetItemResponseMessage\\b.*?</m:GetItemResponseMessage>", Pattern.DOTALL);
            exchange.inject(EwsFault.rewriteResponse(xml -> {
                Matcher m = message.matcher(xml);
                StringBuilder out = new StringBuilder();
                while (m.find()) {
                    String block = m.group();
                    m.appendReplacement(out, Matcher.quoteReplacement(block.contains("Visit Ada")
                            ? block.replace(">Completed</t:Status>", ">Bogus</t:Status>") : block));
                }
                m.appendTail(out);
                return out.toString();
            }).forOperation("GetItem").always());

            SyncReport report = engine.runOnce();

            String error = line(report, "task error: task A1:200-2: ");
            assertThat(error).contains(visit.itemId());
            assertThat(readme).contains(error.replace(visit.itemId(), "AAMkAD…"));
            assertThat(report.mailbox(ADA).orElseThrow().failed()).isFalse();
        }
    }

    @Test
    void theUnmappedStatusErrorsAreTheOnesShown() {
        InMemoryCrm crm = new InMemoryCrm(Clock.systemUTC());
        crm.putRep(new Rep("R-ADA", "Ada", ADA, ZoneOffset.UTC, true));
        crm.upsertTask(CrmTask.builder("A1:100-7").repId("R-ADA").subject("Call").status("Postponed")
                .dueDate(LocalDate.now(ZoneOffset.UTC)).build());
        try (EwsSimulator exchange = EwsSimulator.start()) {
            SyncReport report = SyncEngine.builder().crm(crm).exchange(EwsExchangeAdapter.create(
                    EwsSettings.builder().url(exchange.url()).credentials("svc", "any").build())).build().runOnce();
            String error = line(report, "task error: task A1:100-7: ");
            // the catalog values come in no fixed order
            assertThat(readme).contains(error.substring(0, error.indexOf("(known: [") + 9));
        }

        JdbcConnectionPool db = JdbcConnectionPool.create("jdbc:h2:mem:readme-test;DB_CLOSE_DELAY=-1", "", "");
        try {
            ReferenceCrm reference = ReferenceCrm.of(db).createSchema();
            reference.putRep(new Rep("R-ADA", "Ada", ADA, ZoneOffset.UTC, true));
            reference.putTask(CrmTask.builder("A1:100-99").repId("R-ADA").subject("Imported").build(), "99");
            TaskError error = reference.adapter().tasksById(List.of("A1:100-99")).errors().get(0);
            assertThat(readme).contains("task error: " + error);
        } finally {
            db.dispose();
        }
    }

    @Test
    void theConfigurationErrorsAreTheOnesShown() {
        Properties typo = new Properties();
        typo.setProperty("tasksync.tasks.interval-mintues", "5");
        Properties zero = new Properties();
        zero.setProperty("tasksync.tasks.interval-minutes", "0");

        for (Properties p : List.of(typo, zero)) {
            assertThatThrownBy(() -> SyncSettings.fromProperties(p))
                    .satisfies(e -> assertThat(readme).contains(e.toString()));
        }
    }
}

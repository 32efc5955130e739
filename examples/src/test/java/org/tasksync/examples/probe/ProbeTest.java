package org.tasksync.examples.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tasksync.adapter.ews.EwsExchangeAdapter;
import org.tasksync.adapter.ews.EwsSettings;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.examples.probe.ProbeReport.Verdict;
import org.tasksync.testkit.ews.EwsFault;
import org.tasksync.testkit.ews.EwsSimulator;
import org.tasksync.testkit.graph.GraphSimulator;

/**
 * The probe against both simulators: every check passes on a server that behaves as documented,
 * and each fault a customer's server may show (rights refused, a date shifted, a batch refused)
 * is a FAIL in the server's own words, after which the probe tasks are still deleted; the exit code
 * says which, and no credential is printed.
 */
class ProbeTest {

    /** 2027-03-01 in Berlin: start 2027-03-08, due 2027-03-28, the day the clocks go forward. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2027-03-01T10:00:00Z"), ZoneOffset.UTC);
    private static final String REP = "test.rep@contoso.example";
    private static final String USER = "svc-probe";
    private static final String PASSWORD = "Pr0be-Secret-Password!";
    private static final String TOKEN = "graph-token-that-must-not-be-printed";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private EwsSimulator ews;
    private GraphSimulator graph;

    @AfterEach
    void stop() {
        if (ews != null) {
            ews.close();
        }
        if (graph != null) {
            graph.close();
        }
    }

    /** What one run printed and returned. */
    record Run(int exit, String output, Map<String, ProbeReport.Check> checks) {
        Verdict verdict(String name) {
            assertThat(checks).as(output).containsKey(name);
            return checks.get(name).verdict();
        }

        String text(String name) {
            return checks.get(name).text();
        }
    }

    private static final Pattern CHECK = Pattern.compile("(?m)^(PASS|FAIL|SKIP)\\s+(\\S+)\\s+(.*)$");

    private static Run probe(Map<String, String> env, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = Probe.run(args, env, CLOCK, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        Map<String, ProbeReport.Check> checks = new LinkedHashMap<>();
        Matcher m = CHECK.matcher(out);
        while (m.find()) {
            checks.put(m.group(2), new ProbeReport.Check(m.group(2), Verdict.valueOf(m.group(1)), m.group(3)));
        }
        return new Run(exit, out, checks);
    }

    private static final List<String> ALL = List.of("rights", "create", "read-back", "shown", "batch-update",
            "shown-after-update", "status", "cleanup");

    // ------------------------------------------------------------------ EWS

    private EwsSimulator startEws() {
        ews = EwsSimulator.builder().basicAuth(USER, PASSWORD).rejectUnknownMailboxes().start();
        ews.registerMailbox(REP);
        return ews;
    }

    private Path ewsFile() {
        return write("tasksync.ews.url=" + ews.url() + "\n"
                // the service's other keys are in the same file; the probe reads only the adapter's
                + "tasksync.service.crm.jdbc-url=jdbc:h2:mem:unused\ntasksync.default-zone=UTC\n");
    }

    private static Map<String, String> ewsEnv(String password) {
        return Map.of("TASKSYNC_EWS_USERNAME", USER, "TASKSYNC_EWS_PASSWORD", password);
    }

    private Run probeEws(String... more) {
        String[] args = new String[5 + more.length];
        args[0] = "ews";
        args[1] = "--config";
        args[2] = ewsFile().toString();
        args[3] = "--mailbox";
        args[4] = REP;
        System.arraycopy(more, 0, args, 5, more.length);
        return probe(ewsEnv(PASSWORD), args);
    }

    /**
     * Whether this build's EWS simulator answers PidLidTaskDueDate for a task with a due date. Until
     * it does, the probe cannot judge what Outlook shows and says so (SKIP); once it does, the probe
     * must find the date Outlook shows right.
     */
    private static boolean simulatorAnswersOutlookDates() throws Exception {
        try (EwsSimulator sim = EwsSimulator.start()) {
            EwsSettings config = EwsSettings.builder().url(sim.url()).credentials("u", "p").build();
            String id;
            try (MailboxConnection c = EwsExchangeAdapter.create(config).connect(new Mailbox(REP, null, ZoneOffset.UTC))) {
                id = c.create(List.of(new NewExchangeTask("probe:x", TaskValues.builder().subject("x")
                        .dueDate(LocalDate.of(2027, 3, 28)).build()))).get(0).itemId();
            }
            try (EwsServerSide side = new EwsServerSide(config, "u", "p", null, REP)) {
                return side.shown(id).due().wire() != null;
            }
        }
    }

    private static void assertOutlookDatesPassOrAreNotAnswered(Run run) throws Exception {
        for (String check : List.of("shown", "shown-after-update")) {
            if (simulatorAnswersOutlookDates()) {
                assertThat(run.verdict(check)).as(run.output()).isEqualTo(Verdict.PASS);
            } else {
                assertThat(run.verdict(check)).as(run.output()).isEqualTo(Verdict.SKIP);
                assertThat(run.text(check)).contains("returned no PidLidTaskStartDate, no PidLidTaskDueDate",
                        "expected start 2027-03-");
            }
        }
    }

    @Test
    void ewsPassesEveryCheckOnASimulatorThatBehavesAsDocumented() throws Exception {
        startEws();

        Run run = probeEws("--zone", "Europe/Berlin");

        for (String check : ALL) {
            if (!check.startsWith("shown")) {
                assertThat(run.verdict(check)).as(run.output()).isEqualTo(Verdict.PASS);
            }
        }
        assertOutlookDatesPassOrAreNotAnswered(run);
        assertThat(run.exit()).isEqualTo(simulatorAnswersOutlookDates() ? 0 : 3);
        assertThat(run.output()).contains("start 2027-03-08, due 2027-03-28", "GetFolder: NoError")
                .doesNotContain(PASSWORD);
        assertThat(run.text("status")).contains("Completed");
        assertThat(ews.outlook(REP).tasks()).as("the probe tasks are deleted").isEmpty();
        ews.assertNoResponseErrors();
    }

    @Test
    void ewsRefusedImpersonationIsAFailInTheServersWordsAndNothingIsCreated() {
        startEws().denyImpersonation(REP, true);

        Run run = probeEws();

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.verdict("rights")).isEqualTo(Verdict.FAIL);
        assertThat(run.text("rights")).contains("ErrorImpersonateUserDenied",
                "The account does not have permission to impersonate the requested user", "ApplicationImpersonation");
        for (String check : List.of("create", "read-back", "shown", "batch-update", "status")) {
            assertThat(run.verdict(check)).isEqualTo(Verdict.SKIP);
        }
        assertThat(run.verdict("cleanup")).isEqualTo(Verdict.PASS);
        assertThat(ews.outlook(REP).tasks()).isEmpty();
        assertThat(run.output()).doesNotContain(PASSWORD);
    }

    @Test
    void ewsMailboxThatDoesNotExistIsAFail() {
        startEws();

        Run run = probe(ewsEnv(PASSWORD), "ews", "--config", ewsFile().toString(), "--mailbox", "nobody@contoso.example");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.text("rights")).contains("ErrorNonExistentMailbox", "nobody@contoso.example");
    }

    @Test
    void ewsWrongPasswordIsA401AndThePasswordIsNeverPrinted() {
        startEws();
        String wrong = "Wr0ng-Password-Typed";

        Run run = probe(ewsEnv(wrong), "ews", "--config", ewsFile().toString(), "--mailbox", REP);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.text("rights")).contains("HTTP 401");
        assertThat(run.output()).doesNotContain(wrong).doesNotContain(PASSWORD);
    }

    @Test
    void ewsDateShiftedByTheServerIsAFailAndTheTasksAreStillDeleted() {
        startEws();
        // a server that hands every due date back a day early
        ews.inject(EwsFault.rewriteResponse(ProbeTest::dueDateADayEarly).forOperation("GetItem").always());

        Run run = probeEws("--zone", "Europe/Berlin");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.verdict("read-back")).isEqualTo(Verdict.FAIL);
        assertThat(run.text("read-back")).contains("DueDate written 2027-03-28, read back 2027-03-27");
        assertThat(run.verdict("cleanup")).as(run.output()).isEqualTo(Verdict.PASS);
        assertThat(ews.outlook(REP).tasks()).isEmpty();
    }

    private static String dueDateADayEarly(String xml) {
        Matcher m = Pattern.compile("<t:DueDate>([^<]+)</t:DueDate>").matcher(xml);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Instant shifted = Instant.parse(m.group(1)).minusSeconds(86_400);
            m.appendReplacement(out, "<t:DueDate>" + shifted + "</t:DueDate>");
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * A server that keeps the instant the adapter sent without a TimeZoneContext (so in UTC, as
     * Microsoft's TimeZoneContext page says) has PidLidTaskDueDate one day early at 23:00 for a rep
     * in Berlin: the probe says what Outlook shows, in the server's value, even when the adapter's own
     * round trip looks right.
     */
    @Test
    void ewsOutlookDateADayEarlyIsAFailThatQuotesTheProperty() {
        startEws();
        ews.inject(EwsFault.rewriteResponse(xml -> withOutlookDates(xml, "2027-03-08T00:00:00Z",
                "2027-03-27T23:00:00Z")).forOperation("GetItem").always());

        Run run = probeEws("--zone", "Europe/Berlin");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.verdict("read-back")).as(run.output()).isEqualTo(Verdict.PASS);
        assertThat(run.verdict("shown")).isEqualTo(Verdict.FAIL);
        assertThat(run.text("shown")).contains("Outlook shows the due date 2027-03-27",
                "PidLidTaskDueDate = 2027-03-27T23:00:00Z", "the CRM's date is 2027-03-28", "not a date at 00:00");
        assertThat(ews.outlook(REP).tasks()).isEmpty();
    }

    @Test
    void ewsOutlookDatesAsMsOxotaskDescribesThemPass() {
        startEws();
        ews.inject(EwsFault.rewriteResponse(xml -> withOutlookDates(xml, "2027-03-08T00:00:00Z",
                "2027-03-28T00:00:00Z")).forOperation("GetItem").always());

        Run run = probeEws("--zone", "Europe/Berlin");

        assertThat(run.verdict("shown")).as(run.output()).isEqualTo(Verdict.PASS);
        assertThat(run.text("shown")).contains("Outlook shows start 2027-03-08 and due 2027-03-28");
        // the same values after the update moved both dates a day: now they are wrong
        assertThat(run.verdict("shown-after-update")).isEqualTo(Verdict.FAIL);
        assertThat(run.text("shown-after-update")).contains("the CRM's date is 2027-03-29");
    }

    /**
     * Puts PidLidTaskStartDate and PidLidTaskDueDate with these values into GetItem answers that
     * carry ids only (the probe's raw read), replacing any the simulator wrote itself.
     */
    private static String withOutlookDates(String xml, String start, String due) {
        if (xml.contains("<t:Subject>") || !xml.contains("GetItemResponse")) {
            return xml;
        }
        String cleaned = xml.replaceAll("<t:ExtendedProperty><t:ExtendedFieldURI[^>]*PropertyId=\"(33028|33029|0x8104"
                + "|0x8105)\"[^>]*/><t:Value>[^<]*</t:Value></t:ExtendedProperty>", "");
        String props = property("33028", start) + property("33029", due);
        return cleaned.replaceAll("(<t:Task>\\s*<t:ItemId [^>]*/>)", "$1" + Matcher.quoteReplacement(props));
    }

    private static String property(String id, String value) {
        return "<t:ExtendedProperty><t:ExtendedFieldURI DistinguishedPropertySetId=\"Task\" PropertyId=\"" + id
                + "\" PropertyType=\"SystemTime\"/><t:Value>" + value + "</t:Value></t:ExtendedProperty>";
    }

    @Test
    void ewsBatchTheServerRefusesIsAFailInItsWordsAndTheTasksAreStillDeleted() {
        startEws();
        ews.inject(EwsFault.rewriteResponse(xml -> xml
                        .replace("ResponseClass=\"Success\"", "ResponseClass=\"Error\"")
                        .replace("<m:ResponseCode>NoError</m:ResponseCode>",
                                "<m:MessageText>The mailbox quota was exceeded.</m:MessageText>"
                                        + "<m:ResponseCode>ErrorQuotaExceeded</m:ResponseCode>"
                                        + "<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>"))
                .forOperation("UpdateItem").times(1));

        Run run = probeEws();

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.verdict("batch-update")).as(run.output()).isEqualTo(Verdict.FAIL);
        assertThat(run.text("batch-update")).contains("ErrorQuotaExceeded");
        assertThat(run.verdict("cleanup")).isEqualTo(Verdict.PASS);
        assertThat(ews.outlook(REP).tasks()).isEmpty();
    }

    @Test
    void ewsServerFailingInTheMiddleFailsThatCheckSkipsTheRestAndStillDeletesTheTasks() {
        startEws();
        ews.inject(EwsFault.http503().forOperation("UpdateItem").always());
        Path file = write("tasksync.ews.url=" + ews.url() + "\ntasksync.ews.throttle.max-retries=0\n");

        Run run = probe(ewsEnv(PASSWORD), "ews", "--config", file.toString(), "--mailbox", REP);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.verdict("batch-update")).as(run.output()).isEqualTo(Verdict.FAIL);
        assertThat(run.text("batch-update")).contains("503");
        assertThat(run.verdict("shown-after-update")).isEqualTo(Verdict.SKIP);
        assertThat(run.verdict("status")).isEqualTo(Verdict.SKIP);
        assertThat(run.verdict("cleanup")).isEqualTo(Verdict.PASS);
        assertThat(ews.outlook(REP).tasks()).isEmpty();
    }

    @Test
    void ewsSimulatorModeRunsFromTheCommandLineAlone() throws Exception {
        Run run = probe(Map.of(), "ews", "--simulator");

        assertThat(run.output()).contains("the EWS simulator, in process", Probe.SIMULATOR_MAILBOX);
        for (String check : ALL) {
            if (!check.startsWith("shown")) {
                assertThat(run.verdict(check)).as(run.output()).isEqualTo(Verdict.PASS);
            }
        }
        assertOutlookDatesPassOrAreNotAnswered(run);
    }

    // ------------------------------------------------------------------ Graph

    private GraphSimulator startGraph() {
        graph = GraphSimulator.start();
        graph.acceptToken(TOKEN);
        graph.addUser(REP);
        return graph;
    }

    private Run probeGraph(String token, String mailbox, String... more) {
        Path file = write("tasksync.graph.base-url=" + graph.baseUrl() + "\n");
        String[] args = new String[5 + more.length];
        args[0] = "graph";
        args[1] = "--config";
        args[2] = file.toString();
        args[3] = "--mailbox";
        args[4] = mailbox;
        System.arraycopy(more, 0, args, 5, more.length);
        return probe(Map.of("TASKSYNC_GRAPH_ACCESS_TOKEN", token), args);
    }

    @Test
    void graphPassesEveryCheckOnASimulatorThatBehavesAsDocumented() {
        startGraph();

        Run run = probeGraph(TOKEN, REP, "--zone", "Pacific/Auckland");

        for (String check : ALL) {
            assertThat(run.verdict(check)).as(run.output()).isEqualTo(Verdict.PASS);
        }
        assertThat(run.exit()).isEqualTo(0);
        assertThat(run.text("shown")).contains("To Do shows start");
        assertThat(run.output()).doesNotContain(TOKEN);
        assertThat(graph.toDo().tasks(REP)).as("the probe tasks are deleted").isEmpty();
    }

    @Test
    void graphPassesOnATenantThatMergesAnExtensionPatchOrKeepsDatesAsUtcMidnight() {
        // the other documented extension PATCH and the other reported date behaviour (docs/conformance.md)
        startGraph();
        graph.extensionPatch(GraphSimulator.ExtensionPatch.MERGE);
        graph.dateSemantics(GraphSimulator.DateSemantics.DATE_ONLY);

        Run run = probeGraph(TOKEN, REP, "--zone", "Pacific/Auckland");

        for (String check : ALL) {
            assertThat(run.verdict(check)).as(run.output()).isEqualTo(Verdict.PASS);
        }
        assertThat(run.text("batch-update")).contains("owner and Complete % from the create were kept");
    }

    @Test
    void graphOwnerLostByTheBatchUpdateIsAFail() {
        startGraph();
        // a tenant that answers the update as if the extension had lost what the update did not name
        graph.rewriteResponses(text -> text.contains("tasksync probe owner") && text.contains("(updated, deleted")
                ? text.replace("tasksync probe owner", "") : text, GraphSimulator.Op.LIST_TASKS,
                GraphSimulator.Op.GET_TASK);

        Run run = probeGraph(TOKEN, REP);

        assertThat(run.verdict("batch-update")).as(run.output()).isEqualTo(Verdict.FAIL);
        assertThat(run.text("batch-update")).contains("Owner written tasksync probe owner", "not in the update");
        assertThat(graph.toDo().tasks(REP)).isEmpty();
    }

    @Test
    void graphRefusedTokenIsA401InGraphsWordsAndTheTokenIsNeverPrinted() {
        startGraph();
        String wrong = "a-token-for-another-tenant-xyz";

        Run run = probeGraph(wrong, REP);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.text("rights")).contains("HTTP 401", "InvalidAuthenticationToken");
        assertThat(run.output()).doesNotContain(wrong).doesNotContain(TOKEN);
        assertThat(graph.toDo().tasks(REP)).isEmpty();
    }

    /**
     * Graph without the application permission: 403 with Graph's error shape (Graph API reference,
     * "Microsoft Graph error responses and resource types"). The Graph simulator has no switch for
     * it, so one answer is served here by a bare HTTP server: every request gets that 403.
     */
    @Test
    void graphWithoutTheApplicationPermissionIsA403InGraphsWords() throws Exception {
        HttpServer forbidding = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        forbidding.createContext("/", ex -> {
            byte[] body = ("{\"error\":{\"code\":\"ErrorAccessDenied\",\"message\":\"Access is denied. Check "
                    + "credentials and try again.\"}}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(403, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        forbidding.start();
        try {
            Path file = write("tasksync.graph.base-url=http://127.0.0.1:" + forbidding.getAddress().getPort()
                    + "/v1.0\n");

            Run run = probe(Map.of("TASKSYNC_GRAPH_ACCESS_TOKEN", TOKEN), "graph", "--config", file.toString(),
                    "--mailbox", REP);

            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.text("rights")).contains("HTTP 403 ErrorAccessDenied: Access is denied",
                    "Tasks.ReadWrite.All");
            assertThat(run.verdict("create")).isEqualTo(Verdict.SKIP);
            assertThat(run.output()).doesNotContain(TOKEN);
        } finally {
            forbidding.stop(0);
        }
    }

    @Test
    void graphUserWithoutMailboxIsAFail() {
        startGraph();

        Run run = probeGraph(TOKEN, "nobody@contoso.example");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.text("rights")).contains("HTTP 404");
    }

    @Test
    void graphDateShiftedByTheServerIsAFailAndTheTasksAreStillDeleted() {
        startGraph();
        graph.rewriteResponses(ProbeTest::graphDueADayEarly, GraphSimulator.Op.GET_TASK);

        Run run = probeGraph(TOKEN, REP, "--zone", "Europe/Berlin");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.verdict("shown")).as(run.output()).isEqualTo(Verdict.FAIL);
        assertThat(run.text("shown")).contains("To Do shows the due date 2027-03-27", "the CRM's date is 2027-03-28");
        assertThat(run.verdict("cleanup")).isEqualTo(Verdict.PASS);
        assertThat(graph.toDo().tasks(REP)).isEmpty();
    }

    private static String graphDueADayEarly(String text) {
        try {
            JsonNode root = JSON.readTree(text);
            JsonNode due = root.path("dueDateTime");
            if (due.isObject()) {
                LocalDateTime at = LocalDateTime.parse(due.get("dateTime").asText()).minusDays(1);
                ((ObjectNode) due).put("dateTime", at.toString());
                return JSON.writeValueAsString(root);
            }
            return text;
        } catch (IOException e) {
            return text;
        }
    }

    @Test
    void graphBatchTheServerRefusesIsAFailInItsWordsAndTheTasksAreStillDeleted() {
        startGraph();
        AtomicBoolean refused = new AtomicBoolean();
        // the first $batch that carries the update (its task PATCH answers the new title): every step 400
        graph.rewriteResponses(text -> {
            if (!text.contains("(updated, deleted") || refused.getAndSet(true)) {
                return text;
            }
            try {
                JsonNode root = JSON.readTree(text);
                for (JsonNode step : root.path("responses")) {
                    ObjectNode s = (ObjectNode) step;
                    s.put("status", 400);
                    s.putObject("headers").put("Content-Type", "application/json");
                    ObjectNode error = s.putObject("body").putObject("error");
                    error.put("code", "invalidRequest");
                    error.put("message", "Invalid request: the requests of a batch must all depend on one another or none.");
                }
                return JSON.writeValueAsString(root);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, GraphSimulator.Op.BATCH);

        Run run = probeGraph(TOKEN, REP);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(refused).isTrue();
        assertThat(run.verdict("batch-update")).as(run.output()).isEqualTo(Verdict.FAIL);
        assertThat(run.text("batch-update")).contains("invalidRequest");
        assertThat(run.verdict("cleanup")).isEqualTo(Verdict.PASS);
        assertThat(graph.toDo().tasks(REP)).isEmpty();
    }

    @Test
    void graphCreateWhoseAnswerIsLostStillHasItsTasksFoundAndDeleted() {
        startGraph();
        // the create's $batch is carried out, but its answer never arrives
        graph.dropResponses(1, GraphSimulator.Op.BATCH);

        Run run = probeGraph(TOKEN, REP);

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.verdict("create")).as(run.output()).isEqualTo(Verdict.FAIL);
        assertThat(run.verdict("cleanup")).isEqualTo(Verdict.PASS);
        assertThat(run.text("cleanup")).startsWith("2 probe tasks deleted");
        assertThat(graph.toDo().tasks(REP)).isEmpty();
    }

    @Test
    void graphSimulatorModeRunsFromTheCommandLineAlone() {
        Run run = probe(Map.of(), "graph", "--simulator");

        assertThat(run.output()).contains("the Graph simulator, in process");
        for (String check : ALL) {
            assertThat(run.verdict(check)).as(run.output()).isEqualTo(Verdict.PASS);
        }
        assertThat(run.exit()).isEqualTo(0);
    }

    // ------------------------------------------------------------------ arguments and configuration

    @Test
    void wrongArgumentsExitWith2AndSayWhatIsWrong() {
        assertThat(probe(Map.of()).exit()).isEqualTo(2);
        Run unknown = probe(Map.of(), "exchange");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.output()).contains("unknown probe 'exchange': known are ews, graph");
        assertThat(probe(Map.of(), "ews").output()).contains("--config FILE is required");
        assertThat(probe(Map.of(), "ews", "--config", "x.properties").output()).contains("--mailbox is required");
        assertThat(probe(Map.of(), "ews", "--simulator", "--zone", "Mars/Olympus").output())
                .contains("--zone must be a time zone such as Europe/Berlin, was 'Mars/Olympus'");
    }

    @Test
    void aCredentialInTheFileIsRefusedWithoutRepeatingIt() {
        Path file = write("tasksync.ews.url=https://mail.contoso.example/EWS/Exchange.asmx\n"
                + "tasksync.ews.password=" + PASSWORD + "\n");

        Run run = probe(ewsEnv(PASSWORD), "ews", "--config", file.toString(), "--mailbox", REP);

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.output()).contains("tasksync.ews.password must not be in the properties file",
                "TASKSYNC_EWS_PASSWORD").doesNotContain(PASSWORD);
    }

    @Test
    void missingEnvironmentVariablesAreNamed() {
        Path file = write("tasksync.ews.url=https://mail.contoso.example/EWS/Exchange.asmx\n");

        Run run = probe(Map.of(), "ews", "--config", file.toString(), "--mailbox", REP);

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.output()).contains("TASKSYNC_EWS_USERNAME is not set");
    }

    @Test
    void theDueDateIsTheDayTheZoneChangesItsOffset() {
        assertThat(ExchangeProbe.dueDate(java.time.ZoneId.of("Europe/Berlin"), LocalDate.of(2027, 3, 8)))
                .isEqualTo(LocalDate.of(2027, 3, 28));
        assertThat(ExchangeProbe.dueDate(java.time.ZoneId.of("Pacific/Auckland"), LocalDate.of(2027, 3, 8)))
                .isEqualTo(LocalDate.of(2027, 4, 4));
        assertThat(ExchangeProbe.dueDate(ZoneOffset.UTC, LocalDate.of(2027, 3, 8))).isEqualTo(LocalDate.of(2027, 3, 15));
    }

    private Path write(String text) {
        try {
            Path file = Files.createTempFile(dir, "probe", ".properties");
            Files.writeString(file, text, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

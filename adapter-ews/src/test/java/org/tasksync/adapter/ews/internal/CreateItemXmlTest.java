package org.tasksync.adapter.ews.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.IntFunction;
import javax.xml.parsers.DocumentBuilderFactory;
import microsoft.exchange.webservices.data.core.ExchangeService;
import microsoft.exchange.webservices.data.core.enumeration.misc.ConnectingIdType;
import microsoft.exchange.webservices.data.core.enumeration.misc.ExchangeVersion;
import microsoft.exchange.webservices.data.core.enumeration.property.WellKnownFolderName;
import microsoft.exchange.webservices.data.core.enumeration.service.MessageDisposition;
import microsoft.exchange.webservices.data.core.response.ServiceResponse;
import microsoft.exchange.webservices.data.core.response.ServiceResponseCollection;
import microsoft.exchange.webservices.data.core.service.item.Item;
import microsoft.exchange.webservices.data.core.service.item.Task;
import microsoft.exchange.webservices.data.credential.WebCredentials;
import microsoft.exchange.webservices.data.misc.ImpersonatedUserId;
import microsoft.exchange.webservices.data.property.complex.FolderId;
import microsoft.exchange.webservices.data.property.complex.Mailbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.TaskValues;
import org.w3c.dom.Document;

/**
 * The adapter's own CreateItem ({@link CreateItemXml}, {@link CreateTasksRequest}) against what
 * ews-java-api sends and reads for the same tasks ({@link TaskItems#newTask} through
 * {@code ExchangeService.createItems}): both are sent through one service to a server that records the
 * request and answers as told. The bodies are compared as XML (elements, order, namespaces,
 * attributes, text), the HTTP headers as sent, and both readings of the same answers.
 */
class CreateItemXmlTest {

    private static final String REP = "rep.wire@example.com";

    private HttpServer server;
    private final List<byte[]> bodies = new ArrayList<>();
    private final List<Map<String, List<String>>> headers = new ArrayList<>();
    /** The answer to the next request, from the number of tasks it carries. */
    private volatile IntFunction<Answer> answer = n -> Answer.ok(n);

    private record Answer(int status, String contentType, String xml) {
        static Answer ok(int n) {
            StringBuilder m = new StringBuilder();
            for (int i = 0; i < n; i++) {
                m.append(success(i));
            }
            return soap(m.toString());
        }

        static Answer soap(String messages) {
            return new Answer(200, "text/xml; charset=utf-8", "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                    + "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Header>"
                    + "<h:ServerVersionInfo MajorVersion=\"14\" MinorVersion=\"3\" MajorBuildNumber=\"123\""
                    + " MinorBuildNumber=\"4\" Version=\"Exchange2010_SP2\""
                    + " xmlns:h=\"http://schemas.microsoft.com/exchange/services/2006/types\""
                    + " xmlns=\"http://schemas.microsoft.com/exchange/services/2006/types\"/></s:Header>"
                    + "<s:Body><m:CreateItemResponse xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\""
                    + " xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\"><m:ResponseMessages>"
                    + messages + "</m:ResponseMessages></m:CreateItemResponse></s:Body></s:Envelope>");
        }

        static String success(int i) {
            return "<m:CreateItemResponseMessage ResponseClass=\"Success\"><m:ResponseCode>NoError</m:ResponseCode>"
                    + "<m:Items><t:Task><t:ItemId Id=\"AAMkItem" + i + "\" ChangeKey=\"CQAAAB" + i + "\"/></t:Task>"
                    + "</m:Items></m:CreateItemResponseMessage>";
        }

        static String error(String code, String text, String messageXml) {
            return "<m:CreateItemResponseMessage ResponseClass=\"Error\"><m:MessageText>" + text + "</m:MessageText>"
                    + "<m:ResponseCode>" + code + "</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>"
                    + (messageXml == null ? "" : "<m:MessageXml>" + messageXml + "</m:MessageXml>")
                    + "<m:Items/></m:CreateItemResponseMessage>";
        }
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/EWS/Exchange.asmx", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            synchronized (bodies) {
                bodies.add(body);
                headers.add(new TreeMap<>(ex.getRequestHeaders()));
            }
            String text = new String(body, StandardCharsets.UTF_8);
            int n = text.split("<t:Task>", -1).length - 1;
            Answer a = answer.apply(n);
            byte[] out = a.xml().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", a.contentType());
            ex.sendResponseHeaders(a.status(), out.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(out);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private ExchangeService service(ExchangeVersion version) throws Exception {
        ExchangeService s = SharingExchangeService.create(version, new HttpSetup());
        s.setUrl(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/EWS/Exchange.asmx"));
        s.setCredentials(new WebCredentials("svc", "secret"));
        s.setImpersonatedUserId(new ImpersonatedUserId(ConnectingIdType.SmtpAddress, REP));
        s.setTimeout(10_000);
        s.setTraceEnabled(false);
        return s;
    }

    /** ews-java-api's CreateItem of these tasks: what the adapter sent before. */
    private ServiceResponseCollection<ServiceResponse> viaEwsJavaApi(ExchangeService s, List<Task> items)
            throws Exception {
        FolderId tasks = new FolderId(WellKnownFolderName.Tasks, new Mailbox(REP));
        return s.createItems(items.stream().map(t -> (Item) t).toList(), tasks, MessageDisposition.SaveOnly, null);
    }

    private static List<Task> items(ExchangeService s, List<Map.Entry<String, TaskValues>> tasks) throws Exception {
        List<Task> out = new ArrayList<>();
        for (Map.Entry<String, TaskValues> t : tasks) {
            out.add(TaskItems.newTask(s, t.getKey(), t.getValue()));
        }
        return out;
    }

    private static List<String> xml(List<Map.Entry<String, TaskValues>> tasks) throws Exception {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, TaskValues> t : tasks) {
            out.add(CreateItemXml.task(t.getKey(), t.getValue()));
        }
        return out;
    }

    /** Sends the batch both ways and asserts that the two requests are the same XML with the same headers. */
    private void assertSameRequest(ExchangeVersion version, List<Map.Entry<String, TaskValues>> tasks) throws Exception {
        bodies.clear();
        headers.clear();
        ExchangeService s = service(version);
        try {
            viaEwsJavaApi(s, items(s, tasks));
            new CreateTasksRequest(s, REP, xml(tasks)).send();
        } finally {
            s.close();
        }
        assertThat(bodies).hasSize(2);
        String before = new String(bodies.get(0), StandardCharsets.UTF_8);
        String after = new String(bodies.get(1), StandardCharsets.UTF_8);
        assertThat(parse(bodies.get(1)).isEqualNode(parse(bodies.get(0))))
                .as("the same XML:%news-java-api: %s%nadapter:      %s", before, after).isTrue();
        Map<String, List<String>> h0 = new TreeMap<>(headers.get(0));
        Map<String, List<String>> h1 = new TreeMap<>(headers.get(1));
        h0.remove("Content-length");
        h1.remove("Content-length");
        assertThat(h1).as("the HTTP headers").isEqualTo(h0);
    }

    private static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
        d.normalizeDocument();
        return d;
    }

    private static Map.Entry<String, TaskValues> task(String crmId, TaskValues v) {
        return Map.entry(crmId, v);
    }

    private static List<Map.Entry<String, TaskValues>> variedTasks() {
        List<Map.Entry<String, TaskValues>> t = new ArrayList<>();
        t.add(task("A1:1-1", TaskValues.builder().subject("Call Ann about the <renewal> & \"terms\" 'soon'")
                .body("Line one\r\nLine two\n\tindented <b>bold</b> &amp; ]]> ü ß 日本 \uD83D\uDE00")
                .startDate(LocalDate.of(2026, 3, 29)).dueDate(LocalDate.of(2026, 10, 25))
                .completeDate(LocalDate.of(2026, 11, 1)).status(ExchangeStatus.COMPLETED)
                .importance(Importance.HIGH).percentComplete(100)
                .reminder(true, Instant.parse("2026-10-24T07:30:15.987654321Z"))
                .owner("Ann Owner & Co").createdBy("Bob <Creator>")
                .extended("Region", "EMEA").extended("Deal Size", "1 < 2 & \"3\"").build()));
        t.add(task("A1:1-2", TaskValues.builder().subject("Subject only").build()));
        t.add(task("A1:1-3", TaskValues.builder().build()));
        t.add(task("A1:1-4", TaskValues.builder().subject("").body("")
                .status(ExchangeStatus.NOT_STARTED).importance(Importance.NORMAL).percentComplete(0).build()));
        t.add(task("A1:1-5", TaskValues.builder().subject("Reminder off").reminder(false, null)
                .status(ExchangeStatus.IN_PROGRESS).importance(Importance.LOW).percentComplete(37).build()));
        t.add(task("A1:1-6", TaskValues.builder().subject("Reminder before 1970, dates at the ends")
                .reminder(true, Instant.parse("1969-12-31T23:59:59.500Z"))
                .startDate(LocalDate.of(1970, 1, 1)).dueDate(LocalDate.of(2100, 12, 31))
                .completeDate(LocalDate.of(1600, 2, 29))
                .status(ExchangeStatus.WAITING_ON_OTHERS).build()));
        t.add(task("A1:1-7 with space & <markup>", TaskValues.builder().subject("Deferred")
                .status(ExchangeStatus.DEFERRED).dueDate(LocalDate.of(9999, 12, 31))
                .reminder(true, Instant.parse("2030-06-30T23:00:00Z")).build()));
        t.add(task("A1:1-8", TaskValues.builder().subject("Only extended").extended("Region", "APAC").build()));
        return t;
    }

    @ParameterizedTest
    @EnumSource(value = ExchangeVersion.class, names = {"Exchange2007_SP1", "Exchange2010", "Exchange2010_SP1",
            "Exchange2010_SP2"})
    void aBatchOfVariedTasksIsTheRequestEwsJavaApiSends(ExchangeVersion version) throws Exception {
        assertSameRequest(version, variedTasks());
    }

    @Test
    void aBatchOfOneTaskIsTheRequestEwsJavaApiSends() throws Exception {
        assertSameRequest(ExchangeVersion.Exchange2010_SP2, variedTasks().subList(0, 1));
    }

    /** Random values of every field, text from a mix of markup, line ends, non-ASCII and surrogate pairs. */
    @Test
    void fiveHundredRandomTasksAreTheRequestsEwsJavaApiSends() throws Exception {
        Random random = new Random(16);
        String[] pieces = {"a", "Z", " ", "  ", "<", ">", "&", "\"", "'", "\r\n", "\n", "\r", "\t", "]]>", "é", "€",
                "\uD83D\uDE00", "&amp;", "<t:Task>", "0", "-"};
        for (int batch = 0; batch < 10; batch++) {
            List<Map.Entry<String, TaskValues>> tasks = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                TaskValues.Builder b = TaskValues.builder();
                if (random.nextInt(4) > 0) {
                    b.subject(text(random, pieces));
                }
                if (random.nextInt(3) > 0) {
                    b.body(text(random, pieces));
                }
                if (random.nextBoolean()) {
                    b.startDate(date(random));
                }
                if (random.nextBoolean()) {
                    b.dueDate(date(random));
                }
                if (random.nextBoolean()) {
                    b.completeDate(date(random));
                }
                if (random.nextInt(4) > 0) {
                    b.status(ExchangeStatus.values()[random.nextInt(ExchangeStatus.values().length)]);
                }
                if (random.nextInt(4) > 0) {
                    b.importance(Importance.values()[random.nextInt(Importance.values().length)]);
                }
                if (random.nextBoolean()) {
                    b.percentComplete(random.nextInt(101));
                }
                if (random.nextBoolean()) {
                    b.reminder(true, Instant.ofEpochSecond(random.nextInt(2_000_000_000) + 100_000_000L,
                            random.nextInt(1_000_000_000)));
                }
                // an empty extended property is refused (below)
                if (random.nextBoolean()) {
                    b.owner("o" + text(random, pieces));
                }
                if (random.nextBoolean()) {
                    b.createdBy(text(random, pieces) + "c");
                }
                for (int e = random.nextInt(4); e > 0; e--) {
                    b.extended("Field" + random.nextInt(6), "v" + text(random, pieces));
                }
                tasks.add(task("A1:" + batch + "-" + i + text(random, pieces), b.build()));
            }
            assertSameRequest(ExchangeVersion.Exchange2010_SP2, tasks);
        }
    }

    private static String text(Random random, String[] pieces) {
        StringBuilder s = new StringBuilder();
        for (int n = random.nextInt(8); n > 0; n--) {
            s.append(pieces[random.nextInt(pieces.length)]);
        }
        return s.toString();
    }

    private static LocalDate date(Random random) {
        return LocalDate.ofEpochDay(random.nextInt(60_000) - 5_000);
    }

    /** Values ews-java-api refuses when the item is built: the task fails with the same exception as before. */
    @Test
    void valuesEwsJavaApiRefusesAreRefusedWithItsException() throws Exception {
        List<TaskValues> refused = List.of(TaskValues.builder().subject("Too much").percentComplete(150).build(),
                TaskValues.builder().subject("Below").percentComplete(-1).build(),
                TaskValues.builder().subject("Empty owner").owner("").build(),
                TaskValues.builder().subject("Empty creator").createdBy("").build(),
                TaskValues.builder().subject("Empty field").extended("Region", "").build());
        ExchangeService s = service(ExchangeVersion.Exchange2010_SP2);
        try {
            for (TaskValues v : refused) {
                Exception before = null;
                try {
                    TaskItems.newTask(s, "A1:9-9", v);
                } catch (Exception e) {
                    before = e;
                }
                Exception after = null;
                try {
                    CreateItemXml.task("A1:9-9", v);
                } catch (Exception e) {
                    after = e;
                }
                assertThat(before).as(v.subject()).isNotNull();
                assertThat(after).as(v.subject()).hasToString(before.toString());
            }
        } finally {
            s.close();
        }
    }

    // ------------------------------------------------------------------ reading the answers

    /** What a caller of either path sees of one answer: each item's result, error, details and id. */
    private record Seen(String result, String code, String message, Map<String, String> details, String itemId,
                        String changeKey) {
    }

    private List<Seen> readBothWays(int n, IntFunction<Answer> a) throws Exception {
        answer = a;
        List<Map.Entry<String, TaskValues>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(task("A1:5-" + i, TaskValues.builder().subject("Answer " + i).build()));
        }
        ExchangeService s = service(ExchangeVersion.Exchange2010_SP2);
        try {
            List<Task> items = items(s, tasks);
            ServiceResponseCollection<ServiceResponse> old = viaEwsJavaApi(s, items);
            List<Seen> before = new ArrayList<>();
            for (int i = 0; i < old.getCount(); i++) {
                ServiceResponse r = old.getResponseAtIndex(i);
                String id = items.get(i).getId() == null ? null : items.get(i).getId().getUniqueId();
                String key = items.get(i).getId() == null ? null : items.get(i).getId().getChangeKey();
                before.add(new Seen(String.valueOf(r.getResult()), String.valueOf(r.getErrorCode()),
                        r.getErrorMessage(), new TreeMap<>(r.getErrorDetails()), id, key));
            }
            ServiceResponseCollection<CreateTasksRequest.Created> now = new CreateTasksRequest(s, REP, xml(tasks)).send();
            List<Seen> after = new ArrayList<>();
            for (CreateTasksRequest.Created r : now) {
                after.add(new Seen(String.valueOf(r.getResult()), String.valueOf(r.getErrorCode()),
                        r.getErrorMessage(), new TreeMap<>(r.getErrorDetails()), r.itemId(), r.changeKey()));
            }
            assertThat(after).isEqualTo(before);
            return after;
        } finally {
            s.close();
        }
    }

    @Test
    void successesAndPerItemErrorsAreReadAsEwsJavaApiReadsThem() throws Exception {
        List<Seen> seen = readBothWays(4, n -> Answer.soap(Answer.success(0)
                + Answer.error("ErrorServerBusy", "The server cannot service this request right now.",
                "<t:Value Name=\"BackOffMilliseconds\">1234</t:Value>")
                + Answer.error("ErrorInvalidPropertyRequest", "The property &amp; its value &lt;x&gt; are invalid.", null)
                + Answer.success(3)));
        assertThat(seen).extracting(Seen::result).containsExactly("Success", "Error", "Error", "Success");
        assertThat(seen.get(1).details()).containsEntry("BackOffMilliseconds", "1234");
        assertThat(seen.get(3).itemId()).isEqualTo("AAMkItem3");
    }

    @Test
    void anErrorCodeTheClientDoesNotKnowReadsAsNoCodeBothWays() throws Exception {
        List<Seen> seen = readBothWays(2, n -> Answer.soap(Answer.success(0)
                + Answer.error("ErrorSomethingNew", "A code of a later Exchange.", null)));
        assertThat(seen.get(1).result()).isEqualTo("Error");
        assertThat(seen.get(1).code()).isEqualTo("null");
    }

    /** How each failure of a request as a whole comes out of both paths, as the adapter classifies it. */
    private record Failure(EwsFailure.Kind kind, Long backOff, boolean ambiguous, String description) {
    }

    private Failure failureOf(Callable call, boolean withDescription) {
        try {
            call.run();
        } catch (Exception e) {
            EwsFailure f = EwsFailure.of(e);
            return new Failure(f.kind(), f.backOffMillis(), f.ambiguous(), withDescription ? f.description() : null);
        }
        return null;
    }

    private interface Callable {
        void run() throws Exception;
    }

    private void assertSameFailure(IntFunction<Answer> a, boolean withDescription, EwsFailure.Kind expected)
            throws Exception {
        answer = a;
        List<Map.Entry<String, TaskValues>> tasks = List.of(task("A1:6-1", TaskValues.builder().subject("x").build()),
                task("A1:6-2", TaskValues.builder().subject("y").build()));
        // a service each: after some failures ews-java-api leaves its connection allocated
        ExchangeService s = service(ExchangeVersion.Exchange2010_SP2);
        ExchangeService s2 = service(ExchangeVersion.Exchange2010_SP2);
        try {
            List<Task> items = items(s, tasks);
            Failure before = failureOf(() -> viaEwsJavaApi(s, items), withDescription);
            Failure after = failureOf(() -> new CreateTasksRequest(s2, REP, xml(tasks)).send(), withDescription);
            assertThat(before).isNotNull();
            assertThat(before.kind()).isEqualTo(expected);
            assertThat(after).isEqualTo(before);
            // and the service can still be used
            answer = n -> Answer.ok(n);
            assertThat(new CreateTasksRequest(s2, REP, xml(tasks)).send().getResponseAtIndex(1).itemId())
                    .isEqualTo("AAMkItem1");
        } finally {
            s.close();
            s2.close();
        }
    }

    private static final String FAULT = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
            + "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault>"
            + "<faultcode xmlns:a=\"http://schemas.microsoft.com/exchange/services/2006/types\">a:ErrorServerBusy</faultcode>"
            + "<faultstring xml:lang=\"en-US\">The server cannot service this request right now. Try again later.</faultstring>"
            + "<detail><e:ResponseCode xmlns:e=\"http://schemas.microsoft.com/exchange/services/2006/errors\">ErrorServerBusy</e:ResponseCode>"
            + "<e:Message xmlns:e=\"http://schemas.microsoft.com/exchange/services/2006/errors\">The server cannot service this request right now. Try again later.</e:Message>"
            + "<t:MessageXml xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\">"
            + "<t:Value Name=\"BackOffMilliseconds\">2500</t:Value></t:MessageXml></detail></s:Fault></s:Body></s:Envelope>";

    @Test
    void aServerBusySoapFaultOnHttp500IsTheSameFailureWithTheSameBackOff() throws Exception {
        assertSameFailure(n -> new Answer(500, "text/xml; charset=utf-8", FAULT), true, EwsFailure.Kind.BUSY);
    }

    @Test
    void http401And503And502AreTheSameFailures() throws Exception {
        assertSameFailure(n -> new Answer(401, "text/html", "<html>no</html>"), true, EwsFailure.Kind.AUTHENTICATION);
        assertSameFailure(n -> new Answer(503, "text/html", "<html>busy</html>"), true, EwsFailure.Kind.BUSY);
        assertSameFailure(n -> new Answer(502, "text/html", "<html>gateway</html>"), true, EwsFailure.Kind.TRANSIENT);
        assertSameFailure(n -> new Answer(500, "text/html", "<html>not soap</html>"), true, EwsFailure.Kind.PROTOCOL);
    }

    @Test
    void oneErrorMessageForTheWholeBatchIsTheSameFailure() throws Exception {
        assertSameFailure(n -> Answer.soap(Answer.error("ErrorFolderNotFound", "The folder was not found.", null)),
                true, EwsFailure.Kind.PROTOCOL);
        assertSameFailure(n -> Answer.soap(Answer.error("ErrorServerBusy", "Busy.",
                "<t:Value Name=\"BackOffMilliseconds\">700</t:Value>")), true, EwsFailure.Kind.BUSY);
    }

    @Test
    void answersTheClientCannotReadAreUnreadableBothWays() throws Exception {
        assertSameFailure(n -> Answer.soap(Answer.success(0)), false, EwsFailure.Kind.UNREADABLE_ANSWER);
        assertSameFailure(n -> Answer.soap(Answer.success(0) + Answer.success(1) + Answer.success(2)), false,
                EwsFailure.Kind.UNREADABLE_ANSWER);
        assertSameFailure(n -> new Answer(200, "text/xml; charset=utf-8",
                Answer.ok(n).xml().substring(0, 400)), false, EwsFailure.Kind.UNREADABLE_ANSWER);
        // not XML at all is a failure of the request, not an unreadable one, for ews-java-api
        assertSameFailure(n -> new Answer(200, "text/html", "<html>login page</html>"), true,
                EwsFailure.Kind.PROTOCOL);
    }

    @Test
    void theServerVersionOfTheAnswerIsKeptOnTheServiceAsBefore() throws Exception {
        ExchangeService s = service(ExchangeVersion.Exchange2010_SP2);
        try {
            new CreateTasksRequest(s, REP, xml(variedTasks().subList(1, 2))).send();
            assertThat(s.getServerInfo().getMajorVersion()).isEqualTo(14);
            assertThat(s.getServerInfo().getMinorBuildNumber()).isEqualTo(4);
            assertThat(s.getServerInfo().getVersionString()).isEqualTo("Exchange2010_SP2");
        } finally {
            s.close();
        }
    }
}

package org.tasksync.testkit.ews;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator's streaming notifications (Subscribe, GetStreamingEvents, Unsubscribe) driven over
 * raw HTTP, independently of the adapter's client; the rules are in docs/conformance.md ("EWS streaming").
 */
class EwsSimulatorStreamingTest {

    private static final String A = "anna@example.com";
    private static final String B = "bert@example.com";
    private static final Pattern END = Pattern.compile("</(?:[A-Za-z0-9_]+:)?Envelope\\s*>");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private EwsSimulator ews;

    @AfterEach
    void close() {
        if (ews != null) {
            ews.assertNoResponseErrors();
            ews.close();
        }
    }

    private EwsSimulator start(EwsSimulator.Builder b) {
        ews = b.basicAuth(EwsClient.USER, EwsClient.PASSWORD).start();
        return ews;
    }

    // ------------------------------------------------------------------ raw client

    private HttpRequest.Builder request(String impersonated, String body, Map<String, String> headers) {
        String basic = Base64.getEncoder().encodeToString((EwsClient.USER + ":" + EwsClient.PASSWORD).getBytes(UTF_8));
        String envelope = """
                <?xml version="1.0" encoding="utf-8"?>
                <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
                    xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"
                    xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
                  <soap:Header>
                    <t:RequestServerVersion Version="Exchange2010_SP2"/>
                    <t:ExchangeImpersonation>
                      <t:ConnectingSID><t:PrimarySmtpAddress>%s</t:PrimarySmtpAddress></t:ConnectingSID>
                    </t:ExchangeImpersonation>
                  </soap:Header>
                  <soap:Body>%s</soap:Body>
                </soap:Envelope>""".formatted(impersonated, body).strip();
        HttpRequest.Builder b = HttpRequest.newBuilder(ews.url())
                .header("Content-Type", "text/xml; charset=utf-8")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(envelope));
        headers.forEach(b::header);
        return b;
    }

    private HttpResponse<String> post(String impersonated, String body, Map<String, String> headers) throws Exception {
        return http.send(request(impersonated, body, headers).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String subscribeBody(String folders) {
        return """
                <m:Subscribe><m:StreamingSubscriptionRequest>
                  <t:FolderIds>%s</t:FolderIds>
                  <t:EventTypes><t:EventType>CreatedEvent</t:EventType><t:EventType>ModifiedEvent</t:EventType>
                    <t:EventType>DeletedEvent</t:EventType></t:EventTypes>
                </m:StreamingSubscriptionRequest></m:Subscribe>""".formatted(folders);
    }

    private String subscribe(String mailbox, Map<String, String> headers) throws Exception {
        HttpResponse<String> r = post(mailbox, subscribeBody("<t:DistinguishedFolderId Id=\"tasks\"/>"), headers);
        String id = text(r.body(), "m:SubscriptionId");
        if (r.statusCode() != 200 || id == null) {
            throw new AssertionError("Subscribe failed: " + r.body());
        }
        return id;
    }

    private static String streamBody(int minutes, List<String> ids) {
        StringBuilder list = new StringBuilder();
        ids.forEach(id -> list.append("<t:SubscriptionId>").append(id).append("</t:SubscriptionId>"));
        return "<m:GetStreamingEvents><m:SubscriptionIds>" + list + "</m:SubscriptionIds><m:ConnectionTimeout>"
                + minutes + "</m:ConnectionTimeout></m:GetStreamingEvents>";
    }

    /** An open GetStreamingEvents response read envelope by envelope. */
    private final class Stream implements AutoCloseable {
        final InputStream in;
        final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        Stream(String impersonated, int minutes, List<String> ids, Map<String, String> headers) throws Exception {
            HttpResponse<InputStream> r = http.send(request(impersonated, streamBody(minutes, ids), headers).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).isEqualTo(200);
            in = r.body();
        }

        /** The next complete envelope, or null at the end of the body. */
        String next() throws IOException {
            byte[] buf = new byte[4096];
            while (true) {
                String text = pending.toString(UTF_8);
                Matcher m = END.matcher(text);
                if (m.find()) {
                    String envelope = text.substring(0, m.end());
                    byte[] rest = text.substring(m.end()).getBytes(UTF_8);
                    pending.reset();
                    pending.write(rest);
                    return envelope;
                }
                int n = in.read(buf);
                if (n < 0) {
                    return null;
                }
                pending.write(buf, 0, n);
            }
        }

        /** The next envelope that carries anything but heartbeats. */
        String nextEvent() throws IOException {
            String e;
            do {
                e = next();
            } while (e != null && onlyStatus(e));
            return e;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static boolean onlyStatus(String envelope) {
        return !envelope.contains("Event>") && !envelope.contains("ResponseClass=\"Error\"")
                && !envelope.contains(">Closed<");
    }

    static String text(String xml, String element) {
        List<String> all = all(xml, "<" + Pattern.quote(element) + ">([^<]*)</" + Pattern.quote(element) + ">");
        return all.isEmpty() ? null : all.get(0);
    }

    static List<String> all(String xml, String regex) {
        Matcher m = Pattern.compile(regex).matcher(xml);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    // ------------------------------------------------------------------ tests

    @Test
    void aChangeInTheSubscribedMailboxIsStreamedWithItsIdAndChangeKeyAndTheStreamClosesAtItsTimeout() throws Exception {
        start(EwsSimulator.builder().timeScale(60)); // a minute lasts one second
        String task = ews.outlook(A).create(t -> t.subject("call back")).itemId();
        String id = subscribe(A, Map.of());
        long opened = System.nanoTime();
        try (Stream s = new Stream(A, 1, List.of(id), Map.of())) {
            OutlookTask done = ews.outlook(A).setStatus(task, "Completed");
            ews.outlook(B).create(t -> t.subject("not watched"));
            String e = s.nextEvent();
            assertThat(e).contains("<t:ModifiedEvent>").contains("Id=\"" + task + "\"")
                    .contains("ChangeKey=\"" + done.changeKey() + "\"").doesNotContain("ConnectionStatus");
            assertThat(text(e, "t:SubscriptionId")).isEqualTo(id);
            String last = null;
            for (String next = s.next(); next != null; next = s.next()) {
                assertThat(next).doesNotContain("not watched");
                last = next;
            }
            assertThat(last).contains("<m:ConnectionStatus>Closed</m:ConnectionStatus>");
            assertThat(Duration.ofNanos(System.nanoTime() - opened)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }
    }

    @Test
    void anIdleStreamSendsHeartbeatsAsStatusEvents() throws Exception {
        start(EwsSimulator.builder().timeScale(60).heartbeat(Duration.ofSeconds(6))); // every 100 ms
        String id = subscribe(A, Map.of());
        try (Stream s = new Stream(A, 1, List.of(id), Map.of())) {
            String beat = s.next();
            assertThat(beat).contains("<t:StatusEvent/>").contains("<m:Notification>");
        }
    }

    @Test
    void eventsQueuedWhileNoStreamIsOpenArriveOnTheNextStream() throws Exception {
        start(EwsSimulator.builder().timeScale(60));
        String id = subscribe(A, Map.of());
        String task = ews.outlook(A).create(t -> t.subject("while away")).itemId();
        try (Stream s = new Stream(A, 1, List.of(id), Map.of())) {
            assertThat(s.nextEvent()).contains("<t:CreatedEvent>").contains(task);
        }
    }

    @Test
    void atMostFiftyEventsGoIntoOneNotification() throws Exception {
        start(EwsSimulator.builder().timeScale(60));
        String id = subscribe(A, Map.of());
        for (int i = 0; i < 60; i++) {
            ews.outlook(A).create(t -> t.subject("bulk"));
        }
        try (Stream s = new Stream(A, 1, List.of(id), Map.of())) {
            assertThat(all(s.nextEvent(), "<t:(CreatedEvent)>")).hasSize(50);
            assertThat(all(s.nextEvent(), "<t:(CreatedEvent)>")).hasSize(10);
        }
    }

    @Test
    void anUnknownSubscriptionFailsTheRequestWithErrorSubscriptionNotFoundNamingIt() throws Exception {
        start(EwsSimulator.builder().timeScale(60));
        String id = subscribe(A, Map.of());
        HttpResponse<String> r = post(A, streamBody(1, List.of(id, "nosuchsubscription")), Map.of());
        assertThat(r.body()).contains("ResponseClass=\"Error\"")
                .contains("<m:ResponseCode>ErrorSubscriptionNotFound</m:ResponseCode>")
                .contains("<t:SubscriptionId>nosuchsubscription</t:SubscriptionId>")
                .contains("<m:ConnectionStatus>Closed</m:ConnectionStatus>");
        assertThat(all(r.body(), "<m:ErrorSubscriptionIds>(.*?)</m:ErrorSubscriptionIds>").get(0)).doesNotContain(id);
    }

    @Test
    void unsubscribeEndsTheSubscriptionAndAnUnknownOneAnswersErrorSubscriptionNotFound() throws Exception {
        start(EwsSimulator.builder().timeScale(60));
        String id = subscribe(A, Map.of());
        assertThat(post(A, "<m:Unsubscribe><m:SubscriptionId>" + id + "</m:SubscriptionId></m:Unsubscribe>", Map.of())
                .body()).contains("<m:ResponseCode>NoError</m:ResponseCode>");
        assertThat(post(A, "<m:Unsubscribe><m:SubscriptionId>" + id + "</m:SubscriptionId></m:Unsubscribe>", Map.of())
                .body()).contains("<m:ResponseCode>ErrorSubscriptionNotFound</m:ResponseCode>");
        assertThat(post(A, streamBody(1, List.of(id)), Map.of()).body()).contains("ErrorSubscriptionNotFound");
        assertThat(ews.subscriptions()).isEmpty();
    }

    @Test
    void aSubscriptionCoversOneMailbox() throws Exception {
        start(EwsSimulator.builder());
        HttpResponse<String> r = post(A, subscribeBody("""
                <t:DistinguishedFolderId Id="tasks"><t:Mailbox><t:EmailAddress>%s</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>
                <t:DistinguishedFolderId Id="tasks"><t:Mailbox><t:EmailAddress>%s</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>
                """.formatted(A, B)), Map.of());
        assertThat(r.body()).contains("<m:ResponseCode>ErrorInvalidSubscriptionRequest</m:ResponseCode>");
    }

    @Test
    void anExpiredSubscriptionIsReportedOnTheOpenStreamAndTheStreamClosesWhenNoneIsLeft() throws Exception {
        start(EwsSimulator.builder().timeScale(60));
        String id = subscribe(A, Map.of());
        try (Stream s = new Stream(A, 1, List.of(id), Map.of())) {
            assertThat(ews.expireSubscriptions(A)).isEqualTo(1);
            String e = s.nextEvent();
            assertThat(e).contains("<m:ResponseCode>ErrorSubscriptionNotFound</m:ResponseCode>")
                    .contains("<t:SubscriptionId>" + id + "</t:SubscriptionId>")
                    .contains("<m:ConnectionStatus>Closed</m:ConnectionStatus>");
            assertThat(s.next()).isNull();
        }
    }

    @Test
    void aSubscriptionNoStreamCarriedForTheIdleExpiryIsGone() throws Exception {
        start(EwsSimulator.builder().timeScale(600).subscriptionIdleExpiry(Duration.ofMinutes(1))); // 100 ms
        String id = subscribe(A, Map.of());
        Thread.sleep(300);
        assertThat(post(A, streamBody(1, List.of(id)), Map.of()).body()).contains("ErrorSubscriptionNotFound");
    }

    @Test
    void aCutStreamEndsInTheMiddleOfAnEnvelope() throws Exception {
        start(EwsSimulator.builder().timeScale(60));
        String id = subscribe(A, Map.of());
        Stream s = new Stream(A, 1, List.of(id), Map.of());
        while (ews.openStreams() == 0) {
            Thread.sleep(5);
        }
        assertThat(ews.cutStreams()).isEqualTo(1);
        assertThatThrownBy(() -> {
            while (s.next() != null) {
                // an abrupt end is an IOException; a clean end would leave half an envelope pending
            }
            throw new IOException("ended with " + s.pending.size() + " bytes of an unfinished envelope");
        }).isInstanceOf(IOException.class);
        assertThat(ews.subscriptions()).containsEntry(A, 1); // the subscription lives on
    }

    @Test
    void theHangingConnectionLimitRefusesOneStreamTooMany() throws Exception {
        start(EwsSimulator.builder().timeScale(60).hangingConnectionLimit(1));
        String a = subscribe(A, Map.of());
        String b = subscribe(A, Map.of());
        try (Stream s = new Stream(A, 1, List.of(a), Map.of())) {
            assertThat(ews.openStreams()).isEqualTo(1); // registered before its headers were sent
            HttpResponse<String> r = post(A, streamBody(1, List.of(b)), Map.of());
            assertThat(r.body()).contains("<m:ResponseCode>ErrorExceededConnectionCount</m:ResponseCode>")
                    .contains("<m:ConnectionStatus>Closed</m:ConnectionStatus>");
            // charged to the impersonated mailbox: another anchor has a budget of its own
            String c = subscribe(B, Map.of());
            try (Stream other = new Stream(B, 1, List.of(c), Map.of())) {
                assertThat(other.next()).doesNotContain("ResponseClass=\"Error\"");
            }
            assertThat(s.next()).doesNotContain("ResponseClass=\"Error\"");
        }
    }

    @Test
    void moreThanTwoHundredSubscriptionsOnOneConnectionAreRefused() throws Exception {
        start(EwsSimulator.builder());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 201; i++) {
            ids.add("id" + i);
        }
        assertThat(post(A, streamBody(1, ids), Map.of()).body()).contains("ErrorInvalidRequest");
    }

    @Test
    void withAffinityTheAnchorsSubscriptionSetsTheCookieThatRoutesTheGroupToOneServer() throws Exception {
        start(EwsSimulator.builder().timeScale(60).mailboxServers(7));
        String other = "";
        for (int i = 0; other.isEmpty() || ews.mailboxServer(other).equals(ews.mailboxServer(A)); i++) {
            other = "rep" + i + "@example.com";
        }
        Map<String, String> affinity = Map.of("X-AnchorMailbox", A, "X-PreferServerAffinity", "true");
        HttpResponse<String> anchor = post(A, subscribeBody("<t:DistinguishedFolderId Id=\"tasks\"/>"), affinity);
        String cookie = anchor.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("X-BackEndOverrideCookie=" + ews.mailboxServer(A)).doesNotContain("Secure");
        String cookieValue = cookie.substring(0, cookie.indexOf(';'));
        String member = subscribe(other, Map.of("X-AnchorMailbox", A, "X-PreferServerAffinity", "true",
                "Cookie", cookieValue));
        String anchorId = text(anchor.body(), "m:SubscriptionId");
        // without affinity the request lands on the member's own server, which lacks both subscriptions
        assertThat(post(other, streamBody(1, List.of(anchorId, member)), Map.of()).body())
                .contains("ErrorSubscriptionNotFound");
        try (Stream s = new Stream(A, 1, List.of(anchorId, member),
                Map.of("X-AnchorMailbox", A, "X-PreferServerAffinity", "true", "Cookie", cookieValue))) {
            String task = ews.outlook(other).create(t -> t.subject("x")).itemId();
            assertThat(s.nextEvent()).contains(task).contains(member);
        }
    }

    @Test
    void aSubscribeRoutedToAServerOfAnotherSiteAnswersErrorProxyRequestNotAllowed() throws Exception {
        start(EwsSimulator.builder().timeScale(60).mailboxServers(2).sites(2));
        String other = "";
        for (int i = 0; other.isEmpty() || ews.site(other).equals(ews.site(A)); i++) {
            other = "rep" + i + "@example.com";
        }
        HttpResponse<String> anchor = post(A, subscribeBody("<t:DistinguishedFolderId Id=\"tasks\"/>"),
                Map.of("X-AnchorMailbox", A, "X-PreferServerAffinity", "true"));
        String cookie = anchor.headers().firstValue("Set-Cookie").orElseThrow();
        String cookieValue = cookie.substring(0, cookie.indexOf(';'));
        // the anchor's cookie routes the other site's mailbox to the anchor's server: refused
        HttpResponse<String> crossSite = post(other, subscribeBody("<t:DistinguishedFolderId Id=\"tasks\"/>"),
                Map.of("X-AnchorMailbox", A, "X-PreferServerAffinity", "true", "Cookie", cookieValue));
        assertThat(crossSite.body()).contains("ErrorProxyRequestNotAllowed").doesNotContain("SubscriptionId>");
        assertThat(ews.subscriptions()).doesNotContainKey(other);
        // within its own site (its own anchor) the same mailbox subscribes
        assertThat(subscribe(other, Map.of("X-AnchorMailbox", other, "X-PreferServerAffinity", "true"))).isNotBlank();
    }

    @Test
    void aStalledStreamSendsNothing() throws Exception {
        start(EwsSimulator.builder().timeScale(600).heartbeat(Duration.ofSeconds(6))); // beats every 10 ms
        String id = subscribe(A, Map.of());
        ews.stallStreams(true);
        try (Stream s = new Stream(A, 1, List.of(id), Map.of())) { // a minute: 100 ms
            ews.outlook(A).create(t -> t.subject("unheard"));
            assertThat(s.next()).isNull();
            assertThat(s.pending.size()).isZero();
        }
    }

    @Test
    void streamedEnvelopesAreValidAgainstTheSchema() throws Exception {
        start(EwsSimulator.builder().timeScale(60).heartbeat(Duration.ofSeconds(6)));
        assumeTrue(ews.validatesSchema(), EwsSchema.NOT_FOUND);
        String id = subscribe(A, Map.of());
        try (Stream s = new Stream(A, 1, List.of(id), Map.of())) {
            String task = ews.outlook(A).create(t -> t.subject("x")).itemId();
            ews.outlook(A).delete(task);
            int envelopes = 0;
            while (s.next() != null) {
                envelopes++;
            }
            assertThat(envelopes).isGreaterThan(2);
        }
        assertThat(ews.responseErrors()).isEmpty();
        assertThat(ews.requestValidationErrors()).isEmpty();
    }
}

package org.tasksync.adapter.ews;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tasksync.core.MailboxReport;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.Rep;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.testkit.ews.EwsSimulator;
import org.tasksync.testkit.inmemory.InMemoryCrm;

/**
 * The adapter opens a connection (an ews-java-api service) per mailbox and cycle. With Basic
 * authentication only its first connection pays a 401 challenge: the others send the credentials
 * with their first request. A server that refuses them, or asks for another scheme, is still
 * answered as before.
 */
class EwsAuthenticationTest {

    private static final ZoneId ZONE = ZoneId.of("Europe/Vienna");

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private EwsSimulator simulator(String... mailboxes) {
        EwsSimulator ews = SimulatedExchange.start();
        toClose.add(ews);
        for (String m : mailboxes) {
            ews.registerMailbox(m);
        }
        return ews;
    }

    private static Mailbox mailbox(String address) {
        return new Mailbox(address, "Rep " + address, ZONE);
    }

    private static List<String> mailboxes(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add("rep" + i + "@example.com");
        }
        return out;
    }

    @Test
    void onlyTheAdaptersFirstConnectionIsChallenged() throws Exception {
        List<String> reps = mailboxes(5);
        EwsSimulator ews = simulator(reps.toArray(String[]::new));
        EwsExchangeAdapter adapter = EwsExchangeAdapter.create(SimulatedExchange.config(ews).build());

        for (int cycle = 1; cycle <= 2; cycle++) {
            for (String rep : reps) {
                try (MailboxConnection c = adapter.connect(mailbox(rep))) {
                    c.changes(null);
                    c.create(List.of(new NewExchangeTask("A1:" + rep + "-" + cycle, TaskValues.builder()
                            .subject("Call").status(ExchangeStatus.NOT_STARTED).build())));
                }
            }
        }

        assertThat(ews.traffic().count("SyncFolderItems") + ews.traffic().count("CreateItem")).isEqualTo(20);
        assertThat(ews.traffic().unauthorized()).as("401 challenges for 10 connections").isEqualTo(1);
        SimulatedExchange.assertClean(ews);
    }

    @Test
    void anEngineCycleOverManyMailboxesGetsNo401OnceTheAdapterIsSetUp() {
        List<String> addresses = mailboxes(6);
        EwsSimulator ews = simulator(addresses.toArray(String[]::new));
        InMemoryCrm crm = new InMemoryCrm(Clock.systemUTC());
        for (String address : addresses) {
            String repId = address.substring(0, address.indexOf('@'));
            crm.putRep(new Rep(repId, "Rep " + repId, address, ZONE, true));
            crm.upsertTask(CrmTask.builder("A1:" + repId).repId(repId).subject("Visit")
                    .dueDate(LocalDate.now(ZONE).plusDays(2)).status("Open").build());
        }
        SyncEngine engine = SyncEngine.builder().crm(crm)
                .exchange(EwsExchangeAdapter.create(SimulatedExchange.config(ews).build()))
                .settings(SyncSettings.builder().pastDays(30).futureDays(60).build()).build();

        SyncReport first = engine.runOnce();
        assertThat(first.clean()).as(first.toTable()).isTrue();
        assertThat(first.created()).isEqualTo(6);
        ews.traffic().reset();

        for (int i = 0; i < 2; i++) {
            SyncReport idle = engine.runOnce();
            assertThat(idle.clean()).as(idle.toTable()).isTrue();
            assertThat(idle.mailboxes()).extracting(MailboxReport::failed).containsOnly(false);
        }

        assertThat(ews.traffic().count("SyncFolderItems")).as("two idle cycles, one read per mailbox").isEqualTo(12);
        assertThat(ews.traffic().unauthorized()).as("401 challenges in the cycles after the first").isZero();
        SimulatedExchange.assertClean(ews);
    }

    @Test
    void credentialsTheServerNoLongerTakesGiveAClearMailboxErrorWithoutThePassword() throws Exception {
        String rep = "rita@example.com";
        EwsSimulator ews = EwsSimulator.builder().basicAuth(SimulatedExchange.USER, SimulatedExchange.PASSWORD)
                .rejectUnknownMailboxes().start();
        int port = ews.port();
        ews.registerMailbox(rep);
        EwsExchangeAdapter adapter = EwsExchangeAdapter.create(SimulatedExchange.config(ews).build());
        try (MailboxConnection c = adapter.connect(mailbox(rep))) {
            c.changes(null); // the server accepted Basic: later connections send it at once
        }
        ews.close();
        // the service account's password is changed on the server
        EwsSimulator changed = EwsSimulator.builder().port(port).basicAuth(SimulatedExchange.USER, "Changed-Password-1")
                .rejectUnknownMailboxes().start();
        toClose.add(changed);
        changed.registerMailbox(rep);

        for (int attempt = 1; attempt <= 2; attempt++) { // with the cached scheme, then after it was dropped
            try (MailboxConnection c = adapter.connect(mailbox(rep))) {
                assertThatThrownBy(() -> c.changes(null)).isInstanceOfSatisfying(MailboxException.class, e -> {
                    assertThat(e.kind()).isEqualTo(MailboxException.Kind.AUTHENTICATION);
                    assertThat(e.mailbox()).isEqualTo(rep);
                    assertThat(e.getMessage()).contains(rep).contains("401")
                            .doesNotContain(SimulatedExchange.PASSWORD).doesNotContain("Changed-Password-1");
                    assertThat(e.toString()).doesNotContain(SimulatedExchange.PASSWORD);
                });
            }
        }
        assertThat(changed.traffic().total()).as("nothing got past authentication").isZero();
        assertThat(adapter.toString()).doesNotContain(SimulatedExchange.PASSWORD);
    }

    @Test
    void aServerThatAsksForNtlmInsteadOfTheCachedBasicIsAnsweredThroughTheChallenge() throws Exception {
        String rep = "nina@example.com";
        EwsSimulator ews = simulator(rep);
        NtlmFront front = new NtlmFront(ews.url());
        toClose.add(front);
        EwsExchangeAdapter adapter = EwsExchangeAdapter.create(SimulatedExchange.config(ews).url(front.url()).build());
        try (MailboxConnection c = adapter.connect(mailbox(rep))) {
            c.changes(null);
        }
        assertThat(ews.traffic().unauthorized()).as("Basic learned from the first connection's challenge").isEqualTo(1);

        front.ntlmOnly = true; // the server now takes NTLM only
        for (int i = 0; i < 3; i++) {
            try (MailboxConnection c = adapter.connect(mailbox(rep))) {
                assertThat(c.changes(null).next()).isNotBlank();
            }
        }

        assertThat(front.basicRefused.get()).as("the cached Basic, sent first once, then dropped").isEqualTo(1);
        assertThat(front.ntlmAuthenticated.get()).as("requests that came through NTLM").isEqualTo(3);
        assertThat(ews.traffic().count(rep, "SyncFolderItems")).isEqualTo(4);
        SimulatedExchange.assertClean(ews);
    }

    /**
     * An HTTP front of the simulator. First it passes every request on as it is (the simulator takes
     * Basic); once {@link #ntlmOnly} it answers 401 {@code WWW-Authenticate: NTLM} to anything but an
     * NTLM handshake, answers the handshake's first message with a challenge, and passes requests
     * carrying its last message on to the simulator with the service account's Basic credentials.
     * It checks no NTLM response: it only makes the client go through the handshake.
     */
    static final class NtlmFront implements AutoCloseable {
        private final URI target;
        private final HttpServer server;
        private final ExecutorService executor = Executors.newFixedThreadPool(4);
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        volatile boolean ntlmOnly;
        final AtomicInteger basicRefused = new AtomicInteger();
        final AtomicInteger ntlmAuthenticated = new AtomicInteger();

        NtlmFront(URI target) throws IOException {
            this.target = target;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", this::handle);
            server.setExecutor(executor);
            server.start();
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + target.getPath());
        }

        private void handle(HttpExchange ex) throws IOException {
            try (ex) {
                byte[] body = ex.getRequestBody().readAllBytes();
                String auth = ex.getRequestHeaders().getFirst("Authorization");
                if (!ntlmOnly) {
                    forward(ex, body, auth);
                    return;
                }
                if (auth != null && auth.startsWith("NTLM ")) {
                    byte[] message = Base64.getDecoder().decode(auth.substring(5).trim());
                    if (message.length > 8 && message[8] == 1) {
                        ex.getResponseHeaders().set("WWW-Authenticate",
                                "NTLM " + Base64.getEncoder().encodeToString(challenge()));
                        ex.sendResponseHeaders(401, -1);
                        return;
                    }
                    if (message.length > 8 && message[8] == 3) {
                        ntlmAuthenticated.incrementAndGet();
                        forward(ex, body, "Basic " + Base64.getEncoder().encodeToString(
                                (SimulatedExchange.USER + ":" + SimulatedExchange.PASSWORD).getBytes(StandardCharsets.UTF_8)));
                        return;
                    }
                }
                if (auth != null && auth.startsWith("Basic ")) {
                    basicRefused.incrementAndGet();
                }
                ex.getResponseHeaders().set("WWW-Authenticate", "NTLM");
                ex.sendResponseHeaders(401, -1);
            }
        }

        /** An NTLM type 2 message: Unicode, NTLM, NTLM2 session security; no target, no target info. */
        private static byte[] challenge() {
            ByteBuffer b = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
            b.put("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII)).putInt(2);
            b.putShort((short) 0).putShort((short) 0).putInt(48);
            b.putInt(0x00000001 | 0x00000200 | 0x00080000);
            b.put(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}).putLong(0);
            b.putShort((short) 0).putShort((short) 0).putInt(48);
            return b.array();
        }

        private void forward(HttpExchange ex, byte[] body, String auth) throws IOException {
            HttpRequest.Builder request = HttpRequest.newBuilder(target).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .header("Content-Type", ex.getRequestHeaders().getFirst("Content-Type"));
            if (auth != null) {
                request.header("Authorization", auth);
            }
            HttpResponse<byte[]> r;
            try {
                r = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            r.headers().firstValue("Content-Type").ifPresent(v -> ex.getResponseHeaders().set("Content-Type", v));
            r.headers().firstValue("WWW-Authenticate").ifPresent(v -> ex.getResponseHeaders().set("WWW-Authenticate", v));
            byte[] answer = r.body();
            ex.sendResponseHeaders(r.statusCode(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(answer);
                }
            }
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}

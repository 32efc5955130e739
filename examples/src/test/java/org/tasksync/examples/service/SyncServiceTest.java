package org.tasksync.examples.service;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tasksync.adapter.jdbccrm.ReferenceCrm;
import org.tasksync.core.SyncReport;
import org.tasksync.testkit.ews.EwsFault;
import org.tasksync.testkit.ews.EwsSimulator;
import org.tasksync.testkit.ews.InjectedFault;
import org.tasksync.testkit.graph.GraphSimulator;

/**
 * The scheduled service as an operator runs it, in process: the sample properties file with its URLs
 * pointed at an EWS simulator and an H2 CRM of this test, credentials from an environment map.
 */
class SyncServiceTest {

    private static final String USER = "svc-tasksync";
    private static final String PASSWORD = "S3rvice-Acc0unt-Passw0rd";
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private EwsSimulator exchange;
    private JdbcConnectionPool crmDb;
    private Properties properties;
    private SyncService service;

    @BeforeEach
    void startServers() throws Exception {
        exchange = EwsSimulator.builder().basicAuth(USER, PASSWORD).rejectUnknownMailboxes().start();
        exchange.registerMailbox("ada.lovelace@example.com");
        exchange.registerMailbox("bob.kahn@example.com");
        int n = DATABASES.incrementAndGet();
        String crmUrl = "jdbc:h2:mem:service-test-crm-" + n + ";DB_CLOSE_DELAY=-1";
        crmDb = JdbcConnectionPool.create(crmUrl, "", "");
        ReferenceCrm.of(crmDb).createSchema().insertDemoRows(LocalDate.now(Clock.systemUTC()));

        properties = new Properties();
        try (var in = java.nio.file.Files.newBufferedReader(Path.of("tasksync-service.properties"), UTF_8)) {
            properties.load(in);
        }
        properties.setProperty(ServiceConfig.CRM_URL, crmUrl);
        properties.setProperty("tasksync.ews.url", exchange.url().toString());
        properties.setProperty(ServiceConfig.STATE_URL, "jdbc:h2:mem:service-test-state-" + n + ";DB_CLOSE_DELAY=-1");
    }

    @AfterEach
    void stopServers() {
        if (service != null) {
            service.stop(PATIENCE);
        }
        exchange.close();
        crmDb.dispose();
        exchange.assertNoResponseErrors();
    }

    private ServiceConfig config() {
        return ServiceConfig.of(properties, Map.of(ServiceConfig.ENV_EWS_USERNAME, USER,
                ServiceConfig.ENV_EWS_PASSWORD, PASSWORD));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting " + PATIENCE.toSeconds() + " s for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void theServiceRunsACycleAtOnceAndStopsCleanly() throws Exception {
        service = SyncService.start(config());

        await("the first cycle's report", () -> service.lastReport().isPresent());
        SyncReport report = service.lastReport().orElseThrow();
        assertThat(report.failedMailboxes()).isEmpty();
        assertThat(report.allTaskErrors()).isEmpty();
        // the reference CRM's demo rows: three of Ada's and three of Bob's tasks are in the time frame
        assertThat(report.created()).isEqualTo(6);
        assertThat(exchange.outlook("ada.lovelace@example.com").tasks()).hasSize(3);
        assertThat(exchange.outlook("bob.kahn@example.com").tasks()).hasSize(3);

        assertThat(service.stop(PATIENCE)).as("stopped without interrupting a cycle").isTrue();
        assertThat(service.isRunning()).isFalse();
    }

    @Test
    void theServiceRunsAgainstMicrosoftGraphToo() throws Exception {
        try (GraphSimulator graph = GraphSimulator.start()) {
            graph.addUser("ada.lovelace@example.com");
            graph.addUser("bob.kahn@example.com");
            properties.setProperty(ServiceConfig.EXCHANGE, "graph");
            properties.setProperty("tasksync.graph.base-url", graph.baseUrl());
            service = SyncService.start(ServiceConfig.of(properties,
                    Map.of(ServiceConfig.ENV_GRAPH_ACCESS_TOKEN, graph.token())));

            await("the first cycle's report", () -> service.lastReport().isPresent());
            SyncReport report = service.lastReport().orElseThrow();
            assertThat(report.failedMailboxes()).isEmpty();
            assertThat(report.created()).isEqualTo(6);
            assertThat(graph.toDo().tasks("ada.lovelace@example.com")).hasSize(3);
            assertThat(service.stop(PATIENCE)).isTrue();
        }
    }

    @Test
    void stoppingLetsTheCycleInFlightFinish() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        InjectedFault held = exchange.inject(EwsFault.hold(release).forOperation("CreateItem").times(1));
        service = SyncService.start(config());
        await("a CreateItem of the first cycle held in the simulator", () -> held.hits() == 1);

        CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> service.stop(PATIENCE));
        await("the scheduler to stop taking cycles", () -> !service.isRunning());
        assertThat(stopped).as("stop waits for the cycle in flight").isNotDone();
        release.countDown();

        assertThat(stopped.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        SyncReport report = service.lastReport().orElseThrow();
        assertThat(report.created()).as("the cycle finished its writes").isEqualTo(6);
        assertThat(report.failedMailboxes()).isEmpty();
        assertThat(service.cyclesFinished()).isEqualTo(1);
    }

    @Test
    void theLogShowsProgressPerMailboxAndASummaryButNoCredential() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, UTF_8));
        try {
            service = SyncService.start(config());
            await("the first cycle's report", () -> service.lastReport().isPresent());
            service.stop(PATIENCE);
        } finally {
            System.setErr(original);
        }

        String text = log.toString(UTF_8);
        assertThat(text).contains("mailbox 1 of 2: ", "mailbox 2 of 2: ", "cycle 1 done in ", "6 created",
                "tasksync service stopped after 1 cycle");
        assertThat(text).doesNotContain(PASSWORD).doesNotContain(USER);
    }
}

package org.tasksync.examples.service;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tasksync.adapter.jdbccrm.ReferenceCrm;
import org.tasksync.testkit.ews.EwsFault;
import org.tasksync.testkit.ews.EwsSimulator;
import org.tasksync.testkit.ews.InjectedFault;

/**
 * The service as its own process, stopped the way an init system stops it: SIGTERM while a cycle is
 * in flight. The shutdown hook must let that cycle finish before the process exits.
 */
class SyncServiceProcessTest {

    private static final String USER = "svc-tasksync";
    private static final String PASSWORD = "Pr0cess-Test-Passw0rd";
    /**
     * How long to wait for the service's JVM: it starts with the whole test class path and loads the
     * JDBC, EWS and HTTP stacks before its first request, which takes long on a loaded build machine.
     */
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    @Test
    void sigtermLetsTheCycleInFlightFinishAndThenExits(@TempDir Path dir) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        JdbcConnectionPool crmDb = JdbcConnectionPool.create("jdbc:h2:mem:process-test-crm;DB_CLOSE_DELAY=-1", "", "");
        Server h2 = Server.createTcpServer("-tcpPort", "0").start();
        try (EwsSimulator exchange = EwsSimulator.builder().basicAuth(USER, PASSWORD).start()) {
            ReferenceCrm.of(crmDb).createSchema().insertDemoRows(LocalDate.now(Clock.systemUTC()));
            InjectedFault held = exchange.inject(EwsFault.hold(release).forOperation("CreateItem").times(1));
            Path file = dir.resolve("service.properties");
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(Path.of("tasksync-service.properties"), UTF_8)) {
                p.load(in);
            }
            p.setProperty(ServiceConfig.CRM_URL, "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/mem:process-test-crm");
            p.setProperty("tasksync.ews.url", exchange.url().toString());
            p.setProperty(ServiceConfig.STATE_URL, "jdbc:h2:" + dir.resolve("state").toAbsolutePath() + ";WRITE_DELAY=0");
            try (Writer out = Files.newBufferedWriter(file, UTF_8)) {
                p.store(out, "written by " + getClass().getSimpleName());
            }

            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), SyncService.class.getName(), file.toString())
                    .redirectErrorStream(true);
            pb.environment().put(ServiceConfig.ENV_EWS_USERNAME, USER);
            pb.environment().put(ServiceConfig.ENV_EWS_PASSWORD, PASSWORD);
            Process service = pb.start();
            List<String> log = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(service.getInputStream(), UTF_8))) {
                    in.lines().forEach(log::add);
                } catch (java.io.IOException e) {
                    log.add("(reading the service's output failed: " + e + ")");
                }
            });
            reader.start();
            try {
                await(() -> held.hits() == 1, "a CreateItem of the first cycle held in the simulator", log);

                // SIGTERM; Process.destroy() would also close our end of the service's output
                service.toHandle().destroy();
                await(log, "tasksync service stopping");
                assertThat(service.isAlive()).as("the process waits for the cycle in flight").isTrue();
                release.countDown();

                assertThat(service.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("exited").isTrue();
                assertThat(service.exitValue()).as("the JVM's status after SIGTERM").isEqualTo(128 + 15);
                reader.join(PATIENCE.toMillis());
                assertThat(String.join("\n", log)).contains("cycle 1 done", "6 created",
                        "tasksync service stopped after 1 cycle").doesNotContain(PASSWORD);
            } finally {
                release.countDown();
                service.destroyForcibly();
            }
        } finally {
            h2.stop();
            crmDb.dispose();
        }
    }

    private static void await(List<String> log, String line) throws InterruptedException {
        await(() -> log.stream().anyMatch(l -> l.contains(line)), "'" + line + "' in the service's log", log);
    }

    private static void await(java.util.function.BooleanSupplier condition, String what, List<String> log)
            throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for " + what + "; the service logged:\n" + String.join("\n", log));
            }
            Thread.sleep(20);
        }
    }
}

package org.tasksync.examples.service;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.adapter.jdbccrm.JdbcCrmAdapter;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncScheduler;
import org.tasksync.core.state.JdbcSyncStateStore;

/**
 * A small host application: reads a properties file and environment variables
 * ({@link ServiceConfig}), runs the engine every {@code tasksync.tasks.interval-minutes}
 * ({@link SyncScheduler}), logs progress per mailbox and a summary per cycle, and on SIGTERM (or
 * Ctrl-C) stops scheduling, lets the cycle in flight finish and exits.
 *
 * <pre>
 * TASKSYNC_EWS_USERNAME=... TASKSYNC_EWS_PASSWORD=... \
 *   java -cp ... org.tasksync.examples.service.SyncService tasksync-service.properties
 * </pre>
 *
 * <p>It runs against real servers (a CRM database, Exchange Server or Microsoft 365) as well as the simulators
 * of {@link LocalServers}. Thread-safe: {@link #stop} may be called from any thread, more than once.
 */
public final class SyncService {

    private static final Logger log = LoggerFactory.getLogger(SyncService.class);

    private final ServiceConfig config;
    private final SyncScheduler scheduler;
    private final AtomicReference<SyncReport> lastReport = new AtomicReference<>();
    private final AtomicInteger cycles = new AtomicInteger();

    private SyncService(ServiceConfig config) {
        this.config = config;
        log.info("tasksync service starting: {}", config);
        SyncEngine engine = SyncEngine.builder()
                .crm(JdbcCrmAdapter.create(new DriverDataSource(ServiceConfig.CRM_URL, config.crmUrl(),
                        config.crmUser(), config.crmPassword()), config.crmSettings()))
                .exchange(config.exchangeAdapter())
                .stateStore(JdbcSyncStateStore.builder(new DriverDataSource(ServiceConfig.STATE_URL, config.stateUrl(),
                        config.stateUser(), config.statePassword())).tablePrefix(config.stateTablePrefix())
                        .dialect(config.stateDialect()).build())
                .settings(config.settings())
                .listener(new LoggingProgress())
                .build();
        this.scheduler = SyncScheduler.start(engine, this::cycleFinished);
    }

    /**
     * Builds the engine and starts the schedule: the first cycle starts at once, each next one
     * {@code tasksync.tasks.interval-minutes} after the previous one ended.
     *
     * @throws IllegalArgumentException when an adapter or the state store refuses its settings
     * @throws RuntimeException         when the state store's database cannot be reached
     */
    public static SyncService start(ServiceConfig config) {
        return new SyncService(config);
    }

    public static void main(String[] args) {
        if (args.length != 1 || args[0].startsWith("-")) {
            System.err.println("usage: SyncService <properties file>   (credentials in the environment: "
                    + ServiceConfig.ENV_EWS_USERNAME + ", " + ServiceConfig.ENV_EWS_PASSWORD + "; see docs/examples.md)");
            System.exit(2);
        }
        // SIGTERM and Ctrl-C run the hooks; the scheduler's own thread keeps the JVM alive until then. The
        // hook is in place before the first cycle starts, so that a signal at any moment lets it finish.
        java.util.concurrent.CompletableFuture<SyncService> running = new java.util.concurrent.CompletableFuture<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            SyncService s = running.join();
            if (s != null) {
                s.stop();
            }
        }, "tasksync-shutdown"));
        try {
            running.complete(start(ServiceConfig.load(Path.of(args[0]), System.getenv())));
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            running.complete(null);
            System.err.println("tasksync service: " + e.getMessage());
            System.exit(2);
        } catch (RuntimeException | Error e) {
            running.complete(null);
            throw e;
        }
    }

    private void cycleFinished(SyncReport r) {
        int n = cycles.incrementAndGet();
        lastReport.set(r);
        if (!r.enabled()) {
            log.info("cycle {}: task synchronization is switched off (tasksync.tasks.enabled=false); nothing done", n);
            return;
        }
        log.info("cycle {} done in {} ms: {} created, {} updated, {} deleted, {} statuses written back, {} conflicts, "
                        + "{} task errors, {} of {} mailboxes failed{}; next cycle in {} min",
                n, r.duration().toMillis(), r.created(), r.updated(), r.deleted(), r.statusesWrittenBack(),
                r.conflictsCrmWon() + r.conflictsExchangeWon(), r.allTaskErrors().size(), r.failedMailboxes().size(),
                r.mailboxes().size(), r.cycleError() == null ? "" : ", CYCLE FAILED: " + r.cycleError(), config.settings().intervalMinutes());
        if (!r.clean()) {
            log.warn("cycle {} report:\n{}", n, r.toTable());
        }
    }

    /** The report of the last finished cycle, if any. */
    public Optional<SyncReport> lastReport() {
        return Optional.ofNullable(lastReport.get());
    }

    /** Cycles finished since the start. */
    public int cyclesFinished() {
        return cycles.get();
    }

    public boolean isRunning() {
        return scheduler.isRunning();
    }

    /** {@link #stop(Duration)} with {@code tasksync.service.stop-grace-seconds}. */
    public boolean stop() {
        return stop(config.stopGrace());
    }

    /**
     * Stops scheduling and waits up to {@code grace} for the cycle in flight to finish; a cycle
     * still running then is interrupted (what it did not write is written next time).
     *
     * @return true when no cycle was left running
     */
    public boolean stop(Duration grace) {
        if (!scheduler.isRunning()) {
            return true;
        }
        log.info("tasksync service stopping: waiting up to {} s for the cycle in flight", grace.toSeconds());
        boolean clean = scheduler.stop(grace);
        if (clean) {
            log.info("tasksync service stopped after {} cycle{}", cycles.get(), cycles.get() == 1 ? "" : "s");
        } else {
            log.warn("tasksync service stopped; the cycle in flight did not finish within {} s and was interrupted",
                    grace.toSeconds());
        }
        return clean;
    }
}

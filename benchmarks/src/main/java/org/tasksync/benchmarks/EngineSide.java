package org.tasksync.benchmarks;

import java.net.URI;
import java.time.Clock;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.tasksync.adapter.ews.EwsConfig;
import org.tasksync.adapter.ews.EwsExchangeAdapter;
import org.tasksync.adapter.graph.GraphExchangeAdapter;
import org.tasksync.adapter.graph.GraphSettings;
import org.tasksync.adapter.graph.GraphTokenSource;
import org.tasksync.adapter.jdbccrm.JdbcCrmAdapter;
import org.tasksync.adapter.jdbccrm.JdbcCrmSettings;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.core.state.JdbcSyncStateStore;
import org.tasksync.testkit.jdbc.PooledDataSource;

/**
 * What runs in the engine's JVM: the real engine (or the naive baseline) with the JDBC CRM over a
 * statement-counting data source, an Exchange adapter pointed at a simulator, and the JDBC state
 * store on an embedded H2 file (the production default) behind a pool. {@link #cycle(String)} runs one cycle and
 * measures it. Used by one thread.
 */
final class EngineSide implements AutoCloseable {

    /**
     * What follows the file name in the state store's H2 URL, as docs/state-store.md recommends it;
     * {@link StateStoreBenchmark} uses the same.
     */
    static final String STATE_H2_SETTINGS = ";WRITE_DELAY=0";

    private final CountingDataSource crmDb;
    private final DataSource stateDb;
    private final SyncEngine engine;
    private final NaiveIntegration naive;

    EngineSide(EngineConfig c) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(c.crmUrl());
        h2.setUser("sa");
        crmDb = new CountingDataSource(new PooledDataSource(h2));
        JdbcCrmAdapter crm = JdbcCrmAdapter.create(crmDb, JdbcCrmSettings.ofDefaults());
        SyncSettings settings = SyncSettings.builder().pastDays(c.pastDays()).futureDays(c.futureDays())
                .mailboxParallelism(c.parallelism()).batchSize(c.batchSize()).build();
        ExchangeAdapter exchange = exchange(c, settings);
        stateDb = c.naive() ? null : stateDb(c.stateUrl());
        if (c.naive()) {
            engine = null;
            naive = new NaiveIntegration(crm, exchange, settings, Clock.systemUTC());
        } else {
            naive = null;
            engine = SyncEngine.builder().crm(crm).exchange(exchange)
                    .stateStore(JdbcSyncStateStore.builder(stateDb).build())
                    .settings(settings).build();
        }
    }

    /**
     * The state store's database as docs/state-store.md recommends it: an H2 file with WRITE_DELAY=0
     * behind a pool. Without the pool H2 closes (and compacts) the file after every call.
     */
    private static DataSource stateDb(String url) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(url + STATE_H2_SETTINGS);
        h2.setUser("sa");
        return new PooledDataSource(h2);
    }

    /** Shuts the state store's H2 database down, so that a following engine does not share the heap with it. */
    @Override
    public void close() throws java.sql.SQLException {
        if (stateDb != null) {
            java.sql.Connection c = stateDb.getConnection();
            try (java.sql.Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            }
            try {
                c.close();
            } catch (java.sql.SQLException closedByTheShutdown) {
                // the pool's close() asks the connection for its autocommit, which a shut-down database refuses
            }
        }
    }

    static ExchangeAdapter exchange(EngineConfig c, SyncSettings settings) {
        return switch (c.adapter()) {
            case "ews" -> EwsExchangeAdapter.create(EwsConfig.builder().url(URI.create(c.exchangeUrl()))
                    .credentials(c.user(), c.secret()).batchSize(Math.min(500, c.batchSize()))
                    .extendedFields(settings.mapping().fields().managedFields()).build());
            case "graph" -> GraphExchangeAdapter.builder(GraphSettings.builder().baseUrl(c.exchangeUrl())
                    .batchSize(Math.min(20, c.batchSize())).build())
                    .tokenSource(GraphTokenSource.fixed(c.secret())).build();
            default -> throw new IllegalArgumentException("no such adapter in the benchmarks: " + c.adapter());
        };
    }

    /** CPU time of this whole process (all threads, the JIT and the collector included). */
    static long processCpuMillis() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1_000_000;
    }

    CycleResult cycle(String label) {
        HeapWatch heap = HeapWatch.start();
        long statements = crmDb.statements();
        long queries = crmDb.queries();
        long cpu0 = processCpuMillis();
        ThreadCpu.Watch threads = new ThreadCpu.Watch();
        long t0 = System.nanoTime();
        CycleResult r;
        if (engine != null) {
            SyncReport report = engine.runOnce();
            long wall = (System.nanoTime() - t0) / 1_000_000;
            long[] h = heap.stop();
            if (!report.clean()) {
                System.err.println("cycle " + label + " was not clean:\n" + report.toTable().lines().filter(
                        l -> !l.contains(" ok")).limit(40).reduce("", (a, b) -> a + b + "\n"));
            }
            r = new CycleResult(label, wall, crmDb.statements() - statements, crmDb.queries() - queries, h[0], h[1],
                    Runtime.getRuntime().maxMemory(), report.created(), report.updated(), report.statusesWrittenBack(),
                    report.adopted(), report.allTaskErrors().size(), report.failedMailboxes().size(), report.requests(),
                    processCpuMillis() - cpu0, CycleResult.millis(threads.stop()));
        } else {
            NaiveIntegration.Counts n = naive.cycle();
            long wall = (System.nanoTime() - t0) / 1_000_000;
            long[] h = heap.stop();
            r = new CycleResult(label, wall, crmDb.statements() - statements, crmDb.queries() - queries, h[0], h[1],
                    Runtime.getRuntime().maxMemory(), n.created(), n.updated(), n.statusesWrittenBack(), 0,
                    n.errors(), n.failedMailboxes(), n.requests(), processCpuMillis() - cpu0,
                    CycleResult.millis(threads.stop()));
        }
        return r;
    }
}

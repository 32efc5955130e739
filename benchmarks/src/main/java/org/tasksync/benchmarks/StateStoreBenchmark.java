package org.tasksync.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.Link;
import org.tasksync.core.state.JdbcSyncStateStore;
import org.tasksync.testkit.jdbc.PooledDataSource;

/**
 * What the state store costs per created task, in tasks per second, on the H2 file the benchmark's
 * engine uses ({@code WRITE_DELAY=0}, pooled): a batch of {@value #BATCH} new links saved as the
 * engine saves them today (the intent, then the result with item id and change key, two upserts
 * and two commits), against one save of the result alone, the least a create could cost. Ids are
 * spread over the key range as a rep's tasks are in the CRM, so each batch touches many index pages.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m"})
public class StateStoreBenchmark {

    static final int BATCH = 100;

    private Path dir;
    private JdbcDataSource h2;
    private DataSource db;
    private JdbcSyncStateStore store;
    private long next;
    private TaskValues values;

    @Setup(Level.Trial)
    public void setUp() {
        try {
            dir = Files.createTempDirectory("tasksync-state-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + dir.resolve("state") + ";WRITE_DELAY=0");
        h2.setUser("sa");
        db = new PooledDataSource(h2);
        store = JdbcSyncStateStore.builder(db).build();
        values = TaskValues.builder().subject("Call customer 4711 about order 104711")
                .body("Ask for the signed order form.\nBring the price list and the delivery terms.")
                .status(ExchangeStatus.IN_PROGRESS).importance(Importance.NORMAL).percentComplete(20)
                .dueDate(LocalDate.of(2026, 3, 20)).startDate(LocalDate.of(2026, 3, 18)).owner("Rita Rep").build();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException, IOException {
        // past the pool, whose close would touch the connection SHUTDOWN has closed
        try (Connection c = h2.getConnection(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    JdbcSyncStateStore store() {
        return store;
    }

    /** The next batch of one mailbox: ids far apart, as rep r's tasks r, r + 100, r + 200, ... */
    private List<Link> intents() {
        long mailbox = next++;
        List<Link> out = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            String id = String.format("T%06d-%07d", i, mailbox);
            out.add(new Link(id, "rep" + mailbox + "@example.com", null, null, Link.State.CREATE_INTENDED, values,
                    "In Progress", Instant.parse("2026-03-01T10:00:00Z").plusSeconds(i), ExchangeStatus.IN_PROGRESS,
                    false));
        }
        return out;
    }

    private static List<Link> linked(List<Link> intents) {
        List<Link> out = new ArrayList<>(intents.size());
        for (Link l : intents) {
            out.add(new Link(l.crmTaskId(), l.mailbox(), "AAMkAD" + l.crmTaskId(), "CQAAABYAAA" + l.crmTaskId(),
                    Link.State.LINKED, l.lastWritten(), l.lastCrmStatus(), l.lastCrmModifiedAt(),
                    l.lastExchangeStatus(), false));
        }
        return out;
    }

    /** What {@code Cycle.create} does today per batch: the intent, then the result. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void createSavedTwice() {
        List<Link> intents = intents();
        store.saveLinks(intents);
        store.saveLinks(linked(intents));
    }

    /** The result alone: one upsert and one commit per batch. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void createSavedOnce() {
        store.saveLinks(linked(intents()));
    }
}

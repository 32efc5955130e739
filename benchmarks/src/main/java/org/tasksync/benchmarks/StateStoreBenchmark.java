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
import org.openjdk.jmh.annotations.Param;
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
 * engine uses (the URL settings docs/state-store.md recommends, pooled), with the table already
 * holding the links of a 100k estate: a batch of {@value #BATCH} new links of one rep saved as the
 * engine saves them (the intent, which the store keeps in its small intents table, then the result
 * with item id and change key, which goes into the links table and takes the intent out: two saves,
 * two commits), against one save of the result alone, the least a create could cost.
 *
 * <p>The estate is the default benchmark's: task {@code i} belongs to rep {@code i mod 1000}, so a
 * rep's ids lie 1,000 apart over the whole key range. The table is filled rep by rep with
 * {@link #links} such links; each measured batch gives one rep 100 new tasks whose ids sort right
 * after that rep's existing ones, so every batch lands in about 100 different leaf pages of the
 * {@code crm_task_id} index, as a batch does late in a first sync. The new links are deleted before
 * every iteration, so each iteration starts from the same table.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m"})
public class StateStoreBenchmark {

    static final int BATCH = 100;
    static final int REPS = 1000;

    /** Links in the table before the first measured batch. */
    @Param("100000")
    public int links;

    /** What follows the file name in the H2 URL; {@code -p h2Settings=...} tries another. */
    @Param(EngineSide.STATE_H2_SETTINGS)
    public String h2Settings;

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
        h2.setURL("jdbc:h2:file:" + dir.resolve("state") + h2Settings);
        h2.setUser("sa");
        db = new PooledDataSource(h2);
        store = JdbcSyncStateStore.builder(db).build();
        values = TaskValues.builder().subject("Call customer 4711 about order 104711")
                .body("Ask for the signed order form.\nBring the price list and the delivery terms.")
                .status(ExchangeStatus.IN_PROGRESS).importance(Importance.NORMAL).percentComplete(20)
                .dueDate(LocalDate.of(2026, 3, 20)).startDate(LocalDate.of(2026, 3, 18)).owner("Rita Rep").build();
        // rep by rep, as a first sync fills it, so the pages are as full as the engine leaves them
        int perRep = links / REPS;
        for (int rep = 0; rep < REPS && perRep > 0; rep++) {
            List<Link> batch = new ArrayList<>(perRep);
            for (int j = 0; j < perRep; j++) {
                batch.add(link(CrmDatabase.taskId(rep + REPS * j), rep, j));
            }
            store.saveLinks(linked(batch));
        }
    }

    /** Every iteration starts from the filled table: the links the last one added go. */
    @Setup(Level.Iteration)
    public void removeAdded() throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM tasksync_links WHERE crm_task_id LIKE '%/%'");
        }
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

    /**
     * The next batch: 100 new tasks of rep {@code k mod 1000}, each id right after one of the rep's
     * existing ids ({@code A1:00000005/1} after {@code A1:00000005}), so 1,000 apart in the key range.
     */
    private List<Link> intents() {
        long k = next++;
        int rep = (int) (k % REPS);
        long round = k / REPS + 1;
        List<Link> out = new ArrayList<>(BATCH);
        for (int j = 0; j < BATCH; j++) {
            out.add(link(CrmDatabase.taskId(rep + REPS * j) + "/" + round, rep, j));
        }
        return out;
    }

    private Link link(String id, int rep, int j) {
        return new Link(id, CrmDatabase.mailbox(rep), null, null, Link.State.CREATE_INTENDED, values, "In Progress",
                Instant.parse("2026-03-01T10:00:00Z").plusSeconds(j), ExchangeStatus.IN_PROGRESS, false);
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

    /** What {@code Cycle.create} does per batch: the intent, then the result. */
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

package org.tasksync.benchmarks;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.mapping.TaskMapper;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.NewExchangeTask;

/**
 * The CPU-bound path of a cycle, in tasks per second: mapping a CRM task to the values of an
 * Exchange write ({@link TaskMapper}), and the change comparison that decides which fields an
 * update sends ({@link TaskValues#differingFields}). {@value #TASKS} varied tasks per invocation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m"})
public class MappingBenchmark {

    static final int TASKS = 1_000;

    private TaskMapper mapper;
    private Set<ExchangeField> managed;
    private CrmTask[] tasks;
    private TaskMapper.Context[] contexts;
    private TaskValues[] written;
    private TaskValues[] wanted;

    @Setup
    public void setUp() {
        SyncSettings settings = SyncSettings.ofDefaults();
        mapper = new TaskMapper(settings.mapping());
        managed = settings.mapping().fields().managedFields();
        LocalDate today = LocalDate.of(2026, 3, 2);
        ZoneId[] zones = {ZoneId.of("Europe/Vienna"), ZoneId.of("America/New_York"), ZoneId.of("Asia/Tokyo")};
        String[] statuses = {"Open", "Open", "In Progress", "Completed", "Missed"};
        tasks = new CrmTask[TASKS];
        contexts = new TaskMapper.Context[TASKS];
        written = new TaskValues[TASKS];
        wanted = new TaskValues[TASKS];
        for (int i = 0; i < TASKS; i++) {
            LocalDate due = today.plusDays(i % 61 - 30);
            String status = statuses[i % statuses.length];
            CrmTask.Builder b = CrmTask.builder("A1:" + i).repId("R" + i % 50).createdByRepId("R" + (i + 1) % 50)
                    .subject("Call customer " + i + " about order " + (100_000 + i)).dueDate(due)
                    .status(status).priority(i % 3 == 0 ? "High" : "Normal")
                    .percentComplete(status.equals("Completed") ? 100 : i % 4 * 20)
                    .modifiedAt(Instant.parse("2026-03-01T10:00:00Z").plusSeconds(i));
            if (i % 3 == 0) {
                b.startDate(due.minusDays(2));
            }
            if (i % 4 == 0) {
                b.reminder(15, "minutes");
            }
            if (i % 2 == 0) {
                b.comments("Ask for the signed order form.\nBring the price list and the delivery terms.");
            }
            if (status.equals("Completed")) {
                b.completeDate(due);
            }
            tasks[i] = b.build();
            contexts[i] = new TaskMapper.Context("Rep " + i % 50, "Rep " + (i + 1) % 50, zones[i % zones.length],
                    today, null);
            TaskValues v = mapper.map(tasks[i], contexts[i]).values();
            if (v == null) {
                throw new IllegalStateException("benchmark task " + i + " does not map: "
                        + mapper.map(tasks[i], contexts[i]).errors());
            }
            written[i] = v;
            // what the CRM holds now: a tenth edited (subject, due date), the rest as written
            wanted[i] = i % 10 == 0 ? v.toBuilder().subject(v.subject() + " (moved)").dueDate(due.plusDays(1)).build() : v;
        }
    }

    /** CRM task → the values of a CreateItem / POST, as the engine builds them. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void mapTaskToExchangeWrite(Blackhole bh) {
        for (int i = 0; i < TASKS; i++) {
            TaskMapper.Result r = mapper.map(tasks[i], contexts[i]);
            bh.consume(new NewExchangeTask(tasks[i].id(), r.values()));
        }
    }

    /** The comparison of what the CRM wants with what was last written, field by field. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void differingFields(Blackhole bh) {
        for (int i = 0; i < TASKS; i++) {
            bh.consume(wanted[i].differingFields(written[i], managed));
        }
    }
}

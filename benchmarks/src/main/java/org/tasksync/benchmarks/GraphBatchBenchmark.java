package org.tasksync.benchmarks;

import com.microsoft.graph.core.content.BatchRequestContent;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.todo.lists.item.tasks.TasksRequestBuilder;
import com.microsoft.kiota.HttpMethod;
import com.microsoft.kiota.RequestInformation;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
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
import org.tasksync.adapter.graph.internal.BatchContent;
import org.tasksync.adapter.graph.internal.TaskCodec;
import org.tasksync.adapter.graph.internal.TodoTaskJson;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.TaskValues;

/**
 * The Graph adapter's CPU for the requests of an initial sync, in tasks per second, without the
 * network: a {@code $batch} of {@value #TASKS} creates built as the adapter builds it (each task's JSON
 * written by {@link TodoTaskJson}, the batch body by the adapter's {@link BatchContent}); the same with
 * each task's body serialized by Kiota from the SDK's model, as the adapter did before
 * (docs/perf/graphjson.md); and that written by the SDK's own {@link BatchRequestContent}, which turns
 * every step into an OkHttp request and asks a token for it (docs/perf/graphcpu.md). Graph's own base
 * URL, so the token is asked as in production.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m"})
public class GraphBatchBenchmark {

    static final int TASKS = BatchContent.MAX_STEPS;

    private GraphServiceClient client;
    private TaskValues[] values;
    private ZoneId[] zones;

    @Setup
    public void setUp() {
        AccessTokenProvider tokens = new AccessTokenProvider() {
            private final AllowedHostsValidator hosts = new AllowedHostsValidator("graph.microsoft.com");

            @Override
            public String getAuthorizationToken(URI uri, Map<String, Object> context) {
                return hosts.isUrlHostValid(uri) ? "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.benchmark" : "";
            }

            @Override
            public AllowedHostsValidator getAllowedHostsValidator() {
                return hosts;
            }
        };
        client = new GraphServiceClient(new BaseBearerTokenAuthenticationProvider(tokens), GraphClientFactory.create().build());
        ZoneId[] z = {ZoneId.of("Europe/Vienna"), ZoneId.of("America/New_York"), ZoneId.of("Asia/Tokyo")};
        values = new TaskValues[TASKS];
        zones = new ZoneId[TASKS];
        LocalDate today = LocalDate.of(2026, 3, 2);
        for (int i = 0; i < TASKS; i++) {
            LocalDate due = today.plusDays(i % 61 - 30);
            TaskValues.Builder b = TaskValues.builder().subject("Call customer " + i + " about order " + (100_000 + i))
                    .dueDate(due).status(i % 5 == 3 ? ExchangeStatus.COMPLETED : ExchangeStatus.NOT_STARTED)
                    .importance(i % 3 == 0 ? Importance.HIGH : Importance.NORMAL).percentComplete(i % 5 == 3 ? 100 : 0)
                    .owner("Rep " + i % 50).createdBy("Rep " + (i + 1) % 50);
            if (i % 3 == 0) {
                b.startDate(due.minusDays(2));
            }
            if (i % 4 == 0) {
                b.reminder(true, due.atStartOfDay(z[i % z.length]).toInstant().plusSeconds(8 * 3600));
            }
            if (i % 2 == 0) {
                b.body("Ask for the signed order form.\nBring the price list & the delivery terms.");
            }
            if (i % 5 == 3) {
                b.completeDate(due);
            }
            values[i] = b.build();
            zones[i] = z[i % z.length];
        }
    }

    private TasksRequestBuilder tasks() {
        return client.users().byUserId("anna@contoso.com").todo().lists().byTodoTaskListId("AAMkAGI2TG93AAA=").tasks();
    }

    /** A create as the adapter makes it: the list's URL once per batch, the task's JSON written directly. */
    private RequestInformation create(RequestInformation list, int i) {
        return TodoTaskJson.request(HttpMethod.POST, list, TodoTaskJson.create("A1:" + i, values[i], zones[i]));
    }

    /** A create as the adapter made it before: the SDK's model, serialized by Kiota. */
    private RequestInformation createFromModel(int i) {
        return tasks().toPostRequestInformation(TaskCodec.forCreate("A1:" + i, values[i], zones[i]));
    }

    /** A batch of creates as the adapter builds it. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void createBatch(Blackhole bh) throws IOException {
        bh.consume(ourBatch());
    }

    /** The same batch with each task's body serialized by Kiota from the SDK's model, as before. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void createBatchKiotaModels(Blackhole bh) throws IOException {
        bh.consume(modelsBatch());
    }

    /** The same steps written by the SDK's BatchRequestContent, as the adapter did before. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void createBatchSdkWriter(Blackhole bh) throws IOException {
        bh.consume(sdkBatch());
    }

    byte[] ourBatch() throws IOException {
        BatchContent content = new BatchContent(client);
        RequestInformation list = tasks().toGetRequestInformation();
        for (int i = 0; i < TASKS; i++) {
            content.add(create(list, i));
        }
        return body(client.getBatchRequestBuilder().toPostRequestInformation(content));
    }

    byte[] modelsBatch() throws IOException {
        BatchContent content = new BatchContent(client);
        for (int i = 0; i < TASKS; i++) {
            content.add(createFromModel(i));
        }
        return body(client.getBatchRequestBuilder().toPostRequestInformation(content));
    }

    byte[] sdkBatch() throws IOException {
        BatchRequestContent content = new BatchRequestContent(client);
        for (int i = 0; i < TASKS; i++) {
            content.addBatchRequestStep(createFromModel(i));
        }
        return body(client.getBatchRequestBuilder().toPostRequestInformation(content));
    }

    private static byte[] body(RequestInformation batch) throws IOException {
        try (InputStream in = batch.content) {
            return in.readAllBytes();
        }
    }
}

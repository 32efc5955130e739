package org.tasksync.adapter.graph.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.graph.core.content.BatchRequestContent;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.todo.lists.item.tasks.TasksRequestBuilder;
import com.microsoft.kiota.RequestInformation;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.TaskValues;

/**
 * The adapter's {@code $batch} body against the SDK's {@link BatchRequestContent}, for every kind of
 * step the adapter sends: the same bytes (the step ids aside, which are random in both), and no token
 * asked for a step.
 */
class BatchContentTest {

    private static final String USER = "anna.o'brien+crm@example.com";
    private static final String LIST = "AAMkAGI2TG93AAA=";
    private static final String TASK = "AAMkADAwATM0MDAAMS1iNjZkLWI0YjgtMDACLTAwCgBGAAAD1/+x_-==";
    private static final ZoneId ZONE = ZoneId.of("Europe/Vienna");
    /** Texts whose escaping in JSON could differ: HTML, quotes, control characters, non-ASCII, emoji, a lone surrogate. */
    private static final List<String> TEXTS = List.of("Call customer", "<b>Q&A</b> \"quoted\" 'single' \\ back/slash",
            "tab\there\nnew line\r\u0000\u001f\u007f end", "Grüße, Ærø, 東京, עברית, \u2028\u2029", "emoji \uD83D\uDE00 and \uD83D",
            "=?%2F%25 {braces} [x] $expand", "");

    private final AtomicInteger tokens = new AtomicInteger();
    private final GraphServiceClient client = client();

    @Test
    void writesTheSameBytesAsTheSdkForEveryKindOfStep() throws IOException {
        for (String text : TEXTS) {
            TaskValues v = values(text);
            Set<ExchangeField> all = Set.of(ExchangeField.SUBJECT, ExchangeField.BODY, ExchangeField.START_DATE,
                    ExchangeField.DUE_DATE, ExchangeField.STATUS, ExchangeField.IMPORTANCE, ExchangeField.COMPLETE_DATE,
                    ExchangeField.REMINDER, ExchangeField.OWNER, ExchangeField.extended("Region"));
            TaskValues cleared = TaskValues.builder().subject(text).status(ExchangeStatus.NOT_STARTED).build();
            Map<String, Object> ext = TaskCodec.wholeExtension("A1:" + text, v, all);
            List<Supplier<RequestInformation>> steps = List.of(
                    () -> tasks().toPostRequestInformation(TaskCodec.forCreate("A1:" + text, v, ZONE)),
                    () -> tasks().toPostRequestInformation(TaskCodec.forCreate("A1:" + text, cleared, ZoneId.of("UTC"))),
                    () -> tasks().byTodoTaskId(TASK).toPatchRequestInformation(TaskCodec.taskPatch(v, all, ZONE)),
                    () -> tasks().byTodoTaskId(TASK).toPatchRequestInformation(TaskCodec.taskPatch(cleared, all, ZONE)),
                    () -> tasks().byTodoTaskId(TASK).extensions().byExtensionId(TaskCodec.EXTENSION)
                            .toPatchRequestInformation(TaskCodec.extension(ext, null)),
                    () -> tasks().byTodoTaskId(TASK).extensions().toPostRequestInformation(TaskCodec.extension(ext, null)),
                    () -> tasks().byTodoTaskId(TASK).toGetRequestInformation(
                            rc -> rc.queryParameters.expand = new String[] {"extensions", "linkedResources"}),
                    () -> tasks().byTodoTaskId(TASK).toDeleteRequestInformation());
            assertThat(ours(steps)).as("steps with '%s'", text).isEqualTo(sdks(steps));
        }
    }

    @Test
    void asksNoTokenForAStep() throws IOException {
        tokens.set(0);
        ours(List.of(() -> tasks().byTodoTaskId(TASK).toDeleteRequestInformation(),
                () -> tasks().toPostRequestInformation(TaskCodec.forCreate("A1:1", values("x"), ZONE))));
        assertThat(tokens).as("tokens asked while writing the batch").hasValue(0);
        sdks(List.of(() -> tasks().byTodoTaskId(TASK).toDeleteRequestInformation()));
        assertThat(tokens).as("the SDK's writer asks one per step (and the batch leaves it out)").hasValue(1);
    }

    @Test
    void refusesMoreStepsThanGraphTakes() {
        BatchContent content = new BatchContent(client);
        for (int i = 0; i < BatchContent.MAX_STEPS; i++) {
            content.add(tasks().byTodoTaskId(TASK + i).toDeleteRequestInformation());
        }
        assertThatThrownBy(() -> content.add(tasks().byTodoTaskId(TASK).toDeleteRequestInformation()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("20");
    }

    // ------------------------------------------------------------------ helpers

    private String ours(List<Supplier<RequestInformation>> steps) throws IOException {
        BatchContent content = new BatchContent(client);
        List<String> ids = new ArrayList<>();
        for (Supplier<RequestInformation> s : steps) {
            ids.add(content.add(s.get()));
        }
        return withoutIds(client.getBatchRequestBuilder().toPostRequestInformation(content), ids);
    }

    private String sdks(List<Supplier<RequestInformation>> steps) throws IOException {
        BatchRequestContent content = new BatchRequestContent(client);
        List<String> ids = new ArrayList<>();
        for (Supplier<RequestInformation> s : steps) {
            ids.add(content.addBatchRequestStep(s.get()));
        }
        return withoutIds(client.getBatchRequestBuilder().toPostRequestInformation(content), ids);
    }

    /**
     * The request's body with the step ids replaced by their place and each step's headers in the order of
     * their names: the SDK itself sends them in a random order (Kiota's header map hands out its entries
     * in a HashSet of entries without a hashCode of their own), and so does the adapter, reading the same map.
     */
    private static String withoutIds(RequestInformation batch, List<String> ids) throws IOException {
        String body;
        try (InputStream in = batch.content) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (int i = 0; i < ids.size(); i++) {
            assertThat(body).contains("\"id\":\"" + ids.get(i) + "\"");
            body = body.replace(ids.get(i), "step-" + i);
        }
        Matcher m = HEADERS.matcher(body);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            List<String> members = new ArrayList<>(List.of(m.group(1).split(",")));
            Collections.sort(members);
            m.appendReplacement(out, Matcher.quoteReplacement("\"headers\":{" + String.join(",", members) + "}"));
        }
        m.appendTail(out);
        return out + " " + batch.httpMethod + " " + batch.urlTemplate + " " + batch.headers.get("content-type");
    }

    private static final Pattern HEADERS = Pattern.compile("\"headers\":\\{([^}]*)}");

    private TasksRequestBuilder tasks() {
        return client.users().byUserId(USER).todo().lists().byTodoTaskListId(LIST).tasks();
    }

    private static TaskValues values(String text) {
        return TaskValues.builder().subject(text).body(text).startDate(LocalDate.of(2026, 3, 29))
                .dueDate(LocalDate.of(2026, 10, 25)).status(ExchangeStatus.COMPLETED).importance(Importance.HIGH)
                .completeDate(LocalDate.of(2026, 10, 24)).percentComplete(100).reminder(true, Instant.parse("2026-10-25T06:30:00Z"))
                .owner(text).createdBy("Ben Boss").extended("Region", text).build();
    }

    private GraphServiceClient client() {
        AccessTokenProvider source = new AccessTokenProvider() {
            private final AllowedHostsValidator hosts = new AllowedHostsValidator("graph.example.com");

            @Override
            public String getAuthorizationToken(URI uri, Map<String, Object> context) {
                tokens.incrementAndGet();
                return "token-" + tokens.get();
            }

            @Override
            public AllowedHostsValidator getAllowedHostsValidator() {
                return hosts;
            }
        };
        GraphServiceClient c = new GraphServiceClient(new BaseBearerTokenAuthenticationProvider(source),
                GraphClientFactory.create().build());
        c.getRequestAdapter().setBaseUrl("https://graph.example.com/v1.0");
        return c;
    }
}

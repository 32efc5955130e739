package org.tasksync.adapter.graph.internal;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.TaskValues;

/** A {@code $batch} body written by the adapter's {@link BatchContent} and by the SDK, for comparing the two. */
final class BatchBodies {

    static final String USER = "anna.o'brien+crm@example.com";
    static final String LIST = "AAMkAGI2TG93AAA=";
    static final String TASK = "AAMkADAwATM0MDAAMS1iNjZkLWI0YjgtMDACLTAwCgBGAAAD1/+x_-==";

    /** Tokens the client's authentication provider handed out. */
    final AtomicInteger tokens = new AtomicInteger();
    final GraphServiceClient client = client();

    String ours(List<Supplier<RequestInformation>> steps) throws IOException {
        BatchContent content = new BatchContent(client);
        List<String> ids = new ArrayList<>();
        for (Supplier<RequestInformation> s : steps) {
            ids.add(content.add(s.get()));
        }
        return withoutIds(client.getBatchRequestBuilder().toPostRequestInformation(content), ids);
    }

    String sdks(List<Supplier<RequestInformation>> steps) throws IOException {
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

    /**
     * One step of every kind the adapter sends, with {@code text} in every text it writes: creates (all
     * values, and few), task PATCHes (values, and cleared ones), the extension's PATCH and POST, the GET
     * of a task with its extension and linked resources, a DELETE; two tasks, so that steps of the same
     * kind go to different URLs too.
     */
    List<Supplier<RequestInformation>> everyKindOfStep(String text, ZoneId zone) {
        TaskValues v = values(text);
        Set<ExchangeField> all = Set.of(ExchangeField.SUBJECT, ExchangeField.BODY, ExchangeField.START_DATE,
                ExchangeField.DUE_DATE, ExchangeField.STATUS, ExchangeField.IMPORTANCE, ExchangeField.COMPLETE_DATE,
                ExchangeField.REMINDER, ExchangeField.OWNER, ExchangeField.extended("Region"));
        TaskValues cleared = TaskValues.builder().subject(text).status(ExchangeStatus.NOT_STARTED).build();
        Map<String, Object> ext = TaskCodec.wholeExtension("A1:" + text, v, all);
        String other = TASK + "2";
        return List.of(
                () -> tasks().toPostRequestInformation(TaskCodec.forCreate("A1:" + text, v, zone)),
                () -> tasks().toPostRequestInformation(TaskCodec.forCreate("A1:" + text, cleared, ZoneId.of("UTC"))),
                () -> tasks().byTodoTaskId(TASK).toPatchRequestInformation(TaskCodec.taskPatch(v, all, zone)),
                () -> tasks().byTodoTaskId(TASK).toPatchRequestInformation(TaskCodec.taskPatch(cleared, all, zone)),
                () -> tasks().byTodoTaskId(other).toPatchRequestInformation(TaskCodec.taskPatch(v, all, zone)),
                () -> tasks().byTodoTaskId(TASK).extensions().byExtensionId(TaskCodec.EXTENSION)
                        .toPatchRequestInformation(TaskCodec.extension(ext, null)),
                () -> tasks().byTodoTaskId(TASK).extensions().toPostRequestInformation(TaskCodec.extension(ext, null)),
                () -> tasks().byTodoTaskId(TASK).toGetRequestInformation(
                        rc -> rc.queryParameters.expand = new String[] {"extensions", "linkedResources"}),
                () -> tasks().byTodoTaskId(other).toGetRequestInformation(
                        rc -> rc.queryParameters.expand = new String[] {"extensions", "linkedResources"}),
                () -> tasks().byTodoTaskId(TASK).toDeleteRequestInformation(),
                () -> tasks().byTodoTaskId(other).toDeleteRequestInformation());
    }

    TasksRequestBuilder tasks() {
        return client.users().byUserId(USER).todo().lists().byTodoTaskListId(LIST).tasks();
    }

    static TaskValues values(String text) {
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

package org.tasksync.adapter.graph.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.kiota.HttpMethod;
import com.microsoft.kiota.RequestInformation;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.TaskValues;

/** The todoTask bodies the adapter writes itself are the SDK's, for the awkward cases one by one. */
class TodoTaskJsonTest {

    private static final ZoneId VIENNA = ZoneId.of("Europe/Vienna");
    private static final Set<ExchangeField> ALL = Set.of(ExchangeField.SUBJECT, ExchangeField.BODY,
            ExchangeField.START_DATE, ExchangeField.DUE_DATE, ExchangeField.STATUS, ExchangeField.IMPORTANCE,
            ExchangeField.COMPLETE_DATE, ExchangeField.REMINDER);

    private final SdkBodies sdk = new SdkBodies();
    private final BatchBodies bodies = new BatchBodies();

    @ParameterizedTest
    @ValueSource(strings = {"quote \" and backslash \\ and slash /", "tab\tline\ncr\rff\fbs\b nul\u0000 us\u001f del\u007f",
            "html <b>&amp;</b> 'single' =", "line sep \u2028 para sep \u2029", "Grüße, Łódź, 東京, עברית",
            "emoji \uD83D\uDE00 pair", "lone high \uD800 and low \uDC00 surrogates", "", " "})
    void awkwardTextsAreWrittenAsTheSdkWritesThem(String text) throws IOException {
        TaskValues v = BatchBodies.values(text);
        assertThat(SdkBodies.text(TodoTaskJson.create(text, v, VIENNA))).isEqualTo(sdk.create(text, v, VIENNA));
        assertThat(SdkBodies.text(TodoTaskJson.patch(v, ALL, VIENNA))).isEqualTo(sdk.patch(v, ALL, VIENNA));
    }

    @Test
    void escapesAsKiotaDoes() {
        String text = "a\"b\\c<>&'\u2028\u0001é\uD83D\uDE00\uD800x";
        TaskValues v = TaskValues.builder().subject(text).status(ExchangeStatus.NOT_STARTED).build();
        String json = SdkBodies.text(TodoTaskJson.create("A1", v, ZoneOffset.UTC));
        // JSON's escapes for quote, backslash, U+2028 and control characters; HTML's characters, non-ASCII and
        // pairs as they are, a lone surrogate as '?' (the UTF-8 encoder's replacement)
        assertThat(json).endsWith("\"status\":\"notStarted\",\"title\":\"a\\\"b\\\\c<>&'\\u2028\\u0001é\uD83D\uDE00?x\"}");
    }

    @Test
    void aCreateWithEveryValueHasTheSdksOrderAndSpelling() {
        TaskValues v = TaskValues.builder().subject("T").body("B").startDate(LocalDate.of(2026, 3, 29))
                .dueDate(LocalDate.of(2026, 10, 25)).status(ExchangeStatus.WAITING_ON_OTHERS).importance(Importance.LOW)
                .completeDate(LocalDate.of(2026, 10, 24)).reminder(true, Instant.parse("2026-10-25T06:30:00Z")).build();
        assertThat(SdkBodies.text(TodoTaskJson.create("C9", v, VIENNA))).isEqualTo("{\"body\":{\"content\":\"B\","
                + "\"contentType\":\"html\"},\"dueDateTime\":{\"dateTime\":\"2026-10-25T00:00:00\",\"timeZone\":"
                + "\"W. Europe Standard Time\"},\"extensions\":[{\"@odata.type\":\"#microsoft.graph.openTypeExtension\","
                + "\"crmId\":\"C9\",\"extensionName\":\"org.tasksync.task\"}],\"importance\":\"low\",\"isReminderOn\":true,"
                + "\"linkedResources\":[{\"applicationName\":\"tasksync\",\"displayName\":\"CRM task C9\",\"externalId\":\"C9\"}],"
                + "\"reminderDateTime\":{\"dateTime\":\"2026-10-25T06:30:00\",\"timeZone\":\"UTC\"},\"startDateTime\":"
                + "{\"dateTime\":\"2026-03-29T00:00:00\",\"timeZone\":\"W. Europe Standard Time\"},\"status\":\"waitingOnOthers\","
                + "\"title\":\"T\"}");
    }

    @Test
    void manyExtensionValuesKeepTheSdksOrder() throws IOException {
        TaskValues.Builder b = TaskValues.builder().subject("s").owner("o").createdBy("c").percentComplete(40);
        for (int i = 0; i < 20; i++) {
            b.extended("Field" + i, "v" + i);
        }
        TaskValues v = b.build();
        assertThat(SdkBodies.text(TodoTaskJson.create("A1", v, VIENNA))).isEqualTo(sdk.create("A1", v, VIENNA));
    }

    @Test
    void aPatchClearingEveryValueSendsTheSdksNulls() throws IOException {
        TaskValues cleared = TaskValues.builder().status(ExchangeStatus.IN_PROGRESS).build();
        String json = SdkBodies.text(TodoTaskJson.patch(cleared, ALL, VIENNA));
        assertThat(json).isEqualTo(sdk.patch(cleared, ALL, VIENNA));
        assertThat(json).contains("\"startDateTime\":null", "\"dueDateTime\":null", "\"completedDateTime\":null",
                "\"reminderDateTime\":null", "\"body\":{\"content\":\"\",\"contentType\":\"text\"}", "\"title\":\"\"");
    }

    @Test
    void aPatchOfOneFieldCarriesOnlyIt() throws IOException {
        TaskValues v = BatchBodies.values("x");
        for (ExchangeField f : ALL) {
            assertThat(SdkBodies.text(TodoTaskJson.patch(v, Set.of(f), VIENNA))).isEqualTo(sdk.patch(v, Set.of(f), VIENNA));
        }
        // a completion date without the status: written when there is one
        Set<ExchangeField> dateOnly = Set.of(ExchangeField.COMPLETE_DATE);
        TaskValues open = TaskValues.builder().completeDate(LocalDate.of(2026, 1, 2)).status(ExchangeStatus.NOT_STARTED).build();
        assertThat(SdkBodies.text(TodoTaskJson.patch(open, dateOnly, VIENNA))).isEqualTo(sdk.patch(open, dateOnly, VIENNA));
        assertThat(TodoTaskJson.patch(v, Set.of(ExchangeField.OWNER, ExchangeField.extended("Region")), VIENNA)).isNull();
    }

    /** The whole {@code $batch}: URL, method, headers and body of the steps as the adapter now makes them. */
    @Test
    void theBatchOfCreatesAndPatchesIsTheSdks() throws IOException {
        String text = "<\"é\uD83D\uDE00\u2028>";
        TaskValues v = BatchBodies.values(text);
        TaskValues cleared = TaskValues.builder().subject(text).status(ExchangeStatus.NOT_STARTED).build();
        RequestInformation list = bodies.tasks().toGetRequestInformation();
        List<Supplier<RequestInformation>> ours = List.of(
                () -> TodoTaskJson.request(HttpMethod.POST, list, TodoTaskJson.create("A1", v, VIENNA)),
                () -> TodoTaskJson.request(HttpMethod.POST, list, TodoTaskJson.create("A2", cleared, VIENNA)),
                () -> TodoTaskJson.request(HttpMethod.PATCH, bodies.tasks().byTodoTaskId(BatchBodies.TASK)
                        .toGetRequestInformation(), TodoTaskJson.patch(v, ALL, VIENNA)),
                () -> TodoTaskJson.request(HttpMethod.PATCH, bodies.tasks().byTodoTaskId(BatchBodies.TASK + "2")
                        .toGetRequestInformation(), TodoTaskJson.patch(cleared, ALL, VIENNA)));
        List<Supplier<RequestInformation>> sdks = List.of(
                () -> bodies.tasks().toPostRequestInformation(TaskCodec.forCreate("A1", v, VIENNA)),
                () -> bodies.tasks().toPostRequestInformation(TaskCodec.forCreate("A2", cleared, VIENNA)),
                () -> bodies.tasks().byTodoTaskId(BatchBodies.TASK).toPatchRequestInformation(TaskCodec.taskPatch(v, ALL, VIENNA)),
                () -> bodies.tasks().byTodoTaskId(BatchBodies.TASK + "2")
                        .toPatchRequestInformation(TaskCodec.taskPatch(cleared, ALL, VIENNA)));
        assertThat(bodies.ours(ours)).isEqualTo(bodies.sdks(sdks));
    }
}

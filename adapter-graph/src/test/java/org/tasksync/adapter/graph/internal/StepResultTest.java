package org.tasksync.adapter.graph.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import com.microsoft.graph.models.TodoTask;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A write's id and etag read from a step's answer without the SDK's model: what the model gives. */
class StepResultTest {

    @Test
    void readsTheIdAndEtagAsTheSdksModelDoes() {
        List<String> answers = List.of(
                "{\"@odata.etag\":\"W/\\\"vVwdQvxCiE6779iYhchMrAAGgwrltg==\\\"\",\"id\":\"AAMkAD=\",\"title\":\"Call\","
                        + "\"status\":\"notStarted\",\"lastModifiedDateTime\":\"2026-03-02T10:00:00.1234567Z\"}",
                "{\"id\":\"AAMkAD=\"}",
                "{\"@odata.etag\":\"W/\\\"x\\\"\"}",
                "{\"id\":null,\"@odata.etag\":null}",
                "{\"id\":42,\"@odata.etag\":7}",
                "{\"id\":true,\"@odata.etag\":{\"a\":1}}",
                "{\"id\":[\"x\"],\"@odata.etag\":[1]}",
                "{}");
        for (String answer : answers) {
            BatchRunner.StepResult r = new BatchRunner.StepResult(201, null, JsonParser.parseString(answer));
            TodoTask model = r.as(TodoTask::createFromDiscriminatorValue);
            assertThat(r.written()).as(answer).isEqualTo(new TaskCodec.Written(model.getId(), TaskCodec.etag(model)));
        }
        assertThat(new BatchRunner.StepResult(204, null, null).written()).as("no body").isNull();
    }
}

package org.tasksync.adapter.graph.internal;

import com.microsoft.graph.models.TodoTask;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.Set;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.TaskValues;

/** The JSON bodies the SDK writes for the adapter's todoTask models: the reference {@link TodoTaskJson} is held to. */
final class SdkBodies {

    private final BatchBodies bodies = new BatchBodies();

    String create(String crmId, TaskValues v, ZoneId zone) throws IOException {
        return content(bodies.tasks().toPostRequestInformation(TaskCodec.forCreate(crmId, v, zone)).content);
    }

    /** The SDK's PATCH body, or null when the adapter sends no task PATCH for these fields. */
    String patch(TaskValues v, Set<ExchangeField> fields, ZoneId zone) throws IOException {
        TodoTask t = TaskCodec.taskPatch(v, fields, zone);
        return t == null ? null
                : content(bodies.tasks().byTodoTaskId(BatchBodies.TASK).toPatchRequestInformation(t).content);
    }

    static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }

    private static String content(InputStream in) throws IOException {
        try (in) {
            return text(in.readAllBytes());
        }
    }
}

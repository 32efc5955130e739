package org.tasksync.adapter.graph.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.graph.core.content.BatchRequestContent;
import java.io.IOException;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The adapter's {@code $batch} body against the SDK's {@link BatchRequestContent}, for every kind of
 * step the adapter sends: the same bytes (the step ids aside, which are random in both, and the order
 * of each step's headers, which the SDK randomizes), and no token asked for a step.
 */
class BatchContentTest {

    /** Texts whose escaping in JSON could differ: HTML, quotes, control characters, non-ASCII, emoji, a lone surrogate. */
    private static final List<String> TEXTS = List.of("Call customer", "<b>Q&A</b> \"quoted\" 'single' \\ back/slash",
            "tab\there\nnew line\r\u0000\u001f\u007f end", "Grüße, Ærø, 東京, עברית, \u2028\u2029",
            "emoji \uD83D\uDE00 and \uD83D", "=?%2F%25 {braces} [x] $expand &amp; &#60;", "");

    private final BatchBodies bodies = new BatchBodies();

    @Test
    void writesTheSameBytesAsTheSdkForEveryKindOfStep() throws IOException {
        for (String text : TEXTS) {
            for (ZoneId zone : List.of(ZoneId.of("Europe/Vienna"), ZoneId.of("UTC"), ZoneId.of("Asia/Kolkata"))) {
                var steps = bodies.everyKindOfStep(text, zone);
                assertThat(bodies.ours(steps)).as("steps with '%s' in %s", text, zone).isEqualTo(bodies.sdks(steps));
            }
        }
    }

    @Test
    void asksNoTokenForAStep() throws IOException {
        var steps = bodies.everyKindOfStep("x", ZoneId.of("UTC"));
        bodies.tokens.set(0);
        bodies.ours(steps);
        assertThat(bodies.tokens).as("tokens asked while writing the batch").hasValue(0);
        bodies.sdks(steps);
        assertThat(bodies.tokens).as("the SDK's writer asks one per step (and the batch leaves it out)")
                .hasValue(steps.size());
    }

    @Test
    void refusesMoreStepsThanGraphTakes() {
        BatchContent content = new BatchContent(bodies.client);
        for (int i = 0; i < BatchContent.MAX_STEPS; i++) {
            content.add(bodies.tasks().byTodoTaskId(BatchBodies.TASK + i).toDeleteRequestInformation());
        }
        assertThatThrownBy(() -> content.add(bodies.tasks().byTodoTaskId(BatchBodies.TASK).toDeleteRequestInformation()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("20");
    }
}

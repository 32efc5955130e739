package org.tasksync.adapter.graph.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.ZoneId;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The adapter's {@code $batch} body is the SDK's for any text a task carries: {@link BatchContent}
 * puts the JSON body Kiota wrote into the batch as it is, where the SDK parses it and writes it again.
 */
class BatchContentProperties {

    private final BatchBodies bodies = new BatchBodies();

    @Property(tries = 300)
    void anyTextGoesOutAsTheSdkWritesIt(@ForAll("texts") String text) throws IOException {
        var steps = bodies.everyKindOfStep(text, ZoneId.of("Europe/Vienna"));
        assertThat(bodies.ours(steps)).isEqualTo(bodies.sdks(steps));
    }

    @Provide
    Arbitrary<String> texts() {
        // every char, surrogates and control characters included, and the ones JSON and HTML treat specially
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.strings().withChars("<>&=\"'\\/\u2028\u2029\u0000\u001f\u007f\uD83D\uDE00 {},:[]").ofMaxLength(40));
    }
}

package org.tasksync.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;

/** {@link GraphBatchBenchmark} runs, and its three ways write the same batch of all its creates. */
class GraphBatchBenchmarkTest {

    @Test
    void everyWayWritesTheSameBatchOfEveryCreate() throws Exception {
        GraphBatchBenchmark b = new GraphBatchBenchmark();
        b.setUp();
        Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        b.createBatch(bh);
        b.createBatchKiotaModels(bh);
        b.createBatchSdkWriter(bh);
        bh.evaporate("Yes, I am Stephen Hawking, and know a thing or two about black holes.");
        String ours = comparable(b.ourBatch());
        String models = comparable(b.modelsBatch());
        String sdks = comparable(b.sdkBatch());
        assertThat(ours.split("\"method\":\"POST\"", -1)).hasSize(GraphBatchBenchmark.TASKS + 1);
        assertThat(ours).isEqualTo(models).isEqualTo(sdks);
    }

    /**
     * The body without what is random in every way of writing it: the step ids (UUIDs) and the order of each
     * step's headers (Kiota's header map hands its entries out in a HashSet hashed by identity).
     */
    private static String comparable(byte[] batch) {
        String body = new String(batch, StandardCharsets.UTF_8)
                .replaceAll("\"id\":\"[0-9a-f-]{36}\"", "\"id\":\"step\"");
        Matcher m = HEADERS.matcher(body);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            List<String> members = new ArrayList<>(List.of(m.group(1).split(",")));
            Collections.sort(members);
            m.appendReplacement(out, Matcher.quoteReplacement("\"headers\":{" + String.join(",", members) + "}"));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static final Pattern HEADERS = Pattern.compile("\"headers\":\\{([^}]*)}");
}

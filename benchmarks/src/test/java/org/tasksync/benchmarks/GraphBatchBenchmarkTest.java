package org.tasksync.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;

/** {@link GraphBatchBenchmark} runs, and both of its ways write a batch of all its creates. */
class GraphBatchBenchmarkTest {

    @Test
    void bothWaysWriteABatchOfEveryCreate() throws Exception {
        GraphBatchBenchmark b = new GraphBatchBenchmark();
        b.setUp();
        Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        b.createBatch(bh);
        b.createBatchSdkWriter(bh);
        bh.evaporate("Yes, I am Stephen Hawking, and know a thing or two about black holes.");
        String ours = new String(b.ourBatch(), StandardCharsets.UTF_8);
        String sdks = new String(b.sdkBatch(), StandardCharsets.UTF_8);
        assertThat(ours.split("\"method\":\"POST\"", -1)).hasSize(GraphBatchBenchmark.TASKS + 1);
        // the same body but for the random step ids (of one length) and the order of each step's headers
        assertThat(ours).hasSameSizeAs(sdks);
    }
}

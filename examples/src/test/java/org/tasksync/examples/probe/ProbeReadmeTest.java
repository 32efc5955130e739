package org.tasksync.examples.probe;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Keeps the README's probe section true: one command per server type, each runs and its checks hold. */
class ProbeReadmeTest {

    private static final Pattern COMMAND = Pattern.compile("(?m)^```\\n(mvn [^\\n]*-Dexec\\.mainClass=([\\w.]+) "
            + "-Dexec\\.args=\"([^\"]*)\")\\n```");

    @Test
    void theReadmeRunsTheProbeOnceAgainstEachSimulatorAndEachRunHasNoFailure() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), UTF_8);
        List<String> args = new ArrayList<>();
        Matcher m = COMMAND.matcher(readme);
        while (m.find()) {
            if (m.group(2).equals(Probe.class.getName())) {
                assertThat(m.group(1)).startsWith("mvn -B -q -DskipTests -pl examples -am package exec:java ");
                args.add(m.group(3));
            }
        }
        assertThat(args).containsExactly("ews --simulator", "graph --simulator", "crm --simulator");

        for (String a : args) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int exit = Probe.run(a.split(" "), Map.of(), Clock.systemUTC(), new PrintStream(bytes, true, UTF_8));
            String out = bytes.toString(UTF_8);
            assertThat(out).as(a).doesNotContainPattern("(?m)^FAIL");
            if (!a.startsWith("crm")) {
                assertThat(out).as(a).containsPattern("(?m)^PASS  cleanup");
            } else {
                assertThat(out).as(a).contains("The adapter's statements run, and none reads a whole task table.");
            }
            assertThat(exit).as(out).isZero();
        }
    }

    @Test
    void theReadmeLinksToTheProbesSectionInTheExamplesPage() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), UTF_8);
        String examples = Files.readString(Path.of("..", "docs", "examples.md"), UTF_8);

        assertThat(readme).contains("## Before the first cycle: the probe", "docs/examples.md#the-probe");
        assertThat(examples).contains("\n## The probe\n");
    }
}

package org.tasksync.examples.probe;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The probe as an administrator's shell sees it: its own JVM, its exit code and what it prints. */
class ProbeProcessTest {

    private record Exit(int code, String output) {
    }

    private static Exit java(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the probe ends").isTrue();
        return new Exit(p.exitValue(), out);
    }

    @Test
    void exitsWith0WhenEveryCheckPassesAnd2OnWrongArguments() throws Exception {
        Exit passed = java("graph", "--simulator");
        assertThat(passed.code()).as(passed.output()).isZero();
        assertThat(passed.output()).contains("8 passed, 0 failed, 0 skipped");

        Exit wrong = java("graph", "--config");
        assertThat(wrong.code()).as(wrong.output()).isEqualTo(2);
        assertThat(wrong.output()).contains("--config needs a value", "usage: Probe ews|graph");
    }
}

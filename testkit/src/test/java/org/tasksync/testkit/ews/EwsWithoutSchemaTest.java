package org.tasksync.testkit.ews;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build in a fresh clone (no {@code shared/} anywhere above it), in small: a JVM started in a
 * folder where no schema is found still gets a working EWS simulator, and says once, in one line,
 * that it does not validate and how to make it.
 */
class EwsWithoutSchemaTest {

    @Test
    void aJvmWithoutTheSchemaGetsAWorkingSimulatorAndOneLineSayingHowToTurnValidationOn(@TempDir Path fresh)
            throws Exception {
        assumeTrue(EwsSchema.locateFrom(fresh).isEmpty(), "a shared/ews-schema lies above " + fresh);
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                WithoutSchemaRun.class.getName())
                .directory(fresh.toFile())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("validates=false,false tasks=1 status=Deferred");
        assertThat(out.lines().filter(l -> l.contains(EwsSchema.NOT_FOUND)))
                .as("one line for the whole JVM, however many simulators:%n%s", out).hasSize(1);
        assertThat(out).doesNotContain("BUG", "Exception");
    }
}

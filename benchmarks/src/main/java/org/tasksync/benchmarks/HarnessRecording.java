package org.tasksync.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * A JFR recording of the harness's own JVM (simulator and CRM database) over one cycle, written to
 * {@code DIR/<suite>-<cycle>.jfr} ({@code --harness-jfr DIR}). One file per cycle, so that the
 * initial sync's profile is not mixed with the idle cycles' (a {@code -Dbench.jvm} recording covers
 * the whole run).
 */
final class HarnessRecording implements AutoCloseable {

    private final Recording recording;
    private final Path file;

    private HarnessRecording(Recording recording, Path file) {
        this.recording = recording;
        this.file = file;
    }

    /** Starts a recording with JFR's "profile" settings, or returns null when {@code dir} is null. */
    static HarnessRecording start(Path dir, String suite, String cycle) {
        if (dir == null) {
            return null;
        }
        try {
            Files.createDirectories(dir);
            Recording r = new Recording(Configuration.getConfiguration("profile"));
            r.setName("harness " + suite + " " + cycle);
            // every compilation, not only those over 100 ms: the JIT is much of the harness's CPU
            r.enable("jdk.Compilation").withThreshold(java.time.Duration.ZERO);
            r.start();
            return new HarnessRecording(r, dir.resolve(suite + "-" + cycle.replace('%', 'p') + ".jfr"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the harness's JFR recording in " + dir, e);
        } catch (ParseException e) {
            throw new IllegalStateException("JFR's profile settings do not parse", e);
        }
    }

    @Override
    public void close() {
        try {
            recording.stop();
            recording.dump(file);
            Suite.log("harness JFR recording of the cycle: %s", file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the harness's JFR recording " + file, e);
        } finally {
            recording.close();
        }
    }
}

package org.tasksync.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The harness's handle on an engine JVM ({@link EngineProcess}) it started with its own flags. */
final class EngineJvm implements AutoCloseable {

    private final Process process;
    private final BufferedReader out;
    private final Writer in;

    private EngineJvm(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** Starts {@code java <jvmFlags> -cp <this class path> EngineProcess <config>} and waits for READY. */
    static EngineJvm start(List<String> jvmFlags, EngineConfig config) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(EngineProcess.class.getName());
        cmd.addAll(config.toArgs());
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            EngineJvm jvm = new EngineJvm(p);
            jvm.awaitLine("READY");
            return jvm;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the engine's JVM", e);
        }
    }

    /**
     * Replaces the engine in this JVM with one built from {@code config} (the old one's state store
     * is shut down), so that a cycle can be measured in a JVM that has already loaded and compiled
     * the engine's code.
     */
    void replaceEngine(EngineConfig config) {
        try {
            in.write("engine " + String.join("\t", config.toArgs()) + "\n");
            in.flush();
            awaitLine("READY");
        } catch (IOException e) {
            throw new UncheckedIOException("the engine's JVM is gone", e);
        }
    }

    /** Runs one cycle in the engine's JVM; {@code label} has no spaces. */
    CycleResult cycle(String label) {
        try {
            in.write("cycle " + label + "\n");
            in.flush();
            return CycleResult.parse(awaitLine(CycleResult.PREFIX));
        } catch (IOException e) {
            throw new UncheckedIOException("the engine's JVM is gone", e);
        }
    }

    private String awaitLine(String prefix) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
            System.err.println("[engine] " + line);
        }
        throw new IOException("the engine's JVM ended (exit " + waitForExit() + ") before answering " + prefix.trim());
    }

    private int waitForExit() {
        try {
            return process.waitFor(10, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        try {
            in.write("quit\n");
            in.flush();
        } catch (IOException ignored) {
            // already gone
        }
        if (waitForExit() == -1) {
            process.destroyForcibly();
        }
    }
}

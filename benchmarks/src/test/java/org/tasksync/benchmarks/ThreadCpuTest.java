package org.tasksync.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The harness's CPU by kind of thread: what the per-cycle log line says the simulator, JIT and GC cost. */
class ThreadCpuTest {

    @Test
    void theCpuOfASimulatorThreadIsCountedAsTheSimulatorsAndNotAsAnyOtherKind() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        ThreadCpu before = ThreadCpu.now();
        Thread busy = new Thread(() -> {
            // work until the thread has used a few clock ticks of CPU (10 ms each)
            long cpu0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            double x = 0;
            while (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0
                    < 200_000_000L) {
                for (int i = 0; i < 10_000; i++) {
                    x += Math.sqrt(i);
                }
            }
            if (x < 0) {
                throw new AssertionError();
            }
            try {
                Thread.sleep(60_000); // stays alive until read, as the simulator's pooled threads do
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ews-simulator-9-1");
        busy.setDaemon(true);
        busy.start();
        while (busy.getState() != Thread.State.TIMED_WAITING) {
            Thread.sleep(20);
        }
        Map<String, Double> byKind = ThreadCpu.now().since(before);
        busy.interrupt();

        assertThat(byKind.get("ews-simulator")).isGreaterThanOrEqualTo(0.1);
        assertThat(byKind).doesNotContainKey("graph-simulator").doesNotContainKey("crm-h2");
        assertThat(ThreadCpu.format(byKind)).contains("ews-simulator");
    }

    @Test
    void linuxThreadNamesOfTheJvmAndTheHarnessAreGroupedByWhatTheThreadsDo() {
        assertThat(ThreadCpu.kind("C2 CompilerThre")).isEqualTo("jit");
        assertThat(ThreadCpu.kind("C1 CompilerThre")).isEqualTo("jit");
        assertThat(ThreadCpu.kind("GC Thread#0")).isEqualTo("gc+vm");
        assertThat(ThreadCpu.kind("G1 Conc#0")).isEqualTo("gc+vm");
        assertThat(ThreadCpu.kind("graph-simulato")).isEqualTo("graph-simulator");
        assertThat(ThreadCpu.kind("H2 TCP Server (")).isEqualTo("crm-h2");
        assertThat(ThreadCpu.kind("HTTP-Dispatcher")).isEqualTo("jdk-httpserver");
        assertThat(ThreadCpu.kind("pool-1-thread-1")).isEqualTo("other");
        assertThat(ThreadCpu.kind("tasksync-mailbo")).isEqualTo("workers");
        assertThat(ThreadCpu.kind("cpu-watch")).isEqualTo("bench");
    }

    @Test
    void aWatchKeepsTheCpuOfAThreadThatEndedBeforeTheWatchStopped() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        ThreadCpu.Watch watch = new ThreadCpu.Watch();
        Thread worker = new Thread(() -> {
            burn(200_000_000L);
            try {
                Thread.sleep(800); // long enough for the watch to read it at least twice
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tasksync-mailbox-1"); // ends before the watch stops, as the engine's workers end with a cycle
        worker.start();
        worker.join();

        Map<String, Double> byKind = watch.stop();

        assertThat(byKind.get("workers")).isGreaterThanOrEqualTo(0.1);
    }

    private static void burn(long nanos) {
        long cpu0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        double x = 0;
        while (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0 < nanos) {
            for (int i = 0; i < 10_000; i++) {
                x += Math.sqrt(i);
            }
        }
        if (x < 0) {
            throw new AssertionError();
        }
    }
}

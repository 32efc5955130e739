package org.tasksync.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link MappingBenchmark}, {@link StateStoreBenchmark} and {@link GraphBatchBenchmark} through JMH's runner (in forked JVMs)
 * and prints tasks per second.
 */
final class JmhRun {

    private JmhRun() {
    }

    static List<String> run(boolean quick) {
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include("(" + MappingBenchmark.class.getName() + "|" + StateStoreBenchmark.class.getName() + "|"
                        + GraphBatchBenchmark.class.getName() + ")\\.")
                .verbosity(VerboseMode.SILENT)
                // JMH's forks take the harness's JVM flags; not its C1-only JIT (bench.harness.jit in the
                // module's POM), which would measure the engine's code at C1's speed
                .jvmArgs(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                        .filter(a -> !a.startsWith("-XX:TieredStopAtLevel")).toArray(String[]::new));
        if (quick) {
            b.warmupIterations(1).warmupTime(TimeValue.seconds(1)).measurementIterations(1)
                    .measurementTime(TimeValue.seconds(2));
        }
        Collection<RunResult> results;
        try {
            results = new Runner(b.build()).run();
        } catch (RunnerException e) {
            throw new IllegalStateException("JMH failed", e);
        }
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "%-40s %14s %12s  %s", "JMH benchmark (1 fork, -Xmx256m)", "tasks/s",
                "± (99.9 %)", "iterations"));
        for (RunResult r : results) {
            Result<?> p = r.getPrimaryResult();
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            out.add(String.format(Locale.ROOT, "%-40s %,14.0f %,12.0f  %d warmup x %s, %d x %s", name, p.getScore(),
                    Double.isNaN(p.getScoreError()) ? 0.0 : p.getScoreError(),
                    r.getParams().getWarmup().getCount(), r.getParams().getWarmup().getTime(),
                    r.getParams().getMeasurement().getCount(), r.getParams().getMeasurement().getTime()));
        }
        return out;
    }
}

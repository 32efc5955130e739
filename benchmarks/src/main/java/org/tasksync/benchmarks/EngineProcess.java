package org.tasksync.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The engine's JVM: builds an {@link EngineSide} from its arguments, says {@code READY}, then runs
 * one cycle for every {@code cycle <label>} line on standard input and answers with a
 * {@link CycleResult} line, until {@code quit}; an {@code engine <args>} line (tab-separated) replaces
 * the engine with one built from those arguments, in the same, by then warmed, JVM. The harness starts it, so that the engine's heap
 * (capped with -Xmx) holds the engine, its adapters and its state store, and not the simulators or
 * the CRM's database.
 */
public final class EngineProcess {

    private EngineProcess() {
    }

    public static void main(String[] args) throws Exception {
        EngineSide side = new EngineSide(EngineConfig.fromArgs(args));
        System.out.println("READY");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            line = line.trim();
            if (line.equals("quit")) {
                break;
            }
            if (line.startsWith("engine ")) { // a new engine on another world, in this JVM as it is now
                side.close();
                side = new EngineSide(EngineConfig.fromArgs(line.substring("engine ".length()).split("\t")));
                System.out.println("READY");
                System.out.flush();
            } else if (line.startsWith("cycle ")) {
                CycleResult r = side.cycle(line.substring("cycle ".length()).trim());
                System.out.println(r.toLine());
                System.out.flush();
            }
        }
        System.exit(0); // the adapters' and H2's threads must not keep the JVM alive
    }
}

package org.tasksync.benchmarks;

import java.time.Duration;
import java.util.function.Function;

/** The simulated Exchange worlds by adapter name. */
final class Worlds {

    private Worlds() {
    }

    static Function<Duration, ExchangeWorld> factory(String adapter) {
        return switch (adapter) {
            case "ews" -> EwsWorld::new;
            case "graph" -> GraphWorld::new;
            default -> throw new IllegalArgumentException("no simulated world for adapter " + adapter);
        };
    }
}

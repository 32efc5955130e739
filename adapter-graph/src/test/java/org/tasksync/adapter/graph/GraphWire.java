package org.tasksync.adapter.graph;

import org.tasksync.core.model.ExchangeStatus;

/** Graph's spelling of values, for tests that act as the rep in To Do. */
final class GraphWire {

    private GraphWire() {
    }

    /** {@code NotStarted} → {@code notStarted}. */
    static String status(ExchangeStatus s) {
        String w = s.wireName();
        return Character.toLowerCase(w.charAt(0)) + w.substring(1);
    }
}

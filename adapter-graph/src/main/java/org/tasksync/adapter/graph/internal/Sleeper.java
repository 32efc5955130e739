package org.tasksync.adapter.graph.internal;

import java.time.Duration;

/** How the adapter waits when Graph asks it to (Retry-After); tests record the waits instead. */
@FunctionalInterface
public interface Sleeper {

    Sleeper REAL = d -> Thread.sleep(d.toMillis());

    void sleep(Duration d) throws InterruptedException;
}

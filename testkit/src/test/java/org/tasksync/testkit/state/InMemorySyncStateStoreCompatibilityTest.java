package org.tasksync.testkit.state;

import org.tasksync.core.spi.SyncStateStore;
import org.tasksync.core.state.InMemorySyncStateStore;

/** Core's in-memory state store passes the state-store kit. */
class InMemorySyncStateStoreCompatibilityTest extends SyncStateStoreCompatibilityKit {

    @Override
    protected SyncStateStore newStore() {
        return new InMemorySyncStateStore();
    }
}

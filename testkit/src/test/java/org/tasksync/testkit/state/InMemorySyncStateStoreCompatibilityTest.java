package org.tasksync.core.state;

import org.tasksync.core.spi.SyncStateStore;

class InMemorySyncStateStoreTest extends SyncStateStoreContract {

    @Override
    protected SyncStateStore newStore() {
        return new InMemorySyncStateStore();
    }
}

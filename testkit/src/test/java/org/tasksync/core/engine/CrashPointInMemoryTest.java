package org.tasksync.core.engine;

import org.tasksync.core.spi.SyncStateStore;
import org.tasksync.core.state.InMemorySyncStateStore;

class CrashPointInMemoryTest extends CrashPointContract {
    @Override
    protected SyncStateStore freshStore(String name) {
        return new InMemorySyncStateStore();
    }
}

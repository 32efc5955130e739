package org.tasksync.core.internal;

import java.time.Clock;
import java.time.Duration;
import org.tasksync.core.SyncListener;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.core.spi.SyncStateStore;

/**
 * What a cycle is made of; assembled by {@link org.tasksync.core.SyncEngine}. {@code node} is the
 * node's id when the engine takes mailbox leases (scale-out), else null; {@code leaseDuration} is
 * then how long a lease lasts unless renewed.
 */
public record EngineParts(CrmAdapter crm, ExchangeAdapter exchange, SyncStateStore store, SyncSettings settings,
                          Clock clock, SyncListener listener, String node, Duration leaseDuration) {
}

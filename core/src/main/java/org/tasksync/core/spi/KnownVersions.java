package org.tasksync.core.spi;

import java.util.Collection;
import java.util.Map;

/**
 * What the engine last wrote or read of a mailbox's items: the change key (EWS) or etag (Graph) it
 * holds for each item id. An item a server reports at exactly that version was changed by nobody
 * since, so an adapter may leave it out of a {@link ChangePage} instead of reading it again (the
 * engine would find nothing to do with it).
 */
@FunctionalInterface
public interface KnownVersions {

    /** Knows nothing: every changed item is read. */
    KnownVersions NONE = itemIds -> Map.of();

    /** The versions the engine holds for these item ids; ids it holds none for are left out. */
    Map<String, String> of(Collection<String> itemIds);
}

package org.tasksync.core.internal.steps;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;

/**
 * Tagged items looked up by CRM id, the one lookup of a run: per CRM id the item to use (never a
 * delegated one, SPEC §6.2; of a recurring series and its occurrence, the preferred), and the CRM ids
 * found only on delegated items.
 */
record TaggedLookup(Map<String, ExchangeTask> usable, Set<String> delegatedOnly) {

    static TaggedLookup find(MailboxConnection conn, List<String> crmIds) throws MailboxException {
        Map<String, ExchangeTask> usable = new HashMap<>();
        Set<String> delegated = new HashSet<>();
        for (ExchangeTask t : conn.findByCrmIds(crmIds)) {
            if (t.crmId() == null) {
                continue;
            }
            if (t.delegated()) {
                delegated.add(t.crmId());
            } else {
                usable.merge(t.crmId(), t, RecurringSeries::preferred);
            }
        }
        delegated.removeAll(usable.keySet());
        return new TaggedLookup(usable, delegated);
    }
}

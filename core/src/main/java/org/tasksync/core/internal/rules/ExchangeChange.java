package org.tasksync.core.internal.rules;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.Link;

/**
 * SPEC §6.1 and §6.2, what an item read from a mailbox's changes means, decided without I/O from the
 * item and its link: the engine's own write coming back (an echo), a delegated task, a status the rep
 * set, edits of CRM-owned fields, or an untracked tagged item to adopt.
 *
 * @param kind          see {@link Kind}
 * @param statusChanged the rep changed the status since the last sync (only for {@link Kind#CHANGE})
 * @param edited        the CRM-owned fields the rep edited, without those that follow a changed status
 */
public record ExchangeChange(Kind kind, boolean statusChanged, Set<ExchangeField> edited) {

    public enum Kind {
        /** No link: a tagged, undelegated item is adopted later in the run; anything else is the rep's own. */
        UNTRACKED,
        /** Linked but not as LINKED (intended, deleted in Outlook): nothing to read back. */
        NOT_LINKED,
        /** Assigned to or by somebody else: neither read back nor written (SPEC §6.2). */
        DELEGATED,
        /** The engine's own write, with the status it wrote: nothing changed. */
        ECHO,
        /** The rep changed something: the status, CRM-owned fields, or only the version. */
        CHANGE
    }

    /**
     * Classifies an item against its link.
     *
     * @param managed the fields the engine synchronizes
     */
    public static ExchangeChange of(ExchangeTask item, Link link, Set<ExchangeField> managed) {
        if (link == null) {
            return new ExchangeChange(Kind.UNTRACKED, false, Set.of());
        }
        if (link.state() != Link.State.LINKED) {
            return new ExchangeChange(Kind.NOT_LINKED, false, Set.of());
        }
        if (item.delegated()) {
            return new ExchangeChange(Kind.DELEGATED, false, Set.of());
        }
        TaskValues seen = item.values();
        boolean statusChanged = managed.contains(ExchangeField.STATUS) && seen.status() != null
                && seen.status() != link.lastExchangeStatus();
        boolean ownWrite = !link.delegated() && Objects.equals(item.changeKey(), link.changeKey());
        if (ownWrite && !statusChanged) {
            // Its status still counts: a rep who changed the status while the engine updated other
            // fields gets a change key that covers both.
            return new ExchangeChange(Kind.ECHO, false, Set.of());
        }
        Set<ExchangeField> edits = new LinkedHashSet<>(managed);
        edits.remove(ExchangeField.STATUS);
        Set<ExchangeField> edited = ownWrite ? new LinkedHashSet<>() : seen.differingFields(link.lastWritten(), edits);
        if (statusChanged) {
            edited.remove(ExchangeField.PERCENT_COMPLETE); // they follow the status the rep set
            edited.remove(ExchangeField.COMPLETE_DATE);
        }
        return new ExchangeChange(Kind.CHANGE, statusChanged, edited);
    }

    /** True when an untracked item may be adopted: it carries a CRM id and is not delegated. */
    public static boolean adoptable(ExchangeTask item) {
        return item.crmId() != null && !item.delegated();
    }
}

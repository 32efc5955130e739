package org.tasksync.core.internal.steps;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.spi.ChangePage;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.MailboxException;

/**
 * The engine's rule for a CRM task the rep made recurring in Outlook or To Do (docs/engine.md,
 * "Recurring tasks"): when completing an occurrence made the server create a second item carrying
 * the task's CRM tag, the CRM task goes with the <em>completed occurrence</em> (one task, one due
 * date, the rep's "done"), and the open series goes on as the rep's own task, its CRM tag removed.
 *
 * <p>Exchange (MS-OXOTASK task regeneration) keeps the item id on the series, which moves to the next
 * date, and creates the completed occurrence as a new item: the link moves to that item. A server
 * that instead completes the linked item and creates the next occurrence as a new item needs no
 * move: only the new open item is released. Either way no second link, no duplicate, no lost status,
 * and the engine never writes Completed to the series again (which would regenerate it once more).
 *
 * <p>Stateless apart from its inputs; used by the thread that reads one mailbox's changes.
 */
public final class RecurringSeries {

    /** Looks tagged items up by CRM id (the mailbox connection's {@code findByCrmIds}). */
    public interface Lookup {
        List<ExchangeTask> findByCrmIds(Collection<String> crmIds) throws MailboxException;
    }

    /**
     * What one page of changes means for recurring tasks.
     *
     * @param relinked links moved to the completed occurrence, keyed by that item's id; each still
     *                 carries the Exchange status last synchronized, so the occurrence's Completed is
     *                 read as the rep's status change
     * @param release  items to untag: the open series, the rep's own from now on
     * @param notes    what happened, one line per CRM task, for the report
     */
    public record Plan(Map<String, Link> relinked, List<Release> release, List<String> notes) {
        public static final Plan NONE = new Plan(Map.of(), List.of(), List.of());

        public boolean releases(String itemId) {
            return release.stream().anyMatch(r -> r.item().itemId().equals(itemId));
        }

        public boolean isEmpty() {
            return relinked.isEmpty() && release.isEmpty();
        }
    }

    /** An item to untag, with the CRM id it carries (for the report and the planned writes). */
    public record Release(ItemRef item, String crmId) {
    }

    private RecurringSeries() {
    }

    /**
     * Of two items tagged with the same CRM id, the one to adopt: never an open recurring series when
     * there is another (after a lost state store both the series and its completed occurrence carry
     * the tag; adopting the series would make the engine write to it, and a Completed would
     * regenerate it). When neither or both are recurring, {@code a}.
     */
    public static ExchangeTask preferred(ExchangeTask a, ExchangeTask b) {
        if (a.recurring() != b.recurring()) {
            return a.recurring() ? b : a;
        }
        return a;
    }

    /**
     * Finds, in one page of a mailbox's changes, the items a recurring task's completion produced.
     *
     * @param mailbox the mailbox's address
     * @param page    the page read
     * @param byItem  links of this mailbox to the page's items, keyed by item id
     * @param byCrm   looks up links by CRM task id
     * @param lookup  the mailbox's tagged items by CRM id, for an item that is not in the page
     */
    public static Plan plan(String mailbox, ChangePage page, Map<String, Link> byItem,
                     Function<Collection<String>, Map<String, Link>> byCrm, Lookup lookup)
            throws MailboxException {
        Set<String> suspects = new LinkedHashSet<>();
        for (ExchangeTask t : page.changed()) {
            Link own = byItem.get(t.itemId());
            if (own != null) {
                if (t.recurring() && own.state() == Link.State.LINKED && t.values().status() != null
                        && t.values().status() != own.lastExchangeStatus()) {
                    suspects.add(own.crmTaskId()); // a linked series whose status moved: completed, or regenerated
                }
            } else if (t.crmId() != null && !t.delegated()) {
                suspects.add(t.crmId()); // a second tagged item: perhaps an occurrence of a linked task
            }
        }
        if (suspects.isEmpty()) {
            return Plan.NONE;
        }
        Map<String, Link> links = new HashMap<>();
        byCrm.apply(suspects).forEach((id, l) -> {
            if (l.state() == Link.State.LINKED && !l.delegated() && l.mailbox().equals(mailbox)) {
                links.put(id, l);
            }
        });
        if (links.isEmpty()) {
            return Plan.NONE;
        }
        // the items as they are now: the page, then the server's current view (an item of another page,
        // an item this page shows before its series moved on)
        Map<String, Map<String, ExchangeTask>> tagged = new HashMap<>();
        for (ExchangeTask t : page.changed()) {
            Link own = byItem.get(t.itemId());
            String crmId = own != null ? own.crmTaskId() : t.crmId();
            if (crmId != null && links.containsKey(crmId)) {
                tagged.computeIfAbsent(crmId, k -> new LinkedHashMap<>()).put(t.itemId(), t);
            }
        }
        for (ExchangeTask t : lookup.findByCrmIds(List.copyOf(links.keySet()))) {
            if (t.crmId() != null && links.containsKey(t.crmId()) && !t.delegated()) {
                tagged.computeIfAbsent(t.crmId(), k -> new LinkedHashMap<>()).put(t.itemId(), t);
            }
        }
        Map<String, Link> relinked = new LinkedHashMap<>();
        List<Release> release = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Map.Entry<String, Link> e : links.entrySet()) {
            String crmId = e.getKey();
            Link link = e.getValue();
            Map<String, ExchangeTask> items = tagged.getOrDefault(crmId, Map.of());
            ExchangeTask linked = items.get(link.itemId());
            List<ExchangeTask> others = items.values().stream().filter(t -> !t.itemId().equals(link.itemId())).toList();
            if (others.isEmpty()) {
                continue;
            }
            // the completed occurrence: completed, and (should a server leave the pattern on the copy)
            // preferably not recurring, else the latest
            ExchangeTask occurrence = others.stream()
                    .filter(t -> t.values().status() == ExchangeStatus.COMPLETED)
                    .max(Comparator.comparing((ExchangeTask t) -> !t.recurring())
                            .thenComparing(t -> t.lastModified() == null ? Instant.MIN : t.lastModified()))
                    .orElse(null);
            if (linked != null && linked.recurring() && linked.values().status() != ExchangeStatus.COMPLETED
                    && occurrence != null) {
                // MS-OXOTASK regeneration: the series kept its id and moved on; the occurrence the rep
                // completed is the new item. The CRM task goes with it; the series is released.
                relinked.put(occurrence.itemId(), link.withItem(occurrence.itemId(), null));
                release.add(new Release(new ItemRef(linked.itemId(), linked.changeKey()), crmId));
                notes.add("CRM task " + crmId + ": an occurrence of the recurring task the rep made of it was completed;"
                        + " the CRM task now follows the completed occurrence (item " + occurrence.itemId()
                        + "), the series goes on as the rep's own task (item " + linked.itemId() + ", its CRM tag removed)");
                continue;
            }
            if (linked != null && linked.values().status() == ExchangeStatus.COMPLETED) {
                // the server completed the linked item and made the next occurrence a new item: that one
                // is the rep's series
                for (ExchangeTask t : others) {
                    if (t.recurring() && t.values().status() != ExchangeStatus.COMPLETED) {
                        release.add(new Release(new ItemRef(t.itemId(), t.changeKey()), crmId));
                        notes.add("CRM task " + crmId + ": the rep completed it as a recurring task; the next"
                                + " occurrence (item " + t.itemId() + ") is the rep's own task, CRM tag removed");
                    }
                }
            }
        }
        return relinked.isEmpty() && release.isEmpty() ? Plan.NONE : new Plan(relinked, release, notes);
    }
}

package org.tasksync.core.internal.rules;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tasksync.core.MailboxPartition;
import org.tasksync.core.SkipReason;
import org.tasksync.core.internal.state.EngineState.RepWindow;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.Rep;

/**
 * SPEC §5, who takes part: enabled reps with a mailbox, each with a time frame counted from today in
 * the rep's own zone, and where a CRM task goes (its rep's mailbox, another partition, or nowhere,
 * with the reason). Decided without I/O from the reps the CRM returned.
 */
public final class Participants {

    /** A rep that takes part, with its mailbox and its time frame for this run. */
    public record Participant(Rep rep, Mailbox mailbox, LocalDate from, LocalDate to) {

        /** A task with no day (neither due nor start date) is open-ended and always takes part. */
        public boolean inWindow(LocalDate day) {
            return day == null || (!day.isBefore(from) && !day.isAfter(to));
        }

        public RepWindow window() {
            return new RepWindow(mailbox.address(), from, to);
        }
    }

    /** Where a CRM task goes. */
    public enum Destination {
        /** Its rep takes part in this run: the task goes to the rep's mailbox. */
        PARTICIPANT,
        /** Its rep takes part in another partition. */
        OTHER_PARTITION,
        /** The task names no rep, or one the CRM does not know: a per-task error. */
        NO_SUCH_REP,
        REP_DISABLED,
        REP_WITHOUT_MAILBOX
    }

    private final Map<String, Rep> reps = new HashMap<>();
    private final Map<String, Participant> byRep = new HashMap<>();
    private final Set<String> activeMailboxes = new HashSet<>();

    private Participants() {
    }

    /**
     * The participants among {@code reps} at {@code now}, within {@code partition}.
     *
     * @param defaultZone the zone of a rep that names none
     */
    public static Participants select(List<Rep> reps, MailboxPartition partition, ZoneId defaultZone, int pastDays,
                                      int futureDays, Instant now) {
        Participants p = new Participants();
        for (Rep rep : reps) {
            p.reps.put(rep.id(), rep);
            if (!takesPart(rep)) {
                continue;
            }
            p.activeMailboxes.add(rep.mailboxKey());
            if (!partition.contains(rep.mailbox())) {
                continue; // another partition's rep
            }
            ZoneId zone = rep.timeZone() != null ? rep.timeZone() : defaultZone;
            LocalDate today = now.atZone(zone).toLocalDate();
            Mailbox mb = new Mailbox(rep.mailbox(), rep.displayName() == null ? rep.id() : rep.displayName(), zone);
            p.byRep.put(rep.id(), new Participant(rep, mb, today.minusDays(pastDays), today.plusDays(futureDays)));
        }
        return p;
    }

    private static boolean takesPart(Rep rep) {
        return rep != null && rep.enabled() && rep.hasMailbox();
    }

    public Collection<Participant> all() {
        return Collections.unmodifiableCollection(byRep.values());
    }

    public boolean isEmpty() {
        return byRep.isEmpty();
    }

    public Set<String> repIds() {
        return Collections.unmodifiableSet(byRep.keySet());
    }

    /** The participant of a rep id, or null. */
    public Participant of(String repId) {
        return byRep.get(repId); // null for a null id too
    }

    /** The participant whose mailbox this is, or null. */
    public Participant ofMailbox(String mailbox) {
        for (Participant p : byRep.values()) {
            if (p.mailbox().address().equals(mailbox)) {
                return p;
            }
        }
        return null;
    }

    /** True when an enabled rep in any partition has this mailbox: the only mailboxes the engine writes to. */
    public boolean isActive(String mailbox) {
        return activeMailboxes.contains(mailbox);
    }

    /** True when the rep with this id is known to the CRM and takes part in some partition. */
    public boolean repTakesPart(String repId) {
        return takesPart(reps.get(repId));
    }

    /** The mailbox a task of this rep belongs in (any partition), or null when the rep takes no part. */
    public String ownerMailbox(String repId) {
        Rep rep = reps.get(repId);
        return takesPart(rep) ? rep.mailboxKey() : null;
    }

    /** The name to show for a rep (the creator of a task), or null for an unknown one. */
    public String displayName(String repId) {
        Rep rep = reps.get(repId);
        return rep == null ? null : rep.displayName() != null ? rep.displayName() : rep.id();
    }

    public Destination destinationOf(CrmTask task) {
        if (of(task.repId()) != null) {
            return Destination.PARTICIPANT;
        }
        Rep rep = reps.get(task.repId());
        if (rep == null) {
            return Destination.NO_SUCH_REP;
        }
        if (takesPart(rep)) {
            return Destination.OTHER_PARTITION;
        }
        return rep.enabled() ? Destination.REP_WITHOUT_MAILBOX : Destination.REP_DISABLED;
    }

    /** The reason a task of a non-participating rep is skipped, for the two destinations that have one. */
    public static SkipReason skipReason(Destination d) {
        return switch (d) {
            case REP_DISABLED -> SkipReason.REP_DISABLED;
            case REP_WITHOUT_MAILBOX -> SkipReason.REP_WITHOUT_MAILBOX;
            default -> throw new IllegalArgumentException("no skip reason for destination " + d);
        };
    }

    /** The stored windows to write at the end of a run: changed ones, and null for reps that left. */
    public Map<String, RepWindow> windowsToSave(Map<String, RepWindow> stored) {
        Map<String, RepWindow> out = new HashMap<>();
        for (Participant p : byRep.values()) {
            RepWindow now = p.window();
            if (!now.equals(stored.get(p.rep().id()))) {
                out.put(p.rep().id(), now);
            }
        }
        for (String repId : stored.keySet()) {
            if (!repTakesPart(repId)) {
                out.put(repId, null); // a rep that returns gets its whole time frame again
            }
        }
        return out;
    }

    public static LocalDate minFrom(Collection<Participant> ps) {
        return ps.stream().map(Participant::from).min(LocalDate::compareTo).orElseThrow();
    }

    public static LocalDate maxTo(Collection<Participant> ps) {
        return ps.stream().map(Participant::to).max(LocalDate::compareTo).orElseThrow();
    }
}

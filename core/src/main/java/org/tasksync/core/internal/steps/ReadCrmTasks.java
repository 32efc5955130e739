package org.tasksync.core.internal.steps;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tasksync.core.internal.cycle.CycleContext;
import org.tasksync.core.internal.rules.Participants;
import org.tasksync.core.internal.rules.Participants.Participant;
import org.tasksync.core.internal.rules.WindowEntry;
import org.tasksync.core.internal.state.EngineState.RepWindow;
import org.tasksync.core.spi.CrmPage;
import org.tasksync.core.spi.TimeFrameQuery;

/**
 * SPEC §6.3 and §5, the CRM tasks a run looks at, each source read in pages and handed to the
 * {@link BatchRouter}: tasks by id (pending, to look at again), the CRM's changes since its cursor, the
 * whole time frame on a first cycle (with the cursor taken before it), and the days that entered each
 * rep's time frame since the last cycle ({@link WindowEntry}).
 */
public final class ReadCrmTasks {

    private final CycleContext ctx;
    private final BatchRouter router;

    public ReadCrmTasks(CycleContext ctx, BatchRouter router) {
        this.ctx = ctx;
        this.router = router;
    }

    /** Reads tasks by id. */
    public void byId(Collection<String> crmTaskIds) {
        for (List<String> chunk : CycleContext.chunks(new ArrayList<>(crmTaskIds), ctx.settings().crmPageSize())) {
            router.dispatch(ctx.parts().crm().tasksById(chunk));
        }
    }

    /**
     * Reads the CRM's changes since the cursor (on a first cycle, the whole time frame first) and the days
     * that entered the reps' windows.
     *
     * @return the CRM change cursor after what was read
     */
    public String changesAndWindows(String crmCursor, Map<String, RepWindow> windows) {
        String c = crmCursor;
        if (crmCursor == null) {
            // First cycle: the whole time frame, then the changes made since it began. The start is stored
            // first, so a cycle that dies here does not lose a deletion made meanwhile.
            c = ctx.state().crmStart().orElse(null);
            if (c == null) {
                c = ctx.parts().crm().currentChangeCursor();
                ctx.effects().saveCursors(Map.of(ctx.state().crmStartKey(), c));
            }
            Participants ps = ctx.participants();
            if (!ps.isEmpty()) {
                readTimeFrame(new TimeFrameQuery(Participants.minFrom(ps.all()), Participants.maxTo(ps.all()), true,
                        ctx.partition().isAll() ? null : ps.repIds()));
            }
        }
        CrmPage page;
        do {
            page = ctx.parts().crm().changesSince(c, ctx.settings().crmPageSize());
            router.dispatch(page);
            if (page.next() != null) {
                c = page.next();
            }
        } while (page.hasMore());
        if (crmCursor != null) {
            readEnteredWindows(windows);
        }
        return c;
    }

    /** Reps new to the engine get their whole window; reps whose window moved get the days that entered. */
    private void readEnteredWindows(Map<String, RepWindow> windows) {
        List<Participant> full = new ArrayList<>();
        Map<WindowEntry.Days, Set<String>> entered = new LinkedHashMap<>();
        for (Participant p : ctx.participants().all()) {
            WindowEntry.Entry e = WindowEntry.of(p, windows.get(p.rep().id()));
            if (e.full()) {
                full.add(p);
            }
            e.entered().forEach(days -> entered.computeIfAbsent(days, k -> new HashSet<>()).add(p.rep().id()));
        }
        if (!full.isEmpty()) {
            Set<String> ids = new HashSet<>();
            full.forEach(p -> ids.add(p.rep().id()));
            readTimeFrame(new TimeFrameQuery(Participants.minFrom(full), Participants.maxTo(full), true, ids));
        }
        entered.forEach((days, repIds) -> readTimeFrame(new TimeFrameQuery(days.from(), days.to(), false, repIds)));
    }

    private void readTimeFrame(TimeFrameQuery q) {
        String token = null;
        CrmPage page;
        do {
            page = ctx.parts().crm().tasksInTimeFrame(q, token, ctx.settings().crmPageSize());
            router.dispatch(page);
            token = page.next();
        } while (page.hasMore());
    }
}

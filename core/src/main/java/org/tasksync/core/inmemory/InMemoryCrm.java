package org.tasksync.core.inmemory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.core.spi.CrmPage;
import org.tasksync.core.spi.StatusWriteResult;
import org.tasksync.core.spi.TimeFrameQuery;

/**
 * A CRM in memory: for tests, demos and as the reference behaviour of {@link CrmAdapter}. The test
 * (or demo) edits it like a CRM user would ({@link #upsertTask}, {@link #deleteTask}); every edit
 * stamps the task with the clock's time (strictly later than its previous stamp) and a change number
 * that the change cursor follows.
 *
 * <p>Thread-safe: every method holds the CRM's lock.
 */
public final class InMemoryCrm implements CrmAdapter {

    private record Row(CrmTask task, boolean deleted, long seq) {
    }

    private final Clock clock;
    private final Map<String, Rep> reps = new TreeMap<>();
    private final Map<String, Row> rows = new HashMap<>();
    private long seq;
    private final AtomicInteger queries = new AtomicInteger();

    public InMemoryCrm(Clock clock) {
        this.clock = clock;
    }

    // ------------------------------------------------------------------ acting as the CRM's users

    public synchronized void putRep(Rep rep) {
        reps.put(rep.id(), rep);
    }

    /** Creates or replaces a task, stamping its modification time; returns it as stored. */
    public synchronized CrmTask upsertTask(CrmTask task) {
        Row old = rows.get(task.id());
        Instant stamp = nextStamp(old == null ? null : old.task().modifiedAt());
        CrmTask stored = task.toBuilder().modifiedAt(stamp).build();
        rows.put(task.id(), new Row(stored, false, ++seq));
        return stored;
    }

    public synchronized void deleteTask(String id) {
        Row old = rows.get(id);
        if (old != null && !old.deleted()) {
            rows.put(id, new Row(old.task().toBuilder().modifiedAt(nextStamp(old.task().modifiedAt())).build(), true, ++seq));
        }
    }

    public synchronized Optional<CrmTask> task(String id) {
        Row r = rows.get(id);
        return r == null || r.deleted() ? Optional.empty() : Optional.of(r.task());
    }

    /** Every task not deleted, by id. */
    public synchronized Map<String, CrmTask> tasks() {
        Map<String, CrmTask> out = new TreeMap<>();
        rows.forEach((id, r) -> {
            if (!r.deleted()) {
                out.put(id, r.task());
            }
        });
        return out;
    }

    /** Queries answered so far (every SPI call but {@link #writeStatus}). */
    public int queries() {
        return queries.get();
    }

    private Instant nextStamp(Instant previous) {
        Instant now = clock.instant();
        return previous != null && !now.isAfter(previous) ? previous.plusMillis(1) : now;
    }

    // ------------------------------------------------------------------ SPI

    @Override
    public synchronized List<Rep> reps() {
        queries.incrementAndGet();
        return List.copyOf(reps.values());
    }

    @Override
    public synchronized String currentChangeCursor() {
        queries.incrementAndGet();
        return Long.toString(seq);
    }

    @Override
    public synchronized CrmPage changesSince(String cursor, int pageSize) {
        queries.incrementAndGet();
        long after = Long.parseLong(cursor);
        List<Row> changed = rows.values().stream().filter(r -> r.seq() > after)
                .sorted(Comparator.comparingLong(Row::seq)).limit(pageSize + 1L).toList();
        boolean more = changed.size() > pageSize;
        List<Row> page = more ? changed.subList(0, pageSize) : changed;
        List<CrmTask> tasks = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        for (Row r : page) {
            if (r.deleted()) deleted.add(r.task().id()); else tasks.add(r.task());
        }
        String next = page.isEmpty() ? cursor : Long.toString(page.get(page.size() - 1).seq());
        return new CrmPage(tasks, deleted, List.of(), next, more);
    }

    @Override
    public synchronized CrmPage tasksInTimeFrame(TimeFrameQuery q, String pageToken, int pageSize) {
        queries.incrementAndGet();
        List<CrmTask> matching = rows.values().stream().filter(r -> !r.deleted()).map(Row::task)
                .filter(t -> pageToken == null || t.id().compareTo(pageToken) > 0)
                .filter(t -> q.repIds() == null || q.repIds().contains(t.repId()))
                .filter(t -> t.scheduledDay() == null ? q.includeUnscheduled()
                        : !t.scheduledDay().isBefore(q.from()) && !t.scheduledDay().isAfter(q.to()))
                .sorted(Comparator.comparing(CrmTask::id)).limit(pageSize + 1L).toList();
        boolean more = matching.size() > pageSize;
        List<CrmTask> page = more ? matching.subList(0, pageSize) : matching;
        return new CrmPage(page, List.of(), List.of(), page.isEmpty() ? pageToken : page.get(page.size() - 1).id(), more);
    }

    @Override
    public synchronized CrmPage tasksById(Collection<String> ids) {
        queries.incrementAndGet();
        List<CrmTask> tasks = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        for (String id : ids) {
            Row r = rows.get(id);
            if (r == null) {
                continue;
            }
            if (r.deleted()) deleted.add(id); else tasks.add(r.task());
        }
        return new CrmPage(tasks, deleted, List.of(), null, false);
    }

    @Override
    public synchronized StatusWriteResult writeStatus(String taskId, String status, Instant expectedModifiedAt) {
        Row r = rows.get(taskId);
        if (r == null || r.deleted()) {
            return StatusWriteResult.notFound();
        }
        if (!r.task().modifiedAt().equals(expectedModifiedAt)) {
            return StatusWriteResult.conflict(r.task().modifiedAt());
        }
        CrmTask updated = r.task().toBuilder().status(status).modifiedAt(nextStamp(r.task().modifiedAt())).build();
        rows.put(taskId, new Row(updated, false, ++seq));
        return StatusWriteResult.written(updated.modifiedAt());
    }

    @Override
    public String toString() {
        return "InMemoryCrm";
    }
}

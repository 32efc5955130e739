package org.tasksync.testkit.inmemory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.tasksync.core.TaskError;
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
 * <p>Rows it cannot hand over as a {@link CrmTask} come back in {@link CrmPage#errors()}, as a
 * database-backed CRM reports them: a status code its catalog does not know
 * ({@link #upsertTaskWithUnknownStatus}), and a null status, rep or subject. Every other value goes
 * to the engine as stored, so that the engine's own checks see it. An id with no row is reported as
 * deleted by {@link #tasksById}.
 *
 * <p>Thread-safe: every method holds the CRM's lock.
 */
public final class InMemoryCrm implements CrmAdapter {

    /** A stored task; {@code unknownStatusCode} is set when the row holds a status code no catalog entry has. */
    private record Row(CrmTask task, boolean deleted, long seq, String unknownStatusCode) {
        Row(CrmTask task, boolean deleted, long seq) {
            this(task, deleted, seq, null);
        }

        /** Why the row cannot be read as a task, or null when it can. */
        TaskError error() {
            CrmTask t = task;
            if (unknownStatusCode != null) {
                return new TaskError(t.id(), "#2 Status", unknownStatusCode, "no status catalog entry for this CRM code");
            }
            if (t.status() == null) {
                return new TaskError(t.id(), "#2 Status", null, "the status is empty");
            }
            if (t.repId() == null) {
                return new TaskError(t.id(), "#4 Rep", null, "the task has no rep");
            }
            if (t.subject() == null) {
                return new TaskError(t.id(), "#58 Subject", null, "the subject is empty");
            }
            return null;
        }
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
        return store(task, null);
    }

    /**
     * Creates or replaces a task as {@link #upsertTask} does, but with a status code that the CRM's
     * status catalog does not know (a damaged row, an entry removed from the catalog): reads report
     * the row as a {@link TaskError} of field #2 Status with this code, until the task is saved again
     * or its status is written.
     */
    public synchronized CrmTask upsertTaskWithUnknownStatus(CrmTask task, String statusCode) {
        return store(task.toBuilder().status(statusCode).build(), Objects.requireNonNull(statusCode, "statusCode"));
    }

    /**
     * Sets a task's modification time and nothing else, as a CRM transaction that stamped the row
     * earlier than it committed would have; the change is read after every change before it.
     */
    public synchronized void setModifiedAt(String id, Instant modifiedAt) {
        Row old = rows.get(id);
        if (old == null) {
            throw new IllegalArgumentException("no task " + id);
        }
        rows.put(id, new Row(old.task().toBuilder().modifiedAt(modifiedAt).build(), old.deleted(), ++seq,
                old.unknownStatusCode()));
    }

    private CrmTask store(CrmTask task, String unknownStatusCode) {
        Row old = rows.get(task.id());
        Instant stamp = nextStamp(old == null ? null : old.task().modifiedAt());
        CrmTask stored = task.toBuilder().modifiedAt(stamp).build();
        rows.put(task.id(), new Row(stored, false, ++seq, unknownStatusCode));
        return stored;
    }

    public synchronized void deleteTask(String id) {
        Row old = rows.get(id);
        if (old != null && !old.deleted()) {
            rows.put(id, new Row(old.task().toBuilder().modifiedAt(nextStamp(old.task().modifiedAt())).build(), true, ++seq,
                    old.unknownStatusCode()));
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
        long after = cursor == null || cursor.isEmpty() ? 0 : Long.parseLong(cursor);
        List<Row> changed = rows.values().stream().filter(r -> r.seq() > after)
                .sorted(Comparator.comparingLong(Row::seq)).limit(pageSize + 1L).toList();
        boolean more = changed.size() > pageSize;
        List<Row> page = more ? changed.subList(0, pageSize) : changed;
        String next = page.isEmpty() ? Long.toString(after) : Long.toString(page.get(page.size() - 1).seq());
        return toPage(page, next, more);
    }

    @Override
    public synchronized CrmPage tasksInTimeFrame(TimeFrameQuery q, String pageToken, int pageSize) {
        queries.incrementAndGet();
        List<Row> matching = rows.values().stream().filter(r -> !r.deleted())
                .filter(r -> pageToken == null || r.task().id().compareTo(pageToken) > 0)
                .filter(r -> q.repIds() == null || q.repIds().contains(r.task().repId()))
                .filter(r -> r.task().scheduledDay() == null ? q.includeUnscheduled()
                        : !r.task().scheduledDay().isBefore(q.from()) && !r.task().scheduledDay().isAfter(q.to()))
                .sorted(Comparator.comparing(r -> r.task().id())).limit(pageSize + 1L).toList();
        boolean more = matching.size() > pageSize;
        List<Row> page = more ? matching.subList(0, pageSize) : matching;
        return toPage(page, page.isEmpty() ? pageToken : page.get(page.size() - 1).task().id(), more);
    }

    @Override
    public synchronized CrmPage tasksById(Collection<String> ids) {
        queries.incrementAndGet();
        List<Row> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String id : new LinkedHashSet<>(ids)) {
            Row r = rows.get(id);
            if (r == null) {
                missing.add(id); // for the engine, a task that is gone is deleted
            } else {
                found.add(r);
            }
        }
        CrmPage page = toPage(found, null, false);
        List<String> deleted = new ArrayList<>(page.deletedTaskIds());
        deleted.addAll(missing);
        return new CrmPage(page.tasks(), deleted, page.errors(), null, false);
    }

    /** One entry per row: a deletion, an error or a task. */
    private static CrmPage toPage(List<Row> rows, String next, boolean more) {
        List<CrmTask> tasks = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        List<TaskError> errors = new ArrayList<>();
        for (Row r : rows) {
            TaskError e = r.deleted() ? null : r.error();
            if (r.deleted()) {
                deleted.add(r.task().id());
            } else if (e != null) {
                errors.add(e);
            } else {
                tasks.add(r.task());
            }
        }
        return new CrmPage(tasks, deleted, errors, next, more);
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
        // a written status replaces an unknown code
        rows.put(taskId, new Row(updated, false, ++seq));
        return StatusWriteResult.written(updated.modifiedAt());
    }

    @Override
    public String toString() {
        return "InMemoryCrm";
    }
}

package org.tasksync.examples.csvcrm;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.tasksync.core.TaskError;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.core.spi.CrmPage;
import org.tasksync.core.spi.StatusWriteResult;
import org.tasksync.core.spi.TimeFrameQuery;

/**
 * An integrator's example: the CRM side of a sync over CSV files ({@link CsvCrmFiles}). It shows
 * what a {@link CrmAdapter} has to do, and it passes the same {@code CrmAdapterCompatibilityKit}
 * as the JDBC adapter ({@code CsvCrmAdapterCompatibilityTest}).
 *
 * <pre>{@code
 * CsvCrmFiles files = CsvCrmFiles.open(Path.of("crm"), Clock.systemUTC());
 * SyncEngine engine = SyncEngine.builder().crm(new CsvCrmAdapter(files)).exchange(...).build();
 * }</pre>
 *
 * <p>The four things every CRM adapter decides, and how this one does:
 * <ol>
 *   <li><b>What changed since a cursor.</b> The cursor is the {@code change_no} of the last row
 *       read; every save gives its row the next number, so a row saved while the engine pages
 *       through the changes moves behind the cursor and is read later, never lost. (A CRM with only
 *       a modification time needs the JDBC adapter's safety lag instead.)</li>
 *   <li><b>Which tasks are in a time frame.</b> Scheduled day = due date, else start date; pages
 *       ordered by id, the page token is the last id.</li>
 *   <li><b>Bad rows.</b> A row that cannot be a {@link CrmTask} (a status the catalog does not have,
 *       a missing rep or subject, a date or number that does not parse) becomes a {@link TaskError}
 *       naming the task, the A1 field and the value; the other rows go on. Values the engine itself
 *       checks (percent outside 0..100, start after due, subject length) are passed on as they are.</li>
 *   <li><b>The status write-back</b> changes only the status, and only if nobody saved the task
 *       since the engine read it: the expected modification time is compared under the files' lock.</li>
 * </ol>
 *
 * <p>Every call reads the whole file: fine for a few thousand tasks, which is what a CSV-fed CRM
 * has; a larger CRM has a database and the JDBC adapter. Thread-safe.
 */
public final class CsvCrmAdapter implements CrmAdapter {

    /** The CRM's status catalog: what the status column may hold. */
    public static final Set<String> STATUSES = Set.of("Open", "In Progress", "Completed", "Missed");

    private final CsvCrmFiles files;

    public CsvCrmAdapter(CsvCrmFiles files) {
        this.files = Objects.requireNonNull(files, "files");
    }

    // ------------------------------------------------------------------ reps

    @Override
    public List<Rep> reps() {
        List<Rep> reps = new ArrayList<>();
        for (Map<String, String> row : files.repRows()) {
            reps.add(new Rep(row.get("id"), row.get("display_name"), row.get("email"), zone(row.get("time_zone")),
                    "true".equalsIgnoreCase(row.get("enabled"))));
        }
        return reps;
    }

    /** A zone id that does not parse counts as none: the engine's default zone applies, as for an empty one. */
    private static ZoneId zone(String id) {
        try {
            return id == null || id.isBlank() ? null : ZoneId.of(id.trim());
        } catch (DateTimeException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ changes

    @Override
    public String currentChangeCursor() {
        return Long.toString(files.lastChange());
    }

    @Override
    public CrmPage changesSince(String cursor, int pageSize) {
        long after = cursor == null || cursor.isEmpty() ? 0 : Long.parseLong(cursor);
        List<Map<String, String>> changed = files.taskRows().stream()
                .filter(row -> changeNo(row) > after)
                .sorted(Comparator.comparingLong(CsvCrmAdapter::changeNo))
                .limit(pageSize + 1L)
                .toList();
        boolean hasMore = changed.size() > pageSize;
        List<Map<String, String>> page = hasMore ? changed.subList(0, pageSize) : changed;
        String next = page.isEmpty() ? Long.toString(after) : Long.toString(changeNo(page.get(page.size() - 1)));
        return toPage(page, next, hasMore);
    }

    private static long changeNo(Map<String, String> row) {
        return Long.parseLong(row.get("change_no"));
    }

    // ------------------------------------------------------------------ time frame and ids

    @Override
    public CrmPage tasksInTimeFrame(TimeFrameQuery query, String pageToken, int pageSize) {
        Predicate<Map<String, String>> inFrame = row -> {
            LocalDate day = scheduledDay(row);
            return day == null ? query.includeUnscheduled() : !day.isBefore(query.from()) && !day.isAfter(query.to());
        };
        List<Map<String, String>> matching = files.taskRows().stream()
                .filter(row -> !deleted(row))
                .filter(row -> query.repIds() == null || query.repIds().contains(row.get("rep")))
                .filter(inFrame)
                .filter(row -> pageToken == null || row.get("id").compareTo(pageToken) > 0)
                .sorted(Comparator.comparing(row -> row.get("id")))
                .limit(pageSize + 1L)
                .toList();
        boolean hasMore = matching.size() > pageSize;
        List<Map<String, String>> page = hasMore ? matching.subList(0, pageSize) : matching;
        return toPage(page, page.isEmpty() ? pageToken : page.get(page.size() - 1).get("id"), hasMore);
    }

    /** Due date, else start date; null for a task with neither (or with dates that do not parse: reported when read). */
    private static LocalDate scheduledDay(Map<String, String> row) {
        for (String column : List.of("due_date", "start_date")) {
            String v = row.get(column);
            if (v != null) {
                try {
                    return LocalDate.parse(v.trim());
                } catch (DateTimeException e) {
                    return null;
                }
            }
        }
        return null;
    }

    @Override
    public CrmPage tasksById(Collection<String> ids) {
        Set<String> wanted = new LinkedHashSet<>(ids);
        List<Map<String, String>> found = files.taskRows().stream().filter(row -> wanted.contains(row.get("id"))).toList();
        CrmPage page = toPage(found, null, false);
        // for the engine, a task that is gone is deleted
        List<String> deleted = new ArrayList<>(page.deletedTaskIds());
        found.forEach(row -> wanted.remove(row.get("id")));
        deleted.addAll(wanted);
        return new CrmPage(page.tasks(), deleted, page.errors(), null, false);
    }

    // ------------------------------------------------------------------ status write-back

    @Override
    public StatusWriteResult writeStatus(String taskId, String status, Instant expectedModifiedAt) {
        if (!STATUSES.contains(status)) {
            // the engine's status mapping and this CRM's catalog disagree: a configuration error
            throw new IllegalArgumentException("status '" + status + "' is not in the CRM's status catalog " + STATUSES);
        }
        AtomicReference<StatusWriteResult> refused = new AtomicReference<>();
        Instant written = files.update(taskId, row -> {
            if (row == null || deleted(row)) {
                refused.set(StatusWriteResult.notFound());
                return null;
            }
            Instant current = Instant.parse(row.get("modified_at"));
            if (!current.equals(expectedModifiedAt)) {
                refused.set(StatusWriteResult.conflict(current));
                return null;
            }
            row.put("status", status);
            return row;
        });
        return written != null ? StatusWriteResult.written(written) : refused.get();
    }

    // ------------------------------------------------------------------ rows to tasks

    /** One entry per row: a deletion, an error or a task. */
    private static CrmPage toPage(List<Map<String, String>> rows, String next, boolean hasMore) {
        List<CrmTask> tasks = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        List<TaskError> errors = new ArrayList<>();
        for (Map<String, String> row : rows) {
            if (deleted(row)) {
                deleted.add(row.get("id"));
                continue;
            }
            try {
                tasks.add(task(row));
            } catch (BadValue e) {
                errors.add(new TaskError(row.get("id"), e.field, e.value, e.getMessage()));
            }
        }
        return new CrmPage(tasks, deleted, errors, next, hasMore);
    }

    private static boolean deleted(Map<String, String> row) {
        return "true".equalsIgnoreCase(row.get("deleted"));
    }

    private static CrmTask task(Map<String, String> row) throws BadValue {
        String status = required(row, "status", "#2 Status");
        if (!STATUSES.contains(status)) {
            throw new BadValue("#2 Status", status, "not in the CRM's status catalog " + STATUSES);
        }
        return CrmTask.builder(row.get("id"))
                .repId(required(row, "rep", "#4 Rep"))
                .createdByRepId(row.get("created_by"))
                .startDate(date(row, "start_date", "#38 Start date"))
                .dueDate(date(row, "due_date", "#14 Due date"))
                .status(status)
                .priority(row.get("priority"))
                .percentComplete(number(row, "percent_complete", "#56 Complete %"))
                .completeDate(date(row, "complete_date", "#8 Complete date"))
                .reminder(number(row, "reminder_duration", "#42 Reminder duration"), row.get("reminder_unit"))
                .subject(required(row, "subject", "#58 Subject"))
                .comments(row.get("comments"))
                .modifiedAt(Instant.parse(row.get("modified_at")))
                .build();
    }

    private static String required(Map<String, String> row, String column, String field) throws BadValue {
        String v = row.get(column);
        if (v == null) {
            throw new BadValue(field, null, "the field is empty");
        }
        return v;
    }

    private static LocalDate date(Map<String, String> row, String column, String field) throws BadValue {
        String v = row.get(column);
        try {
            return v == null ? null : LocalDate.parse(v.trim());
        } catch (DateTimeException e) {
            throw new BadValue(field, v, "not a date (yyyy-mm-dd)");
        }
    }

    private static Integer number(Map<String, String> row, String column, String field) throws BadValue {
        String v = row.get(column);
        try {
            return v == null ? null : Integer.valueOf(v.trim());
        } catch (NumberFormatException e) {
            throw new BadValue(field, v, "not a whole number");
        }
    }

    /** A value that keeps a row from being a task. */
    private static final class BadValue extends Exception {
        final String field;
        final String value;

        BadValue(String field, String value, String reason) {
            super(reason, null, false, false);
            this.field = field;
            this.value = value;
        }
    }

    @Override
    public String toString() {
        return "CsvCrmAdapter" + files;
    }
}

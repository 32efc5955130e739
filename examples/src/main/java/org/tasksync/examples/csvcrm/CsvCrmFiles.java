package org.tasksync.examples.csvcrm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;

/**
 * A CRM kept in two CSV files in one folder, {@code reps.csv} and {@code tasks.csv} (UTF-8, a
 * header line, values as the CRM shows them: {@code In Progress}, {@code High}, {@code hours},
 * dates as {@code 2025-05-12}). This class is both sides of the files: the CRM's (save a rep, save
 * or delete a task) and the reading and status writing that {@link CsvCrmAdapter} builds on.
 *
 * <p>Every save stamps the row with the CRM's clock ({@code modified_at}, strictly later than the
 * row's previous stamp) and with the next change number ({@code change_no}, one more than the
 * largest in the file). The change number is what makes "what changed since" exact: like a
 * database's row version, it grows with every save in the order saves happen, whatever the clocks
 * say. A deleted task stays as a row with {@code deleted=true}, so the deletion is a change too.
 *
 * <p>Thread-safe within one process: reads and writes take one lock, and a write replaces a file
 * as a whole (a temporary file moved over it), so a reader never sees half a file. A CRM writing
 * the files from another process would have to do the same and also lock across processes
 * (a {@code FileChannel} lock); left out to keep the example short.
 */
public final class CsvCrmFiles {

    static final List<String> REP_COLUMNS = List.of("id", "display_name", "email", "time_zone", "enabled");
    static final List<String> TASK_COLUMNS = List.of("id", "rep", "created_by", "start_date", "due_date", "status",
            "priority", "percent_complete", "complete_date", "reminder_duration", "reminder_unit", "subject",
            "comments", "modified_at", "deleted", "change_no");

    private final Path reps;
    private final Path tasks;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();

    private CsvCrmFiles(Path folder, Clock clock) {
        this.reps = folder.resolve("reps.csv");
        this.tasks = folder.resolve("tasks.csv");
        this.clock = clock;
    }

    /** The CRM in {@code folder}; creates the folder and empty files (with their header) if missing. */
    public static CsvCrmFiles open(Path folder, Clock clock) {
        CsvCrmFiles files = new CsvCrmFiles(Objects.requireNonNull(folder, "folder"), Objects.requireNonNull(clock, "clock"));
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + folder, e);
        }
        if (!Files.exists(files.reps)) {
            files.write(files.reps, REP_COLUMNS, List.of());
        }
        if (!Files.exists(files.tasks)) {
            files.write(files.tasks, TASK_COLUMNS, List.of());
        }
        return files;
    }

    // ------------------------------------------------------------------ the CRM's side

    /** Inserts or replaces a rep. */
    public void putRep(Rep rep) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("id", rep.id());
        row.put("display_name", rep.displayName());
        row.put("email", rep.mailbox());
        row.put("time_zone", rep.timeZone() == null ? null : rep.timeZone().getId());
        row.put("enabled", Boolean.toString(rep.enabled()));
        withLock(() -> {
            List<Map<String, String>> rows = new ArrayList<>(read(reps, REP_COLUMNS));
            rows.removeIf(r -> rep.id().equals(r.get("id")));
            rows.add(row);
            write(reps, REP_COLUMNS, rows);
            return null;
        });
    }

    /**
     * Inserts or updates a task as the CRM saves it: every field from {@code task}, not deleted, a new
     * stamp and change number ({@code task.modifiedAt()} is ignored).
     *
     * @return the new modification time
     */
    public Instant putTask(CrmTask task) {
        return putTask(task, task.status());
    }

    /** As {@link #putTask(CrmTask)}, with this text in the status column (known to the catalog or not). */
    public Instant putTask(CrmTask task, String status) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("id", task.id());
        row.put("rep", task.repId());
        row.put("created_by", task.createdByRepId());
        row.put("start_date", text(task.startDate()));
        row.put("due_date", text(task.dueDate()));
        row.put("status", status);
        row.put("priority", task.priority());
        row.put("percent_complete", text(task.percentComplete()));
        row.put("complete_date", text(task.completeDate()));
        row.put("reminder_duration", text(task.reminderDuration()));
        row.put("reminder_unit", task.reminderUnit());
        row.put("subject", task.subject());
        row.put("comments", task.comments());
        row.put("deleted", "false");
        return save(task.id(), old -> row);
    }

    /** Marks a task deleted, as a change; nothing happens when there is no such task. */
    public void deleteTask(String id) {
        update(id, old -> {
            if (old != null) {
                old.put("deleted", "true");
            }
            return old;
        });
    }

    /** Sets a task's modification time and nothing else; it counts as a change. */
    public void setModifiedAt(String id, Instant modifiedAt) {
        replace(id, row -> {
            if (row == null) {
                throw new IllegalArgumentException("no task " + id);
            }
            row.put("modified_at", modifiedAt.toString());
            return row;
        });
    }

    /** Deletes every rep and task. */
    public void clear() {
        withLock(() -> {
            write(reps, REP_COLUMNS, List.of());
            write(tasks, TASK_COLUMNS, List.of());
            return null;
        });
    }

    /** The CRM's clock. */
    public Instant now() {
        return clock.instant();
    }

    // ------------------------------------------------------------------ what the adapter uses

    /** Every rep row, as column name → value (null for an empty field). */
    List<Map<String, String>> repRows() {
        return withLock(() -> read(reps, REP_COLUMNS));
    }

    /** Every task row, deleted ones included. */
    List<Map<String, String>> taskRows() {
        return withLock(() -> read(tasks, TASK_COLUMNS));
    }

    /** The largest change number in the file, 0 when it has no rows. */
    long lastChange() {
        return withLock(() -> taskRows().stream().mapToLong(r -> Long.parseLong(r.get("change_no"))).max().orElse(0));
    }

    /**
     * Runs {@code decide} on a copy of the task's current row (null when there is none) under the
     * lock; if it returns a row, that row is saved with a new stamp and change number.
     *
     * @return the stamp of the save, or null when {@code decide} returned null and nothing was saved
     */
    Instant update(String id, UnaryOperator<Map<String, String>> decide) {
        return withLock(() -> {
            Map<String, String> current = find(id);
            Map<String, String> changed = decide.apply(current == null ? null : new LinkedHashMap<>(current));
            return changed == null ? null : save(id, old -> changed);
        });
    }

    // ------------------------------------------------------------------ plumbing

    private Map<String, String> find(String id) {
        return taskRows().stream().filter(r -> id.equals(r.get("id"))).findFirst().orElse(null);
    }

    /** Saves what {@code change} makes of the current row, stamped strictly later than before. */
    private Instant save(String id, UnaryOperator<Map<String, String>> change) {
        Map<String, String> written = replace(id, old -> {
            Instant stamp = clock.instant().truncatedTo(ChronoUnit.MICROS);
            String previous = old == null ? null : old.get("modified_at");
            if (previous != null && !stamp.isAfter(Instant.parse(previous))) {
                stamp = Instant.parse(previous).plus(1, ChronoUnit.MICROS);
            }
            Map<String, String> row = change.apply(old);
            row.put("modified_at", stamp.toString());
            return row;
        });
        return Instant.parse(written.get("modified_at"));
    }

    /**
     * Under the lock, replaces the task's row (or adds one) with what {@code change} makes of a copy
     * of it (null when there is none), with the next change number.
     */
    private Map<String, String> replace(String id, UnaryOperator<Map<String, String>> change) {
        return withLock(() -> {
            List<Map<String, String>> rows = new ArrayList<>(read(tasks, TASK_COLUMNS));
            long next = rows.stream().mapToLong(r -> Long.parseLong(r.get("change_no"))).max().orElse(0) + 1;
            Map<String, String> old = rows.stream().filter(r -> id.equals(r.get("id"))).findFirst().orElse(null);
            Map<String, String> row = change.apply(old == null ? null : new LinkedHashMap<>(old));
            row.put("id", id);
            row.put("change_no", Long.toString(next));
            rows.remove(old);
            rows.add(row);
            write(tasks, TASK_COLUMNS, rows);
            return row;
        });
    }

    private <T> T withLock(Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    private static List<Map<String, String>> read(Path file, List<String> columns) {
        List<List<String>> records;
        try {
            records = Csv.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (records.isEmpty() || !records.get(0).equals(columns)) {
            throw new IllegalStateException(file + " must start with the header " + String.join(",", columns)
                    + ", found " + (records.isEmpty() ? "an empty file" : String.join(",",
                    records.get(0).stream().map(String::valueOf).toList())));
        }
        List<Map<String, String>> rows = new ArrayList<>();
        for (List<String> record : records.subList(1, records.size())) {
            if (record.size() != columns.size()) {
                throw new IllegalStateException(file + ": a line has " + record.size() + " fields instead of "
                        + columns.size() + ": " + record);
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                row.put(columns.get(i), record.get(i));
            }
            rows.add(row);
        }
        return rows;
    }

    private void write(Path file, List<String> columns, List<Map<String, String>> rows) {
        StringBuilder text = new StringBuilder(Csv.format(columns));
        for (Map<String, String> row : rows) {
            text.append(Csv.format(columns.stream().map(row::get).toList()));
        }
        try {
            Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    @Override
    public String toString() {
        return "CsvCrmFiles" + Arrays.asList(reps, tasks);
    }
}

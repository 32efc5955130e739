package org.tasksync.adapter.jdbccrm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tasksync.core.TaskError;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.spi.CrmPage;
import org.tasksync.core.spi.TimeFrameQuery;

/**
 * What the engine notices of the time frame's order: one rep's tasks come together, so that a
 * rep's mailbox fills its batches while the other mailboxes wait with little or nothing buffered.
 * Over four reps whose tasks are spread over the same days, every way the adapter reads (sorted
 * by the database, rep by rep because the read is large, rep by rep because it includes the
 * unscheduled tasks, and both for a list of reps) pages through the time frame in small pages and
 * returns each rep's tasks in one run, ordered by (scheduled day, id), the unscheduled ones last,
 * and the task without a rep (an error) as well. Rows written between pages change nothing of that:
 * no row is skipped or returned twice.
 */
abstract class TimeFrameOrderScenarios {

    private static final LocalDate D = LocalDate.of(2025, 3, 3);
    private static final List<String> REPS = List.of("R-A", "R-B", "R-C", "R-D");
    /** Scheduled day, then id; unscheduled tasks after the scheduled ones. */
    private static final Comparator<CrmTask> WITHIN_A_REP = Comparator
            .comparing((CrmTask t) -> day(t) == null ? LocalDate.MAX : day(t))
            .thenComparing(CrmTask::id);

    private ReferenceCrm crm;
    private StatementRecorder statements;
    private JdbcCrmAdapter adapter;
    /** What the CRM holds, by id, as the test wrote it. */
    private final Map<String, CrmTask> rows = new LinkedHashMap<>();

    protected abstract DataSource database();

    /** The dialect to force; null to let the adapter choose it from the database. */
    protected CrmDialect dialect() {
        return null;
    }

    /** The ways a read can go, each with a query and a page size that makes the adapter choose it. */
    enum Read {
        SORTED(false, null, 3, false),
        REP_BY_REP_BECAUSE_LARGE(false, null, 1, true),
        REP_BY_REP_WITH_UNSCHEDULED(true, null, 3, true),
        SORTED_FOR_LISTED_REPS(false, Set.of("R-A", "R-C", "R-D"), 3, false),
        REP_BY_REP_FOR_LISTED_REPS(true, Set.of("R-A", "R-C", "R-D"), 2, true);

        final boolean unscheduled;
        final Set<String> reps;
        final int pageSize;
        final boolean repByRep;

        Read(boolean unscheduled, Set<String> reps, int pageSize, boolean repByRep) {
            this.unscheduled = unscheduled;
            this.reps = reps;
            this.pageSize = pageSize;
            this.repByRep = repByRep;
        }

        TimeFrameQuery query() {
            return new TimeFrameQuery(D, D.plusDays(6), unscheduled, reps);
        }
    }

    @BeforeEach
    void fillTheCrm() {
        DataSource db = database();
        crm = ReferenceCrm.of(db).createSchema();
        crm.clear();
        statements = new StatementRecorder(db);
        adapter = JdbcCrmAdapter.create(statements, crm.settings().toBuilder().dialect(dialect()).build());
        rows.clear();
        // 32 scheduled tasks dealt out to the reps in turn, over 7 days, so that every day holds
        // tasks of every rep and most (rep, day) pairs hold more than one task
        for (int i = 0; i < 32; i++) {
            put(task(String.format("A1:%03d", i), REPS.get(i % REPS.size()), D.plusDays(i * 5 % 7)));
        }
        for (int i = 0; i < REPS.size(); i++) {
            put(task(String.format("A1:1%02d", i), REPS.get(i), null));
            put(task(String.format("A1:1%02d", i + 10), REPS.get(i), null));
        }
        put(task("A1:900", null, D.plusDays(2)));
        put(task("A1:800", "R-B", D.minusDays(1)));
        put(task("A1:801", "R-B", D.plusDays(7)));
        put(task("A1:802", "R-C", D.plusDays(1)));
        delete("A1:802");
        statements.clear();
    }

    @ParameterizedTest
    @EnumSource(Read.class)
    void eachRepsTasksComeTogetherInOrderOfDayAndId(Read read) {
        Pass pass = read(read, (page, last) -> { });

        assertThat(pass.ids()).as("tasks in the order read").containsExactlyElementsOf(expected(read));
        assertThat(runsOfReps(pass.tasks)).as("the reps of the tasks, one entry per run").doesNotHaveDuplicates();
        assertThat(pass.errors).extracting(TaskError::taskId)
                .containsExactlyElementsOf(read.reps == null ? List.of("A1:900") : List.of());
        assertWentAsPlanned(read);
    }

    @ParameterizedTest
    @EnumSource(Read.class)
    void rowsWrittenBetweenPagesAreNeitherSkippedNorReadTwice(Read read) {
        List<String> behind = new ArrayList<>();
        Pass pass = read(read, (page, last) -> {
            if (last == null || !behind.isEmpty()) {
                return; // write once, after the first page with a task
            }
            LocalDate day = day(last);
            // behind the place the read has reached: not in this read (the change read has it)
            put(task("A0:000", last.repId(), day));
            behind.add("A0:000");
            // the same rep and day as the last task, and an id that sorts right after it
            put(task(last.id() + "5", last.repId(), day));
            // ahead: a new task of the last rep, one edited and one deleted that were not read yet
            put(task("A1:500", "R-D", D.plusDays(3)));
            put(rows.get("A1:031").toBuilder().subject("edited while the read ran").build());
            delete("A1:030");
            // behind: edited after it was read
            put(rows.get(last.id()).toBuilder().subject("edited after it was read").build());
        });

        List<String> expected = expected(read);
        expected.removeAll(behind);
        assertThat(pass.ids()).as("tasks in the order read").containsExactlyElementsOf(expected)
                .contains("A1:500").doesNotContain("A1:030");
        assertThat(runsOfReps(pass.tasks)).as("the reps of the tasks, one entry per run").doesNotHaveDuplicates();
        assertThat(pass.tasks).filteredOn(t -> t.id().equals("A1:031")).extracting(CrmTask::subject)
                .containsExactly("edited while the read ran");
        assertThat(pass.tasks).noneMatch(t -> t.subject().equals("edited after it was read"));
        assertWentAsPlanned(read);
    }

    /** The tasks the read must return, in its order, from what the CRM holds now. */
    private List<String> expected(Read read) {
        Map<String, List<CrmTask>> byRep = rows.values().stream()
                .filter(t -> t.repId() != null && (read.reps == null || read.reps.contains(t.repId())))
                .filter(t -> day(t) == null ? read.unscheduled
                        : !day(t).isBefore(D) && !day(t).isAfter(D.plusDays(6)))
                .collect(Collectors.groupingBy(CrmTask::repId, TreeMap::new, Collectors.toList()));
        List<String> ids = new ArrayList<>();
        byRep.values().forEach(tasks -> tasks.stream().sorted(WITHIN_A_REP).map(CrmTask::id).forEach(ids::add));
        return ids;
    }

    /** The statements show which way the read went. */
    private void assertWentAsPlanned(Read read) {
        List<String> sql = statements.executed().stream().map(StatementRecorder.Executed::sql).toList();
        // the order that puts the tasks without a rep first, as the dialect writes it
        String nullsFirst = dialect() == CrmDialect.SQLSERVER ? "CASE WHEN rep_id IS NULL THEN 0" : "NULLS FIRST";
        if (read.repByRep) {
            assertThat(sql).as("statements of a read rep by rep").anyMatch(s -> s.contains("WHERE rep_id = ?"))
                    .noneMatch(s -> s.contains(nullsFirst));
        } else {
            assertThat(sql).as("statements of a sorted read").anyMatch(s -> s.contains(nullsFirst))
                    .noneMatch(s -> s.contains("WHERE rep_id = ?"));
        }
    }

    private static List<String> runsOfReps(List<CrmTask> tasks) {
        List<String> runs = new ArrayList<>();
        for (CrmTask t : tasks) {
            if (runs.isEmpty() || !runs.get(runs.size() - 1).equals(t.repId())) {
                runs.add(t.repId());
            }
        }
        return runs;
    }

    private Pass read(Read read, BiConsumer<CrmPage, CrmTask> betweenPages) {
        Pass pass = new Pass();
        String token = null;
        for (int i = 0; i < 200; i++) {
            CrmPage page = adapter.tasksInTimeFrame(read.query(), token, read.pageSize);
            assertThat(page.size()).as("entries on a page").isLessThanOrEqualTo(read.pageSize);
            pass.tasks.addAll(page.tasks());
            pass.errors.addAll(page.errors());
            if (!page.hasMore()) {
                assertThat(pass.ids()).as("tasks read twice").doesNotHaveDuplicates();
                return pass;
            }
            betweenPages.accept(page, pass.tasks.isEmpty() ? null : pass.tasks.get(pass.tasks.size() - 1));
            token = page.next();
        }
        throw new AssertionError("the time frame read did not end");
    }

    private static final class Pass {
        final List<CrmTask> tasks = new ArrayList<>();
        final List<TaskError> errors = new ArrayList<>();

        List<String> ids() {
            return tasks.stream().map(CrmTask::id).collect(Collectors.toList());
        }
    }

    private void put(CrmTask task) {
        crm.putTask(task);
        rows.put(task.id(), task);
    }

    private void delete(String id) {
        crm.deleteTask(id);
        rows.remove(id);
    }

    private static CrmTask task(String id, String rep, LocalDate due) {
        return CrmTask.builder(id).repId(rep).dueDate(due).subject("Task " + id).build();
    }

    private static LocalDate day(CrmTask t) {
        return t.dueDate() != null ? t.dueDate() : t.startDate();
    }
}

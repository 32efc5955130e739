package org.tasksync.testkit.crm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tasksync.core.TaskError;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.core.spi.CrmPage;
import org.tasksync.core.spi.StatusWriteResult;
import org.tasksync.core.spi.TimeFrameQuery;

/**
 * The contract of {@link CrmAdapter}, as tests that every CRM adapter passes. An adapter's test
 * extends this class and provides a {@link CrmFixture}:
 *
 * <pre>{@code
 * class MyCrmAdapterTest extends CrmAdapterCompatibilityKit {
 *     static final MyCrmFixture CRM = new MyCrmFixture();
 *     @Override protected CrmFixture fixture() { return CRM; }
 * }
 * }</pre>
 *
 * <p>What it checks: reps; change reading with equal modification times, across pages, with
 * deletions, with a late commit and with edits made while a read pages; the time frame (inclusive
 * bounds, due date before start date, unscheduled tasks, rep filter, paging); reading by id,
 * deleted and missing ids included; the status write-back (written, conflict, not found, the
 * modification time advancing, concurrent writers); and bad rows reported as per-task errors while
 * every other row goes on.
 *
 * <p>This kit has no change-feed tests: an adapter whose {@link CrmAdapter#changeFeed} gives a feed
 * extends {@link CrmChangeFeedCompatibilityKit} instead, which runs these tests and the feed's.
 *
 * <p>The fixture is reset before each test. Change reads may return a change again in a later
 * read (the SPI allows it), so the kit never asserts that a read returns nothing old.
 */
public abstract class CrmAdapterCompatibilityKit {

    /** A day far from today, so that no clock-dependent window interferes. */
    protected static final LocalDate D = LocalDate.of(2031, 5, 12);
    private static final int MAX_PAGES = 10_000;

    private CrmFixture crm;
    private CrmAdapter adapter;
    private ExecutorService threads;

    /** The CRM and adapter under test; called before each test. */
    protected abstract CrmFixture fixture();

    /**
     * Whether {@link CrmAdapter#tasksInTimeFrame} leaves out the tasks of reps not asked for. The
     * SPI allows an adapter to return more (the engine filters again); such an adapter returns false.
     */
    protected boolean filtersByRep() {
        return true;
    }

    @BeforeEach
    void resetCrm() {
        crm = fixture();
        crm.reset();
        adapter = crm.adapter();
        threads = Executors.newFixedThreadPool(8);
    }

    /** The fixture of the running test, for kits and subclasses that add tests of their own. */
    protected final CrmFixture crm() {
        return crm;
    }

    /** The adapter of the running test. */
    protected final CrmAdapter adapter() {
        return adapter;
    }

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(30, TimeUnit.SECONDS);
    }

    // --- reps --------------------------------------------------------------------------------------

    @Test
    void repsComeBackWithNameMailboxZoneAndEnabledFlag() {
        Rep ada = new Rep("R-ADA", "Ada Lovelace", "ada@example.com", ZoneId.of("Europe/London"), true);
        Rep bob = new Rep("R-BOB", "Bob Kahn", "bob@example.com", null, true);
        Rep cyd = new Rep("R-CYD", "Cyd Charisse", "cyd@example.com", ZoneId.of("Asia/Kolkata"), false);
        Rep dan = new Rep("R-DAN", "Dan Bricklin", null, ZoneId.of("America/New_York"), true);
        for (Rep r : List.of(ada, bob, cyd, dan)) {
            crm.putRep(r);
        }

        assertThat(adapter.reps()).containsExactlyInAnyOrder(ada, bob, cyd, dan);
        assertThat(adapter.reps()).filteredOn(r -> r.enabled() && r.hasMailbox()).extracting(Rep::id)
                .containsExactlyInAnyOrder("R-ADA", "R-BOB");
    }

    // --- changes -----------------------------------------------------------------------------------

    @Test
    void aTaskSavedAfterTheCurrentCursorComesBackWithEveryField() {
        String cursor = adapter.currentChangeCursor();
        CrmTask saved = CrmTask.builder("A1:1-1").repId("R-ADA").createdByRepId("R-BOB")
                .startDate(D.minusDays(2)).dueDate(D.plusDays(3)).status("In Progress").priority("High")
                .percentComplete(40).completeDate(null).reminder(15, "minutes").subject("Call Contoso")
                .comments("Grüße aus Wien\nSecond line").build();
        Instant stamp = crm.putTask(saved);

        Pass pass = readChanges(cursor, 10);

        assertThat(pass.tasks).hasSize(1);
        CrmTask read = pass.tasks.get(0);
        assertThat(read).usingRecursiveComparison().ignoringFields("modifiedAt").isEqualTo(saved);
        assertThat(read.modifiedAt()).isEqualTo(stamp);
        assertThat(pass.deleted).isEmpty();
        assertThat(pass.errors).isEmpty();
    }

    @Test
    void rowsWithEqualModificationTimesAreEachReadOnceWhateverThePageSize() {
        String cursor = adapter.currentChangeCursor();
        List<String> ids = List.of("A1:1-5", "A1:1-2", "A1:1-7", "A1:1-1", "A1:1-3", "A1:1-6", "A1:1-4");
        for (String id : ids) {
            crm.putTask(task(id).build());
        }
        Instant same = crm.now();
        for (String id : ids) {
            crm.setModifiedAt(id, same);
        }

        for (int pageSize : List.of(1, 2, 3, 6, 7, 8, 100)) {
            Pass pass = readChanges(cursor, pageSize);
            assertThat(pass.ids()).as("page size %d", pageSize).containsExactlyInAnyOrderElementsOf(ids);
        }
    }

    @Test
    void changesComeOldestFirstAcrossPages() {
        String cursor = adapter.currentChangeCursor();
        List<String> ids = List.of("A1:9", "A1:3", "A1:7", "A1:1", "A1:5", "A1:2");
        for (String id : ids) {
            crm.putTask(task(id).build());
        }
        Instant base = crm.now();
        for (int i = 0; i < ids.size(); i++) {
            crm.setModifiedAt(ids.get(i), base.plusMillis(10L * i));
        }

        Pass pass = readChanges(cursor, 2);

        assertThat(pass.ids()).containsExactlyElementsOf(ids);
        assertThat(pass.pages).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aDeletionIsAChangeAndCountsTowardsThePageSize() {
        for (String id : List.of("A1:1", "A1:2", "A1:3")) {
            crm.putTask(task(id).build());
        }
        String cursor = readChanges(adapter.currentChangeCursor(), 10).next;

        crm.deleteTask("A1:2");
        Pass pass = readChanges(cursor, 1);

        assertThat(pass.deleted).contains("A1:2");
        assertThat(pass.tasks).extracting(CrmTask::id).doesNotContain("A1:2");
        assertThat(crm.readTask("A1:2")).isEmpty();
    }

    @Test
    void aChangeAfterAReadIsSeenByTheNextRead() {
        // The cursor comes first: the SPI lets currentChangeCursor() return changes made shortly
        // before it, but does not promise it (a CRM with an exact change log returns none).
        String cursor = adapter.currentChangeCursor();
        crm.putTask(task("A1:1").subject("first").build());
        crm.putTask(task("A1:2").subject("other").build());
        Pass first = readChanges(cursor, 1);
        assertThat(first.ids()).contains("A1:1", "A1:2");

        crm.putTask(task("A1:1").subject("second").build());
        Pass second = readChanges(first.next, 1);

        assertThat(second.tasks).filteredOn(t -> t.id().equals("A1:1")).extracting(CrmTask::subject)
                .containsExactly("second");
    }

    @Test
    void aTransactionThatCommitsAfterAReadWithAnEarlierStampIsNotLost() {
        String start = adapter.currentChangeCursor();
        crm.putTask(task("A1:1").build());
        crm.putTask(task("A1:2").build());
        Pass first = readChanges(start, 1);
        assertThat(first.ids()).contains("A1:1", "A1:2");

        // A CRM transaction stamped its row a little before the read and commits only now.
        crm.putTask(task("A1:late").subject("late").build());
        crm.setModifiedAt("A1:late", crm.now().minus(crm.lateCommitTolerance()));
        Pass second = readChanges(first.next, 1);

        assertThat(second.ids()).contains("A1:late");
    }

    @Test
    void editsMadeWhileAReadPagesAreInThatReadOrTheNext() throws Exception {
        int n = 40;
        String cursor = adapter.currentChangeCursor();
        for (int i = 0; i < n; i++) {
            crm.putTask(task("A1:" + i).subject("v0").build());
        }
        CountDownLatch firstPageRead = new CountDownLatch(1);
        Future<?> writer = threads.submit(() -> {
            firstPageRead.await();
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                order.add(i);
            }
            Collections.shuffle(order, new Random(42));
            for (int round = 1; round <= 2; round++) {
                for (int i : order.subList(0, n / 2 + round * 5)) {
                    crm.putTask(task("A1:" + i).subject("v" + round).build());
                }
            }
            crm.deleteTask("A1:" + order.get(n - 1));
            return null;
        });

        Pass during = readChanges(cursor, 3, firstPageRead::countDown);
        writer.get(60, TimeUnit.SECONDS);
        Pass after = readChanges(during.next, 3);

        Map<String, CrmTask> latestSeen = new HashMap<>();
        Set<String> deletedSeen = new HashSet<>();
        for (Pass p : List.of(during, after)) {
            p.tasks.forEach(t -> latestSeen.put(t.id(), t));
            deletedSeen.addAll(p.deleted);
        }
        for (int i = 0; i < n; i++) {
            String id = "A1:" + i;
            var stored = crm.readTask(id);
            if (stored.isPresent()) {
                assertThat(latestSeen.get(id)).as("last version of %s", id).isEqualTo(stored.get());
            } else {
                assertThat(deletedSeen).as("deletion of %s", id).contains(id);
            }
        }
    }

    @Test
    void aCursorFromTheLastPageIsStableWhenNothingChanges() {
        crm.putTask(task("A1:1").build());
        Pass first = readChanges(adapter.currentChangeCursor(), 5);
        Pass second = readChanges(first.next, 5);
        Pass third = readChanges(second.next, 5);

        assertThat(third.ids()).isSubsetOf(first.ids());
        assertThat(third.errors).isEmpty();
    }

    // --- time frame --------------------------------------------------------------------------------

    @Test
    void theTimeFrameIsInclusiveAndTheDueDateDecidesOverTheStartDate() {
        crm.putTask(task("due-on-from").dueDate(D).build());
        crm.putTask(task("due-on-to").dueDate(D.plusDays(10)).build());
        crm.putTask(task("due-inside").startDate(D.minusDays(30)).dueDate(D.plusDays(4)).build());
        crm.putTask(task("start-only-inside").startDate(D.plusDays(2)).build());
        crm.putTask(task("due-before").dueDate(D.minusDays(1)).build());
        crm.putTask(task("due-after").dueDate(D.plusDays(11)).build());
        crm.putTask(task("start-inside-due-after").startDate(D.plusDays(1)).dueDate(D.plusDays(12)).build());
        crm.putTask(task("unscheduled").build());

        Pass pass = readFrame(new TimeFrameQuery(D, D.plusDays(10), false, null), 100);

        assertThat(pass.ids()).containsExactlyInAnyOrder("due-on-from", "due-on-to", "due-inside", "start-only-inside");
        assertThat(pass.deleted).isEmpty();
    }

    @Test
    void unscheduledTasksComeOnlyWhenAsked() {
        crm.putTask(task("scheduled").dueDate(D).build());
        crm.putTask(task("unscheduled-1").build());
        crm.putTask(task("unscheduled-2").build());

        assertThat(readFrame(new TimeFrameQuery(D, D, true, null), 100).ids())
                .containsExactlyInAnyOrder("scheduled", "unscheduled-1", "unscheduled-2");
        assertThat(readFrame(new TimeFrameQuery(D, D, false, null), 100).ids())
                .containsExactly("scheduled");
    }

    @Test
    void deletedTasksAreNotInTheTimeFrame() {
        crm.putTask(task("kept").dueDate(D).build());
        crm.putTask(task("gone").dueDate(D).build());
        crm.putTask(task("gone-unscheduled").build());
        crm.deleteTask("gone");
        crm.deleteTask("gone-unscheduled");

        Pass pass = readFrame(new TimeFrameQuery(D, D, true, null), 100);

        assertThat(pass.ids()).containsExactly("kept");
    }

    @Test
    void theTimeFrameReadsOnlyTheGivenReps() {
        crm.putTask(task("ada-1").repId("R-ADA").dueDate(D).build());
        crm.putTask(task("ada-2").repId("R-ADA").build());
        crm.putTask(task("bob-1").repId("R-BOB").dueDate(D).build());
        crm.putTask(task("cyd-1").repId("R-CYD").dueDate(D).build());

        Pass adaAndBob = readFrame(new TimeFrameQuery(D, D, true, Set.of("R-ADA", "R-BOB")), 1);
        Pass nobody = readFrame(new TimeFrameQuery(D, D, true, Set.of()), 10);
        Pass everybody = readFrame(new TimeFrameQuery(D, D, true, null), 10);

        assertThat(adaAndBob.ids()).contains("ada-1", "ada-2", "bob-1");
        assertThat(everybody.ids()).containsExactlyInAnyOrder("ada-1", "ada-2", "bob-1", "cyd-1");
        if (filtersByRep()) {
            assertThat(adaAndBob.ids()).containsExactlyInAnyOrder("ada-1", "ada-2", "bob-1");
            assertThat(nobody.ids()).isEmpty();
        }
    }

    @Test
    void timeFramePagesCoverEveryTaskOnceWhateverThePageSize() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            String id = "S" + i;
            crm.putTask(task(id).dueDate(D.plusDays(i % 4)).build());
            expected.add(id);
        }
        for (int i = 0; i < 4; i++) {
            String id = "U" + i;
            crm.putTask(task(id).build());
            expected.add(id);
        }
        crm.putTask(task("outside").dueDate(D.plusDays(5)).build());

        for (int pageSize : List.of(1, 2, 3, 4, 11, 12, 15, 16, 50)) {
            Pass pass = readFrame(new TimeFrameQuery(D, D.plusDays(3), true, null), pageSize);
            assertThat(pass.ids()).as("page size %d", pageSize).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    // --- by id -------------------------------------------------------------------------------------

    @Test
    void tasksByIdReturnsTasksAndReportsDeletedAndMissingIdsAsDeleted() {
        crm.putTask(task("A1:1").subject("one").build());
        crm.putTask(task("A1:2").build());
        crm.putTask(task("A1:3").subject("three").build());
        crm.deleteTask("A1:2");

        CrmPage page = adapter.tasksById(List.of("A1:1", "A1:2", "A1:3", "A1:never", "A1:1"));

        assertThat(page.tasks()).extracting(CrmTask::id).containsExactlyInAnyOrder("A1:1", "A1:3");
        assertThat(page.tasks()).extracting(CrmTask::subject).containsExactlyInAnyOrder("one", "three");
        assertThat(page.deletedTaskIds()).containsExactlyInAnyOrder("A1:2", "A1:never");
        assertThat(page.errors()).isEmpty();
        assertThat(page.hasMore()).isFalse();
    }

    @Test
    void tasksByIdWithoutIdsIsEmpty() {
        crm.putTask(task("A1:1").build());

        assertThat(adapter.tasksById(List.of()).size()).isZero();
    }

    // --- status write-back -------------------------------------------------------------------------

    @Test
    void writeStatusWritesOnlyTheStatusAndAdvancesTheModificationTime() {
        CrmTask before = task("A1:1").dueDate(D).priority("High").percentComplete(30).reminder(1, "days")
                .comments("keep me").build();
        Instant stamp = crm.putTask(before);

        StatusWriteResult result = adapter.writeStatus("A1:1", "Completed", stamp);

        assertThat(result.outcome()).isEqualTo(StatusWriteResult.Outcome.WRITTEN);
        assertThat(result.newModifiedAt()).isAfter(stamp);
        CrmTask after = crm.readTask("A1:1").orElseThrow();
        assertThat(after.status()).isEqualTo("Completed");
        assertThat(after.modifiedAt()).isEqualTo(result.newModifiedAt());
        assertThat(after).usingRecursiveComparison().ignoringFields("status", "modifiedAt").isEqualTo(before);
    }

    @Test
    void eachWriteAdvancesTheModificationTimeEvenInQuickSuccession() {
        Instant t = crm.putTask(task("A1:1").build());
        for (String status : List.of("In Progress", "Completed", "Open", "Missed", "In Progress")) {
            StatusWriteResult r = adapter.writeStatus("A1:1", status, t);
            assertThat(r.outcome()).isEqualTo(StatusWriteResult.Outcome.WRITTEN);
            assertThat(r.newModifiedAt()).isAfter(t);
            t = r.newModifiedAt();
        }
        assertThat(crm.readTask("A1:1").orElseThrow().status()).isEqualTo("In Progress");
    }

    @Test
    void writeStatusOnAStaleModificationTimeIsAConflictAndWritesNothing() {
        Instant first = crm.putTask(task("A1:1").subject("v1").build());
        Instant second = crm.putTask(task("A1:1").subject("v2").build());

        StatusWriteResult result = adapter.writeStatus("A1:1", "Completed", first);

        assertThat(result.outcome()).isEqualTo(StatusWriteResult.Outcome.CONFLICT);
        assertThat(result.newModifiedAt()).isEqualTo(second);
        CrmTask stored = crm.readTask("A1:1").orElseThrow();
        assertThat(stored.status()).isEqualTo("Open");
        assertThat(stored.modifiedAt()).isEqualTo(second);
    }

    @Test
    void writeStatusOnAMissingOrDeletedTaskIsNotFound() {
        Instant stamp = crm.putTask(task("A1:1").build());
        crm.deleteTask("A1:1");

        assertThat(adapter.writeStatus("A1:1", "Completed", stamp).outcome())
                .isEqualTo(StatusWriteResult.Outcome.NOT_FOUND);
        assertThat(adapter.writeStatus("A1:never", "Completed", stamp).outcome())
                .isEqualTo(StatusWriteResult.Outcome.NOT_FOUND);
        assertThat(crm.readTask("A1:1")).isEmpty();
    }

    @Test
    void ofConcurrentWritesWithTheSameExpectationExactlyOneIsWritten() throws Exception {
        Instant stamp = crm.putTask(task("A1:1").build());
        List<String> statuses = List.of("Completed", "In Progress", "Missed", "Completed", "In Progress", "Missed");
        CountDownLatch go = new CountDownLatch(1);
        List<Future<StatusWriteResult>> results = new ArrayList<>();
        for (String s : statuses) {
            Callable<StatusWriteResult> write = () -> {
                go.await();
                return adapter.writeStatus("A1:1", s, stamp);
            };
            results.add(threads.submit(write));
        }
        go.countDown();

        Map<StatusWriteResult.Outcome, Integer> outcomes = new LinkedHashMap<>();
        StatusWriteResult written = null;
        for (int i = 0; i < results.size(); i++) {
            StatusWriteResult r = results.get(i).get(60, TimeUnit.SECONDS);
            outcomes.merge(r.outcome(), 1, Integer::sum);
            if (r.outcome() == StatusWriteResult.Outcome.WRITTEN) {
                written = r;
                assertThat(crm.readTask("A1:1").orElseThrow().status()).isEqualTo(statuses.get(i));
            }
        }
        assertThat(outcomes).containsEntry(StatusWriteResult.Outcome.WRITTEN, 1)
                .containsEntry(StatusWriteResult.Outcome.CONFLICT, statuses.size() - 1);
        assertThat(crm.readTask("A1:1").orElseThrow().modifiedAt()).isEqualTo(written.newModifiedAt());
    }

    @Test
    void aWrittenStatusIsAChange() {
        Instant stamp = crm.putTask(task("A1:1").build());
        Pass first = readChanges(adapter.currentChangeCursor(), 10);

        StatusWriteResult r = adapter.writeStatus("A1:1", "Completed", stamp);
        Pass second = readChanges(first.next, 10);

        assertThat(second.tasks).filteredOn(t -> t.id().equals("A1:1"))
                .extracting(CrmTask::status, CrmTask::modifiedAt)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Completed", r.newModifiedAt()));
    }

    // --- bad rows ----------------------------------------------------------------------------------

    @Test
    void aTaskWithAnUnknownStatusIsAnErrorAndTheOthersGoOn() {
        String cursor = adapter.currentChangeCursor();
        crm.putTask(task("A1:1").dueDate(D).build());
        crm.putTaskWithUnknownStatus(task("A1:bad").dueDate(D).build());
        crm.putTask(task("A1:3").dueDate(D).build());

        Pass changes = readChanges(cursor, 1);
        Pass frame = readFrame(new TimeFrameQuery(D, D, false, null), 1);
        CrmPage byId = adapter.tasksById(List.of("A1:1", "A1:bad", "A1:3"));

        for (Pass p : List.of(changes, frame, new Pass(byId))) {
            assertThat(p.tasks).extracting(CrmTask::id).containsExactlyInAnyOrder("A1:1", "A1:3");
            assertThat(p.errors).singleElement().satisfies(e -> {
                assertThat(e.taskId()).isEqualTo("A1:bad");
                assertThat(e.field()).isEqualTo("#2 Status");
                assertThat(e.value()).isNotBlank();
                assertThat(e.reason()).isNotBlank();
            });
        }
    }

    @Test
    void aTaskWithoutSubjectIsAnErrorAndTheOthersGoOn() {
        String cursor = adapter.currentChangeCursor();
        crm.putTask(task("A1:1").build());
        crm.putTask(task("A1:nosubject").subject(null).build());

        Pass changes = readChanges(cursor, 1);

        assertThat(changes.ids()).containsExactly("A1:1");
        assertThat(changes.errors).singleElement().satisfies(e -> {
            assertThat(e.taskId()).isEqualTo("A1:nosubject");
            assertThat(e.field()).isEqualTo("#58 Subject");
        });
    }

    @Test
    void valuesTheEngineChecksDoNotStopAReadAndAreNeitherLostNorChanged() {
        crm.putRep(new Rep("R-NOMAIL", "No Mail", null, null, true));
        String cursor = adapter.currentChangeCursor();
        Map<String, CrmTask> odd = new LinkedHashMap<>();
        odd.put("A1:percent", task("A1:percent").percentComplete(300).dueDate(D).build());
        odd.put("A1:negative", task("A1:negative").percentComplete(-5).dueDate(D).build());
        odd.put("A1:due-before-start", task("A1:due-before-start").startDate(D.plusDays(3)).dueDate(D).build());
        odd.put("A1:no-mailbox", task("A1:no-mailbox").repId("R-NOMAIL").dueDate(D).build());
        odd.put("A1:long-subject", task("A1:long-subject").subject("x".repeat(300)).dueDate(D).build());
        odd.put("A1:empty-subject", task("A1:empty-subject").subject("").dueDate(D).build());
        for (CrmTask t : odd.values()) {
            crm.putTask(t);
        }
        crm.putTask(task("A1:fine").dueDate(D).build());

        for (Function<CrmAdapter, Pass> read : List.<Function<CrmAdapter, Pass>>of(
                a -> readChanges(cursor, 2),
                a -> readFrame(new TimeFrameQuery(D, D, false, null), 2),
                a -> new Pass(a.tasksById(List.of("A1:percent", "A1:negative", "A1:due-before-start",
                        "A1:no-mailbox", "A1:long-subject", "A1:empty-subject", "A1:fine"))))) {
            Pass[] pass = new Pass[1];
            assertThatCode(() -> pass[0] = read.apply(adapter)).doesNotThrowAnyException();
            Map<String, CrmTask> read1 = pass[0].tasks.stream().collect(Collectors.toMap(CrmTask::id, t -> t));
            Set<String> reported = pass[0].errors.stream().map(TaskError::taskId).collect(Collectors.toSet());
            assertThat(read1).containsKey("A1:fine");
            odd.forEach((id, t) -> {
                if (read1.containsKey(id)) {
                    assertThat(read1.get(id)).usingRecursiveComparison().ignoringFields("modifiedAt").isEqualTo(t);
                } else {
                    assertThat(reported).as("%s is neither read nor reported", id).contains(id);
                }
            });
        }
    }

    // --- helpers -----------------------------------------------------------------------------------

    /** A plain task of rep R-ADA with subject, status Open, priority Normal, 0 %. */
    protected static CrmTask.Builder task(String id) {
        return CrmTask.builder(id).repId("R-ADA").subject("Task " + id).status("Open").priority("Normal")
                .percentComplete(0);
    }

    /** What one complete read (all pages) returned. */
    protected static final class Pass {
        final List<CrmTask> tasks = new ArrayList<>();
        final List<String> deleted = new ArrayList<>();
        final List<TaskError> errors = new ArrayList<>();
        String next;
        int pages;

        Pass() {
        }

        Pass(CrmPage single) {
            add(single);
        }

        void add(CrmPage page) {
            tasks.addAll(page.tasks());
            deleted.addAll(page.deletedTaskIds());
            errors.addAll(page.errors());
            next = page.next();
            pages++;
        }

        List<String> ids() {
            return tasks.stream().map(CrmTask::id).collect(Collectors.toList());
        }
    }

    /** Reads all pages of changes after {@code cursor}; checks page sizes, termination and no repeats. */
    protected Pass readChanges(String cursor, int pageSize) {
        return readChanges(cursor, pageSize, () -> { });
    }

    private Pass readChanges(String cursor, int pageSize, Runnable afterFirstPage) {
        Pass pass = new Pass();
        String c = cursor;
        for (int i = 0; i < MAX_PAGES; i++) {
            CrmPage page = adapter.changesSince(c, pageSize);
            assertThat(page.size()).as("entries on a page of size %d", pageSize).isLessThanOrEqualTo(pageSize);
            assertThat(page.next()).as("cursor after a page").isNotNull();
            pass.add(page);
            if (i == 0) {
                afterFirstPage.run();
            }
            if (!page.hasMore()) {
                return pass;
            }
            c = page.next();
        }
        throw new AssertionError("changesSince still had more after " + MAX_PAGES + " pages of " + pageSize);
    }

    /** Reads all pages of a time frame; checks page sizes, termination and that no task comes twice. */
    protected Pass readFrame(TimeFrameQuery query, int pageSize) {
        Pass pass = new Pass();
        String token = null;
        for (int i = 0; i < MAX_PAGES; i++) {
            CrmPage page = adapter.tasksInTimeFrame(query, token, pageSize);
            assertThat(page.size()).as("entries on a page of size %d", pageSize).isLessThanOrEqualTo(pageSize);
            pass.add(page);
            if (!page.hasMore()) {
                assertThat(pass.ids()).as("tasks read twice in one time frame read").doesNotHaveDuplicates();
                return pass;
            }
            token = page.next();
        }
        throw new AssertionError("tasksInTimeFrame still had more after " + MAX_PAGES + " pages of " + pageSize);
    }

    /** The fixture's lateness tolerance, for subclasses that add tests of their own. */
    protected Duration lateCommitTolerance() {
        return crm.lateCommitTolerance();
    }
}

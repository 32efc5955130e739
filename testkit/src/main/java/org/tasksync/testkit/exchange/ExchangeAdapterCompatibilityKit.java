package org.tasksync.testkit.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.ChangePage;
import org.tasksync.core.spi.CursorRejectedException;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.core.spi.ExchangeTaskUpdate;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.WriteOutcome;

/**
 * The contract of {@link ExchangeAdapter} and {@link MailboxConnection}, as a test that every
 * Exchange adapter's test class extends in a few lines (like Micrometer's
 * {@code MeterRegistryCompatibilityKit}): supply the adapter, a mailbox that exists, one that does
 * not, and the rep's hand ({@link ExchangeUser}).
 *
 * <p>This kit has no change-feed tests: an adapter whose {@link ExchangeAdapter#changeFeed} gives a
 * feed extends {@link ExchangeChangeFeedCompatibilityKit} instead, which runs these tests and the feed's.
 *
 * <p>Each test uses mailboxes of its own ({@link #mailbox(String)} gets a fresh address per test), so
 * subclasses may share one simulator across tests.
 */
public abstract class ExchangeAdapterCompatibilityKit {

    private static int counter;
    private final String prefix = "kit" + (++counter) + "-" + System.nanoTime() % 100000;

    /** The adapter under test. */
    protected abstract ExchangeAdapter adapter();

    /** The rep's hand on the same server. */
    protected abstract ExchangeUser user();

    /**
     * Makes sure a mailbox with this address exists on the server (simulators create it; a test
     * against a real server would map it to a test mailbox) and returns it.
     */
    protected Mailbox mailbox(String localPart, ZoneId zone) {
        String address = prefix + "-" + localPart + "@example.com";
        prepareMailbox(address);
        return new Mailbox(address, "Owner " + localPart, zone);
    }

    protected Mailbox mailbox(String localPart) {
        return mailbox(localPart, ZoneId.of("Europe/Vienna"));
    }

    /** Creates the mailbox on the server if the server needs that. */
    protected abstract void prepareMailbox(String address);

    /** An address the server does not know. */
    protected String unknownMailbox() {
        return prefix + "-nobody@example.com";
    }

    /** The extended field the kit round-trips; adapters that support none override with null. */
    protected ExchangeField extendedField() {
        return ExchangeField.extended("Region");
    }

    protected TaskValues fullValues(String subject, ZoneId zone) {
        TaskValues.Builder b = TaskValues.builder().subject(subject)
                .body("Line one\nLine two: Ümlaut, 😀, <b>not html</b> & \"quotes\"")
                .startDate(LocalDate.of(2026, 3, 30)).dueDate(LocalDate.of(2026, 4, 2))
                .status(ExchangeStatus.IN_PROGRESS).importance(Importance.HIGH).percentComplete(40)
                .completeDate(null)
                .reminder(true, LocalDate.of(2026, 4, 2).atTime(7, 45).atZone(zone).toInstant())
                .owner("Anna Example").createdBy("Ben Boss");
        if (extendedField() != null) {
            b.extended(extendedField().name(), "North-East");
        }
        return b.build();
    }

    private static List<ExchangeTask> readAll(MailboxConnection c) throws MailboxException {
        List<ExchangeTask> out = new ArrayList<>();
        String cursor = null;
        ChangePage page;
        do {
            page = c.changes(cursor);
            out.addAll(page.changed());
            cursor = page.next();
        } while (page.hasMore());
        return out;
    }

    private static ExchangeTask byCrmId(List<ExchangeTask> tasks, String crmId) {
        return tasks.stream().filter(t -> crmId.equals(t.crmId())).findFirst()
                .orElseThrow(() -> new AssertionError("no task tagged " + crmId + " in " + tasks));
    }

    /** Creates one task and checks that the write succeeded; returns its item id. */
    protected static String created(MailboxConnection c, String crmId, TaskValues v) throws MailboxException {
        WriteOutcome o = c.create(List.of(new NewExchangeTask(crmId, v))).get(0);
        assertThat(o.succeeded()).as("create of %s: %s", crmId, o.error()).isTrue();
        assertThat(o.itemId()).isNotBlank();
        return o.itemId();
    }

    private void assertSameValues(TaskValues actual, TaskValues expected) {
        List<ExchangeField> fields = new ArrayList<>(ExchangeField.STANDARD);
        if (extendedField() != null) {
            fields.add(extendedField());
        }
        for (ExchangeField f : fields) {
            assertThat(actual.get(f)).as("field %s", f).isEqualTo(expected.get(f));
        }
    }

    @Test
    void aCreatedTaskReadsBackFieldByFieldWithItsCrmId() throws Exception {
        Mailbox mb = mailbox("full");
        TaskValues v = fullValues("Call ACME about the offer", mb.zone());
        try (MailboxConnection c = adapter().connect(mb)) {
            String id = created(c, "A1:100-1", v);
            ExchangeTask read = byCrmId(readAll(c), "A1:100-1");
            assertThat(read.itemId()).isEqualTo(id);
            assertThat(read.delegated()).isFalse();
            assertThat(read.changeKey()).isNotBlank();
            assertSameValues(read.values(), v);
        }
    }

    @Test
    void aCompletedTaskKeepsItsCompletionDateAndPercent() throws Exception {
        Mailbox mb = mailbox("done");
        TaskValues v = fullValues("Done already", mb.zone()).toBuilder().status(ExchangeStatus.COMPLETED)
                .percentComplete(100).completeDate(LocalDate.of(2026, 3, 31)).reminder(false, null).build();
        try (MailboxConnection c = adapter().connect(mb)) {
            created(c, "A1:100-2", v);
            assertSameValues(byCrmId(readAll(c), "A1:100-2").values(), v);
        }
    }

    @Test
    void fieldsLeftEmptyStayEmpty() throws Exception {
        Mailbox mb = mailbox("sparse");
        TaskValues v = TaskValues.builder().subject("Only a subject").status(ExchangeStatus.NOT_STARTED)
                .importance(Importance.NORMAL).percentComplete(0).reminder(false, null).build();
        try (MailboxConnection c = adapter().connect(mb)) {
            created(c, "A1:100-3", v);
            TaskValues read = byCrmId(readAll(c), "A1:100-3").values();
            assertThat(read.dueDate()).isNull();
            assertThat(read.startDate()).isNull();
            assertThat(read.body()).isNullOrEmpty();
            assertThat(read.reminderSet()).isFalse();
            assertThat(read.completeDate()).isNull();
        }
    }

    @Test
    void datesKeepTheirDayInEveryZone() throws Exception {
        LocalDate due = LocalDate.of(2026, 10, 25); // a DST change in Europe
        for (String zone : List.of("Pacific/Kiritimati", "America/Adak", "Asia/Kathmandu", "Europe/London", "UTC")) {
            Mailbox mb = mailbox("zone-" + zone.replace('/', '-').toLowerCase(), ZoneId.of(zone));
            try (MailboxConnection c = adapter().connect(mb)) {
                created(c, "A1:z", TaskValues.builder().subject("Due in " + zone).dueDate(due).startDate(due.minusDays(1))
                        .status(ExchangeStatus.NOT_STARTED).importance(Importance.NORMAL).percentComplete(0).build());
                TaskValues read = byCrmId(readAll(c), "A1:z").values();
                assertThat(read.dueDate()).as("due date in %s", zone).isEqualTo(due);
                assertThat(read.startDate()).as("start date in %s", zone).isEqualTo(due.minusDays(1));
            }
        }
    }

    @Test
    void aBatchCreateAnswersEachItemInOrder() throws Exception {
        Mailbox mb = mailbox("batch");
        try (MailboxConnection c = adapter().connect(mb)) {
            int n = Math.min(c.maxBatchSize(), 25);
            List<NewExchangeTask> batch = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                batch.add(new NewExchangeTask("A1:b-" + i, TaskValues.builder().subject("Batch " + i)
                        .status(ExchangeStatus.NOT_STARTED).importance(Importance.NORMAL).percentComplete(0).build()));
            }
            List<WriteOutcome> out = c.create(batch);
            assertThat(out).hasSize(n).allMatch(WriteOutcome::succeeded);
            assertThat(out.stream().map(WriteOutcome::itemId).collect(Collectors.toSet())).hasSize(n);
            List<ExchangeTask> read = readAll(c);
            for (int i = 0; i < n; i++) {
                ExchangeTask t = byCrmId(read, "A1:b-" + i);
                assertThat(t.itemId()).isEqualTo(out.get(i).itemId());
                assertThat(t.values().subject()).isEqualTo("Batch " + i);
            }
        }
    }

    @Test
    void anUpdateWritesOnlyTheNamedFieldsAndClearsNulls() throws Exception {
        Mailbox mb = mailbox("update");
        TaskValues v = fullValues("Before", mb.zone());
        try (MailboxConnection c = adapter().connect(mb)) {
            String id = created(c, "A1:u", v);
            ExchangeTask before = byCrmId(readAll(c), "A1:u");
            TaskValues wanted = v.toBuilder().subject("After").dueDate(null).body("Changed body")
                    .importance(Importance.LOW).build();
            WriteOutcome o = c.update(List.of(new ExchangeTaskUpdate(new ItemRef(id, before.changeKey()), "A1:u", wanted,
                    Set.of(ExchangeField.SUBJECT, ExchangeField.DUE_DATE)))).get(0);
            assertThat(o.succeeded()).as(o.error()).isTrue();
            ExchangeTask after = byCrmId(readAll(c), "A1:u");
            assertThat(after.values().subject()).isEqualTo("After");
            assertThat(after.values().dueDate()).isNull();
            assertThat(after.values().body()).as("body was not named").isEqualTo(v.body());
            assertThat(after.values().importance()).as("importance was not named").isEqualTo(Importance.HIGH);
            assertThat(after.changeKey()).isNotEqualTo(before.changeKey()).isEqualTo(o.changeKey());
        }
    }

    @Test
    void statusPercentAndCompletionDateAreWrittenTogether() throws Exception {
        Mailbox mb = mailbox("status");
        TaskValues v = fullValues("Status", mb.zone());
        try (MailboxConnection c = adapter().connect(mb)) {
            String id = created(c, "A1:s", v);
            TaskValues done = v.toBuilder().status(ExchangeStatus.COMPLETED).percentComplete(100)
                    .completeDate(LocalDate.of(2026, 4, 1)).build();
            c.update(List.of(new ExchangeTaskUpdate(new ItemRef(id, null), "A1:s", done,
                    Set.of(ExchangeField.STATUS, ExchangeField.PERCENT_COMPLETE, ExchangeField.COMPLETE_DATE))));
            TaskValues read = byCrmId(readAll(c), "A1:s").values();
            assertThat(read.status()).isEqualTo(ExchangeStatus.COMPLETED);
            assertThat(read.percentComplete()).isEqualTo(100);
            assertThat(read.completeDate()).isEqualTo(LocalDate.of(2026, 4, 1));
        }
    }

    @Test
    void changesAfterACursorHoldOnlyWhatChangedSince() throws Exception {
        Mailbox mb = mailbox("cursor");
        try (MailboxConnection c = adapter().connect(mb)) {
            String a = created(c, "A1:c1", fullValues("A", mb.zone()));
            String b = created(c, "A1:c2", fullValues("B", mb.zone()));
            String cursor = null;
            ChangePage page;
            do {
                page = c.changes(cursor);
                cursor = page.next();
            } while (page.hasMore());
            ChangePage idle = c.changes(cursor);
            assertThat(idle.changed()).isEmpty();
            assertThat(idle.deletedItemIds()).isEmpty();
            assertThat(idle.hasMore()).isFalse();

            user().setStatus(mb.address(), a, ExchangeStatus.COMPLETED);
            user().delete(mb.address(), b);
            ChangePage after = c.changes(idle.next());
            assertThat(after.changed()).extracting(ExchangeTask::itemId).containsExactly(a);
            assertThat(after.changed().get(0).values().status()).isEqualTo(ExchangeStatus.COMPLETED);
            assertThat(after.changed().get(0).values().percentComplete()).isEqualTo(100);
            assertThat(after.changed().get(0).values().completeDate()).isNotNull();
            assertThat(after.deletedItemIds()).containsExactly(b);
        }
    }

    @Test
    void theEnginesOwnWriteComesBackWithTheChangeKeyItWasGiven() throws Exception {
        Mailbox mb = mailbox("echo");
        try (MailboxConnection c = adapter().connect(mb)) {
            String id = created(c, "A1:e", fullValues("Echo", mb.zone()));
            String cursor = drain(c, null);
            WriteOutcome o = c.update(List.of(new ExchangeTaskUpdate(new ItemRef(id, null), "A1:e",
                    fullValues("Echo 2", mb.zone()), Set.of(ExchangeField.SUBJECT)))).get(0);
            ChangePage page = c.changes(cursor);
            assertThat(page.changed()).singleElement().satisfies(t -> {
                assertThat(t.itemId()).isEqualTo(id);
                assertThat(t.changeKey()).isEqualTo(o.changeKey());
            });
        }
    }

    @Test
    void aUserEditMakesANewChangeKeyAndALaterModificationTime() throws Exception {
        Mailbox mb = mailbox("useredit");
        try (MailboxConnection c = adapter().connect(mb)) {
            String id = created(c, "A1:ue", fullValues("Mine", mb.zone()));
            ExchangeTask before = byCrmId(readAll(c), "A1:ue");
            String cursor = drain(c, null);
            Thread.sleep(5); // modification times have at least millisecond resolution on every server we know
            user().setSubject(mb.address(), id, "Renamed by the rep");
            ExchangeTask after = c.changes(cursor).changed().get(0);
            assertThat(after.changeKey()).isNotEqualTo(before.changeKey());
            assertThat(after.values().subject()).isEqualTo("Renamed by the rep");
            assertThat(after.lastModified()).isAfterOrEqualTo(before.lastModified());
        }
    }

    @Test
    void manyChangesArriveInPagesWithoutLoss() throws Exception {
        Mailbox mb = mailbox("paging");
        try (MailboxConnection c = adapter().connect(mb)) {
            int total = 0;
            for (int round = 0; round < 7; round++) {
                List<NewExchangeTask> batch = new ArrayList<>();
                for (int i = 0; i < Math.min(c.maxBatchSize(), 20); i++) {
                    batch.add(new NewExchangeTask("A1:p-" + round + "-" + i, TaskValues.builder().subject("P")
                            .status(ExchangeStatus.NOT_STARTED).importance(Importance.NORMAL).percentComplete(0).build()));
                }
                c.create(batch);
                total += batch.size();
            }
            assertThat(readAll(c)).hasSize(total);
        }
    }

    @Test
    void aDelegatedTaskIsFlagged() throws Exception {
        Mailbox mb = mailbox("delegated");
        try (MailboxConnection c = adapter().connect(mb)) {
            String id = created(c, "A1:d", fullValues("Hand over", mb.zone()));
            String cursor = drain(c, null);
            user().delegate(mb.address(), id);
            List<ExchangeTask> changed = c.changes(cursor).changed();
            assertThat(changed).singleElement().satisfies(t -> assertThat(t.delegated()).isTrue());
        }
    }

    @Test
    void findByCrmIdsFindsTaggedTasksOfThisMailboxOnly() throws Exception {
        Mailbox one = mailbox("find1");
        Mailbox two = mailbox("find2");
        try (MailboxConnection c1 = adapter().connect(one); MailboxConnection c2 = adapter().connect(two)) {
            String a = created(c1, "A1:f1", fullValues("F1", one.zone()));
            created(c1, "A1:f2", fullValues("F2", one.zone()));
            created(c2, "A1:f3", fullValues("F3", two.zone()));
            List<ExchangeTask> found = c1.findByCrmIds(List.of("A1:f1", "A1:f3", "A1:none"));
            assertThat(found).extracting(ExchangeTask::crmId).containsExactly("A1:f1");
            assertThat(found.get(0).itemId()).isEqualTo(a);
            assertThat(found.get(0).values().subject()).isEqualTo("F1");
        }
    }

    /**
     * {@link MailboxConnection#removeTag}: the item stays with everything else it had, but it is no
     * longer the CRM's (the open series of a recurring task, docs/engine.md); a new task reads as not
     * recurring, which is what an adapter that cannot tell reports too.
     */
    @Test
    void removingTheTagLeavesTheTaskAsTheRepsOwn() throws Exception {
        Mailbox mb = mailbox("untag");
        try (MailboxConnection c = adapter().connect(mb)) {
            String a = created(c, "A1:u1", fullValues("Series", mb.zone()));
            created(c, "A1:u2", fullValues("Other", mb.zone()));
            assertThat(byCrmId(readAll(c), "A1:u1").recurring()).isFalse();

            List<WriteOutcome> out = c.removeTag(List.of(new ItemRef(a, null)));

            assertThat(out).hasSize(1).allSatisfy(o -> assertThat(o.succeeded()).as("removeTag: %s", o.error()).isTrue());
            assertThat(c.findByCrmIds(List.of("A1:u1", "A1:u2"))).extracting(ExchangeTask::crmId).containsExactly("A1:u2");
            ExchangeTask released = readAll(c).stream().filter(t -> t.itemId().equals(a)).findFirst().orElseThrow();
            assertThat(released.crmId()).isNull();
            assertThat(released.values().subject()).isEqualTo("Series");
            assertThat(c.removeTag(List.of(new ItemRef(a, null)))).as("removing it twice").allMatch(WriteOutcome::succeeded);
        }
    }

    @Test
    void deleteRemovesAndAnAlreadyDeletedItemCountsAsDeleted() throws Exception {
        Mailbox mb = mailbox("delete");
        try (MailboxConnection c = adapter().connect(mb)) {
            String a = created(c, "A1:x1", fullValues("X1", mb.zone()));
            String b = created(c, "A1:x2", fullValues("X2", mb.zone()));
            user().delete(mb.address(), b);
            List<WriteOutcome> out = c.delete(List.of(new ItemRef(a, null), new ItemRef(b, null)));
            assertThat(out).hasSize(2).allMatch(WriteOutcome::succeeded);
            assertThat(readAll(c)).isEmpty();
        }
    }

    @Test
    void anUpdateOfATaskTheRepDeletedSaysTheItemIsGone() throws Exception {
        Mailbox mb = mailbox("gone");
        try (MailboxConnection c = adapter().connect(mb)) {
            String id = created(c, "A1:g", fullValues("Gone soon", mb.zone()));
            user().delete(mb.address(), id);
            WriteOutcome o = c.update(List.of(new ExchangeTaskUpdate(new ItemRef(id, null), "A1:g",
                    fullValues("Too late", mb.zone()), Set.of(ExchangeField.SUBJECT)))).get(0);
            assertThat(o.succeeded()).isFalse();
            assertThat(o.itemGone()).as("the outcome says the item is gone: %s", o.error()).isTrue();
        }
    }

    @Test
    void mailboxesAreSeparate() throws Exception {
        Mailbox one = mailbox("sep1");
        Mailbox two = mailbox("sep2");
        try (MailboxConnection c1 = adapter().connect(one); MailboxConnection c2 = adapter().connect(two)) {
            created(c1, "A1:s1", fullValues("Only in one", one.zone()));
            assertThat(readAll(c2)).isEmpty();
            assertThat(readAll(c1)).hasSize(1);
        }
    }

    @Test
    void anUnknownMailboxFailsAsAMailboxError() {
        Mailbox nobody = new Mailbox(unknownMailbox(), "Nobody", ZoneId.of("UTC"));
        assertThatThrownBy(() -> {
            try (MailboxConnection c = adapter().connect(nobody)) {
                c.changes(null);
            }
        }).isInstanceOf(MailboxException.class).hasMessageContaining(nobody.address());
    }

    @Test
    void aCursorTheServerDoesNotKnowIsRejected() throws Exception {
        Mailbox mb = mailbox("badcursor");
        try (MailboxConnection c = adapter().connect(mb)) {
            created(c, "A1:r", fullValues("R", mb.zone()));
            assertThatThrownBy(() -> c.changes(garbageCursor())).isInstanceOf(CursorRejectedException.class);
        }
    }

    /** A cursor the server cannot accept; adapters whose cursors are URLs override this. */
    protected String garbageCursor() {
        return "not-a-cursor-" + Instant.now().toEpochMilli();
    }

    private static String drain(MailboxConnection c, String cursor) throws MailboxException {
        ChangePage page;
        do {
            page = c.changes(cursor);
            cursor = page.next();
        } while (page.hasMore());
        return cursor;
    }

    /** For subclasses: the tasks of a mailbox by CRM id. */
    protected Map<String, ExchangeTask> tasksOf(Mailbox mb) throws MailboxException {
        try (MailboxConnection c = adapter().connect(mb)) {
            return readAll(c).stream().filter(t -> t.crmId() != null)
                    .collect(Collectors.toMap(ExchangeTask::crmId, t -> t, (x, y) -> x));
        }
    }
}

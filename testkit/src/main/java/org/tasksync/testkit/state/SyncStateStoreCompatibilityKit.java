package org.tasksync.testkit.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.SyncStateStore;

/**
 * The contract of {@link SyncStateStore}, as tests that every state store passes: the JDBC and
 * in-memory stores of {@code tasksync-core} run it, and so should a store of your own. Its test
 * extends this class and hands out a new, empty store for each test:
 *
 * <pre>{@code
 * class MyStateStoreTest extends SyncStateStoreCompatibilityKit {
 *     @Override protected SyncStateStore newStore() { return new MyStateStore(freshDatabase()); }
 * }
 * }</pre>
 *
 * <p>What it checks: links in every state come back as saved, field by field (text that trips
 * careless encodings included), are replaced, deleted and found by task id, by item id within a
 * mailbox and counted per mailbox, ten thousand in one call; cursors are read back, overwritten,
 * removed by a null value and listed by a prefix taken literally (no LIKE wildcards), up to a
 * megabyte each; pending task ids are added and removed idempotently and apart from links; four
 * writers at once lose nothing; and mailbox leases keep other owners out until they expire, are
 * renewed and released by their holder only, and of concurrent contenders exactly one wins.
 *
 * <p>Each test gets its own store from {@link #newStore()}; a store that keeps data outside the
 * object (a database) cleans up in an {@code @AfterEach} of the subclass. The fixtures below are
 * there for a subclass's own tests.
 */
public abstract class SyncStateStoreCompatibilityKit {

    protected static final String ANNA = "anna@example.com";
    protected static final String BEN = "ben@example.com";

    /** An empty store; called once per test, before the test runs. */
    protected abstract SyncStateStore newStore();

    /** The store of the current test, from {@link #newStore()}. */
    protected SyncStateStore store;

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    // ------------------------------------------------------------ fixtures

    /** Values with every field set, and text that trips careless encodings. */
    protected static TaskValues richValues(String seed) {
        return TaskValues.builder()
                .subject("Call " + seed + " ; a=b \\ \"quoted\" – Grüße 日本 🚀")
                .body("line 1\nline 2\r\n\ttabbed\\n not a newline\u0001\u007f;=;=\\")
                .startDate(LocalDate.of(2024, 2, 29))
                .dueDate(LocalDate.of(2024, 3, 1))
                .status(ExchangeStatus.WAITING_ON_OTHERS)
                .importance(Importance.HIGH)
                .percentComplete(42)
                .completeDate(LocalDate.of(1999, 12, 31))
                .reminder(true, Instant.parse("2024-02-28T07:30:15.123456789Z"))
                .owner("Ännä Ømega")
                .createdBy("")
                .extended("Region", "North;East=1")
                .extended("Empty", "")
                .extended("Multi.line-field_1", "a\nb")
                .build();
    }

    /** A linked task with every field of its values set. */
    protected static Link linked(String crmId, String mailbox, String itemId) {
        return new Link(crmId, mailbox, itemId, "ck-" + itemId, Link.State.LINKED, richValues(crmId), "2",
                Instant.parse("2024-01-15T10:00:00.000000001Z"), ExchangeStatus.IN_PROGRESS, false);
    }

    /** A task whose Exchange task is about to be created (no item yet). */
    protected static Link intended(String crmId, String mailbox) {
        return new Link(crmId, mailbox, null, null, Link.State.CREATE_INTENDED, TaskValues.builder().build(), null,
                null, null, false);
    }

    /** A delegated task the rep deleted in Outlook. */
    protected static Link deletedInOutlook(String crmId, String mailbox, String itemId) {
        return linked(crmId, mailbox, itemId).withState(Link.State.DELETED_IN_OUTLOOK).withDelegated(true)
                .withExchangeStatus(ExchangeStatus.COMPLETED);
    }

    // ------------------------------------------------------------ links

    @Test
    void anEmptyStoreKnowsNothing() {
        assertThat(store.findLinks(List.of("A1:1", "A1:2"))).isEmpty();
        assertThat(store.findLinksByItems(ANNA, List.of("item-1"))).isEmpty();
        assertThat(store.countLinks(ANNA)).isZero();
        assertThat(store.cursor("crm")).isEmpty();
        assertThat(store.cursors("")).isEmpty();
        assertThat(store.pendingTaskIds()).isEmpty();
    }

    @Test
    void linksInEveryStateComeBackAsSaved() {
        Link a = linked("A1:1000-1", ANNA, "AAMkAGI2TG93AAA=");
        Link b = intended("A1:1000-2", ANNA);
        Link c = deletedInOutlook("A1:1000-3", BEN, "AAMkAGI2TG94AAA=");
        store.saveLinks(List.of(a, b, c));

        assertThat(store.findLinks(List.of("A1:1000-1", "A1:1000-2", "A1:1000-3")))
                .containsExactlyInAnyOrderEntriesOf(Map.of(a.crmTaskId(), a, b.crmTaskId(), b, c.crmTaskId(), c));
    }

    @Test
    void everyFieldOfALinkRoundTrips() {
        Link original = new Link("A1:7-7", ANNA, "item\n7", "", Link.State.LINKED,
                richValues("x").toBuilder().reminder(false, null).percentComplete(null).build(), "",
                Instant.parse("1970-01-01T00:00:00Z"), ExchangeStatus.DEFERRED, true);
        store.saveLinks(List.of(original));

        Link read = store.findLinks(List.of("A1:7-7")).get("A1:7-7");
        assertThat(read).isEqualTo(original);
        assertThat(read.changeKey()).isEmpty();
        assertThat(read.lastCrmStatus()).isEmpty();
        assertThat(read.lastWritten().createdBy()).isEmpty();
        assertThat(read.lastWritten().percentComplete()).isNull();
        assertThat(read.lastWritten().extended()).containsEntry("Empty", "");
    }

    @Test
    void findLinksReturnsOnlyWhatWasAskedForAndKnown() {
        store.saveLinks(List.of(linked("A1:1", ANNA, "i1"), linked("A1:2", ANNA, "i2"), linked("A1:3", BEN, "i3")));

        Map<String, Link> found = store.findLinks(List.of("A1:1", "A1:3", "A1:unknown", "A1:1"));

        assertThat(found).containsOnlyKeys("A1:1", "A1:3");
        assertThat(found.get("A1:3").mailbox()).isEqualTo(BEN);
    }

    @Test
    void savingALinkAgainReplacesIt() {
        Link first = intended("A1:5", ANNA);
        store.saveLinks(List.of(first));
        Link second = linked("A1:5", BEN, "item-5").withCrm("3", Instant.parse("2025-06-01T12:00:00Z"));
        store.saveLinks(List.of(second));

        assertThat(store.findLinks(List.of("A1:5"))).containsExactly(Map.entry("A1:5", second));
        assertThat(store.findLinksByItems(BEN, List.of("item-5"))).containsOnlyKeys("item-5");
        assertThat(store.countLinks(BEN)).isEqualTo(1);
        assertThat(store.countLinks(ANNA)).isZero();
    }

    @Test
    void theLastOfTwoLinksForOneTaskInOneCallWins() {
        Link older = linked("A1:9", ANNA, "old");
        Link newer = linked("A1:9", ANNA, "new");
        store.saveLinks(List.of(older, newer));

        assertThat(store.findLinks(List.of("A1:9")).get("A1:9")).isEqualTo(newer);
        assertThat(store.findLinksByItems(ANNA, List.of("old", "new"))).containsOnlyKeys("new");
    }

    @Test
    void deleteLinksDropsOnlyTheNamedLinks() {
        store.saveLinks(List.of(linked("A1:1", ANNA, "i1"), linked("A1:2", ANNA, "i2"), intended("A1:3", ANNA)));

        store.deleteLinks(List.of("A1:1", "A1:3", "A1:never-linked"));

        assertThat(store.findLinks(List.of("A1:1", "A1:2", "A1:3"))).containsOnlyKeys("A1:2");
        assertThat(store.findLinksByItems(ANNA, List.of("i1", "i2"))).containsOnlyKeys("i2");
        assertThat(store.countLinks(ANNA)).isEqualTo(1);
    }

    @Test
    void findLinksByItemsLooksOnlyInTheGivenMailbox() {
        Link annas = linked("A1:1", ANNA, "same-item-id");
        Link bens = linked("A1:2", BEN, "same-item-id");
        Link bensOther = deletedInOutlook("A1:3", BEN, "other-item");
        store.saveLinks(List.of(annas, bens, bensOther, intended("A1:4", ANNA)));

        assertThat(store.findLinksByItems(ANNA, List.of("same-item-id", "other-item")))
                .containsExactly(Map.entry("same-item-id", annas));
        assertThat(store.findLinksByItems(BEN, List.of("same-item-id", "other-item")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("same-item-id", bens, "other-item", bensOther));
        assertThat(store.findLinksByItems("carl@example.com", List.of("same-item-id"))).isEmpty();
    }

    @Test
    void countLinksCountsOnlyLinkedTasksOfTheMailbox() {
        store.saveLinks(List.of(
                linked("A1:1", ANNA, "i1"),
                linked("A1:2", ANNA, "i2"),
                intended("A1:3", ANNA),
                deletedInOutlook("A1:4", ANNA, "i4"),
                linked("A1:5", BEN, "i5")));

        assertThat(store.countLinks(ANNA)).isEqualTo(2);
        assertThat(store.countLinks(BEN)).isEqualTo(1);
        assertThat(store.countLinks("nobody@example.com")).isZero();

        store.saveLinks(List.of(linked("A1:2", ANNA, "i2").withState(Link.State.DELETED_IN_OUTLOOK)));
        assertThat(store.countLinks(ANNA)).isEqualTo(1);
    }

    @Test
    void emptyCollectionsChangeNothing() {
        store.saveLinks(List.of(linked("A1:1", ANNA, "i1")));
        store.addPending(List.of("A1:1"));
        store.saveCursors(Map.of("crm", "c1"));

        store.saveLinks(List.of());
        store.deleteLinks(List.of());
        store.addPending(List.of());
        store.removePending(List.of());
        store.saveCursors(Map.of());

        assertThat(store.findLinks(List.of())).isEmpty();
        assertThat(store.findLinksByItems(ANNA, List.of())).isEmpty();
        assertThat(store.findLinks(List.of("A1:1"))).containsOnlyKeys("A1:1");
        assertThat(store.pendingTaskIds()).containsExactly("A1:1");
        assertThat(store.cursor("crm")).contains("c1");
    }

    @Test
    void tenThousandIdsAreFoundInOneCall() {
        int n = 10_000;
        List<Link> links = IntStream.range(0, n)
                .mapToObj(i -> new Link("A1:" + i, i % 2 == 0 ? ANNA : BEN, "item-" + i, null, Link.State.LINKED,
                        TaskValues.builder().subject("task " + i).build(), null, null, null, false))
                .collect(Collectors.toList());
        store.saveLinks(links);

        List<String> askedFor = new ArrayList<>();
        IntStream.range(0, n).forEach(i -> askedFor.add("A1:" + i));
        IntStream.range(n, 2 * n).forEach(i -> askedFor.add("A1:" + i)); // unknown ones
        Map<String, Link> found = store.findLinks(askedFor);
        assertThat(found).hasSize(n);
        assertThat(found.get("A1:9999")).isEqualTo(links.get(9999));

        List<String> items = IntStream.range(0, n).mapToObj(i -> "item-" + i).collect(Collectors.toList());
        Map<String, Link> annas = store.findLinksByItems(ANNA, items);
        assertThat(annas).hasSize(n / 2);
        assertThat(annas.values()).allSatisfy(l -> assertThat(l.mailbox()).isEqualTo(ANNA));
        assertThat(store.countLinks(BEN)).isEqualTo(n / 2);

        store.deleteLinks(askedFor);
        assertThat(store.findLinks(askedFor)).isEmpty();
    }

    // ------------------------------------------------------------ cursors

    @Test
    void aCursorIsReadBackAndOverwritten() {
        store.saveCursors(Map.of("mailbox:" + ANNA, "sync-state-1"));
        assertThat(store.cursor("mailbox:" + ANNA)).contains("sync-state-1");

        store.saveCursors(Map.of("mailbox:" + ANNA, "sync-state-2"));
        assertThat(store.cursor("mailbox:" + ANNA)).contains("sync-state-2");
        assertThat(store.cursor("mailbox:" + BEN)).isEmpty();
    }

    @Test
    void aNullValueRemovesTheCursorWhileOthersAreWrittenInTheSameCall() {
        store.saveCursors(Map.of("crm", "2024-01-01T00:00:00Z", "mailbox:" + ANNA, "s1"));

        Map<String, String> change = new HashMap<>();
        change.put("crm", null);
        change.put("mailbox:" + ANNA, "s2");
        change.put("mailbox:" + BEN, "t1");
        change.put("never-there", null);
        store.saveCursors(change);

        assertThat(store.cursor("crm")).isEmpty();
        assertThat(store.cursors("")).containsExactly(Map.entry("mailbox:" + ANNA, "s2"), Map.entry("mailbox:" + BEN, "t1"));
    }

    @Test
    void cursorsWithAPrefixAreExactlyThoseWhoseKeyStartsWithIt() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("mailbox:anna", "1");
        all.put("mailbox:ben", "2");
        all.put("mailboxes", "3");
        all.put("window:anna", "4");
        all.put("100%_done", "5");
        all.put("100xydone", "6");
        all.put("a!b", "7");
        all.put("MAILBOX:anna", "8");
        store.saveCursors(all);

        assertThat(store.cursors("mailbox:")).containsExactly(Map.entry("mailbox:anna", "1"), Map.entry("mailbox:ben", "2"));
        // LIKE wildcards and the escape character in a prefix are plain characters
        assertThat(store.cursors("100%_")).containsExactly(Map.entry("100%_done", "5"));
        assertThat(store.cursors("a!")).containsExactly(Map.entry("a!b", "7"));
        assertThat(store.cursors("")).hasSize(all.size());
        assertThat(store.cursors("nothing")).isEmpty();
    }

    @Test
    void bigAndOddCursorValuesSurvive() {
        String tenKb = "H4sIAAAAAAAA/" + "ÿ€日\n\t\\'\";".repeat(1200);
        assertThat(tenKb.length()).isGreaterThan(10_000);
        String oneMb = "x".repeat(1_000_000);
        store.saveCursors(Map.of("mailbox:" + ANNA, tenKb, "mailbox:" + BEN, oneMb, "empty", ""));

        assertThat(store.cursor("mailbox:" + ANNA)).contains(tenKb);
        assertThat(store.cursor("mailbox:" + BEN)).contains(oneMb);
        assertThat(store.cursor("empty")).contains("");
        assertThat(store.cursors("mailbox:")).containsEntry("mailbox:" + ANNA, tenKb);
    }

    // ------------------------------------------------------------ pending

    @Test
    void pendingIdsAreAddedAndRemovedIdempotently() {
        store.addPending(List.of("A1:1", "A1:2", "A1:2"));
        store.addPending(List.of("A1:2", "A1:3"));
        assertThat(store.pendingTaskIds()).containsExactlyInAnyOrder("A1:1", "A1:2", "A1:3");

        store.removePending(List.of("A1:2", "A1:unknown"));
        store.removePending(List.of("A1:2"));
        assertThat(store.pendingTaskIds()).containsExactlyInAnyOrder("A1:1", "A1:3");

        store.removePending(List.of("A1:1", "A1:3"));
        assertThat(store.pendingTaskIds()).isEmpty();
    }

    @Test
    void pendingIdsDoNotDependOnLinks() {
        store.saveLinks(List.of(linked("A1:1", ANNA, "i1")));
        store.addPending(List.of("A1:1", "A1:no-link"));
        store.deleteLinks(List.of("A1:1"));

        assertThat(store.pendingTaskIds()).containsExactlyInAnyOrder("A1:1", "A1:no-link");
    }

    // ------------------------------------------------------------ threads

    @Test
    void concurrentWritersLoseNothing() throws Exception {
        int threads = 4;
        int perThread = 30;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int worker = t;
                String mailbox = "worker" + t + "@example.com";
                done.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        String id = "A1:" + worker + "-" + i;
                        store.saveLinks(List.of(intended(id, mailbox)));
                        store.saveLinks(List.of(linked(id, mailbox, "item-" + worker + "-" + i)));
                        store.addPending(List.of(id, "A1:shared-" + (i % 5)));
                        // every worker also writes the same cursor keys: an upsert race, not an error
                        store.saveCursors(Map.of("mailbox:" + mailbox, "state-" + i, "shared", worker + "-" + i));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        List<String> ids = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                ids.add("A1:" + t + "-" + i);
            }
            assertThat(store.countLinks("worker" + t + "@example.com")).isEqualTo(perThread);
            assertThat(store.cursor("mailbox:worker" + t + "@example.com")).contains("state-" + (perThread - 1));
        }
        assertThat(store.findLinks(ids)).hasSize(threads * perThread)
                .allSatisfy((id, l) -> assertThat(l.state()).isEqualTo(Link.State.LINKED));
        assertThat(store.pendingTaskIds()).hasSize(threads * perThread + 5).containsAll(ids);
        assertThat(store.cursor("shared")).get().asString().endsWith("-" + (perThread - 1));
    }

    // ------------------------------------------------------------ mailbox leases

    static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
    static final Duration TTL = Duration.ofSeconds(30);

    @Test
    void aLeaseKeepsOtherOwnersOutUntilItExpires() {
        assertThat(store.tryLease(ANNA, "node-a", T0, TTL)).isTrue();

        assertThat(store.tryLease(ANNA, "node-b", T0, TTL)).isFalse();
        assertThat(store.tryLease(ANNA, "node-b", T0.plus(TTL).minusMillis(1), TTL)).isFalse();
        // another mailbox is free all the same
        assertThat(store.tryLease(BEN, "node-b", T0, TTL)).isTrue();
        assertThat(store.tryLease(BEN, "node-a", T0, TTL)).isFalse();
    }

    @Test
    void theHolderRenewsItsLeaseAndTheRenewalMovesTheExpiry() {
        assertThat(store.tryLease(ANNA, "node-a", T0, TTL)).isTrue();
        assertThat(store.tryLease(ANNA, "node-a", T0.plusSeconds(25), TTL)).isTrue();

        // past the first expiry, the renewed lease still holds
        assertThat(store.tryLease(ANNA, "node-b", T0.plusSeconds(40), TTL)).isFalse();
        assertThat(store.tryLease(ANNA, "node-b", T0.plusSeconds(54), TTL)).isFalse();
        assertThat(store.tryLease(ANNA, "node-b", T0.plusSeconds(55), TTL)).isTrue();
    }

    @Test
    void anExpiredLeaseIsTakenOverAndTheOldHolderIsThenKeptOut() {
        assertThat(store.tryLease(ANNA, "node-a", T0, TTL)).isTrue();

        assertThat(store.tryLease(ANNA, "node-b", T0.plus(TTL), TTL)).isTrue();

        // the node that let it expire (a long pause, a dead process coming back) cannot renew it
        assertThat(store.tryLease(ANNA, "node-a", T0.plus(TTL).plusSeconds(1), TTL)).isFalse();
        assertThat(store.tryLease(ANNA, "node-b", T0.plus(TTL).plusSeconds(1), TTL)).isTrue();
    }

    @Test
    void releasingFreesOnlyTheOwnersOwnLeases() {
        assertThat(store.tryLease(ANNA, "node-a", T0, TTL)).isTrue();
        assertThat(store.tryLease(BEN, "node-b", T0, TTL)).isTrue();

        store.releaseLeases("node-a", List.of(ANNA, BEN, "nobody@example.com"));
        store.releaseLeases("node-a", List.of());

        assertThat(store.tryLease(ANNA, "node-c", T0.plusSeconds(1), TTL)).isTrue();
        assertThat(store.tryLease(BEN, "node-c", T0.plusSeconds(1), TTL)).as("node-b's lease stays").isFalse();
        // a released mailbox can be leased again by its former holder once it is free again
        store.releaseLeases("node-c", List.of(ANNA));
        assertThat(store.tryLease(ANNA, "node-a", T0.plusSeconds(2), TTL)).isTrue();
    }

    @Test
    void ofConcurrentContendersForAMailboxExactlyOneWins() throws Exception {
        int contenders = 6;
        int mailboxes = 10;
        // half the mailboxes are free, half hold a lease that expired: both ways to win are raced
        for (int m = 0; m < mailboxes; m += 2) {
            assertThat(store.tryLease("box" + m + "@example.com", "old-node", T0.minusSeconds(60), TTL)).isTrue();
        }
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        try {
            for (int m = 0; m < mailboxes; m++) {
                String mailbox = "box" + m + "@example.com";
                CountDownLatch start = new CountDownLatch(1);
                AtomicInteger granted = new AtomicInteger();
                List<Future<Boolean>> answers = new ArrayList<>();
                for (int c = 0; c < contenders; c++) {
                    String owner = "node-" + c;
                    answers.add(pool.submit(() -> {
                        start.await();
                        boolean won = store.tryLease(mailbox, owner, T0, TTL);
                        if (won) {
                            granted.incrementAndGet();
                        }
                        return won;
                    }));
                }
                start.countDown();
                String winner = null;
                for (int c = 0; c < contenders; c++) {
                    if (answers.get(c).get(1, TimeUnit.MINUTES)) {
                        winner = "node-" + c;
                    }
                }
                assertThat(granted.get()).as("contenders granted %s", mailbox).isEqualTo(1);
                // and the store agrees with the answer: the winner holds it, everybody else is kept out
                assertThat(store.tryLease(mailbox, winner, T0.plusSeconds(1), TTL)).isTrue();
                for (int c = 0; c < contenders; c++) {
                    if (!("node-" + c).equals(winner)) {
                        assertThat(store.tryLease(mailbox, "node-" + c, T0.plusSeconds(1), TTL)).isFalse();
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

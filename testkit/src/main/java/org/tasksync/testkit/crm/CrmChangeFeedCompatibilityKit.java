package org.tasksync.testkit.crm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.core.spi.CrmChangeFeed;
import org.tasksync.core.spi.CrmChangeListener;
import org.tasksync.core.spi.StatusWriteResult;

/**
 * The contract of a CRM adapter that has a change feed: every test of {@link CrmAdapterCompatibilityKit}
 * and the feed's. The test of every adapter whose {@link CrmAdapter#changeFeed} gives a feed extends
 * this kit instead of the plain one (in this project: the JDBC CRM adapter on PostgreSQL with the change
 * trigger installed); an adapter without a feed extends the plain kit, so no build skips a test.
 *
 * <p>What it checks: a task saved, edited or deleted by the CRM is hinted within {@link #feedBound()};
 * the adapter's own status write is not; a closed feed hints nothing more. A {@code changeFeed} that is
 * empty fails every feed test. To tell "not hinted" without waiting on the clock, the kit saves another
 * task afterwards and reads the hints up to that one, so it expects a feed to hint changes in the order
 * they were committed.
 */
public abstract class CrmChangeFeedCompatibilityKit extends CrmAdapterCompatibilityKit {

    private CrmFixture crm;
    private CrmAdapter adapter;

    /**
     * How long the feed tests wait for a hint before they fail: a bound for a broken feed, not a
     * latency requirement (a loaded build machine must not fail them).
     */
    protected Duration feedBound() {
        return Duration.ofSeconds(30);
    }

    // runs after the plain kit's reset (JUnit runs a superclass's @BeforeEach first)
    @BeforeEach
    void takeFixture() {
        crm = crm();
        adapter = adapter();
    }

    @Test
    void aFeedHintsATaskSavedEditedOrDeletedBySomebodyElse() throws InterruptedException {
        FeedHints hints = new FeedHints();
        try (CrmChangeFeed feed = openFeed(hints)) {
            crm.putTask(task("A1:feed-1").build());
            assertThat(hints.idsUntil("A1:feed-1")).as("hints after a save").contains("A1:feed-1");
            crm.putTask(task("A1:feed-1").subject("Edited").build());
            assertThat(hints.idsUntil("A1:feed-1")).as("hints after an edit").contains("A1:feed-1");
            crm.deleteTask("A1:feed-1");
            assertThat(hints.idsUntil("A1:feed-1")).as("hints after a deletion").contains("A1:feed-1");
        }
    }

    @Test
    void aFeedLeavesOutTheAdaptersOwnStatusWrite() throws InterruptedException {
        Instant stamp = crm.putTask(task("A1:feed-own").build());
        FeedHints hints = new FeedHints();
        try (CrmChangeFeed feed = openFeed(hints)) {
            crm.putTask(task("A1:feed-before").build());
            hints.idsUntil("A1:feed-before");

            assertThat(adapter.writeStatus("A1:feed-own", "Completed", stamp).outcome())
                    .isEqualTo(StatusWriteResult.Outcome.WRITTEN);
            crm.putTask(task("A1:feed-after").build());

            assertThat(hints.idsUntil("A1:feed-after")).as("hints up to a save after the adapter's status write")
                    .doesNotContain("A1:feed-own");
        }
    }

    @Test
    void aClosedFeedHintsNothingMore() throws InterruptedException {
        FeedHints closed = new FeedHints();
        CrmChangeFeed feed = openFeed(closed);
        FeedHints witness = new FeedHints();
        try (CrmChangeFeed open = openFeed(witness)) {
            feed.close();
            int before = closed.received.size();
            crm.putTask(task("A1:feed-closed").build());

            witness.idsUntil("A1:feed-closed"); // the change was there to be hinted
            assertThat(closed.received).as("hints after close()").hasSize(before);
        } finally {
            feed.close();
        }
    }

    /** The adapter's feed; a missing one fails the test, since only adapters with a feed extend this kit. */
    private CrmChangeFeed openFeed(CrmChangeListener listener) {
        java.util.Optional<CrmChangeFeed> feed = adapter.changeFeed(listener);
        assertThat(feed).as("the adapter's changeFeed (a test extending %s promises one; an adapter without a feed"
                + " extends %s)", CrmChangeFeedCompatibilityKit.class.getSimpleName(),
                CrmAdapterCompatibilityKit.class.getSimpleName()).isPresent();
        return feed.get();
    }

    /** Records a feed's hints in the order they come; gaps are kept apart. */
    protected final class FeedHints implements CrmChangeListener {
        final java.util.concurrent.BlockingQueue<List<String>> received = new java.util.concurrent.LinkedBlockingQueue<>();
        final List<String> gaps = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void changed(java.util.Collection<String> crmTaskIds) {
            received.add(List.copyOf(crmTaskIds));
        }

        @Override
        public void gap(String reason) {
            gaps.add(reason);
        }

        /** Every id hinted from now until the first hint that names {@code last}, that one included. */
        public List<String> idsUntil(String last) throws InterruptedException {
            List<String> ids = new ArrayList<>();
            while (!ids.contains(last)) {
                List<String> next = received.poll(feedBound().toMillis(), TimeUnit.MILLISECONDS);
                assertThat(next).as("a hint naming %s within %s (gaps: %s)", last, feedBound(), gaps).isNotNull();
                ids.addAll(next);
            }
            return ids;
        }
    }
}

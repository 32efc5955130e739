package org.tasksync.testkit.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.core.spi.ExchangeChangeFeed;
import org.tasksync.core.spi.ExchangeChangeListener;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;

/**
 * The contract of an Exchange adapter that has a change feed: every test of
 * {@link ExchangeAdapterCompatibilityKit} and the feed's. The test of every adapter whose
 * {@link ExchangeAdapter#changeFeed} gives a feed extends this kit instead of the plain one (in this
 * project: EWS with its streaming feed, Graph with its hot-set feed) and says how to cut the feed's
 * connection ({@link #cutChangeFeedConnection}); an adapter without a feed extends the plain kit, so no
 * build skips a test.
 *
 * <p>What it checks: a mailbox newly watched is reported as a gap, a change in it is hinted and one in a
 * mailbox not watched is not; a cut connection is reported as a gap; a closed feed hints nothing more. A
 * {@code changeFeed} that is empty fails every feed test.
 */
public abstract class ExchangeChangeFeedCompatibilityKit extends ExchangeAdapterCompatibilityKit {

    /** How long a feed may take to hint a change or report a gap; adapters that poll override it. */
    protected Duration changeFeedBound() {
        return Duration.ofSeconds(10);
    }

    /**
     * Breaks, on the server side, what the feed follows for this mailbox once the feed watches it: a
     * push feed's stream is dropped, a polling feed's delta link expires. Returns whether it did; false
     * fails the test that needs it (a feed that cannot lose its connection in a test is not tested).
     */
    protected abstract boolean cutChangeFeedConnection(Mailbox watched) throws InterruptedException;

    /** What a feed told its listener, in order; thread-safe. */
    protected static final class FeedEvents implements ExchangeChangeListener {
        /** One hint or gap: {@code items} is null for a gap. */
        public record Event(String mailbox, List<ItemRef> items, String gapReason) {
        }

        private final List<Event> events = new CopyOnWriteArrayList<>();

        @Override
        public void changed(String mailbox, java.util.Collection<ItemRef> items) {
            events.add(new Event(mailbox, List.copyOf(items), null));
        }

        @Override
        public void gap(String mailbox, String reason) {
            events.add(new Event(mailbox, null, reason));
        }

        public List<Event> all() {
            return List.copyOf(events);
        }

        public void clear() {
            events.clear();
        }

        /** Waits up to {@code bound} for an event that matches; empty if none came. */
        public Optional<Event> await(java.util.function.Predicate<Event> match, Duration bound) throws InterruptedException {
            long until = System.nanoTime() + bound.toNanos();
            do {
                Optional<Event> e = events.stream().filter(match).findFirst();
                if (e.isPresent()) {
                    return e;
                }
                Thread.sleep(10);
            } while (System.nanoTime() < until);
            return Optional.empty();
        }
    }

    private static java.util.function.Predicate<FeedEvents.Event> hint(Mailbox mb) {
        return e -> e.mailbox().equals(mb.address()) && e.items() != null;
    }

    private static java.util.function.Predicate<FeedEvents.Event> gap(Mailbox mb) {
        return e -> e.mailbox().equals(mb.address()) && e.gapReason() != null;
    }

    /** The adapter's feed; a missing one fails the test, since only adapters with a feed extend this kit. */
    private ExchangeChangeFeed feed(FeedEvents events) {
        Optional<ExchangeChangeFeed> feed = adapter().changeFeed(events);
        assertThat(feed).as("the adapter's changeFeed (a test extending %s promises one; an adapter without a feed"
                + " extends %s)", ExchangeChangeFeedCompatibilityKit.class.getSimpleName(),
                ExchangeAdapterCompatibilityKit.class.getSimpleName()).isPresent();
        return feed.get();
    }

    /**
     * Watches the mailbox and says it is active, as the engine does after a run that found something: a
     * feed that pushes ignores the activity, one that polls only the active mailboxes (Graph's hot set)
     * starts watching it closely, and either reports the gap then (ExchangeChangeFeed#watch).
     */
    private static void watchActive(ExchangeChangeFeed feed, Mailbox mb) {
        feed.watch(List.of(mb));
        feed.activity(mb.address());
    }

    private String taskIn(Mailbox mb, String crmId) throws MailboxException {
        TaskValues v = TaskValues.builder().subject("Feed " + crmId).status(ExchangeStatus.NOT_STARTED)
                .importance(Importance.NORMAL).percentComplete(0).reminder(false, null).build();
        try (MailboxConnection c = adapter().connect(mb)) {
            return created(c, crmId, v);
        }
    }

    @Test
    void aChangeInAWatchedMailboxIsHintedAndOneInAnUnwatchedMailboxIsNot() throws Exception {
        Mailbox watched = mailbox("feed-watched");
        Mailbox other = mailbox("feed-other");
        String item = taskIn(watched, "F1:1");
        String otherItem = taskIn(other, "F1:2");
        FeedEvents events = new FeedEvents();
        try (ExchangeChangeFeed feed = feed(events)) {
            watchActive(feed, watched);
            assertThat(events.await(gap(watched), changeFeedBound()))
                    .as("a mailbox newly watched is reported as a gap").isPresent();
            user().setStatus(other.address(), otherItem, ExchangeStatus.COMPLETED);
            user().setStatus(watched.address(), item, ExchangeStatus.COMPLETED);
            FeedEvents.Event hint = events.await(hint(watched), changeFeedBound())
                    .orElseThrow(() -> new AssertionError("no hint for " + watched.address() + " within "
                            + changeFeedBound() + "; the feed said " + events.all()));
            if (!hint.items().isEmpty()) {
                assertThat(hint.items()).extracting(ItemRef::itemId).contains(item);
            }
            assertThat(events.all()).as("events of the mailbox not watched")
                    .noneMatch(e -> e.mailbox().equals(other.address()));
        }
    }

    @Test
    void aCutFeedConnectionIsReportedAsAGap() throws Exception {
        Mailbox mb = mailbox("feed-cut");
        FeedEvents events = new FeedEvents();
        try (ExchangeChangeFeed feed = feed(events)) {
            watchActive(feed, mb);
            assertThat(events.await(gap(mb), changeFeedBound())).isPresent();
            events.clear();
            assertThat(cutChangeFeedConnection(mb)).as("the test setup cut the feed's connection").isTrue();
            assertThat(events.await(gap(mb), changeFeedBound()))
                    .as("a gap after the connection was cut; the feed said %s", events.all()).isPresent();
        }
    }

    @Test
    void afterCloseNoHintArrives() throws Exception {
        Mailbox mb = mailbox("feed-closed");
        String item = taskIn(mb, "F3:1");
        FeedEvents events = new FeedEvents();
        ExchangeChangeFeed feed = feed(events);
        watchActive(feed, mb);
        assertThat(events.await(gap(mb), changeFeedBound())).isPresent();
        feed.close();
        int before = events.all().size();
        user().setStatus(mb.address(), item, ExchangeStatus.COMPLETED);
        Thread.sleep(Math.min(2_000, changeFeedBound().toMillis()));
        assertThat(events.all()).hasSize(before);
    }
}

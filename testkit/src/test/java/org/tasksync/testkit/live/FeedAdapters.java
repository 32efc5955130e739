package org.tasksync.testkit.live;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.core.spi.CrmChangeFeed;
import org.tasksync.core.spi.CrmChangeListener;
import org.tasksync.core.spi.CrmPage;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.core.spi.ExchangeChangeFeed;
import org.tasksync.core.spi.ExchangeChangeListener;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.StatusWriteResult;
import org.tasksync.core.spi.TimeFrameQuery;

/**
 * Adapters that pass everything to the in-memory CRM and Exchange and offer a change feed the test
 * drives by hand, keeping the feed contract: a mailbox newly watched is reported as a gap.
 */
final class FeedAdapters {

    private FeedAdapters() {
    }

    /** An Exchange feed the test fires. */
    static final class ExchangeFeed implements ExchangeChangeFeed {
        private final ExchangeChangeListener listener;
        private final Set<String> watched = new TreeSet<>();
        private volatile boolean closed;

        ExchangeFeed(ExchangeChangeListener listener) {
            this.listener = listener;
        }

        @Override
        public void watch(Collection<Mailbox> mailboxes) {
            List<String> added;
            synchronized (this) {
                Set<String> now = new TreeSet<>();
                mailboxes.forEach(m -> now.add(m.address()));
                added = now.stream().filter(m -> !watched.contains(m)).toList();
                watched.clear();
                watched.addAll(now);
            }
            added.forEach(m -> listener.gap(m, "newly watched"));
        }

        synchronized Set<String> watched() {
            return Set.copyOf(watched);
        }

        /** A notification that names no item. */
        void hint(String mailbox) {
            if (!closed) {
                listener.changed(mailbox, List.of());
            }
        }

        void hint(String mailbox, ItemRef... items) {
            if (!closed) {
                listener.changed(mailbox, List.of(items));
            }
        }

        void gap(String mailbox, String reason) {
            if (!closed) {
                listener.gap(mailbox, reason);
            }
        }

        boolean closed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** A CRM feed the test fires. */
    static final class CrmFeed implements CrmChangeFeed {
        private final CrmChangeListener listener;
        private volatile boolean closed;

        CrmFeed(CrmChangeListener listener) {
            this.listener = listener;
        }

        void changed(Collection<String> ids) {
            if (!closed) {
                listener.changed(ids);
            }
        }

        void gap(String reason) {
            if (!closed) {
                listener.gap(reason);
            }
        }

        boolean closed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** The in-memory Exchange with a feed; connecting to one mailbox can be held up once. */
    static final class Exchange implements ExchangeAdapter {
        private final ExchangeAdapter delegate;
        private volatile ExchangeFeed feed;
        private volatile String blocked;
        private volatile CountDownLatch entered;
        private volatile CountDownLatch release;

        Exchange(ExchangeAdapter delegate) {
            this.delegate = delegate;
        }

        ExchangeFeed feed() {
            return feed;
        }

        /** The next connect to {@code mailbox} counts {@code entered} down and waits for {@code release}. */
        void blockConnect(String mailbox, CountDownLatch entered, CountDownLatch release) {
            this.entered = entered;
            this.release = release;
            this.blocked = mailbox;
        }

        @Override
        public MailboxConnection connect(Mailbox mailbox) throws MailboxException {
            if (mailbox.address().equals(blocked)) {
                blocked = null;
                entered.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return delegate.connect(mailbox);
        }

        @Override
        public java.util.Optional<ExchangeChangeFeed> changeFeed(ExchangeChangeListener listener) {
            feed = new ExchangeFeed(listener);
            return java.util.Optional.of(feed);
        }
    }

    /** The in-memory CRM with a feed. */
    static final class Crm implements CrmAdapter {
        private final CrmAdapter crm;
        private volatile CrmFeed feed;

        Crm(CrmAdapter crm) {
            this.crm = crm;
        }

        CrmFeed feed() {
            return feed;
        }

        @Override public List<Rep> reps() { return crm.reps(); }
        @Override public String currentChangeCursor() { return crm.currentChangeCursor(); }
        @Override public CrmPage changesSince(String cursor, int n) { return crm.changesSince(cursor, n); }
        @Override public CrmPage tasksInTimeFrame(TimeFrameQuery q, String t, int n) { return crm.tasksInTimeFrame(q, t, n); }
        @Override public CrmPage tasksById(Collection<String> ids) { return crm.tasksById(ids); }
        @Override public StatusWriteResult writeStatus(String id, String s, Instant at) { return crm.writeStatus(id, s, at); }

        @Override
        public java.util.Optional<CrmChangeFeed> changeFeed(CrmChangeListener listener) {
            feed = new CrmFeed(listener);
            return java.util.Optional.of(feed);
        }
    }
}

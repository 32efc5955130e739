package org.tasksync.adapter.jdbccrm.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.spi.CrmChangeFeed;
import org.tasksync.core.spi.CrmChangeListener;

/**
 * The JDBC CRM adapter's change feed on PostgreSQL: one connection of its own LISTENs to the
 * channel the change trigger NOTIFYs on, and a daemon thread hands the task ids of the payloads
 * to the listener (docs/jdbc-crm.md "Change notifications").
 *
 * <p>The connection is taken from the data source for the feed's whole life and kept in
 * autocommit: pgjdbc reads notifications only while no transaction is open, and blocks every
 * other statement on that connection while it waits. A lost connection is reported as a gap,
 * taken again with a growing wait, LISTENed on again and reported as a gap once more, since
 * PostgreSQL keeps no notification for a session that was not listening.
 */
public final class PostgresChangeFeed implements CrmChangeFeed {

    private static final Logger log = LoggerFactory.getLogger(PostgresChangeFeed.class);
    private static final Pattern SECRET = Pattern.compile("(?i)(password|passwd|pwd|secret)=([^;&\\s]*)");

    /** How long one wait for notifications blocks; it bounds how long close() waits for the thread. */
    static final int WAIT_MILLIS = 250;
    /**
     * A quiet connection is checked with a query this often: pgjdbc's wait does not notice a
     * network that died without closing the socket (pgjdbc issue 1144).
     */
    static final Duration CHECK_EVERY = Duration.ofSeconds(20);
    static final int CHECK_TIMEOUT_SECONDS = 10;
    /** Task ids per {@link CrmChangeListener#changed} call, so that a bulk update does not make one huge hint. */
    public static final int MAX_IDS_PER_HINT = 500;
    private static final Duration FIRST_RETRY = Duration.ofMillis(200);

    private final DataSource dataSource;
    private final String channel;
    private final Duration maxRetryWait;
    private final CrmChangeListener listener;
    private final Object delivering = new Object();
    private final Thread thread;
    private volatile boolean closed;

    /** The connection LISTENed on by open(), until the thread takes it over. */
    private Connection first;
    /** Why open() could not LISTEN, for the thread to report as a gap; null when it could. */
    private String firstFailure;

    private PostgresChangeFeed(DataSource dataSource, String channel, Duration maxRetryWait, CrmChangeListener listener) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.channel = Objects.requireNonNull(channel, "channel");
        this.maxRetryWait = Objects.requireNonNull(maxRetryWait, "maxRetryWait");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.thread = new Thread(this::run, "tasksync-crm-listen-" + channel);
        thread.setDaemon(true);
    }

    /**
     * A feed listening on {@code channel}. The first LISTEN is made before this returns, so a
     * change committed after it is heard; when it fails, the gap is reported and the feed keeps
     * trying in the background.
     */
    public static PostgresChangeFeed open(DataSource dataSource, String channel, Duration maxRetryWait,
                                          CrmChangeListener listener) {
        PostgresChangeFeed feed = new PostgresChangeFeed(dataSource, channel, maxRetryWait, listener);
        try {
            feed.first = feed.listen();
            log.info("Listening for CRM task changes on channel {}", channel);
        } catch (SQLException | RuntimeException e) {
            log.warn("Could not listen for CRM task changes on channel {}: {}; trying again", channel, clean(e));
            // reported from the feed's thread, as every other hint
            feed.firstFailure = "could not LISTEN on " + channel + ": " + clean(e);
        }
        feed.thread.start(); // publishes first and firstFailure to the thread
        return feed;
    }

    private void run() {
        Connection c = first;
        first = null;
        if (firstFailure != null) {
            gap(firstFailure);
        }
        Duration wait = FIRST_RETRY;
        long lastTraffic = System.nanoTime();
        while (!closed) {
            if (c == null) {
                if (!pause(wait)) {
                    break;
                }
                try {
                    c = listen();
                    wait = FIRST_RETRY;
                    lastTraffic = System.nanoTime();
                    log.info("Listening again for CRM task changes on channel {}", channel);
                    gap("listening again on " + channel + " after a lost connection; notifications sent meanwhile are lost");
                } catch (SQLException | RuntimeException e) {
                    log.debug("Still cannot listen on channel {}: {}", channel, clean(e));
                    wait = wait.multipliedBy(2).compareTo(maxRetryWait) > 0 ? maxRetryWait : wait.multipliedBy(2);
                }
                continue;
            }
            try {
                PGNotification[] got = c.unwrap(PGConnection.class).getNotifications(WAIT_MILLIS);
                if (got != null && got.length > 0) {
                    lastTraffic = System.nanoTime();
                    hand(got);
                } else if (System.nanoTime() - lastTraffic > CHECK_EVERY.toNanos()) {
                    try (Statement st = c.createStatement()) {
                        st.setQueryTimeout(CHECK_TIMEOUT_SECONDS);
                        st.execute("SELECT 1");
                    }
                    lastTraffic = System.nanoTime();
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    break;
                }
                log.warn("Lost the LISTEN connection of channel {}: {}; listening again", channel, clean(e));
                gap("lost the LISTEN connection of " + channel + ": " + clean(e));
                discard(c);
                c = null;
            }
        }
        if (c != null) {
            // a listening session that reads nothing holds PostgreSQL's notification queue back;
            // a pool must not get it back listening
            try (Statement st = c.createStatement()) {
                st.execute("UNLISTEN *");
            } catch (SQLException | RuntimeException e) {
                log.debug("UNLISTEN on closing failed: {}", clean(e));
            }
        }
        closeQuietly(c);
        log.debug("Stopped listening on channel {}", channel);
    }

    private Connection listen() throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            if (!c.isWrapperFor(PGConnection.class)) {
                throw new SQLException("the connection is no PostgreSQL (pgjdbc) connection, so it cannot LISTEN");
            }
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                // A pooled connection may still listen for an earlier borrower and hold its
                // notifications: stop that and drop them, they are not this feed's.
                st.execute("UNLISTEN *");
                c.unwrap(PGConnection.class).getNotifications();
                // the channel is checked to be a lower-case identifier (JdbcCrmSettings)
                st.execute("LISTEN " + channel);
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    /** Hands the task ids of a batch to the listener, each once, in bounded chunks. */
    private void hand(PGNotification[] got) {
        Set<String> ids = new LinkedHashSet<>();
        boolean unnamed = false;
        for (PGNotification n : got) {
            if (!channel.equals(n.getName())) {
                continue;
            }
            String id = n.getParameter();
            if (id == null || id.isEmpty()) {
                unnamed = true;
            } else {
                ids.add(id);
            }
        }
        List<String> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += MAX_IDS_PER_HINT) {
            List<String> part = List.copyOf(all.subList(from, Math.min(all.size(), from + MAX_IDS_PER_HINT)));
            synchronized (delivering) {
                if (closed) {
                    return;
                }
                try {
                    listener.changed(part);
                } catch (RuntimeException e) {
                    log.warn("The CRM change listener failed on {} task ids", part.size(), e);
                }
            }
        }
        if (unnamed) {
            gap("a notification on " + channel + " named no task (its id was too long for a payload)");
        }
    }

    private void gap(String reason) {
        synchronized (delivering) {
            if (closed) {
                return;
            }
            try {
                listener.gap(reason);
            } catch (RuntimeException e) {
                log.warn("The CRM change listener failed on a gap", e);
            }
        }
    }

    /** Waits before the next attempt; false when the feed was closed meanwhile. */
    private boolean pause(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
            return !closed;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Whether the feed's thread still runs (for tests). */
    public boolean running() {
        return thread.isAlive();
    }

    @Override
    public void close() {
        synchronized (delivering) {
            if (closed) {
                return;
            }
            closed = true;
        }
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            // it delivers nothing more (closed is set) and ends when its connection attempt does
            log.warn("The listener thread of channel {} has not ended yet", channel);
        }
    }

    /**
     * Closes a connection that failed. The failure was seen on the driver's own connection
     * ({@code getNotifications} through {@code unwrap}), which a pool does not watch, so a pool would
     * hand the dead connection to its next borrower (the engine's next CRM query would fail on it).
     * A statement through the pool's connection first lets the pool see it fail (HikariCP drops a
     * connection on SQLSTATE 08xxx); on a connection that is still alive it stops the listening, so
     * the pool never gets it back listening.
     */
    private static void discard(Connection c) {
        if (c == null) {
            return;
        }
        try (Statement st = c.createStatement()) {
            st.execute("UNLISTEN *");
        } catch (SQLException | RuntimeException e) {
            log.debug("The failed LISTEN connection is dead, as expected: {}", clean(e));
        }
        closeQuietly(c);
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            log.debug("Closing the LISTEN connection failed: {}", clean(e));
        }
    }

    /** A failure as one line without secrets (some drivers echo URLs with passwords). */
    static String clean(Exception e) {
        String text = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        if (e instanceof SQLException s && s.getSQLState() != null) {
            text += " (SQL state " + s.getSQLState() + ")";
        }
        return SECRET.matcher(text.replace('\n', ' ')).replaceAll("$1=***");
    }

    @Override
    public String toString() {
        return "PostgresChangeFeed{" + channel + (closed ? ", closed" : "") + "}";
    }
}

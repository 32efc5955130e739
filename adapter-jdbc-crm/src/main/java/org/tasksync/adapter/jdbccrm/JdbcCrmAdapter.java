package org.tasksync.adapter.jdbccrm;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.adapter.jdbccrm.internal.BoundSql;
import org.tasksync.adapter.jdbccrm.internal.ChangeCursor;
import org.tasksync.adapter.jdbccrm.internal.FramePosition;
import org.tasksync.adapter.jdbccrm.internal.PostgresChangeFeed;
import org.tasksync.adapter.jdbccrm.internal.SqlValue;
import org.tasksync.adapter.jdbccrm.internal.TaskRow;
import org.tasksync.adapter.jdbccrm.internal.TaskTable;
import org.tasksync.core.TaskError;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.core.spi.CrmChangeFeed;
import org.tasksync.core.spi.CrmChangeListener;
import org.tasksync.core.spi.CrmPage;
import org.tasksync.core.spi.StatusWriteResult;
import org.tasksync.core.spi.TimeFrameQuery;

/**
 * A {@link CrmAdapter} that reads A1 tasks and reps from the CRM's database over JDBC and writes
 * statuses back, mapped to the tables by {@link JdbcCrmSettings}.
 *
 * <p>Thread-safe: every call takes its own connection from the {@link DataSource} and returns it
 * before it returns; the only shared state is the table's column types, read once on first use.
 * Memory per call is bounded by the page size (by the number of ids for {@link #tasksById}).
 *
 * <p><b>Changes and late commits.</b> {@link #changesSince} pages through the task table ordered
 * by (modification time, id), so rows with equal times are neither skipped nor read twice within
 * a read. A transaction may stamp a row and commit later, after a reader has moved past the stamp;
 * so the cursor after a read's last page never stands later than the database clock, taken when
 * the read began, minus {@link JdbcCrmSettings#changeSafetyLag()}. The next read sees those rows
 * again (the engine ignores unchanged tasks), and a row committed up to the lag after its stamp is
 * never lost. Rows whose modification time is null are never read as changes.
 *
 * <p>Database errors come out as {@link CrmAccessException}; bad rows come back in
 * {@link CrmPage#errors()}.
 */
public final class JdbcCrmAdapter implements CrmAdapter {

    private static final Logger log = LoggerFactory.getLogger(JdbcCrmAdapter.class);
    private static final Pattern SECRET = Pattern.compile("(?i)(password|passwd|pwd|secret)=([^;&\\s]*)");

    private final DataSource dataSource;
    /** Where the change feed takes its one long-held connection from (by default {@link #dataSource}). */
    private final DataSource listenDataSource;
    private final JdbcCrmSettings settings;
    private final Map<String, String> statusCodeByValue;
    private volatile TaskTable table;

    private JdbcCrmAdapter(DataSource dataSource, DataSource listenDataSource, JdbcCrmSettings settings) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.listenDataSource = Objects.requireNonNull(listenDataSource, "listenDataSource");
        this.settings = Objects.requireNonNull(settings, "settings");
        Map<String, String> codes = new HashMap<>();
        settings.statusCatalog().forEach((code, value) -> codes.put(value, code));
        this.statusCodeByValue = Map.copyOf(codes);
    }

    /** An adapter over the CRM database behind {@code dataSource}; connects only when first used. */
    public static JdbcCrmAdapter create(DataSource dataSource, JdbcCrmSettings settings) {
        return new JdbcCrmAdapter(dataSource, dataSource, settings);
    }

    /**
     * This adapter, with the change feed's connection taken from {@code listenDataSource}: for a
     * pool that cannot lend a connection for hours, or a pooler such as PgBouncer in transaction
     * mode, which does not carry LISTEN (docs/jdbc-crm.md "Change notifications").
     */
    public JdbcCrmAdapter listeningThrough(DataSource listenDataSource) {
        return new JdbcCrmAdapter(dataSource, listenDataSource, settings);
    }

    public JdbcCrmSettings settings() {
        return settings;
    }

    // --- reps ----------------------------------------------------------------------------------

    /**
     * All reps, ordered by id. An empty time zone gives null (the engine's default zone applies);
     * a time zone that is no valid zone id also gives null, with a warning naming rep and value.
     * Without an enabled column every rep is enabled; a null flag counts as not enabled.
     */
    @Override
    public List<Rep> reps() {
        StringBuilder sql = new StringBuilder("SELECT ").append(settings.repIdColumn()).append(", ")
                .append(settings.repDisplayNameColumn()).append(", ").append(settings.repEmailColumn());
        settings.repTimeZoneColumn().ifPresent(c -> sql.append(", ").append(c));
        settings.repEnabledColumn().ifPresent(c -> sql.append(", ").append(c));
        sql.append(" FROM ").append(settings.repTable()).append(" ORDER BY ").append(settings.repIdColumn());
        return withConnection("read reps", c -> {
            List<Rep> reps = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString()); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = trimToNull(rs.getString(1));
                    if (id == null) {
                        log.warn("Skipping a row of {} without an id", settings.repTable());
                        continue;
                    }
                    int col = 4;
                    ZoneId zone = null;
                    if (settings.repTimeZoneColumn().isPresent()) {
                        zone = zone(id, rs.getString(col++));
                    }
                    boolean enabled = settings.repEnabledColumn().isEmpty() || SqlValue.flag(rs.getObject(col));
                    reps.add(new Rep(id, rs.getString(2), trimToNull(rs.getString(3)), zone, enabled));
                }
            }
            return reps;
        });
    }

    private static ZoneId zone(String repId, String value) {
        String v = trimToNull(value);
        if (v == null) {
            return null;
        }
        try {
            return ZoneId.of(v);
        } catch (DateTimeException e) {
            log.warn("Rep {} has the time zone '{}', which is no time zone id; the default zone applies", repId, v);
            return null;
        }
    }

    // --- changes -------------------------------------------------------------------------------

    /**
     * The database clock minus the safety lag, as a cursor: every change committed after this call
     * comes after it, and so do changes stamped up to the lag before it.
     */
    @Override
    public String currentChangeCursor() {
        return withConnection("read the database clock", c -> {
            TaskTable t = table(c);
            return ChangeCursor.before(t.timestamps().truncate(databaseNow(c).minus(settings.changeSafetyLag())))
                    .encode();
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>A null or empty cursor reads from the first change on. Within one read (the pages until
     * {@code hasMore} is false) every row comes once; the cursor after the last page stands at the
     * read's floor at the latest (see the class comment), so the next read may return rows again.
     *
     * @throws IllegalArgumentException when {@code cursor} is no cursor of this adapter
     */
    @Override
    public CrmPage changesSince(String cursor, int pageSize) {
        requirePageSize(pageSize);
        ChangeCursor from = ChangeCursor.decode(cursor);
        return withConnection("read changed tasks", c -> {
            TaskTable t = table(c);
            Instant nowFloor = t.timestamps().truncate(databaseNow(c).minus(settings.changeSafetyLag()));
            Instant floor = from == null || from.floor() == null || from.floor().isAfter(nowFloor) ? nowFloor : from.floor();
            Object idKey = from == null || from.id() == null ? null : t.idKey(from.id());
            if (from != null && from.id() != null && idKey == null) {
                throw new IllegalArgumentException("'" + cursor + "' names an id that the id column cannot hold");
            }
            try (PreparedStatement ps = c.prepareStatement(t.changes(from))) {
                int p = 1;
                for (int source = 0; source < (t.hasDeletionLog() ? 2 : 1); source++) {
                    if (from != null) {
                        t.timestamps().bind(ps, p++, from.modifiedAt());
                    }
                    if (idKey != null) {
                        t.timestamps().bind(ps, p++, from.modifiedAt());
                        SqlValue.bindKey(ps, p++, idKey);
                    }
                    ps.setInt(p++, pageSize + 1);
                }
                if (t.hasDeletionLog()) {
                    ps.setInt(p, pageSize + 1);
                }
                ps.setFetchSize(pageSize + 1);
                Page page = new Page();
                TaskRow last = null;
                boolean lastLogged = false;
                boolean hasMore = false;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (page.size() == pageSize) {
                            hasMore = true;
                            break;
                        }
                        last = TaskRow.read(rs, t);
                        lastLogged = t.hasDeletionLog() && rs.getInt(t.sourceColumn()) == 1;
                        page.add(last);
                    }
                }
                ChangeCursor next;
                if (hasMore) {
                    next = new ChangeCursor(last.modifiedAt(), last.id(), lastLogged, floor);
                } else {
                    ChangeCursor reached = last != null ? new ChangeCursor(last.modifiedAt(), last.id(), lastLogged, null)
                            : from != null ? from : ChangeCursor.before(floor);
                    next = reached.fallBackTo(floor);
                }
                log.debug("changesSince: {} tasks, {} deleted, {} errors, more: {}", page.tasks.size(),
                        page.deleted.size(), page.errors.size(), hasMore);
                return page.toCrmPage(next.encode(), hasMore);
            }
        });
    }

    // --- time frame ----------------------------------------------------------------------------

    /** A read of at most this many pages is sorted by the database; a larger one goes rep by rep. */
    static final int SORTED_READ_PAGES = 20;

    /**
     * {@inheritDoc}
     *
     * <p>One rep's tasks come together: the order is (rep, scheduled day, id), with the tasks
     * without a rep (which come back as errors) first, and each rep's unscheduled tasks, by id,
     * after its scheduled ones. A read whose scheduled tasks fill at most {@value #SORTED_READ_PAGES}
     * pages and that leaves out the unscheduled ones is sorted by the database page by page; any
     * other read goes rep by rep (see docs/jdbc-crm.md). Either way the page token is the last row's
     * place in that order, so rows with equal days are neither skipped nor read twice, and rows
     * written between pages are read if they sort after the place the read has reached.
     *
     * <p>An empty {@code repIds} set gives an empty page; more rep ids than
     * {@link JdbcCrmSettings#idsPerQuery()} are not filtered here (the engine filters anyway).
     *
     * @throws IllegalArgumentException when {@code pageToken} is no token of this adapter for this query
     */
    @Override
    public CrmPage tasksInTimeFrame(TimeFrameQuery query, String pageToken, int pageSize) {
        requirePageSize(pageSize);
        Objects.requireNonNull(query, "query");
        FramePosition position = FramePosition.decode(pageToken);
        return withConnection("read tasks in the time frame", c -> {
            TaskTable t = table(c);
            List<Object> reps = repKeys(t, query.repIds());
            if (reps != null && reps.isEmpty()) {
                return new CrmPage(List.of(), List.of(), List.of(), null, false);
            }
            if (position != null) {
                requireUsable(t, position, query, reps, pageToken);
            }
            boolean repByRep = position != null ? position.repByRep()
                    : query.includeUnscheduled() || !fewScheduled(c, t, query, reps, pageSize);
            FrameRead read = new FrameRead(c, t, query, reps, pageSize);
            if (repByRep) {
                read.repByRep(position);
            } else {
                read.sorted(position);
            }
            Page page = read.page;
            log.debug("tasksInTimeFrame: {} tasks, {} errors, {}, more: {}", page.tasks.size(), page.errors.size(),
                    repByRep ? "rep by rep" : "sorted", page.full);
            return page.full ? page.toCrmPage(read.last.encode(), true) : page.toCrmPage(null, false);
        });
    }

    /** Whether the read's scheduled tasks fill at most {@link #SORTED_READ_PAGES} pages. */
    private static boolean fewScheduled(Connection c, TaskTable t, TimeFrameQuery query, List<Object> reps, int pageSize)
            throws SQLException {
        int most = (int) Math.min((long) SORTED_READ_PAGES * pageSize, Integer.MAX_VALUE - 1);
        try (PreparedStatement ps = t.scheduledBeyond(query.from(), query.to(), reps, most).prepare(c);
             ResultSet rs = ps.executeQuery()) {
            return !rs.next();
        }
    }

    private static void requireUsable(TaskTable t, FramePosition p, TimeFrameQuery query, List<Object> reps,
                                      String token) {
        boolean fits = t.idPositionKey(p.id()) != null
                && (p.repNull() || p.repIndex() >= 0 || t.repPositionKey(p.rep()) != null)
                && (p.unscheduled() ? query.includeUnscheduled() : !p.day().isBefore(query.from()))
                && (p.repByRep() || !query.includeUnscheduled())
                && (p.repIndex() < 0 ? !(p.repByRep() && reps != null) : reps != null && p.repIndex() < reps.size())
                && !(p.repNull() && reps != null);
        if (!fits) {
            throw new IllegalArgumentException("'" + token + "' is not a page token of this time frame query");
        }
    }

    /** One page of a time frame read: the rows so far and the place of the last one. */
    private static final class FrameRead {
        final Connection c;
        final TaskTable t;
        final TimeFrameQuery query;
        final List<Object> reps;
        final int pageSize;
        final Page page = new Page();
        FramePosition last;

        FrameRead(Connection c, TaskTable t, TimeFrameQuery query, List<Object> reps, int pageSize) {
            this.c = c;
            this.t = t;
            this.query = query;
            this.reps = reps;
            this.pageSize = pageSize;
        }

        /** One statement over all (or the given) reps, after {@code position}. */
        void sorted(FramePosition position) throws SQLException {
            read(t.sortedScheduled(query.from(), query.to(), reps, position, pageSize + 1), row ->
                    FramePosition.after(false, row.rep, row.day, row.id));
        }

        /**
         * Rep after rep, from the rep of {@code position} on: the given reps in the order of their
         * sorted ids, or, for all reps, the tasks without a rep and then every rep id of the table.
         */
        void repByRep(FramePosition position) throws SQLException {
            if (reps != null) {
                int start = position == null ? 0 : position.repIndex();
                for (int i = start; i < reps.size() && !page.full; i++) {
                    int index = i;
                    readRep(reps.get(i), i == start ? position : null,
                            row -> FramePosition.afterListed(index, row.day, row.id));
                }
                return;
            }
            String rep;
            FramePosition after;
            if (position == null || position.repNull()) {
                readRep(null, position, row -> FramePosition.after(true, null, row.day, row.id));
                rep = page.full ? null : oneRep(t.firstRep());
                after = null;
            } else {
                rep = position.rep();
                after = position;
            }
            while (rep != null && !page.full) {
                String current = rep;
                Object key = t.repPositionKey(current);
                readRep(key, after, row -> FramePosition.after(true, current, row.day, row.id));
                rep = page.full ? null : oneRep(t.repAfter(key));
                after = null;
            }
        }

        private void readRep(Object repKey, FramePosition after, Function<RowKey, FramePosition> at)
                throws SQLException {
            int room = pageSize - page.size();
            read(t.ofRep(repKey, query.from(), query.to(), query.includeUnscheduled(), after, room + 1), at);
        }

        private String oneRep(BoundSql q) throws SQLException {
            try (PreparedStatement ps = q.prepare(c); ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }

        /** Reads rows into the page until it is full; marks it full when a further row exists. */
        private void read(BoundSql q,
                          Function<RowKey, FramePosition> at) throws SQLException {
            try (PreparedStatement ps = q.prepare(c)) {
                ps.setFetchSize(pageSize - page.size() + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (page.size() == pageSize) {
                            page.full = true;
                            return;
                        }
                        TaskRow row = TaskRow.read(rs, t);
                        page.add(row);
                        String id = rs.getString(TaskTable.ID);
                        if (id != null) {
                            last = at.apply(new RowKey(rs.getString(t.repColumn()), row.scheduledDay(), id));
                        }
                    }
                }
            }
        }
    }

    /** A row's place in the order, as the database returned it. */
    private record RowKey(String rep, LocalDate day, String id) {
    }

    private List<Object> repKeys(TaskTable t, Set<String> repIds) {
        if (repIds == null) {
            return null;
        }
        if (repIds.size() > settings.idsPerQuery()) {
            log.debug("tasksInTimeFrame: {} rep ids are more than one query takes; reading all reps' tasks", repIds.size());
            return null;
        }
        // sorted, so that the same query gives the same list on every page; "7" and "007" are one
        // key of a numeric column
        Map<String, Object> keys = new LinkedHashMap<>();
        for (String id : new TreeSet<>(repIds)) {
            Object key = id == null ? null : t.repKey(id);
            if (key != null) {
                keys.putIfAbsent(key.toString(), key);
            }
        }
        return new ArrayList<>(keys.values());
    }

    // --- by id ---------------------------------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * <p>Ids are read {@link JdbcCrmSettings#idsPerQuery()} at a time. An id with no row at all
     * comes back among the deleted ids too: for the engine a task that is gone is deleted.
     */
    @Override
    public CrmPage tasksById(Collection<String> ids) {
        Objects.requireNonNull(ids, "ids");
        if (ids.isEmpty()) {
            return new CrmPage(List.of(), List.of(), List.of(), null, false);
        }
        return withConnection("read tasks by id", c -> {
            TaskTable t = table(c);
            // requested id -> the id as the database spells it back (numbers lose leading zeros)
            Map<String, String> wanted = new LinkedHashMap<>();
            Map<String, Object> keys = new LinkedHashMap<>();
            for (String id : new LinkedHashSet<>(ids)) {
                Object key = id == null ? null : t.idKey(id);
                if (key != null) {
                    wanted.put(id, key.toString());
                    keys.putIfAbsent(key.toString(), key);
                }
            }
            Map<String, TaskRow> found = new HashMap<>();
            List<Object> all = new ArrayList<>(keys.values());
            int chunk = settings.idsPerQuery();
            for (int from = 0; from < all.size(); from += chunk) {
                List<Object> part = all.subList(from, Math.min(all.size(), from + chunk));
                // Every chunk has the same number of parameters (the last repeats its last id),
                // so the database prepares one statement shape.
                int n = all.size() <= chunk ? part.size() : chunk;
                try (PreparedStatement ps = c.prepareStatement(t.byIds(n))) {
                    for (int i = 0; i < n; i++) {
                        SqlValue.bindKey(ps, i + 1, part.get(Math.min(i, part.size() - 1)));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            TaskRow row = TaskRow.read(rs, t);
                            found.put(row.reportedId(), row);
                        }
                    }
                }
            }
            Page page = new Page();
            Set<String> answered = new HashSet<>();
            for (String id : new LinkedHashSet<>(ids)) {
                String key = id == null ? null : wanted.get(id);
                if (id == null || key != null && !answered.add(key)) {
                    continue; // "7" and "007" ask for the same row of a numeric id column
                }
                TaskRow row = key == null ? null : found.get(key);
                if (row == null) {
                    page.deleted.add(id);
                } else {
                    page.add(row);
                }
            }
            log.debug("tasksById: {} asked, {} tasks, {} deleted or missing, {} errors", ids.size(),
                    page.tasks.size(), page.deleted.size(), page.errors.size());
            return page.toCrmPage(null, false);
        });
    }

    // --- status write-back ---------------------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * <p>One {@code UPDATE} sets the status code and the modification time where the id matches,
     * the row is not deleted and the modification time still equals {@code expectedModifiedAt}.
     * The new modification time is the database clock, or the expected time plus the column's
     * smallest step if the clock is not later. When no row was updated, the row's current state
     * decides between CONFLICT (with its modification time) and NOT_FOUND (no row, or deleted).
     *
     * @throws IllegalArgumentException when {@code status} is no value of the status catalog
     */
    @Override
    public StatusWriteResult writeStatus(String taskId, String status, Instant expectedModifiedAt) {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(expectedModifiedAt, "expectedModifiedAt");
        String code = statusCodeByValue.get(status);
        if (code == null) {
            throw new IllegalArgumentException("status '" + status + "' has no database code; the status catalog ("
                    + JdbcCrmSettings.STATUS_CATALOG_PREFIX + "*) knows " + settings.statusCatalog().values());
        }
        return withConnection("write a task status", c -> {
            TaskTable t = table(c);
            Object idKey = t.idKey(taskId);
            if (idKey == null) {
                return StatusWriteResult.notFound();
            }
            Instant now = t.timestamps().truncate(databaseNow(c));
            Instant stepLater = expectedModifiedAt.plusNanos(t.timestamps().stepNanos());
            Instant newModifiedAt = now.isAfter(expectedModifiedAt) ? now : stepLater;
            int updated;
            try (PreparedStatement ps = c.prepareStatement(t.writeStatus())) {
                SqlValue.bindKey(ps, 1, t.statusKey(code));
                t.timestamps().bind(ps, 2, newModifiedAt);
                SqlValue.bindKey(ps, 3, idKey);
                t.timestamps().bind(ps, 4, expectedModifiedAt);
                updated = ps.executeUpdate();
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
            if (updated > 0) {
                log.debug("writeStatus {}: {} written", taskId, status);
                return StatusWriteResult.written(newModifiedAt);
            }
            try (PreparedStatement ps = c.prepareStatement(t.currentState())) {
                SqlValue.bindKey(ps, 1, idKey);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || SqlValue.flag(rs.getObject(2))) {
                        log.debug("writeStatus {}: not found or deleted", taskId);
                        return StatusWriteResult.notFound();
                    }
                    Instant current = t.timestamps().read(rs, 1);
                    log.debug("writeStatus {}: conflict, modified at {} instead of {}", taskId, current, expectedModifiedAt);
                    return StatusWriteResult.conflict(current);
                }
            }
        });
    }

    // --- change feed ---------------------------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * <p>On PostgreSQL with {@link JdbcCrmSettings#notifyChannel()} set: a feed that LISTENs on
     * that channel on a connection of its own, LISTENing before this returns (docs/jdbc-crm.md
     * "Change notifications"; the trigger is the DBA's to install). Empty on other databases, with
     * the channel switched off, or without pgjdbc on the class path.
     *
     * @throws CrmAccessException when the database cannot be reached to learn its dialect
     */
    @Override
    public java.util.Optional<CrmChangeFeed> changeFeed(CrmChangeListener listener) {
        Objects.requireNonNull(listener, "listener");
        if (settings.notifyChannel().isEmpty()) {
            return java.util.Optional.empty();
        }
        CrmDialect dialect = settings.dialect().isPresent() ? settings.dialect().get()
                : withConnection("learn the database's dialect", c -> table(c).dialect());
        if (dialect != CrmDialect.POSTGRESQL) {
            log.debug("No change feed: {} has no LISTEN/NOTIFY", dialect.productName());
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(PostgresChangeFeed.open(listenDataSource, settings.notifyChannel().get(),
                    settings.notifyReconnectMaxWait(), listener));
        } catch (LinkageError e) {
            log.warn("No change feed: PostgreSQL's JDBC driver (org.postgresql:postgresql) is not on the class path");
            return java.util.Optional.empty();
        }
    }

    // --- plumbing ------------------------------------------------------------------------------

    private TaskTable table(Connection c) throws SQLException {
        TaskTable t = table;
        if (t == null) {
            t = TaskTable.probe(c, settings);
            if (t.statusNumeric()) {
                for (String code : settings.statusCatalog().keySet()) {
                    if (SqlValue.key(code, true) == null) {
                        throw new IllegalStateException(JdbcCrmSettings.STATUS_CATALOG_PREFIX + code + " = '"
                                + settings.statusCatalog().get(code) + "': the code is no number, but the status column "
                                + settings.fieldColumn(A1Field.STATUS).orElseThrow() + " is numeric");
                    }
                }
            }
            table = t; // racing threads compute the same value; the last write wins harmlessly
        }
        return t;
    }

    private Instant databaseNow(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(table(c).clockQuery()); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    private static void requirePageSize(int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("page size " + pageSize + " must be at least 1");
        }
    }

    private static String trimToNull(String s) {
        if (s == null) {
            return null;
        }
        String t = s.trim();
        return t.isEmpty() ? null : t;
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T withConnection(String what, SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            try {
                T result = work.run(c);
                if (!c.getAutoCommit()) {
                    c.commit();
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
                throw e;
            }
        } catch (SQLException e) {
            throw accessFailure(what, e);
        }
    }

    /** Wraps a database failure; a message that shows a secret (some drivers echo URLs) loses it and its cause. */
    private static CrmAccessException accessFailure(String what, SQLException e) {
        String message = "Could not " + what + " in the CRM database: " + e.getMessage()
                + (e.getSQLState() == null ? "" : " (SQL state " + e.getSQLState() + ")");
        String clean = SECRET.matcher(message).replaceAll("$1=***");
        return new CrmAccessException(clean, clean.equals(message) ? e : null);
    }

    @Override
    public String toString() {
        return "JdbcCrmAdapter{" + settings.taskTable() + ", " + settings.repTable() + "}";
    }

    /** What one call has read so far. */
    private static final class Page {
        final List<CrmTask> tasks = new ArrayList<>();
        final List<String> deleted = new ArrayList<>();
        final List<TaskError> errors = new ArrayList<>();
        int rows;
        boolean full;

        void add(TaskRow row) {
            rows++;
            if (row.deleted()) {
                deleted.add(row.reportedId());
            } else if (row.task() != null) {
                tasks.add(row.task());
            } else {
                errors.add(row.error());
            }
        }

        /** Rows read so far; a row counts once, be it a task, a deletion or an error. */
        int size() {
            return rows;
        }

        CrmPage toCrmPage(String next, boolean hasMore) {
            return new CrmPage(tasks, deleted, errors, next, hasMore);
        }
    }
}

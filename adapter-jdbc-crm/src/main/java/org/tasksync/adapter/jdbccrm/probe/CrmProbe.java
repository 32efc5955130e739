package org.tasksync.adapter.jdbccrm.probe;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.adapter.jdbccrm.CrmDialect;
import org.tasksync.adapter.jdbccrm.JdbcCrmAdapter;
import org.tasksync.adapter.jdbccrm.JdbcCrmSettings;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.CrmPage;
import org.tasksync.core.spi.TimeFrameQuery;

/**
 * The CRM side of the probe: runs every statement the JDBC CRM adapter sends against the
 * customer's CRM database, with the configured mapping, and reports which fail (with the
 * database's own message), which read a whole table, and which index each one uses.
 *
 * <p>Read-only: the adapter runs over connections whose transactions are rolled back, so its
 * status write-back (one row, written with the status it already has) is undone; the plans come
 * from the database's own explain facility ({@code EXPLAIN} on H2 and PostgreSQL,
 * {@code SET SHOWPLAN_XML ON} on SQL Server, {@code EXPLAIN PLAN} on Oracle), which does not run
 * the statement. The write holds that one row's lock until the rollback, a moment.
 */
public final class CrmProbe {

    private static final Logger log = LoggerFactory.getLogger(CrmProbe.class);
    private static final String COLUMN_TYPES = "read the column types";

    /** How a statement reads a table: through an index, or the whole table (or a whole index of it). */
    public record Access(String table, String index, boolean whole) {
        @Override
        public String toString() {
            String t = table == null ? "" : table + ": ";
            if (whole) {
                return t + (index == null ? "whole table" : "whole index " + index);
            }
            return t + "index " + index;
        }
    }

    /**
     * One statement the adapter sends: the operation it belongs to, its SQL, the database's error
     * if it failed (null when it ran), what its plan reads, and the plan as the database gave it
     * (or why there is none).
     */
    public record Finding(String operation, String sql, String error, List<Access> accesses, String plan,
                          String planError) {

        public boolean failed() {
            return error != null;
        }

        /** Whether the plan reads a whole table or index, outside the reads that are meant to (the reps, the column types). */
        public boolean readsWholeTable() {
            return !operation.equals("reps") && !operation.equals(COLUMN_TYPES)
                    && accesses.stream().anyMatch(Access::whole);
        }

        /** The indexes the plan uses. */
        public List<String> indexes() {
            return accesses.stream().filter(a -> a.index() != null && !a.whole()).map(Access::index).distinct().toList();
        }
    }

    /** What the probe found. */
    public record Report(String database, CrmDialect dialect, List<Finding> findings, List<String> notes) {

        public List<Finding> failures() {
            return findings.stream().filter(Finding::failed).toList();
        }

        public List<Finding> wholeTableReads() {
            return findings.stream().filter(Finding::readsWholeTable).toList();
        }

        /** The statements of change reads. */
        public List<Finding> changeQueries() {
            return findings.stream().filter(f -> f.operation().startsWith("changes")).toList();
        }

        /** No statement failed and none reads a whole table that it should not. */
        public boolean ok() {
            return failures().isEmpty() && wholeTableReads().isEmpty();
        }

        /** The findings as text for a person: a summary, then statement by statement. */
        public String toText() {
            StringBuilder b = new StringBuilder();
            b.append("CRM probe of ").append(database).append(", dialect ")
                    .append(dialect == null ? "none" : dialect.settingValue()).append('\n');
            b.append(findings.size()).append(" statements, ").append(failures().size()).append(" failed, ")
                    .append(wholeTableReads().size()).append(" read a whole table\n");
            notes.forEach(n -> b.append("note: ").append(n).append('\n'));
            for (Finding f : findings) {
                String verdict = f.failed() ? "FAILED" : f.readsWholeTable() ? "WHOLE TABLE" : "ok";
                b.append('\n').append('[').append(verdict).append("] ").append(f.operation()).append('\n');
                b.append("  ").append(f.sql()).append('\n');
                if (f.failed()) {
                    b.append("  error: ").append(f.error()).append('\n');
                    continue;
                }
                if (f.planError() != null) {
                    b.append("  no plan: ").append(f.planError()).append('\n');
                }
                for (Access a : f.accesses()) {
                    b.append("  reads ").append(a).append('\n');
                }
                if (f.readsWholeTable()) {
                    for (String line : f.plan().split("\n")) {
                        b.append("  | ").append(line).append('\n');
                    }
                }
            }
            return b.toString();
        }
    }

    private final DataSource dataSource;
    private final JdbcCrmSettings settings;

    private CrmProbe(DataSource dataSource, JdbcCrmSettings settings) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** A probe of the CRM database behind {@code dataSource}, mapped by {@code settings}. */
    public static CrmProbe of(DataSource dataSource, JdbcCrmSettings settings) {
        return new CrmProbe(dataSource, settings);
    }

    /** Runs the adapter's statements, rolled back, and asks for their plans. */
    public Report run() {
        RecordingDataSource recorder = new RecordingDataSource(dataSource);
        JdbcCrmAdapter adapter = JdbcCrmAdapter.create(recorder, settings);
        List<String> notes = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        List<CrmTask> tasks = new ArrayList<>();

        List<Rep> reps = call(recorder, notes, "reps", adapter::reps, List.of());
        String cursor = call(recorder, notes, "the database clock (current change cursor)", adapter::currentChangeCursor,
                null);
        if (cursor != null) {
            collect(call(recorder, notes, "changes since the current cursor", () -> adapter.changesSince(cursor, 100),
                    null), ids, tasks);
        }
        CrmPage first = call(recorder, notes, "changes from the first change", () -> adapter.changesSince(null, 1), null);
        collect(first, ids, tasks);
        if (first != null && first.hasMore()) {
            collect(call(recorder, notes, "changes after a row (next page)", () -> adapter.changesSince(first.next(), 1),
                    null), ids, tasks);
        }

        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Set<String> someReps = new LinkedHashSet<>();
        reps.stream().limit(3).forEach(r -> someReps.add(r.id()));
        frame(recorder, notes, adapter, "time frame: a day for all reps (sorted)",
                new TimeFrameQuery(today, today, false, null), 100, 1, ids, tasks);
        if (!someReps.isEmpty()) {
            frame(recorder, notes, adapter, "time frame: a week for listed reps (sorted)",
                    new TimeFrameQuery(today, today.plusDays(6), false, someReps), 100, 1, ids, tasks);
            frame(recorder, notes, adapter, "time frame: listed reps with the unscheduled (rep by rep)",
                    new TimeFrameQuery(today.minusDays(30), today.plusDays(60), true, someReps), 2, 2, ids, tasks);
        }
        frame(recorder, notes, adapter, "time frame: all reps with the unscheduled (rep by rep)",
                new TimeFrameQuery(today.minusDays(30), today.plusDays(60), true, null), 2, 3, ids, tasks);

        List<String> byId = ids.isEmpty() ? List.of("tasksync-probe-no-such-task") : ids.stream().limit(3).toList();
        call(recorder, notes, "tasks by id", () -> adapter.tasksById(byId), null);

        CrmTask target = tasks.stream().filter(t -> t.status() != null && t.modifiedAt() != null).findFirst().orElse(null);
        if (target != null) {
            call(recorder, notes, "status write (rolled back)",
                    () -> adapter.writeStatus(target.id(), target.status(), target.modifiedAt()), null);
            call(recorder, notes, "status write on a stale time (conflict check)",
                    () -> adapter.writeStatus(target.id(), target.status(), target.modifiedAt().minusSeconds(1)), null);
        } else {
            String status = settings.statusCatalog().values().iterator().next();
            notes.add("no task with a status was read; the status write ran against an id that does not exist");
            call(recorder, notes, "status write (rolled back)",
                    () -> adapter.writeStatus("tasksync-probe-no-such-task", status, Instant.now()), null);
        }
        return report(recorder.executed(), notes);
    }

    private static void frame(RecordingDataSource recorder, List<String> notes, JdbcCrmAdapter adapter, String name,
                              TimeFrameQuery query, int pageSize, int pages, Set<String> ids, List<CrmTask> tasks) {
        String token = null;
        for (int i = 0; i < pages; i++) {
            String t = token;
            CrmPage page = call(recorder, notes, name, () -> adapter.tasksInTimeFrame(query, t, pageSize), null);
            collect(page, ids, tasks);
            if (page == null || !page.hasMore()) {
                return;
            }
            token = page.next();
        }
    }

    private static void collect(CrmPage page, Set<String> ids, List<CrmTask> tasks) {
        if (page != null) {
            page.tasks().forEach(t -> {
                ids.add(t.id());
                tasks.add(t);
            });
        }
    }

    private static <T> T call(RecordingDataSource recorder, List<String> notes, String operation, Supplier<T> work,
                              T onFailure) {
        recorder.operation(operation);
        try {
            return work.get();
        } catch (RuntimeException e) {
            // the failing statement is recorded with the database's message; other failures are noted here
            log.debug("probe: {} failed", operation, e);
            String why = " failed: " + e.getMessage();
            boolean again = notes.stream().anyMatch(n -> n.endsWith(why));
            notes.add(operation + (again ? " failed the same way" : why));
            return onFailure;
        }
    }

    private Report report(List<RecordingDataSource.Executed> executed, List<String> notes) {
        Map<String, RecordingDataSource.Executed> distinct = new LinkedHashMap<>();
        for (RecordingDataSource.Executed e : executed) {
            distinct.putIfAbsent(e.sql(), e);
        }
        String database = "an unknown database";
        CrmDialect dialect = settings.dialect().orElse(null);
        // the plans come the way the database itself offers them, whatever dialect the adapter was forced to
        CrmDialect explainer = null;
        try (Connection c = dataSource.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            database = md.getDatabaseProductName() + " " + md.getDatabaseProductVersion();
            try {
                explainer = CrmDialect.of(md);
            } catch (IllegalStateException unknown) {
                explainer = dialect;
            }
            if (dialect == null) {
                dialect = explainer;
            }
            if (explainer == null) {
                notes.add("no plans: " + database + " has no dialect");
            }
            notes.addAll(columnNotes(c, dialect));
        } catch (SQLException e) {
            notes.add("no plans: " + e.getMessage());
        }
        List<Finding> findings = new ArrayList<>();
        int n = 0;
        for (RecordingDataSource.Executed e : distinct.values()) {
            String operation = e.sql().endsWith(" WHERE 1 = 0") ? COLUMN_TYPES : e.operation();
            if (e.error() != null) {
                findings.add(new Finding(operation, e.sql(), describe(e.error()), List.of(), "", null));
                continue;
            }
            if (explainer == null) {
                findings.add(new Finding(operation, e.sql(), null, List.of(), "", "the database has no dialect"));
                continue;
            }
            n++;
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    Plans.Plan plan = Plans.explain(explainer, c, e, n);
                    findings.add(new Finding(operation, e.sql(), null, plan.accesses(), plan.text(), null));
                } finally {
                    c.rollback();
                }
            } catch (SQLException | RuntimeException x) {
                findings.add(new Finding(operation, e.sql(), null, List.of(), "", x.getMessage()));
            }
        }
        return new Report(database, dialect, findings, notes);
    }

    /** Notes on the id and modification time columns' types, as the driver reports them. */
    private List<String> columnNotes(Connection c, CrmDialect dialect) {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + settings.taskIdColumn() + ", "
                + settings.modifiedAtColumn() + " FROM " + settings.taskTable() + " WHERE 1 = 0");
             ResultSet rs = ps.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            String url = c.getMetaData().getURL();
            return typeNotes(dialect, md.getColumnTypeName(1), md.getColumnTypeName(2), md.getScale(2),
                    url != null && url.toLowerCase(Locale.ROOT).contains("sendstringparametersasunicode=false"));
        } catch (SQLException e) {
            return List.of(); // the statements' own failures say more
        }
    }

    /**
     * What the column types mean for the adapter on this database: a SQL Server {@code datetime}
     * stores 1/300 s, so a time the adapter writes comes back rounded and the next status write
     * conflicts; an Oracle {@code DATE} has whole seconds; text ids in {@code varchar} against
     * the driver's Unicode parameters turn every seek on them into a scan (T-SQL: data type
     * precedence, nvarchar over varchar).
     */
    static List<String> typeNotes(CrmDialect dialect, String idType, String modifiedType, int modifiedScale,
                                  boolean unicodeOff) {
        List<String> out = new ArrayList<>();
        String id = idType == null ? "" : idType.toLowerCase(Locale.ROOT);
        String modified = modifiedType == null ? "" : modifiedType.toLowerCase(Locale.ROOT);
        if (dialect == CrmDialect.SQLSERVER) {
            if (modified.equals("datetime") || modified.equals("smalldatetime")) {
                out.add("the modification time is " + modifiedType + ", which rounds the times the adapter writes;"
                        + " use datetime2 or datetimeoffset");
            }
            if ((id.equals("varchar") || id.equals("char")) && !unicodeOff) {
                out.add("the task id is " + idType + ", but the driver sends strings as nvarchar, which makes"
                        + " SQL Server convert the column and scan instead of seek: add"
                        + " sendStringParametersAsUnicode=false to the JDBC URL");
            }
        }
        if (dialect == CrmDialect.ORACLE && modified.equals("date")) {
            out.add("the modification time is DATE (whole seconds): two saves within a second have one time;"
                    + " TIMESTAMP(6) WITH TIME ZONE keeps them apart");
        }
        return out;
    }

    /** The database's message; a password some drivers echo from the URL is masked. */
    private static String describe(SQLException e) {
        String message = e.getMessage() + (e.getSQLState() == null ? "" : " (SQL state " + e.getSQLState() + ")");
        return message.replaceAll("(?i)(password|passwd|pwd|secret)=([^;&\\s]*)", "$1=***");
    }
}

package org.tasksync.adapter.jdbccrm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.CrmPage;

/**
 * The reference schema as a small CRM of its own: creates the tables and indexes of
 * {@code schema-h2.sql} or {@code schema-postgresql.sql}, and writes reps and A1 tasks the way the
 * CRM would (every save and every deletion mark stamps the row with the database clock, strictly
 * later than before). For demos, tests and trying the adapter out; a real CRM writes its own rows.
 *
 * <p>Table and column names and the catalogs come from the {@link JdbcCrmSettings} (by default the
 * reference schema's); the column types are the reference schema's (codes as numbers, modification
 * time WITH TIME ZONE, a boolean deletion mark or a deletion log). Thread-safe: each call uses its own connection.
 */
public final class ReferenceCrm {

    /**
     * The databases the reference schema is written for. {@link #createSchema()} and the writes of
     * this class run on H2 and PostgreSQL; the SQL Server and Oracle schemas are reference DDL for
     * a DBA ({@link #schemaSql()}), for the adapter's reads and status writes on those servers.
     */
    public enum Dialect {
        H2("schema-h2.sql"),
        POSTGRESQL("schema-postgresql.sql"),
        SQLSERVER("schema-sqlserver.sql"),
        ORACLE("schema-oracle.sql");

        private final String resource;

        Dialect(String resource) {
            this.resource = resource;
        }

        /** The schema's SQL text, as shipped in this artifact. */
        public String schemaSql() {
            try (InputStream in = ReferenceCrm.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + resource + " is missing from the adapter's jar");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The schema's statements, without comments. */
        public List<String> schemaStatements() {
            StringBuilder sql = new StringBuilder();
            for (String line : schemaSql().split("\n")) {
                int comment = line.indexOf("--");
                sql.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
            }
            List<String> out = new ArrayList<>();
            for (String s : sql.toString().split(";")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
            return out;
        }

        static Dialect of(Connection c) throws SQLException {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            if (product.contains("h2")) {
                return H2;
            }
            if (product.contains("postgres")) {
                return POSTGRESQL;
            }
            throw new IllegalStateException("the reference CRM runs on H2 and PostgreSQL, not on "
                    + c.getMetaData().getDatabaseProductName() + "; for SQL Server and Oracle, Dialect.schemaSql()"
                    + " is the DDL to create its tables by hand");
        }
    }

    private final DataSource dataSource;
    private final JdbcCrmSettings settings;

    private ReferenceCrm(DataSource dataSource, JdbcCrmSettings settings) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** The reference CRM with the default settings. */
    public static ReferenceCrm of(DataSource dataSource) {
        return new ReferenceCrm(dataSource, JdbcCrmSettings.ofDefaults());
    }

    /** The reference CRM with these names and catalogs. */
    public static ReferenceCrm of(DataSource dataSource, JdbcCrmSettings settings) {
        return new ReferenceCrm(dataSource, settings);
    }

    public JdbcCrmSettings settings() {
        return settings;
    }

    /** An adapter over this CRM's database with its settings. */
    public JdbcCrmAdapter adapter() {
        return JdbcCrmAdapter.create(dataSource, settings);
    }

    /** Creates the reference schema's tables and indexes where they do not exist yet. */
    public ReferenceCrm createSchema() {
        run(c -> {
            try (Statement st = c.createStatement()) {
                for (String sql : Dialect.of(c).schemaStatements()) {
                    st.execute(sql);
                }
            }
            return null;
        });
        return this;
    }

    /**
     * The reference DDL of the change trigger ({@code notify-postgresql.sql}) for PostgreSQL, as
     * shipped: for the reference schema's task table and the default channel.
     */
    public static String changeNotificationSql() {
        try (InputStream in = ReferenceCrm.class.getResourceAsStream("notify-postgresql.sql")) {
            if (in == null) {
                throw new IllegalStateException("resource notify-postgresql.sql is missing from the adapter's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The change trigger's statements for these settings: the reference DDL with the task table,
     * its id column and the channel of the settings in place of the reference names. A function
     * body between {@code $$} stays one statement.
     */
    public static List<String> changeNotificationStatements(JdbcCrmSettings settings) {
        String channel = settings.notifyChannel().orElseThrow(() -> new IllegalArgumentException(
                JdbcCrmSettings.NOTIFY_CHANNEL + " is empty: there is no channel to install the trigger for"));
        String sql = changeNotificationSql()
                .replaceAll("(?m)^\\s*--.*$", "")
                .replaceAll("\\bON a1_task\\b", "ON " + settings.taskTable())
                .replaceAll("\\b(OLD|NEW)\\.id\\b", "$1." + settings.taskIdColumn())
                .replace("'tasksync_task_change'", "'" + channel + "'")
                // a function per table, so that triggers on two tables do not replace each other's
                .replace("tasksync_a1_task_notify", "tasksync_" + settings.taskTable() + "_notify");
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inBody = false;
        for (int i = 0; i < sql.length(); i++) {
            char ch = sql.charAt(i);
            if (ch == '$' && i + 1 < sql.length() && sql.charAt(i + 1) == '$') {
                inBody = !inBody;
                current.append("$$");
                i++;
            } else if (ch == ';' && !inBody) {
                if (!current.toString().isBlank()) {
                    out.add(current.toString().trim());
                }
                current.setLength(0);
            } else {
                current.append(ch);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().trim());
        }
        return out;
    }

    /**
     * Installs the change trigger on this CRM's task table (PostgreSQL only), as a DBA would run
     * {@link #changeNotificationSql()}; again is harmless (the function is replaced, the trigger re-created).
     */
    public ReferenceCrm installChangeNotifications() {
        run(c -> {
            if (Dialect.of(c) != Dialect.POSTGRESQL) {
                throw new IllegalStateException("change notifications need PostgreSQL's NOTIFY, not "
                        + c.getMetaData().getDatabaseProductName());
            }
            try (Statement st = c.createStatement()) {
                for (String sql : changeNotificationStatements(settings)) {
                    st.execute(sql);
                }
            }
            return null;
        });
        return this;
    }

    /** Deletes every task, rep and deletion log entry (rows, not marks). */
    public void clear() {
        run(c -> {
            try (Statement st = c.createStatement()) {
                st.executeUpdate("DELETE FROM " + settings.taskTable());
                st.executeUpdate("DELETE FROM " + settings.repTable());
                if (settings.deletionLogTable().isPresent()) {
                    st.executeUpdate("DELETE FROM " + settings.deletionLogTable().get());
                }
            }
            return null;
        });
    }

    /** The database clock. */
    public Instant now() {
        return run(ReferenceCrm::databaseNow);
    }

    /** Inserts or replaces a rep. */
    public void putRep(Rep rep) {
        run(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM " + settings.repTable() + " WHERE "
                    + settings.repIdColumn() + " = ?")) {
                del.setString(1, rep.id());
                del.executeUpdate();
            }
            List<String> cols = new ArrayList<>(List.of(settings.repIdColumn(), settings.repDisplayNameColumn(),
                    settings.repEmailColumn()));
            List<Object> values = new ArrayList<>(Arrays.asList(rep.id(), rep.displayName(), rep.mailbox()));
            settings.repTimeZoneColumn().ifPresent(col -> {
                cols.add(col);
                values.add(rep.timeZone() == null ? null : rep.timeZone().getId());
            });
            settings.repEnabledColumn().ifPresent(col -> {
                cols.add(col);
                values.add(rep.enabled());
            });
            insert(c, settings.repTable(), cols, values);
            return null;
        });
    }

    /**
     * Inserts or updates a task as the CRM saves it: every field from {@code task}, not deleted,
     * and the modification time set to the database clock, or one microsecond after the previous
     * one if the clock is not later ({@code task.modifiedAt()} is ignored).
     *
     * @return the new modification time
     * @throws IllegalArgumentException when a catalog value has no database code
     */
    public Instant putTask(CrmTask task) {
        return putTask(task, codeOf(settings.statusCatalog(), "status", task.status()));
    }

    /** As {@link #putTask(CrmTask)}, but stores the status as this raw database code (known or not). */
    public Instant putTask(CrmTask task, String rawStatusCode) {
        return run(c -> {
            Instant stamp = nextStamp(c, task.id());
            List<String> cols = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            cols.add(settings.taskIdColumn());
            values.add(task.id());
            field(cols, values, A1Field.REP, task.repId());
            field(cols, values, A1Field.CREATED_BY_REP, task.createdByRepId());
            field(cols, values, A1Field.START_DATE, task.startDate());
            field(cols, values, A1Field.DUE_DATE, task.dueDate());
            field(cols, values, A1Field.STATUS, code(rawStatusCode));
            field(cols, values, A1Field.PRIORITY, code(codeOf(settings.priorityCatalog(), "priority", task.priority())));
            field(cols, values, A1Field.COMPLETE_PERCENT, task.percentComplete());
            field(cols, values, A1Field.COMPLETE_DATE, task.completeDate());
            field(cols, values, A1Field.REMINDER_DURATION, task.reminderDuration());
            field(cols, values, A1Field.REMINDER_UNIT,
                    code(codeOf(settings.reminderUnitCatalog(), "reminder unit", task.reminderUnit())));
            field(cols, values, A1Field.SUBJECT, task.subject());
            field(cols, values, A1Field.COMMENTS, task.comments());
            settings.extraFieldColumns().forEach((n, col) -> {
                cols.add(col);
                values.add(task.extraFields().get(n));
            });
            cols.add(settings.modifiedAtColumn());
            values.add(OffsetDateTime.ofInstant(stamp, ZoneOffset.UTC));
            settings.deletedColumn().ifPresent(col -> {
                cols.add(col);
                values.add(Boolean.FALSE);
            });
            try (PreparedStatement del = c.prepareStatement("DELETE FROM " + settings.taskTable() + " WHERE "
                    + settings.taskIdColumn() + " = ?")) {
                del.setString(1, task.id());
                del.executeUpdate();
            }
            insert(c, settings.taskTable(), cols, values);
            return stamp;
        });
    }

    /**
     * Deletes a task as the CRM does: sets the deletion mark and stamps the row like a save, or,
     * without a mark column, deletes the row and logs its id in the deletion log.
     *
     * @return the deletion's time, or empty when there is no such task
     */
    public Optional<Instant> deleteTask(String id) {
        return run(c -> {
            Instant stamp = nextStamp(c, id);
            OffsetDateTime at = OffsetDateTime.ofInstant(stamp, ZoneOffset.UTC);
            if (settings.deletedColumn().isPresent()) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + settings.taskTable() + " SET "
                        + settings.deletedColumn().get() + " = TRUE, " + settings.modifiedAtColumn() + " = ? WHERE "
                        + settings.taskIdColumn() + " = ?")) {
                    ps.setObject(1, at);
                    ps.setString(2, id);
                    return ps.executeUpdate() == 0 ? Optional.empty() : Optional.of(stamp);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + settings.taskTable() + " WHERE "
                    + settings.taskIdColumn() + " = ?")) {
                ps.setString(1, id);
                if (ps.executeUpdate() == 0) {
                    return Optional.empty();
                }
            }
            insert(c, settings.deletionLogTable().orElseThrow(),
                    List.of(settings.deletionLogTaskIdColumn(), settings.deletionLogDeletedAtColumn()), List.of(id, at));
            return Optional.of(stamp);
        });
    }

    /** Sets a task's modification time, as a CRM transaction that stamped it earlier would have. */
    public void setModifiedAt(String id, Instant modifiedAt) {
        run(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + settings.taskTable() + " SET "
                    + settings.modifiedAtColumn() + " = ? WHERE " + settings.taskIdColumn() + " = ?")) {
                ps.setObject(1, OffsetDateTime.ofInstant(modifiedAt.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
                ps.setString(2, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Reads a task back as stored (codes mapped through the catalogs); empty when missing or deleted. */
    public Optional<CrmTask> readTask(String id) {
        CrmPage page = adapter().tasksById(List.of(id));
        if (!page.errors().isEmpty()) {
            throw new IllegalStateException("task " + id + " cannot be read: " + page.errors());
        }
        return page.tasks().stream().findFirst();
    }

    /**
     * Writes a small demo CRM around {@code today}: four reps (two taking part, one disabled, one
     * without a mailbox) and eight tasks (due soon, overdue, start date only, unscheduled,
     * completed, with a reminder, far in the future, one of the disabled rep).
     */
    public void insertDemoRows(LocalDate today) {
        putRep(new Rep("R-ADA", "Ada Lovelace", "ada.lovelace@example.com", ZoneId.of("Europe/London"), true));
        putRep(new Rep("R-BOB", "Bob Kahn", "bob.kahn@example.com", ZoneId.of("America/New_York"), true));
        putRep(new Rep("R-CYD", "Cyd Charisse", "cyd.charisse@example.com", null, false));
        putRep(new Rep("R-DAN", "Dan Bricklin", null, ZoneId.of("Europe/Vienna"), true));
        putTask(CrmTask.builder("A1:1-1").repId("R-ADA").createdByRepId("R-BOB").subject("Call Contoso about the renewal")
                .dueDate(today.plusDays(2)).priority("High").comments("Ask for the signed order form.").build());
        putTask(CrmTask.builder("A1:1-2").repId("R-ADA").createdByRepId("R-ADA").subject("Send the quote to Fabrikam")
                .startDate(today.minusDays(5)).dueDate(today.minusDays(1)).status("In Progress").percentComplete(50)
                .build());
        putTask(CrmTask.builder("A1:1-3").repId("R-BOB").subject("Prepare the trade fair").startDate(today.plusDays(7))
                .priority("Low").build());
        putTask(CrmTask.builder("A1:1-4").repId("R-BOB").subject("Clean up the lead list").build());
        putTask(CrmTask.builder("A1:1-5").repId("R-ADA").subject("Visit Northwind").dueDate(today.minusDays(3))
                .status("Completed").percentComplete(100).completeDate(today.minusDays(3)).build());
        putTask(CrmTask.builder("A1:1-6").repId("R-BOB").subject("Renew the maintenance contract")
                .dueDate(today.plusDays(1)).reminder(2, "hours").build());
        putTask(CrmTask.builder("A1:1-7").repId("R-ADA").subject("Plan next year's budget").dueDate(today.plusDays(400))
                .build());
        putTask(CrmTask.builder("A1:1-8").repId("R-CYD").subject("Follow up with Tailspin").dueDate(today.plusDays(3))
                .build());
    }

    // --- plumbing ------------------------------------------------------------------------------

    private Instant nextStamp(Connection c, String id) throws SQLException {
        Instant now = databaseNow(c).truncatedTo(ChronoUnit.MICROS);
        try (PreparedStatement ps = c.prepareStatement("SELECT " + settings.modifiedAtColumn() + " FROM "
                + settings.taskTable() + " WHERE " + settings.taskIdColumn() + " = ? FOR UPDATE")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    Instant old = rs.getObject(1, OffsetDateTime.class).toInstant();
                    if (!now.isAfter(old)) {
                        return old.plus(1, ChronoUnit.MICROS);
                    }
                }
            }
        }
        return now;
    }

    private static Instant databaseNow(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT CURRENT_TIMESTAMP"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    private void field(List<String> cols, List<Object> values, A1Field f, Object value) {
        settings.fieldColumn(f).ifPresent(col -> {
            cols.add(col);
            values.add(value);
        });
    }

    private static String codeOf(Map<String, String> catalog, String what, String value) {
        if (value == null) {
            return null;
        }
        return catalog.entrySet().stream().filter(e -> e.getValue().equals(value)).map(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no database code for " + what + " '"
                        + value + "' in the catalog " + catalog));
    }

    /** Codes are numbers in the reference schema. */
    private static Object code(String code) {
        if (code == null) {
            return null;
        }
        try {
            return Integer.valueOf(code);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("code '" + code + "' is not a number, as the reference schema needs");
        }
    }

    private static void insert(Connection c, String table, List<String> cols, List<Object> values) throws SQLException {
        String sql = "INSERT INTO " + table + " (" + String.join(", ", cols) + ") VALUES ("
                + String.join(", ", Collections.nCopies(cols.size(), "?")) + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.size(); i++) {
                Object v = values.get(i);
                if (v == null) {
                    ps.setNull(i + 1, Types.NULL);
                } else {
                    ps.setObject(i + 1, v);
                }
            }
            ps.executeUpdate();
        }
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction. */
    private <T> T run(SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new CrmAccessException("reference CRM: " + e.getMessage(), e);
        }
    }
}

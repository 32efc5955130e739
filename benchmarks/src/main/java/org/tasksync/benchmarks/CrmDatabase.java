package org.tasksync.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.util.Collection;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.tools.Server;
import org.tasksync.adapter.jdbccrm.ReferenceCrm;

/**
 * The CRM's database for one benchmark suite: an H2 in-memory database with the reference schema
 * ({@link ReferenceCrm}), in the harness's JVM, served over TCP on 127.0.0.1 so that the engine's
 * JVM reaches it as it would reach a CRM server. Rows are written the way the CRM writes them.
 */
final class CrmDatabase implements AutoCloseable {

    static final String REP_DOMAIN = "@bench.example";
    /** The reps' zones, in turn: time frames and dates are computed per zone. */
    private static final String[] ZONES = {"Europe/Vienna", "America/New_York", "Asia/Tokyo", "UTC"};

    private final String name;
    private final JdbcDataSource local = new JdbcDataSource();
    private final Server tcp;
    private final Connection keepAlive;

    private CrmDatabase(String name) throws SQLException {
        this.name = name;
        local.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        local.setUser("sa");
        keepAlive = local.getConnection();
        ReferenceCrm.of(local).createSchema();
        tcp = Server.createTcpServer("-tcpPort", "0").start(); // the system picks a free port: no race with other processes
    }

    static CrmDatabase start(String name) {
        try {
            return new CrmDatabase(name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot start the CRM database", e);
        }
    }

    /** The URL the engine's JVM connects to. */
    String remoteUrl() {
        return "jdbc:h2:tcp://127.0.0.1:" + tcp.getPort() + "/mem:" + name;
    }

    static String repId(int rep) {
        return String.format("R%05d", rep);
    }

    static String mailbox(int rep) {
        return String.format("rep%05d", rep) + REP_DOMAIN;
    }

    static String taskId(int task) {
        return String.format("A1:%08d", task);
    }

    /** The rep of task {@code task}: tasks are dealt out to the reps in turn. */
    static int repOf(int task, int reps) {
        return task % reps;
    }

    /**
     * Writes {@code reps} reps (enabled, with a mailbox) and {@code tasks} A1 tasks dealt out to them
     * in turn, all stamped an hour ago (so that the CRM's change-safety lag does not hand them to
     * later cycles again): due within 30 days of {@code today} either way, some with a start date,
     * a reminder, a body, a creator; 10 % completed, 10 % in progress.
     */
    void load(int reps, int tasks, LocalDate today) {
        try (Connection c = local.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO crm_rep (id, display_name, email, time_zone, sync_enabled) VALUES (?, ?, ?, ?, TRUE)")) {
                for (int r = 0; r < reps; r++) {
                    ps.setString(1, repId(r));
                    ps.setString(2, String.format("Rep %05d", r));
                    ps.setString(3, mailbox(r));
                    ps.setString(4, ZONES[r % ZONES.length]);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO a1_task (id, rep_id, created_by_rep_id, "
                    + "start_date, due_date, status, priority, percent_complete, complete_date, reminder_duration, "
                    + "reminder_unit, subject, comments, modified_at, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    + "DATEADD('HOUR', -1, CURRENT_TIMESTAMP), FALSE)")) {
                for (int i = 0; i < tasks; i++) {
                    int rep = repOf(i, reps);
                    LocalDate due = today.plusDays((i * 7L) % 61 - 30);
                    int status = i % 10 == 3 ? 2 : i % 10 == 7 ? 1 : 0;
                    ps.setString(1, taskId(i));
                    ps.setString(2, repId(rep));
                    ps.setString(3, repId((rep + 1) % reps));
                    ps.setObject(4, i % 3 == 0 ? Date.valueOf(due.minusDays(2)) : null, Types.DATE);
                    ps.setObject(5, Date.valueOf(due), Types.DATE);
                    ps.setInt(6, status);
                    ps.setInt(7, 1 + i % 3);
                    ps.setInt(8, status == 2 ? 100 : status == 1 ? 40 : 0);
                    ps.setObject(9, status == 2 ? Date.valueOf(due) : null, Types.DATE);
                    ps.setObject(10, i % 4 == 0 ? 15 : null, Types.INTEGER);
                    ps.setObject(11, i % 4 == 0 ? 0 : null, Types.SMALLINT);
                    ps.setString(12, "Call customer " + i + " about order " + (100_000 + i));
                    ps.setString(13, i % 2 == 0 ? "Ask for the signed order form.\nBring the price list of "
                            + today.getYear() + " and the delivery terms." : null);
                    ps.addBatch();
                    if (i % 1000 == 999) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("loading the CRM failed", e);
        }
    }

    /** Edits these tasks as a CRM user would: a new subject and due date, stamped now. */
    void edit(Collection<String> taskIds) {
        try (Connection c = local.getConnection(); PreparedStatement ps = c.prepareStatement("UPDATE a1_task SET "
                + "subject = subject || ' (moved)', due_date = DATEADD('DAY', 1, due_date), "
                + "modified_at = CURRENT_TIMESTAMP WHERE id = ?")) {
            for (String id : taskIds) {
                ps.setString(1, id);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("editing CRM tasks failed", e);
        }
    }

    /** The status code of a task (0 Open, 1 In Progress, 2 Completed, 3 Missed). */
    int status(String taskId) {
        try (Connection c = local.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT status FROM a1_task WHERE id = ?")) {
            ps.setString(1, taskId);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : -1;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        tcp.stop();
        try (Statement st = keepAlive.createStatement()) {
            st.execute("SHUTDOWN");
        } catch (SQLException ignored) {
            // already gone
        }
    }

}

package org.tasksync.cluster.quartz;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.quartz.impl.jdbcjobstore.JobStoreSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Quartz's tables on PostgreSQL from the DDL that ships in the Quartz jar
 * ({@value #DDL}), when they are missing. Several nodes starting at once are serialized by a
 * PostgreSQL advisory lock held for the transaction, so exactly one creates the tables and the
 * others find them. The script's {@code DROP TABLE} statements are never run: existing tables are
 * left as they are.
 */
final class QuartzTables {

    static final String DDL = "org/quartz/impl/jdbcjobstore/tables_postgres.sql";
    /** The tables the DDL makes, without prefix; all must exist, or none. */
    static final List<String> TABLES = List.of("JOB_DETAILS", "TRIGGERS", "SIMPLE_TRIGGERS", "CRON_TRIGGERS",
            "SIMPROP_TRIGGERS", "BLOB_TRIGGERS", "CALENDARS", "PAUSED_TRIGGER_GRPS", "FIRED_TRIGGERS",
            "SCHEDULER_STATE", "LOCKS");
    /** Any fixed number: the advisory lock that keeps two nodes from creating the tables at once. */
    private static final long LOCK_KEY = 0x7461736b73796e63L; // "tasksync"

    private static final Logger log = LoggerFactory.getLogger(QuartzTables.class);

    private QuartzTables() {
    }

    /**
     * Creates the tables with {@code prefix} unless they exist.
     *
     * @return true if this call created them
     * @throws SQLException          if the database fails
     * @throws IllegalStateException if the database is not PostgreSQL, or only some of the tables exist
     */
    static boolean ensure(Connection c, String prefix) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName();
        if (!"PostgreSQL".equalsIgnoreCase(product)) {
            throw new IllegalStateException("the Quartz cluster runs on PostgreSQL, not on '" + product + "'; set "
                    + ClusterSettings.CREATE_QUARTZ_TABLES + "=false to manage Quartz's tables yourself");
        }
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
            }
            List<String> missing = missing(c, prefix);
            if (missing.isEmpty()) {
                c.commit();
                return false;
            }
            if (missing.size() < TABLES.size()) {
                throw new IllegalStateException("some of Quartz's tables with prefix '" + prefix + "' exist but "
                        + missing + " do not; repair them by hand (" + DDL + " in the Quartz jar has the DDL)");
            }
            try (Statement st = c.createStatement()) {
                for (String sql : statements(prefix)) {
                    st.execute(sql);
                }
            }
            c.commit();
            log.info("created Quartz's tables ({}*) from {}", prefix, DDL);
            return true;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private static List<String> missing(Connection c, String prefix) throws SQLException {
        List<String> missing = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?)")) {
            for (String table : TABLES) {
                // unquoted names: PostgreSQL folds them to lower case
                ps.setString(1, (prefix + table).toLowerCase(Locale.ROOT));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getString(1) == null) {
                        missing.add(prefix + table);
                    }
                }
            }
        }
        return missing;
    }

    /** The CREATE statements of the shipped DDL, with {@code QRTZ_} replaced by {@code prefix}. */
    static List<String> statements(String prefix) {
        String script;
        try (InputStream in = JobStoreSupport.class.getClassLoader().getResourceAsStream(DDL)) {
            if (in == null) {
                throw new IllegalStateException(DDL + " is missing from the classpath: is the Quartz jar there?");
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("reading " + DDL + " failed", e);
        }
        StringBuilder withoutComments = new StringBuilder();
        for (String line : script.split("\\R")) {
            if (!line.trim().startsWith("--")) {
                withoutComments.append(line).append('\n');
            }
        }
        List<String> out = new ArrayList<>();
        for (String sql : withoutComments.toString().split(";")) {
            String s = sql.trim();
            String upper = s.toUpperCase(Locale.ROOT);
            if (s.isEmpty() || upper.startsWith("DROP ") || upper.equals("COMMIT")) {
                continue;
            }
            if (!upper.startsWith("CREATE ")) {
                throw new IllegalStateException("unexpected statement in " + DDL + ": " + s);
            }
            // index names are global in a schema: they carry the prefix too, so two prefixes can share one
            out.add(s.replaceAll("\\bIDX_QRTZ_", "IDX_" + prefix).replaceAll("\\bQRTZ_", prefix));
        }
        return out;
    }
}

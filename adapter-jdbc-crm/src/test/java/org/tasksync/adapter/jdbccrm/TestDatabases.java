package org.tasksync.adapter.jdbccrm;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import javax.sql.DataSource;
import org.tasksync.testkit.jdbc.PooledDataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Real databases for the tests: H2 in memory, and one embedded PostgreSQL server per test JVM
 * (started on first use, stopped when the JVM ends) with a fresh database per caller.
 */
public final class TestDatabases {

    private static EmbeddedPostgres postgres;

    private TestDatabases() {
    }

    /** A new, empty H2 database in memory that lives as long as the JVM. */
    public static DataSource h2() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:crm-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        return ds;
    }

    /**
     * A new H2 database in one of its compatibility modes ({@code MSSQLServer}, {@code Oracle})
     * with the reference schema as those servers would hold it: the deletion mark a number (a
     * T-SQL bit, an Oracle NUMBER(1)), for neither has boolean columns or literals. For SQL
     * Server's clock it gets a function SYSDATETIMEOFFSET(), which H2 lacks: the H2 clock with its
     * offset, as SQL Server's function returns the server clock with the server's offset.
     */
    public static DataSource h2(String mode) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:crm-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;MODE=" + mode);
        ds.setUser("sa");
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE ALIAS IF NOT EXISTS SYSDATETIMEOFFSET FOR '" + TestDatabases.class.getName()
                    + ".sysDateTimeOffset'");
            for (String sql : ReferenceCrm.Dialect.H2.schemaStatements()) {
                st.execute(sql.replace("BOOLEAN                  DEFAULT FALSE", "NUMERIC(1) DEFAULT 0"));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ds;
    }

    /** SYSDATETIMEOFFSET() for H2 in MSSQLServer mode: the database clock (this JVM's) with its offset. */
    public static java.time.OffsetDateTime sysDateTimeOffset() {
        return java.time.OffsetDateTime.now();
    }

    /** A new, empty PostgreSQL database on the shared embedded server, behind a small test pool. */
    public static DataSource postgres() {
        return postgresDatabase().pooled();
    }

    /** One PostgreSQL database, behind the test pool and directly (a new connection each time). */
    public record Postgres(DataSource pooled, DataSource direct) {
    }

    /** A new, empty PostgreSQL database on the shared embedded server, pooled and direct. */
    public static synchronized Postgres postgresDatabase() {
        try {
            if (postgres == null) {
                // the server must answer within this (the library's default, 10 s, is short on a loaded machine)
                postgres = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofMinutes(2)).start();
                EmbeddedPostgres started = postgres;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        started.close();
                    } catch (IOException e) {
                        // the JVM ends anyway
                    }
                }));
            }
            String name = "crm_" + UUID.randomUUID().toString().replace("-", "").toLowerCase(Locale.ROOT);
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + name);
            }
            DataSource direct = postgres.getDatabase("postgres", name);
            return new Postgres(new PooledDataSource(direct), direct);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}

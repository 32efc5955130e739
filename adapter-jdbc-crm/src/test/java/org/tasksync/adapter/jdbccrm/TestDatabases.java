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
final class TestDatabases {

    private static EmbeddedPostgres postgres;

    private TestDatabases() {
    }

    /** A new, empty H2 database in memory that lives as long as the JVM. */
    static DataSource h2() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:crm-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        return ds;
    }

    /** A new, empty PostgreSQL database on the shared embedded server, behind a small test pool. */
    static synchronized DataSource postgres() {
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
            return new PooledDataSource(postgres.getDatabase("postgres", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}

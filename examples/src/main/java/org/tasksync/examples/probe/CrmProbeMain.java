package org.tasksync.examples.probe;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.tasksync.adapter.jdbccrm.JdbcCrmSettings;
import org.tasksync.adapter.jdbccrm.ReferenceCrm;
import org.tasksync.adapter.jdbccrm.probe.CrmProbe;
import org.tasksync.examples.service.ServiceConfig;

/**
 * The CRM probe from the command line: points {@link CrmProbe} at the CRM database of a service
 * properties file (the URL under {@value ServiceConfig#CRM_URL}, the mapping under
 * {@code tasksync.crm.jdbc.*}, user and password from {@code TASKSYNC_CRM_DB_USER} and
 * {@code TASKSYNC_CRM_DB_PASSWORD}) and prints what it found; {@code --demo} probes the reference
 * schema with demo rows in an in-process H2 instead.
 *
 * <p>Exit status: 0 when every statement ran and none reads a whole table, 1 when the probe found
 * a problem, 2 when it could not start (usage, configuration).
 */
public final class CrmProbeMain {

    private CrmProbeMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** Runs the probe as {@link #main} does and returns the exit status. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.length != 1 || args[0].isBlank() || args[0].equals("--help")) {
            err.println("usage: CrmProbeMain <service.properties> | --demo");
            return 2;
        }
        CrmProbe.Report report;
        try {
            report = args[0].equals("--demo") ? demo() : probe(Path.of(args[0]), env);
        } catch (IllegalArgumentException | IllegalStateException | IOException e) {
            err.println("crm probe: " + e.getMessage());
            return 2;
        }
        out.print(report.toText());
        out.println();
        out.println(report.ok() ? "The adapter's statements run, and none reads a whole task table."
                : "The probe found problems: see FAILED and WHOLE TABLE above.");
        return report.ok() ? 0 : 1;
    }

    private static CrmProbe.Report demo() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:crm-probe-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        h2.setUser("sa");
        ReferenceCrm crm = ReferenceCrm.of(h2).createSchema();
        crm.insertDemoRows(LocalDate.now(ZoneOffset.UTC));
        return CrmProbe.of(h2, crm.settings()).run();
    }

    private static CrmProbe.Report probe(Path file, Map<String, String> env) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        String url = p.getProperty(ServiceConfig.CRM_URL, "").trim();
        if (!url.startsWith("jdbc:")) {
            throw new IllegalArgumentException(ServiceConfig.CRM_URL + " must be the CRM's JDBC URL, starting with"
                    + " 'jdbc:' (was '" + ServiceConfig.withoutSecrets(url) + "')");
        }
        if (ServiceConfig.carriesPassword(url)) {
            throw new IllegalArgumentException(ServiceConfig.CRM_URL + " must not carry a password (the value is not"
                    + " repeated here): set the environment variable " + ServiceConfig.ENV_CRM_DB_PASSWORD + " instead");
        }
        JdbcCrmSettings settings = JdbcCrmSettings.fromProperties(p);
        DataSource db = new UrlDataSource(url, env.get(ServiceConfig.ENV_CRM_DB_USER),
                env.get(ServiceConfig.ENV_CRM_DB_PASSWORD));
        return CrmProbe.of(db, settings).run();
    }

    /**
     * A connection per call through the driver on the class path that takes the URL (H2,
     * PostgreSQL, SQL Server, Oracle here); the password is used to connect and shown nowhere.
     */
    private static final class UrlDataSource implements DataSource {
        private final String url;
        private final Properties credentials = new Properties();
        private final Driver driver;

        UrlDataSource(String url, String user, String password) {
            this.url = url;
            if (user != null) {
                credentials.setProperty("user", user);
            }
            if (password != null) {
                credentials.setProperty("password", password);
            }
            Driver found = null;
            for (Driver d : ServiceLoader.load(Driver.class, CrmProbeMain.class.getClassLoader())) {
                try {
                    if (d.acceptsURL(url)) {
                        found = d;
                        break;
                    }
                } catch (SQLException e) {
                    // a driver that cannot judge the URL does not take it
                }
            }
            if (found == null) {
                throw new IllegalArgumentException(ServiceConfig.CRM_URL + " = '" + ServiceConfig.withoutSecrets(url)
                        + "': no JDBC driver on the class path takes this URL");
            }
            this.driver = found;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return driver.connect(url, credentials);
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException("the probe connects with the configured user");
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}

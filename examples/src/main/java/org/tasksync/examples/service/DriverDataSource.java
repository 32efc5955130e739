package org.tasksync.examples.service;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that opens a new connection for every call, through the JDBC driver on this
 * class's class path that accepts the URL (H2 and PostgreSQL here). It asks the drivers directly
 * rather than {@link java.sql.DriverManager}, which does not see drivers of a class loader it was not
 * started with (as under {@code mvn exec:java}).
 *
 * <p>Enough for the adapters, which hold a connection only for the length of one call. A real
 * deployment against a remote database passes a connection pool (HikariCP, the application server's)
 * instead, so that each call does not pay for a new connection.
 *
 * <p>Thread-safe: immutable. The password is used to connect and shown nowhere.
 */
final class DriverDataSource implements DataSource {

    private final String url;
    private final String user;
    private final String password;
    private final Driver driver;

    /** @throws IllegalArgumentException naming {@code key} when no driver on the class path takes the URL */
    DriverDataSource(String key, String url, String user, String password) {
        this.url = Objects.requireNonNull(url, key);
        this.user = user;
        this.password = password;
        this.driver = driverFor(key, url);
    }

    private static Driver driverFor(String key, String url) {
        for (Driver d : ServiceLoader.load(Driver.class, DriverDataSource.class.getClassLoader())) {
            try {
                if (d.acceptsURL(url)) {
                    return d;
                }
            } catch (SQLException e) {
                // this driver cannot tell; ask the next one
            }
        }
        throw new IllegalArgumentException(key + ": no JDBC driver on the class path accepts '"
                + ServiceConfig.withoutSecrets(url) + "' (the examples bring H2 and PostgreSQL)");
    }

    @Override
    public Connection getConnection() throws SQLException {
        return getConnection(user, password);
    }

    @Override
    public Connection getConnection(String username, String pass) throws SQLException {
        Properties info = new Properties();
        if (username != null) {
            info.setProperty("user", username);
        }
        if (pass != null) {
            info.setProperty("password", pass);
        }
        Connection c = driver.connect(url, info);
        if (c == null) {
            throw new SQLException("the driver did not take the URL " + ServiceConfig.withoutSecrets(url));
        }
        return c;
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        throw new UnsupportedOperationException("no log writer");
    }

    @Override
    public void setLoginTimeout(int seconds) {
        throw new UnsupportedOperationException("no login timeout");
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

    @Override
    public String toString() {
        return "DriverDataSource{" + ServiceConfig.withoutSecrets(url) + "}";
    }
}

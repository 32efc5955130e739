package org.tasksync.adapter.jdbccrm.probe;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source for the probe that never commits: every connection it hands out is in a
 * transaction that is rolled back when the adapter closes it, and records each prepared statement
 * the adapter runs, with its parameter values and the database's error if it failed.
 */
final class RecordingDataSource implements DataSource {

    private static final Set<String> BINDERS = Set.of("setString", "setLong", "setInt", "setObject", "setNull",
            "setBoolean", "setTimestamp", "setDate", "setBigDecimal");

    /** One statement as the adapter ran it. */
    record Executed(String operation, String sql, List<Binding> bindings, SQLException error) {

        /** Prepares {@code text} (this statement, or a form of it) on {@code c} and binds the same values. */
        PreparedStatement prepareAgain(Connection c, String text) throws SQLException {
            PreparedStatement ps = c.prepareStatement(text);
            try {
                for (Binding b : bindings) {
                    b.method().invoke(ps, b.args());
                }
                return ps;
            } catch (IllegalAccessException | InvocationTargetException e) {
                ps.close();
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                throw new SQLException("cannot bind the values again: " + cause.getMessage(), cause);
            }
        }
    }

    record Binding(Method method, Object[] args) {
    }

    private final DataSource target;
    private final List<Executed> executed = Collections.synchronizedList(new ArrayList<>());
    private volatile String operation = "";

    RecordingDataSource(DataSource target) {
        this.target = target;
    }

    /** Names what the following statements are run for. */
    void operation(String name) {
        operation = name;
    }

    List<Executed> executed() {
        synchronized (executed) {
            return List.copyOf(executed);
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(target.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return wrap(target.getConnection(username, password));
    }

    private Connection wrap(Connection real) throws SQLException {
        real.setAutoCommit(false);
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "commit":
                            return null; // the probe writes nothing: what the adapter commits is rolled back on close
                        case "setAutoCommit":
                            return null;
                        case "getAutoCommit":
                            return false;
                        case "close":
                            try {
                                real.rollback();
                            } finally {
                                real.close();
                            }
                            return null;
                        default:
                            boolean prepare = method.getName().equals("prepareStatement") && args.length == 1;
                            Object result;
                            try {
                                result = invoke(real, method, args);
                            } catch (SQLException e) {
                                if (prepare) { // some databases (H2) check the statement when it is prepared
                                    executed.add(new Executed(operation, (String) args[0], List.of(), e));
                                }
                                throw e;
                            }
                            return prepare ? recording((PreparedStatement) result, (String) args[0]) : result;
                    }
                });
    }

    private PreparedStatement recording(PreparedStatement real, String sql) {
        List<Binding> bindings = new ArrayList<>();
        String op = operation;
        return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                    if (BINDERS.contains(method.getName())) {
                        bindings.add(new Binding(method, args));
                    }
                    boolean runs = method.getName().equals("executeQuery") || method.getName().equals("executeUpdate");
                    try {
                        Object result = invoke(real, method, args);
                        if (runs) {
                            executed.add(new Executed(op, sql, List.copyOf(bindings), null));
                        }
                        return result;
                    } catch (SQLException e) {
                        if (runs) {
                            executed.add(new Executed(op, sql, List.copyOf(bindings), e));
                        }
                        throw e;
                    }
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return target.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return target.isWrapperFor(iface);
    }
}

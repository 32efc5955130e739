package org.tasksync.adapter.jdbccrm;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.tasksync.testkit.jdbc.WrappingDataSource;

/**
 * A data source that records every prepared statement the adapter executes, with its parameter
 * values, so that a test can run exactly those statements again under {@code EXPLAIN}.
 */
final class StatementRecorder extends WrappingDataSource {

    private static final Set<String> BINDERS = Set.of("setString", "setLong", "setInt", "setObject", "setNull",
            "setBoolean", "setTimestamp", "setDate", "setBigDecimal");

    /** One executed statement: its SQL and the binder calls in order. */
    record Executed(String sql, List<Binding> bindings) {

        /** Prepares {@code prefix + sql} on {@code c} and binds the same values. */
        PreparedStatement prepareAgain(Connection c, String prefix) throws SQLException {
            PreparedStatement ps = c.prepareStatement(prefix + sql);
            for (Binding b : bindings) {
                try {
                    b.method.invoke(ps, b.args);
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new SQLException("cannot bind again: " + b.method, e);
                }
            }
            return ps;
        }
    }

    record Binding(Method method, Object[] args) {
    }

    private final DataSource target;
    private final List<Executed> executed = Collections.synchronizedList(new ArrayList<>());

    StatementRecorder(DataSource target) {
        this.target = target;
    }

    List<Executed> executed() {
        synchronized (executed) {
            return List.copyOf(executed);
        }
    }

    void clear() {
        executed.clear();
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection real = target.getConnection();
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    if (method.getName().equals("prepareStatement") && args.length == 1) {
                        return recording((PreparedStatement) result, (String) args[0]);
                    }
                    return result;
                });
    }

    private PreparedStatement recording(PreparedStatement real, String sql) {
        List<Binding> bindings = new ArrayList<>();
        return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                    if (BINDERS.contains(method.getName())) {
                        bindings.add(new Binding(method, args));
                    }
                    if (method.getName().equals("executeQuery") || method.getName().equals("executeUpdate")) {
                        executed.add(new Executed(sql, List.copyOf(bindings)));
                    }
                    return invoke(real, method, args);
                });
    }


}

package org.tasksync.reliability;

import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.tasksync.testkit.jdbc.WrappingDataSource;

/**
 * A CRM database that fails when told to: {@link #failOperation(int)} arms a failure of the n-th
 * operation from now, where an operation is taking a connection or executing a statement. The
 * failure is what a dropped database connection gives a driver: an {@link SQLException} with
 * SQL state 08006. Everything else passes through to the real database.
 *
 * <p>Thread-safe.
 */
final class FaultyDataSource extends WrappingDataSource {

    private final DataSource target;
    private final AtomicInteger countdown = new AtomicInteger();
    private final AtomicInteger fired = new AtomicInteger();

    FaultyDataSource(DataSource target) {
        this.target = target;
    }

    /** The {@code n}-th operation from now fails (1 = the next); 0 disarms. */
    void failOperation(int n) {
        countdown.set(n);
    }

    void disarm() {
        countdown.set(0);
    }

    /** How many operations failed so far. */
    int fired() {
        return fired.get();
    }

    private void maybeFail(String what) throws SQLException {
        while (true) {
            int n = countdown.get();
            if (n <= 0) {
                return;
            }
            if (countdown.compareAndSet(n, n - 1)) {
                if (n == 1) {
                    fired.incrementAndGet();
                    throw new SQLTransientConnectionException("injected fault: the connection to the CRM database was "
                            + "reset during " + what, "08006");
                }
                return;
            }
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        maybeFail("connect");
        Connection real = target.getConnection();
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    if (result instanceof CallableStatement s) {
                        return statement(s, CallableStatement.class);
                    }
                    if (result instanceof PreparedStatement s) {
                        return statement(s, PreparedStatement.class);
                    }
                    if (result instanceof Statement s) {
                        return statement(s, Statement.class);
                    }
                    return result;
                });
    }

    private Object statement(Statement real, Class<?> type) {
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getName().startsWith("execute")) {
                maybeFail(method.getName());
            }
            return invoke(real, method, args);
        });
    }


    @Override
    public String toString() {
        return "FaultyDataSource[" + target + "]";
    }
}

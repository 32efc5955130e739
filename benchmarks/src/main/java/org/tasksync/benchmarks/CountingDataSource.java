package org.tasksync.benchmarks;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.tasksync.testkit.jdbc.WrappingDataSource;

/**
 * A data source that counts the statements executed through it: every {@code execute*} call on a
 * statement of one of its connections is one statement sent to the database (a JDBC batch counts
 * once). Reads ({@code executeQuery}) are also counted apart. Thread-safe.
 */
final class CountingDataSource extends WrappingDataSource {

    private final DataSource target;
    private final AtomicLong statements = new AtomicLong();
    private final AtomicLong queries = new AtomicLong();

    CountingDataSource(DataSource target) {
        this.target = target;
    }

    /** Statements executed so far. */
    long statements() {
        return statements.get();
    }

    /** Of those, the {@code executeQuery} calls. */
    long queries() {
        return queries.get();
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection real = target.getConnection();
        return (Connection) Proxy.newProxyInstance(CountingDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    return result instanceof Statement s ? counting(s) : result;
                });
    }

    private Object counting(Statement real) {
        Class<?>[] types = real instanceof java.sql.CallableStatement ? new Class<?>[] {java.sql.CallableStatement.class}
                : real instanceof java.sql.PreparedStatement ? new Class<?>[] {java.sql.PreparedStatement.class}
                : new Class<?>[] {Statement.class};
        return Proxy.newProxyInstance(CountingDataSource.class.getClassLoader(), types, (proxy, method, args) -> {
            String name = method.getName();
            if (name.startsWith("execute")) {
                statements.incrementAndGet();
                if (name.equals("executeQuery")) {
                    queries.incrementAndGet();
                }
            }
            return invoke(real, method, args);
        });
    }


}

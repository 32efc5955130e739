package org.tasksync.adapter.jdbccrm.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * SQL text built together with its parameter values, so that each {@code ?} is written next to
 * the value it stands for. Values are bound by type: {@code Integer} (limits) with
 * {@code setInt}, {@code LocalDate} (days) with {@code setObject}, and keys ({@code Long},
 * {@code BigDecimal}, {@code String}) as {@link SqlValue#bindKey} binds them.
 */
public final class BoundSql {

    private final StringBuilder sql = new StringBuilder();
    private final List<Object> values = new ArrayList<>();

    public BoundSql sql(String text) {
        sql.append(text);
        return this;
    }

    /** Appends a {@code ?} for {@code value}. */
    public BoundSql value(Object value) {
        if (value == null) {
            throw new IllegalArgumentException("no null parameters: write IS NULL instead");
        }
        sql.append('?');
        values.add(value);
        return this;
    }

    /** Appends {@code ?, ?, ...} for the values. */
    public BoundSql values(List<?> list) {
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                sql.append(", ");
            }
            value(list.get(i));
        }
        return this;
    }

    public String text() {
        return sql.toString();
    }

    /** Prepares the statement on {@code c} and binds every value; the caller closes it. */
    public PreparedStatement prepare(Connection c) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql.toString());
        try {
            for (int i = 0; i < values.size(); i++) {
                Object v = values.get(i);
                if (v instanceof Integer) {
                    ps.setInt(i + 1, (Integer) v);
                } else if (v instanceof LocalDate) {
                    ps.setObject(i + 1, v);
                } else {
                    SqlValue.bindKey(ps, i + 1, v);
                }
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    @Override
    public String toString() {
        return sql + " " + values;
    }
}

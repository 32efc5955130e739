package org.tasksync.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SqlDialectTest {

    @Test
    void theDialectFollowsTheProductNameThatTheDriverReports() {
        assertThat(SqlDialect.of("H2", "2.3.232 (2024-08-11)")).isEqualTo(SqlDialect.H2);
        assertThat(SqlDialect.of("PostgreSQL", "14.22")).isEqualTo(SqlDialect.POSTGRESQL);
    }

    @Test
    void anotherDatabaseIsRefusedByName() {
        assertThatThrownBy(() -> SqlDialect.of("MySQL", "8.0.36"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("H2 and PostgreSQL")
                .hasMessageContaining("'MySQL 8.0.36'");
    }
}

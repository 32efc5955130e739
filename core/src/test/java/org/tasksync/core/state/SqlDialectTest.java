package org.tasksync.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The state store's dialects. The SQL Server and Oracle strings are golden, reviewed against the
 * vendors' grammar as listed in docs/state-store.md (T-SQL: MERGE with a table hint and the
 * closing semicolon, table value constructor, OBJECT_ID, sys.indexes; Oracle: MERGE with a
 * subquery from DUAL, EXECUTE IMMEDIATE in an anonymous block, ORA-00955).
 */
class SqlDialectTest {

    private static final List<String> CURSOR = List.of("cursor_key", "cursor_value");

    @Test
    void theDialectFollowsTheProductNameThatTheDriverReports() {
        assertThat(SqlDialect.of("H2", "2.3.232 (2024-08-11)")).isEqualTo(SqlDialect.H2);
        assertThat(SqlDialect.of("PostgreSQL", "14.22")).isEqualTo(SqlDialect.POSTGRESQL);
        assertThat(SqlDialect.of("Microsoft SQL Server", "13.00.6300")).isEqualTo(SqlDialect.SQLSERVER);
        assertThat(SqlDialect.of("Oracle", "Oracle Database 19c")).isEqualTo(SqlDialect.ORACLE);
    }

    @Test
    void anotherDatabaseIsRefusedByName() {
        assertThatThrownBy(() -> SqlDialect.of("MySQL", "8.0.36"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("H2, PostgreSQL, SQL Server and Oracle")
                .hasMessageContaining("'MySQL 8.0.36'");
    }

    @Test
    void aForcedDialectIsReadByNameAndABadOneIsNamed() {
        assertThat(SqlDialect.parse(JdbcSyncStateStore.DIALECT_KEY, "SqlServer")).isEqualTo(SqlDialect.SQLSERVER);
        assertThat(SqlDialect.parse(JdbcSyncStateStore.DIALECT_KEY, "auto")).isNull();
        assertThatThrownBy(() -> JdbcSyncStateStore.builder(new org.h2.jdbcx.JdbcDataSource()).dialect("db2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tasksync.state.jdbc.dialect")
                .hasMessageContaining("'db2'")
                .hasMessageContaining("oracle");
    }

    @Test
    void h2AndPostgresqlKeepTheirStatements() {
        assertThat(SqlDialect.H2.upsert("t_cursors", CURSOR, "cursor_key"))
                .isEqualTo("MERGE INTO t_cursors (cursor_key, cursor_value) KEY (cursor_key) VALUES (?, ?)");
        assertThat(SqlDialect.POSTGRESQL.upsert("t_cursors", CURSOR, "cursor_key"))
                .isEqualTo("INSERT INTO t_cursors (cursor_key, cursor_value) VALUES (?, ?) ON CONFLICT (cursor_key)"
                        + " DO UPDATE SET cursor_value = EXCLUDED.cursor_value");
        assertThat(SqlDialect.POSTGRESQL.createTable("t_pending", "crm_task_id TEXT NOT NULL PRIMARY KEY"))
                .isEqualTo("CREATE TABLE IF NOT EXISTS t_pending (crm_task_id TEXT NOT NULL PRIMARY KEY)");
        assertThat(SqlDialect.H2.createIndex("t_links_mailbox_item", "t_links", "mailbox, item_id"))
                .isEqualTo("CREATE INDEX IF NOT EXISTS t_links_mailbox_item ON t_links (mailbox, item_id)");
        assertThat(SqlDialect.POSTGRESQL.snapshotIsolation()).isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
    }

    @Test
    void sqlServerUpsertsWithMergeUnderHoldlockAndCreatesOnlyWhatIsMissing() {
        assertThat(SqlDialect.SQLSERVER.upsert("t_cursors", CURSOR, "cursor_key")).isEqualTo(
                "MERGE INTO t_cursors WITH (HOLDLOCK) AS target USING (VALUES (?, ?)) AS source (cursor_key, cursor_value)"
                        + " ON target.cursor_key = source.cursor_key"
                        + " WHEN MATCHED THEN UPDATE SET cursor_value = source.cursor_value"
                        + " WHEN NOT MATCHED THEN INSERT (cursor_key, cursor_value) VALUES (source.cursor_key, source.cursor_value);");
        assertThat(SqlDialect.SQLSERVER.insertIfAbsent("t_pending", "crm_task_id")).isEqualTo(
                "MERGE INTO t_pending WITH (HOLDLOCK) AS target USING (VALUES (?)) AS source (crm_task_id)"
                        + " ON target.crm_task_id = source.crm_task_id"
                        + " WHEN NOT MATCHED THEN INSERT (crm_task_id) VALUES (source.crm_task_id);");
        assertThat(SqlDialect.SQLSERVER.insertOrIgnore("t_leases", List.of("mailbox", "owner", "expires_at"), "mailbox"))
                .isEqualTo("MERGE INTO t_leases WITH (HOLDLOCK) AS target USING (VALUES (?, ?, ?)) AS source"
                        + " (mailbox, owner, expires_at) ON target.mailbox = source.mailbox"
                        + " WHEN NOT MATCHED THEN INSERT (mailbox, owner, expires_at)"
                        + " VALUES (source.mailbox, source.owner, source.expires_at);");
        assertThat(SqlDialect.SQLSERVER.createTable("t_pending", "crm_task_id NVARCHAR(400) NOT NULL PRIMARY KEY"))
                .isEqualTo("IF OBJECT_ID(N't_pending', N'U') IS NULL CREATE TABLE t_pending"
                        + " (crm_task_id NVARCHAR(400) NOT NULL PRIMARY KEY)");
        assertThat(SqlDialect.SQLSERVER.createIndex("t_links_mailbox_item", "t_links", "mailbox, item_id"))
                .isEqualTo("IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N't_links_mailbox_item'"
                        + " AND object_id = OBJECT_ID(N't_links')) CREATE INDEX t_links_mailbox_item ON t_links (mailbox, item_id)");
        assertThat(SqlDialect.SQLSERVER.isUniqueViolation(new SQLException("Violation of PRIMARY KEY", "23000", 2627)))
                .isTrue();
        assertThat(SqlDialect.SQLSERVER.booleanType).isEqualTo("BIT");
        assertThat(SqlDialect.SQLSERVER.maxNameLength(13, 0)).isEqualTo(128);
    }

    @Test
    void oracleMergesFromDualCreatesInABlockThatIgnoresNameInUseAndReadsSerializable() {
        assertThat(SqlDialect.ORACLE.upsert("t_cursors", CURSOR, "cursor_key")).isEqualTo(
                "MERGE INTO t_cursors target USING (SELECT ? AS cursor_key, ? AS cursor_value FROM DUAL) source"
                        + " ON (target.cursor_key = source.cursor_key)"
                        + " WHEN MATCHED THEN UPDATE SET target.cursor_value = source.cursor_value"
                        + " WHEN NOT MATCHED THEN INSERT (cursor_key, cursor_value) VALUES (source.cursor_key, source.cursor_value)");
        assertThat(SqlDialect.ORACLE.insertIfAbsent("t_pending", "crm_task_id")).isEqualTo(
                "MERGE INTO t_pending target USING (SELECT ? AS crm_task_id FROM DUAL) source"
                        + " ON (target.crm_task_id = source.crm_task_id)"
                        + " WHEN NOT MATCHED THEN INSERT (crm_task_id) VALUES (source.crm_task_id)");
        assertThat(SqlDialect.ORACLE.createTable("t_pending", "crm_task_id VARCHAR2(700 CHAR) NOT NULL PRIMARY KEY"))
                .isEqualTo("BEGIN EXECUTE IMMEDIATE 'CREATE TABLE t_pending (crm_task_id VARCHAR2(700 CHAR) NOT NULL"
                        + " PRIMARY KEY)'; EXCEPTION WHEN OTHERS THEN IF SQLCODE != -955 THEN RAISE; END IF; END;");
        assertThat(SqlDialect.ORACLE.isUniqueViolation(new SQLException("ORA-00001", "23000", 1))).isTrue();
        assertThat(SqlDialect.ORACLE.isConflict(new SQLException("ORA-08177", "72000", 8177))).isTrue();
        assertThat(SqlDialect.ORACLE.snapshotIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
        assertThat(SqlDialect.ORACLE.maxNameLength(12, 1)).isEqualTo(30);
        assertThat(SqlDialect.ORACLE.maxNameLength(19, 0)).isEqualTo(128);
        assertThat(SqlDialect.ORACLE.booleanType).isEqualTo("NUMBER(1)");
        assertThat(SqlDialect.ORACLE.bigintType).isEqualTo("NUMBER(19)");
    }
}

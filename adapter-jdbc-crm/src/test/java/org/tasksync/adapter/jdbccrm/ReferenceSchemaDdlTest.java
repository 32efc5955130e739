package org.tasksync.adapter.jdbccrm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The reference DDL for SQL Server and Oracle creates the same tables, columns and indexes as the
 * H2 and PostgreSQL schemas that the tests run, and uses no construct its server lacks.
 */
class ReferenceSchemaDdlTest {

    private static final Pattern INDEX = Pattern.compile("CREATE INDEX (?:IF NOT EXISTS )?(\\w+) ON (\\w+) \\(([^)]*)\\)");
    private static final Pattern TABLE = Pattern.compile("CREATE TABLE (?:IF NOT EXISTS )?(\\w+) \\((.*)\\)", Pattern.DOTALL);

    @Test
    void everySchemaHasTheSameTablesColumnsAndIndexes() {
        List<String> h2 = shape(ReferenceCrm.Dialect.H2);
        assertThat(h2).contains("index a1_task_modified on a1_task (modified_at, id)",
                "table a1_task_deletion (task_id, deleted_at)");
        for (ReferenceCrm.Dialect d : ReferenceCrm.Dialect.values()) {
            assertThat(shape(d)).as(d.name()).isEqualTo(h2);
        }
    }

    @Test
    void sqlServerAndOracleSchemasUseTheirOwnTypesAndNoIfNotExists() {
        String mssql = String.join(";\n", ReferenceCrm.Dialect.SQLSERVER.schemaStatements());
        assertThat(mssql).contains("DATETIMEOFFSET(6)", "BIT", "NVARCHAR(40)", "AS COALESCE(due_date, start_date) PERSISTED")
                .doesNotContain("IF NOT EXISTS", "BOOLEAN", "TIMESTAMP(", "TEXT");
        String oracle = String.join(";\n", ReferenceCrm.Dialect.ORACLE.schemaStatements());
        assertThat(oracle).contains("TIMESTAMP(6) WITH TIME ZONE", "NUMBER(1)", "VARCHAR2(40 CHAR)", "VIRTUAL")
                .doesNotContain("IF NOT EXISTS", "BOOLEAN", "NVARCHAR");
        // names of at most 30 characters: what Oracle before 12.2 takes
        Matcher names = Pattern.compile("CREATE (?:TABLE|INDEX) (\\w+)").matcher(oracle);
        while (names.find()) {
            assertThat(names.group(1).length()).as(names.group(1)).isLessThanOrEqualTo(30);
        }
    }

    /** "table t (c1, c2)" and "index i on t (c1, c2)", in the order of the file. */
    private static List<String> shape(ReferenceCrm.Dialect d) {
        List<String> out = new ArrayList<>();
        for (String statement : d.schemaStatements()) {
            Matcher index = INDEX.matcher(statement);
            Matcher table = TABLE.matcher(statement);
            if (index.find()) {
                out.add("index " + index.group(1) + " on " + index.group(2) + " (" + index.group(3) + ")");
            } else if (table.find()) {
                List<String> columns = new ArrayList<>();
                for (String line : table.group(2).split(",\n")) {
                    columns.add(line.trim().split("\\s+")[0].toLowerCase(Locale.ROOT));
                }
                out.add("table " + table.group(1) + " (" + String.join(", ", columns) + ")");
            } else {
                out.add("other: " + statement);
            }
        }
        return out;
    }
}

package org.tasksync.adapter.jdbccrm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JdbcCrmSettingsTest {

    private static final List<String> IDENTIFIER_KEYS = List.of(
            JdbcCrmSettings.TASK_TABLE, JdbcCrmSettings.REP_TABLE, JdbcCrmSettings.TASK_ID_COLUMN,
            JdbcCrmSettings.MODIFIED_AT_COLUMN, JdbcCrmSettings.DELETED_COLUMN, JdbcCrmSettings.SCHEDULED_DAY_COLUMN,
            JdbcCrmSettings.DELETION_LOG_TABLE, JdbcCrmSettings.DELETION_LOG_TASK_ID_COLUMN,
            JdbcCrmSettings.DELETION_LOG_DELETED_AT_COLUMN,
            JdbcCrmSettings.FIELD_COLUMN_PREFIX + "58", JdbcCrmSettings.FIELD_COLUMN_PREFIX + "4",
            JdbcCrmSettings.FIELD_COLUMN_PREFIX + "20", JdbcCrmSettings.FIELD_COLUMN_PREFIX + "77",
            JdbcCrmSettings.REP_ID_COLUMN, JdbcCrmSettings.REP_DISPLAY_NAME_COLUMN, JdbcCrmSettings.REP_EMAIL_COLUMN,
            JdbcCrmSettings.REP_TIME_ZONE_COLUMN, JdbcCrmSettings.REP_ENABLED_COLUMN);

    @ParameterizedTest
    @ValueSource(strings = {"a1_task; DROP TABLE a1_task", "1st_table", "my-table", "\"Quoted\"", "crm.a1_task",
            "subject ", "grüße"})
    void everyTableAndColumnKeyRejectsNamesThatAreNoPlainIdentifier(String bad) {
        for (String key : IDENTIFIER_KEYS) {
            Properties p = new Properties();
            p.setProperty(key, bad);
            // Properties values are trimmed, so a trailing blank is a builder-only case below
            if (bad.endsWith(" ")) {
                continue;
            }
            assertThatThrownBy(() -> JdbcCrmSettings.fromProperties(p)).as(key)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(key)
                    .hasMessageContaining("'" + bad + "'");
        }
        List<Consumer<JdbcCrmSettings.Builder>> setters = List.of(
                b -> b.taskTable(bad), b -> b.repTable(bad), b -> b.taskIdColumn(bad), b -> b.modifiedAtColumn(bad),
                b -> b.deletedColumn(bad), b -> b.scheduledDayColumn(bad), b -> b.deletionLogTable(bad),
                b -> b.deletionLogTaskIdColumn(bad), b -> b.deletionLogDeletedAtColumn(bad), b -> b.fieldColumn(A1Field.SUBJECT, bad),
                b -> b.fieldColumn(99, bad), b -> b.repIdColumn(bad), b -> b.repDisplayNameColumn(bad),
                b -> b.repEmailColumn(bad), b -> b.repTimeZoneColumn(bad), b -> b.repEnabledColumn(bad));
        for (Consumer<JdbcCrmSettings.Builder> set : setters) {
            assertThatThrownBy(() -> set.accept(JdbcCrmSettings.builder()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(JdbcCrmSettings.PREFIX)
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void theDefaultsDescribeTheReferenceSchema() {
        JdbcCrmSettings s = JdbcCrmSettings.ofDefaults();

        assertThat(s.taskTable()).isEqualTo("a1_task");
        assertThat(s.repTable()).isEqualTo("crm_rep");
        assertThat(s.fieldColumn(A1Field.SUBJECT)).hasValue("subject");
        assertThat(s.fieldColumn(A1Field.STATUS)).hasValue("status");
        assertThat(s.scheduledDayColumn()).hasValue("scheduled_day");
        assertThat(s.statusCatalog()).containsExactly(entry("0", "Open"), entry("1", "In Progress"),
                entry("2", "Completed"), entry("3", "Missed"));
        assertThat(s.priorityCatalog()).containsExactly(entry("1", "Low"), entry("2", "Normal"), entry("3", "High"));
        assertThat(s.reminderUnitCatalog()).containsValues("minutes", "hours", "days", "weeks");
        assertThat(s.changeSafetyLag()).isEqualTo(Duration.ofMinutes(5));
        // and the reference schema's SQL names exactly these columns
        for (ReferenceCrm.Dialect d : ReferenceCrm.Dialect.values()) {
            String sql = d.schemaSql();
            for (A1Field f : A1Field.values()) {
                assertThat(sql).as("%s in %s", f, d).contains(" " + s.fieldColumn(f).orElseThrow() + " ");
            }
            assertThat(sql).contains(s.taskTable(), s.repTable(), s.modifiedAtColumn(), s.deletedColumn().orElseThrow(),
                    s.scheduledDayColumn().orElseThrow(), s.repEnabledColumn().orElseThrow(),
                    s.repTimeZoneColumn().orElseThrow());
        }
    }

    @Test
    void propertiesSetEveryNameCatalogAndLimit() {
        Properties p = new Properties();
        p.setProperty("tasksync.crm.jdbc.task-table", "mc_task");
        p.setProperty("tasksync.crm.jdbc.rep-table", "mc_user");
        p.setProperty("tasksync.crm.jdbc.column.id", "task_no");
        p.setProperty("tasksync.crm.jdbc.column.modified-at", "upd_time");
        p.setProperty("tasksync.crm.jdbc.column.deleted", "del_flag");
        p.setProperty("tasksync.crm.jdbc.column.scheduled-day", "");
        p.setProperty("tasksync.crm.jdbc.deletion-log.table", "mc_task_gone");
        p.setProperty("tasksync.crm.jdbc.deletion-log.column.task-id", "gone_no");
        p.setProperty("tasksync.crm.jdbc.deletion-log.column.deleted-at", "gone_at");
        p.setProperty("tasksync.crm.jdbc.column.a1.58", " betreff ");
        p.setProperty("tasksync.crm.jdbc.column.a1.10", "");
        p.setProperty("tasksync.crm.jdbc.column.a1.70", "region");
        p.setProperty("tasksync.crm.jdbc.rep.column.id", "user_no");
        p.setProperty("tasksync.crm.jdbc.rep.column.display-name", "full_name");
        p.setProperty("tasksync.crm.jdbc.rep.column.email", "smtp");
        p.setProperty("tasksync.crm.jdbc.rep.column.time-zone", "");
        p.setProperty("tasksync.crm.jdbc.rep.column.enabled", "");
        p.setProperty("tasksync.crm.jdbc.catalog.status.10", "Open");
        p.setProperty("tasksync.crm.jdbc.catalog.status.20", "Completed");
        p.setProperty("tasksync.crm.jdbc.catalog.priority.H", "High");
        p.setProperty("tasksync.crm.jdbc.catalog.reminder-unit.M", "minutes");
        p.setProperty("tasksync.crm.jdbc.change-safety-lag", "PT2M");
        p.setProperty("tasksync.crm.jdbc.database-time-zone", "Europe/Vienna");
        p.setProperty("tasksync.crm.jdbc.ids-per-query", "200");
        p.setProperty("tasksync.tasks.interval-minutes", "5"); // other keys are not ours

        JdbcCrmSettings s = JdbcCrmSettings.fromProperties(p);

        assertThat(s.taskTable()).isEqualTo("mc_task");
        assertThat(s.repTable()).isEqualTo("mc_user");
        assertThat(s.taskIdColumn()).isEqualTo("task_no");
        assertThat(s.modifiedAtColumn()).isEqualTo("upd_time");
        assertThat(s.deletedColumn()).hasValue("del_flag");
        assertThat(s.deletionLogTable()).hasValue("mc_task_gone");
        assertThat(s.deletionLogTaskIdColumn()).isEqualTo("gone_no");
        assertThat(s.deletionLogDeletedAtColumn()).isEqualTo("gone_at");
        assertThat(s.scheduledDayColumn()).isEmpty();
        assertThat(s.fieldColumn(A1Field.SUBJECT)).hasValue("betreff");
        assertThat(s.fieldColumn(A1Field.CREATED_BY_REP)).isEmpty();
        assertThat(s.fieldColumn(A1Field.DUE_DATE)).hasValue("due_date");
        assertThat(s.extraFieldColumns()).containsExactly(entry(70, "region"));
        assertThat(s.repIdColumn()).isEqualTo("user_no");
        assertThat(s.repDisplayNameColumn()).isEqualTo("full_name");
        assertThat(s.repEmailColumn()).isEqualTo("smtp");
        assertThat(s.repTimeZoneColumn()).isEmpty();
        assertThat(s.repEnabledColumn()).isEmpty();
        assertThat(s.statusCatalog()).containsOnly(entry("10", "Open"), entry("20", "Completed"));
        assertThat(s.priorityCatalog()).containsOnly(entry("H", "High"));
        assertThat(s.reminderUnitCatalog()).containsOnly(entry("M", "minutes"));
        assertThat(s.changeSafetyLag()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.databaseTimeZone()).isEqualTo(ZoneId.of("Europe/Vienna"));
        assertThat(s.idsPerQuery()).isEqualTo(200);
    }

    @Test
    void aSafetyLagMayBeGivenInSeconds() {
        Properties p = new Properties();
        p.setProperty(JdbcCrmSettings.CHANGE_SAFETY_LAG, "90");

        assertThat(JdbcCrmSettings.fromProperties(p).changeSafetyLag()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void anUnknownKeyUnderThePrefixIsRejectedSoThatTyposShow() {
        Properties p = new Properties();
        p.setProperty("tasksync.crm.jdbc.colum.id", "task_no");

        assertThatThrownBy(() -> JdbcCrmSettings.fromProperties(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tasksync.crm.jdbc.colum.id").hasMessageContaining("task_no");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "tasksync.crm.jdbc.change-safety-lag=five minutes",
            "tasksync.crm.jdbc.change-safety-lag=-PT1M",
            "tasksync.crm.jdbc.change-safety-lag=P2D",
            "tasksync.crm.jdbc.database-time-zone=Mars/Olympus",
            "tasksync.crm.jdbc.ids-per-query=0",
            "tasksync.crm.jdbc.ids-per-query=5000",
            "tasksync.crm.jdbc.ids-per-query=many",
            "tasksync.crm.jdbc.column.a1.x=region",
            "tasksync.crm.jdbc.column.a1.0=region",
            "tasksync.crm.jdbc.column.a1.58=",
            "tasksync.crm.jdbc.column.a1.2=",
            "tasksync.crm.jdbc.column.a1.4=",
            "tasksync.crm.jdbc.catalog.status.5=",
            "tasksync.crm.jdbc.catalog.status.4=Open",
    })
    void aBadValueFailsNamingItsKeyAndValue(String line) {
        String key = line.substring(0, line.indexOf('='));
        String value = line.substring(line.indexOf('=') + 1);
        Properties p = new Properties();
        p.setProperty(key, value);
        if (key.startsWith(JdbcCrmSettings.STATUS_CATALOG_PREFIX)) {
            p.setProperty(JdbcCrmSettings.STATUS_CATALOG_PREFIX + "0", "Open");
        }

        assertThatThrownBy(() -> JdbcCrmSettings.fromProperties(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key);
    }

    @Test
    void aStatusValueWithTwoCodesIsRejectedBecauseTheWriteBackWouldNotKnowWhichCodeToWrite() {
        assertThatThrownBy(() -> JdbcCrmSettings.builder().statusCatalog(Map.of("0", "Open", "9", "Open")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(JdbcCrmSettings.STATUS_CATALOG_PREFIX)
                .hasMessageContaining("'Open'");
    }

    @Test
    void aReadCatalogFieldNeedsCodesButASwitchedOffOneDoesNot() {
        assertThatThrownBy(() -> JdbcCrmSettings.builder().priorityCatalog(Map.of()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(JdbcCrmSettings.PRIORITY_CATALOG_PREFIX)
                .hasMessageContaining("#5 Priority");

        JdbcCrmSettings s = JdbcCrmSettings.builder().priorityCatalog(Map.of()).fieldColumn(A1Field.PRIORITY, null)
                .build();
        assertThat(s.fieldColumn(A1Field.PRIORITY)).isEmpty();
    }

    @Test
    void withoutDeletionMarkAndWithoutDeletionLogDeletionsWouldBeLostSoTheSettingsAreRejected() {
        Properties p = new Properties();
        p.setProperty(JdbcCrmSettings.DELETED_COLUMN, "");

        assertThatThrownBy(() -> JdbcCrmSettings.fromProperties(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(JdbcCrmSettings.DELETED_COLUMN)
                .hasMessageContaining(JdbcCrmSettings.DELETION_LOG_TABLE);
        p.setProperty(JdbcCrmSettings.DELETION_LOG_TABLE, "a1_task_deletion");
        assertThat(JdbcCrmSettings.fromProperties(p).deletionLogTable()).hasValue("a1_task_deletion");
    }

    @Test
    void requiredFieldsCannotBeSwitchedOff() {
        for (A1Field f : List.of(A1Field.REP, A1Field.STATUS, A1Field.SUBJECT)) {
            assertThatThrownBy(() -> JdbcCrmSettings.builder().fieldColumn(f, null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(JdbcCrmSettings.FIELD_COLUMN_PREFIX + f.number())
                    .hasMessageContaining(f.label());
        }
    }

    @Test
    void extraFieldsAreAddedAndRemovedByNumber() {
        JdbcCrmSettings s = JdbcCrmSettings.builder().fieldColumn(70, "region").fieldColumn(71, "branch")
                .fieldColumn(70, null).build();

        assertThat(s.extraFieldColumns()).containsExactly(entry(71, "branch"));
        assertThat(s.toBuilder().build().extraFieldColumns()).containsExactly(entry(71, "branch"));
    }

    @Test
    void errorsHaveTheUniformShape() {
        Properties ids = new Properties();
        ids.setProperty(JdbcCrmSettings.IDS_PER_QUERY, "lots");
        assertThatThrownBy(() -> JdbcCrmSettings.fromProperties(ids))
                .hasMessage("tasksync.crm.jdbc.ids-per-query must be a whole number, was 'lots'");
        ids.setProperty(JdbcCrmSettings.IDS_PER_QUERY, "1001");
        assertThatThrownBy(() -> JdbcCrmSettings.fromProperties(ids))
                .hasMessage("tasksync.crm.jdbc.ids-per-query must be between 1 and 1000, was '1001'");
        Properties lag = new Properties();
        lag.setProperty(JdbcCrmSettings.CHANGE_SAFETY_LAG, "5 minutes");
        assertThatThrownBy(() -> JdbcCrmSettings.fromProperties(lag))
                .hasMessage("tasksync.crm.jdbc.change-safety-lag must be a number of seconds or an ISO-8601 duration "
                        + "such as PT5M, was '5 minutes'");
        Properties table = new Properties();
        table.setProperty(JdbcCrmSettings.TASK_TABLE, "a1 task");
        assertThatThrownBy(() -> JdbcCrmSettings.fromProperties(table))
                .hasMessage("tasksync.crm.jdbc.task-table must be a plain SQL identifier (a letter or '_', then letters, "
                        + "digits or '_'), was 'a1 task'");
        Properties typo = new Properties();
        typo.setProperty("tasksync.crm.jdbc.rep.column.e-mail", "mail");
        assertThatThrownBy(() -> JdbcCrmSettings.fromProperties(typo))
                .hasMessage("tasksync.crm.jdbc.rep.column.e-mail: unknown JDBC CRM adapter setting (value 'mail'); known "
                        + "keys there are [tasksync.crm.jdbc.rep.column.display-name, tasksync.crm.jdbc.rep.column.email, "
                        + "tasksync.crm.jdbc.rep.column.enabled, tasksync.crm.jdbc.rep.column.id, "
                        + "tasksync.crm.jdbc.rep.column.time-zone]; see docs/jdbc-crm.md");
    }
}

package org.tasksync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.tasksync.core.mapping.FieldTable;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Importance;

/** SPEC §8 configuration errors and ARCHITECTURE "Settings": validated at once, key and value named. */
class SyncSettingsTest {

    static Stream<Arguments> badBuilderValues() {
        return Stream.of(
                bad("tasksync.tasks.interval-minutes", "0", b -> b.intervalMinutes(0)),
                bad("tasksync.tasks.interval-minutes", "-5", b -> b.intervalMinutes(-5)),
                bad("tasksync.tasks.time-frame.past-days", "-1", b -> b.pastDays(-1)),
                bad("tasksync.tasks.time-frame.future-days", "-1", b -> b.futureDays(-1)),
                bad("tasksync.tasks.time-frame.future-days", "99999", b -> b.futureDays(99_999)),
                bad("tasksync.mass-delete.max-share", "0.0", b -> b.massDeleteMaxShare(0)),
                bad("tasksync.mass-delete.max-share", "1.5", b -> b.massDeleteMaxShare(1.5)),
                bad("tasksync.mass-delete.max-share", "NaN", b -> b.massDeleteMaxShare(Double.NaN)),
                bad("tasksync.mass-delete.min-count", "-1", b -> b.massDeleteMinCount(-1)),
                bad("tasksync.batch-size", "0", b -> b.batchSize(0)),
                bad("tasksync.batch-size", "1001", b -> b.batchSize(1001)),
                bad("tasksync.mailbox-parallelism", "0", b -> b.mailboxParallelism(0)),
                bad("tasksync.crm.page-size", "0", b -> b.crmPageSize(0)),
                bad("tasksync.buffer.max-tasks", "0", b -> b.maxBufferedTasks(0)),
                bad("tasksync.body.max-length", "0", b -> b.maxBodyLength(0)));
    }

    private static Arguments bad(String key, String value, Consumer<SyncSettings.Builder> setter) {
        return Arguments.of(key, value, setter);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badBuilderValues")
    void builderRejectsABadValueNamingKeyAndValue(String key, String value, Consumer<SyncSettings.Builder> setter) {
        SyncSettings.Builder b = SyncSettings.builder();
        assertThatThrownBy(() -> setter.accept(b))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key)
                .hasMessageContaining(value);
    }

    @Test
    void builderRejectsMissingValuesNamingTheKey() {
        assertThatThrownBy(() -> SyncSettings.builder().defaultZone(null)).hasMessageContaining("tasksync.default-zone");
        assertThatThrownBy(() -> SyncSettings.builder().reassignment(null)).hasMessageContaining("tasksync.reassignment");
        assertThatThrownBy(() -> SyncSettings.builder().outlookEdits(null)).hasMessageContaining("tasksync.outlook-edits");
        assertThatThrownBy(() -> SyncSettings.builder().reminderBaseTime(null))
                .hasMessageContaining("tasksync.reminder.base-time");
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        SyncSettings s = SyncSettings.ofDefaults();

        assertThat(s.enabled()).isTrue();
        assertThat(s.intervalMinutes()).isEqualTo(15);
        assertThat(s.pastDays()).isEqualTo(30);
        assertThat(s.futureDays()).isEqualTo(90);
        assertThat(s.defaultZone()).isEqualTo(ZoneOffset.UTC);
        assertThat(s.reassignment()).isEqualTo(SyncSettings.Reassignment.KEEP_ORIGINAL);
        assertThat(s.outlookEdits()).isEqualTo(SyncSettings.OutlookEdits.OVERWRITE);
        assertThat(s.massDeleteMaxShare()).isEqualTo(0.5);
        assertThat(s.massDeleteMinCount()).isEqualTo(20);
        assertThat(s.dryRun()).isFalse();
        assertThat(s.mapping().reminderBaseTime()).isEqualTo(LocalTime.of(8, 0));
        assertThat(s.mapping().status().toExchange("Missed")).contains(ExchangeStatus.DEFERRED);
        assertThat(s.mapping().status().toCrm(ExchangeStatus.WAITING_ON_OTHERS)).isEqualTo("In Progress");
    }

    @Test
    void toBuilderKeepsEveryValue() {
        SyncSettings s = SyncSettings.builder().enabled(false).intervalMinutes(7).pastDays(3).futureDays(4)
                .defaultZone(ZoneId.of("Europe/Vienna")).reassignment(SyncSettings.Reassignment.MOVE)
                .outlookEdits(SyncSettings.OutlookEdits.KEEP_UNTIL_CRM_CHANGES).massDeleteMaxShare(0.25)
                .massDeleteMinCount(5).batchSize(20).mailboxParallelism(8).crmPageSize(50).dryRun(true)
                .maxBodyLength(1000).reminderBaseTime(LocalTime.of(9, 0)).build();

        SyncSettings copy = s.toBuilder().build();

        assertThat(copy).usingRecursiveComparison().isEqualTo(s);
    }

    // ------------------------------------------------------------------ properties

    @Test
    void fromPropertiesReadsEveryKey() {
        Properties p = new Properties();
        p.setProperty("tasksync.tasks.enabled", "false");
        p.setProperty("tasksync.tasks.interval-minutes", "5");
        p.setProperty("tasksync.tasks.time-frame.past-days", "7");
        p.setProperty("tasksync.tasks.time-frame.future-days", "14");
        p.setProperty("tasksync.default-zone", "Europe/Vienna");
        p.setProperty("tasksync.reminder.base-time", "09:15");
        p.setProperty("tasksync.reassignment", "move");
        p.setProperty("tasksync.outlook-edits", "keep-until-crm-changes");
        p.setProperty("tasksync.mass-delete.max-share", "0.3");
        p.setProperty("tasksync.mass-delete.min-count", "10");
        p.setProperty("tasksync.batch-size", "20");
        p.setProperty("tasksync.mailbox-parallelism", "2");
        p.setProperty("tasksync.crm.page-size", "250");
        p.setProperty("tasksync.buffer.max-tasks", "800");
        p.setProperty("tasksync.dry-run", "true");
        p.setProperty("tasksync.body.max-length", "4000");
        p.setProperty("tasksync.fields.disabled", "20, #42");
        p.setProperty("tasksync.status.to-exchange.Offen", "NotStarted");
        p.setProperty("tasksync.status.to-exchange.In Arbeit", "InProgress");
        p.setProperty("tasksync.status.to-exchange.Erledigt", "Completed");
        p.setProperty("tasksync.status.to-exchange.Versäumt", "Deferred");
        p.setProperty("tasksync.status.to-crm.WaitingOnOthers", "Wartet");
        p.setProperty("tasksync.priority.Dringend", "high");
        p.setProperty("tasksync.priority.Normal", "normal");
        p.setProperty("tasksync.reminder.unit.Min", "minutes");
        p.setProperty("tasksync.reminder.unit.Tg", "days");
        p.setProperty("tasksync.ews.url", "https://mail.example.com/EWS/Exchange.asmx"); // an adapter's key

        SyncSettings s = SyncSettings.fromProperties(p);

        assertThat(s.enabled()).isFalse();
        assertThat(s.intervalMinutes()).isEqualTo(5);
        assertThat(s.pastDays()).isEqualTo(7);
        assertThat(s.futureDays()).isEqualTo(14);
        assertThat(s.defaultZone()).isEqualTo(ZoneId.of("Europe/Vienna"));
        assertThat(s.mapping().reminderBaseTime()).isEqualTo(LocalTime.of(9, 15));
        assertThat(s.reassignment()).isEqualTo(SyncSettings.Reassignment.MOVE);
        assertThat(s.outlookEdits()).isEqualTo(SyncSettings.OutlookEdits.KEEP_UNTIL_CRM_CHANGES);
        assertThat(s.massDeleteMaxShare()).isEqualTo(0.3);
        assertThat(s.massDeleteMinCount()).isEqualTo(10);
        assertThat(s.batchSize()).isEqualTo(20);
        assertThat(s.mailboxParallelism()).isEqualTo(2);
        assertThat(s.crmPageSize()).isEqualTo(250);
        assertThat(s.maxBufferedTasks()).isEqualTo(800);
        assertThat(s.dryRun()).isTrue();
        assertThat(s.mapping().maxBodyLength()).isEqualTo(4000);
        FieldTable fields = s.mapping().fields();
        assertThat(fields.isEnabled(FieldTable.COMMENTS)).isFalse();
        assertThat(fields.isEnabled(FieldTable.REMINDER_DURATION)).isFalse();
        assertThat(fields.isEnabled(FieldTable.SUBJECT)).isTrue();
        assertThat(fields.managedFields()).doesNotContain(ExchangeField.BODY).contains(ExchangeField.REMINDER);
        assertThat(s.mapping().status().toExchange("Erledigt")).contains(ExchangeStatus.COMPLETED);
        assertThat(s.mapping().status().toExchange("Open")).isEmpty();
        assertThat(s.mapping().status().toCrm(ExchangeStatus.DEFERRED)).isEqualTo("Versäumt");
        assertThat(s.mapping().status().toCrm(ExchangeStatus.WAITING_ON_OTHERS)).isEqualTo("Wartet");
        assertThat(s.mapping().priority().toImportance("Dringend")).contains(Importance.HIGH);
        assertThat(s.mapping().priority().toImportance("High")).isEmpty();
        assertThat(s.mapping().reminderUnits().unit("Min")).contains(ChronoUnit.MINUTES);
        assertThat(s.mapping().reminderUnits().unit("Tg")).contains(ChronoUnit.DAYS);
        assertThat(s.mapping().reminderUnits().unit("minutes")).isEmpty();
    }

    @Test
    void fromEmptyPropertiesGivesTheDefaults() {
        assertThat(SyncSettings.fromProperties(new Properties())).usingRecursiveComparison()
                .isEqualTo(SyncSettings.ofDefaults());
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
            "tasksync.tasks.enabled | yes",
            "tasksync.tasks.interval-minutes | 0",
            "tasksync.tasks.interval-minutes | ten",
            "tasksync.tasks.time-frame.past-days | -3",
            "tasksync.tasks.time-frame.future-days | -1",
            "tasksync.default-zone | Mars/Olympus_Mons",
            "tasksync.reminder.base-time | 25:00",
            "tasksync.reassignment | teleport",
            "tasksync.outlook-edits | ignore",
            "tasksync.mass-delete.max-share | 1.5",
            "tasksync.mass-delete.max-share | half",
            "tasksync.mass-delete.min-count | -1",
            "tasksync.batch-size | 0",
            "tasksync.mailbox-parallelism | 0",
            "tasksync.crm.page-size | 0",
            "tasksync.buffer.max-tasks | lots",
            "tasksync.dry-run | maybe",
            "tasksync.body.max-length | 0",
            "tasksync.fields.disabled | 99",
            "tasksync.status.to-exchange.Open | Done",
            "tasksync.status.to-crm.Finished | Completed",
            "tasksync.priority.Urgent | critical",
            "tasksync.reminder.unit.fn | fortnights",
            "tasksync.tasks.intervall-minutes | 15",
            "tasksync.tasks.time-frame.pastdays | 3",
            "tasksync.tasks.sync-all | true"
    })
    void fromPropertiesRejectsABadValueOrUnknownKeyNamingKeyAndValue(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);

        assertThatThrownBy(() -> SyncSettings.fromProperties(p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key)
                .hasMessageContaining(value);
    }

    @Test
    void reminderUnitOtherThanMinutesHoursDaysWeeksIsRejected() {
        Properties p = new Properties();
        p.setProperty("tasksync.reminder.unit.s", "seconds");

        assertThatThrownBy(() -> SyncSettings.fromProperties(p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tasksync.reminder.unit.s")
                .hasMessageContainingAll("minutes", "hours", "days", "weeks");
    }

    @Test
    void statusCatalogThatLeavesAnExchangeStatusUnmappedIsRejected() {
        Properties p = new Properties();
        p.setProperty("tasksync.status.to-exchange.Offen", "NotStarted");
        p.setProperty("tasksync.status.to-exchange.Erledigt", "Completed");

        assertThatThrownBy(() -> SyncSettings.fromProperties(p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tasksync.status.to-crm.")
                .hasMessageContaining("InProgress");
    }

    @Test
    void errorsFromPropertiesHaveTheUniformShape() {
        Properties bad = new Properties();
        bad.setProperty(SyncSettings.INTERVAL_MINUTES, "ten");
        assertThatThrownBy(() -> SyncSettings.fromProperties(bad))
                .hasMessage("tasksync.tasks.interval-minutes must be a whole number, was 'ten'");

        Properties zero = new Properties();
        zero.setProperty(SyncSettings.INTERVAL_MINUTES, "0");
        assertThatThrownBy(() -> SyncSettings.fromProperties(zero))
                .hasMessage("tasksync.tasks.interval-minutes must be at least 1, was '0'");

        Properties typo = new Properties();
        typo.setProperty("tasksync.tasks.time-frame.pastdays", "3");
        assertThatThrownBy(() -> SyncSettings.fromProperties(typo))
                .hasMessage("tasksync.tasks.time-frame.pastdays: unknown engine setting (value '3'); known keys there are "
                        + "[tasksync.tasks.time-frame.future-days, tasksync.tasks.time-frame.past-days]; see docs/settings.md");
    }

    @Test
    void theKeyConstantsAreTheKeysRead() {
        for (String key : SyncSettings.KEYS) {
            Properties one = new Properties();
            one.setProperty(key, "not a value");
            // each key is read (a value no key takes fails naming that key), none is unknown
            assertThatThrownBy(() -> SyncSettings.fromProperties(one)).hasMessageStartingWith(key + " must be");
        }
    }
}

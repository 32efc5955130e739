package org.tasksync.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.TaskValues;

class TaskValuesCodecTest {

    @Test
    void emptyValuesEncodeToTheVersionTagAlone() {
        TaskValues empty = TaskValues.builder().build();

        assertThat(TaskValuesCodec.encode(empty)).isEqualTo("TV1");
        assertThat(TaskValuesCodec.decode("TV1")).isEqualTo(empty);
    }

    @Test
    void nullAndEmptyStringsStayApart() {
        TaskValues emptyStrings = TaskValues.builder().subject("").body("").owner("").createdBy("")
                .extended("X", "").build();

        TaskValues back = TaskValuesCodec.decode(TaskValuesCodec.encode(emptyStrings));

        assertThat(back).isEqualTo(emptyStrings);
        assertThat(back.subject()).isEmpty();
        assertThat(TaskValuesCodec.decode("TV1").subject()).isNull();
    }

    @Test
    void theVersionOneFormatStaysReadable() {
        // stored links carry this text; changing how it reads breaks every existing database
        String stored = "TV1;s=Call Bob \\s re\\e offer;b=line 1\\nline 2\\t\\\\end\\u0000;sd=2024-05-01;dd=2024-05-02"
                + ";st=WAITING_ON_OTHERS;im=LOW;pc=25;cd=2024-05-03;rs=1;ra=2024-05-01T08:15:00.500Z;ow=Anna Ärger"
                + ";cb=;x.Region=North;x.a\\eb=\\s";

        TaskValues v = TaskValuesCodec.decode(stored);

        assertThat(v).isEqualTo(new TaskValues("Call Bob ; re= offer", "line 1\nline 2\t\\end\u0000",
                LocalDate.of(2024, 5, 1), LocalDate.of(2024, 5, 2), ExchangeStatus.WAITING_ON_OTHERS, Importance.LOW,
                25, LocalDate.of(2024, 5, 3), true, Instant.parse("2024-05-01T08:15:00.500Z"), "Anna Ärger", "",
                Map.of("Region", "North", "a=b", ";")));
        assertThat(TaskValuesCodec.encode(v)).isEqualTo(stored);
    }

    @Test
    void aReminderTimeWithoutTheFlagAndTheFlagWithoutATimeBothSurvive() {
        Instant at = Instant.parse("2030-01-01T00:00:00Z");
        TaskValues timeOnly = new TaskValues(null, null, null, null, null, null, null, null, false, at, null, null,
                null);
        TaskValues flagOnly = new TaskValues(null, null, null, null, null, null, null, null, true, null, null, null,
                null);

        assertThat(TaskValuesCodec.decode(TaskValuesCodec.encode(timeOnly))).isEqualTo(timeOnly);
        assertThat(TaskValuesCodec.decode(TaskValuesCodec.encode(flagOnly))).isEqualTo(flagOnly);
    }

    @Test
    void theTextHoldsNoCharacterThatADatabaseMightRefuseOrMangle() {
        TaskValues v = TaskValues.builder()
                .subject("nul\u0000 bell\u0007 del\u007f c1\u0085 lone\uD800 pair\uD83D\uDE80 reversed\uDE80\uD83D")
                .build();

        String text = TaskValuesCodec.encode(v);

        assertThat(text).doesNotContain("\u0000", "\u0007", "\u007f", "\u0085", "\n")
                .contains("\\u0000", "\\uD800", "\uD83D\uDE80", "\\uDE80\\uD83D");
        assertThat(TaskValuesCodec.decode(text)).isEqualTo(v);
    }

    @Test
    void theExtendedFieldsComeOutSortedSoEqualValuesGiveEqualText() {
        TaskValues one = TaskValues.builder().extended("b", "2").extended("a", "1").build();
        TaskValues two = new TaskValues(null, null, null, null, null, null, null, null, false, null, null, null,
                Map.of("a", "1", "b", "2"));

        assertThat(TaskValuesCodec.encode(one)).isEqualTo("TV1;x.a=1;x.b=2").isEqualTo(TaskValuesCodec.encode(two));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
        "''                              | expected it to start with 'TV1'",
        "{\"subject\":\"x\"}             | expected it to start with 'TV1'",
        "TV2;s=x                         | unsupported TaskValues encoding version 'TV2'",
        "TV1;s                           | field #1 's' has no '='",
        "TV1;s=a;                        | field #2 '' has no '='",
        "TV1;zz=1                        | unknown TaskValues field 'zz'",
        "TV1;s=a;s=b                     | field 's' appears twice",
        "TV1;x.k=a;x.k=b                 | extended TaskValues field 'k' appears twice",
        "TV1;s=bad\\qescape              | unknown escape '\\q'",
        "TV1;s=ends in\\                 | field 's' ends in an unfinished escape",
        "TV1;b=\\u12                     | \\u escape without four hex digits",
        "TV1;b=\\uZZZZ                   | bad hex digits 'ZZZZ'",
        "TV1;sd=2024-02-30               | field 'sd' is not an ISO date: '2024-02-30'",
        "TV1;ra=yesterday                | field 'ra' is not an ISO instant: 'yesterday'",
        "TV1;pc=half                     | field 'pc' is not an integer: 'half'",
        "TV1;st=Done                     | field 'st' is not a constant of ExchangeStatus: 'Done'",
        "TV1;im=URGENT                   | field 'im' is not a constant of Importance: 'URGENT'",
        "TV1;rs=true                     | field 'rs' must be 1",
    })
    void garbageIsRefusedWithWhatIsWrong(String text, String expected) {
        assertThatThrownBy(() -> TaskValuesCodec.decode(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void nullIsRefused() {
        assertThatThrownBy(() -> TaskValuesCodec.decode(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
        assertThatThrownBy(() -> TaskValuesCodec.encode(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
    }

    @Test
    void aHugeGarbageValueIsQuotedOnlyInPart() {
        String huge = "x".repeat(100_000);

        assertThatThrownBy(() -> TaskValuesCodec.decode("TV1;pc=" + huge))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
    }
}

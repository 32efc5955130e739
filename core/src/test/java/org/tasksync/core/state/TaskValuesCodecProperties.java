package org.tasksync.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.TaskValues;

class TaskValuesCodecProperties {

    @Property
    void decodingAnEncodingGivesTheSameValues(@ForAll("taskValues") TaskValues values) {
        assertThat(TaskValuesCodec.decode(TaskValuesCodec.encode(values))).isEqualTo(values);
    }

    @Property
    void theEncodingIsSafeTextForAnyDatabase(@ForAll("taskValues") TaskValues values) {
        String text = TaskValuesCodec.encode(values);

        assertThat(text).startsWith("TV1");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            assertThat(Character.isISOControl(c)).as("control character at %d", i).isFalse();
            if (Character.isHighSurrogate(c)) {
                assertThat(i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1)))
                        .as("unpaired surrogate at %d", i).isTrue();
                i++;
            } else {
                assertThat(Character.isLowSurrogate(c)).as("unpaired surrogate at %d", i).isFalse();
            }
        }
    }

    @Property
    void equalValuesEncodeToEqualText(@ForAll("taskValues") TaskValues values) {
        TaskValues copy = values.toBuilder().build();

        assertThat(TaskValuesCodec.encode(copy)).isEqualTo(TaskValuesCodec.encode(values));
    }

    @Provide
    Arbitrary<TaskValues> taskValues() {
        return Builders.withBuilder(Draft::new)
                .use(text()).inSetter((d, v) -> d.subject = v)
                .use(text()).inSetter((d, v) -> d.body = v)
                .use(dates()).inSetter((d, v) -> d.startDate = v)
                .use(dates()).inSetter((d, v) -> d.dueDate = v)
                .use(Arbitraries.of(ExchangeStatus.class).injectNull(0.2)).inSetter((d, v) -> d.status = v)
                .use(Arbitraries.of(Importance.class).injectNull(0.2)).inSetter((d, v) -> d.importance = v)
                .use(Arbitraries.integers().injectNull(0.2)).inSetter((d, v) -> d.percent = v)
                .use(dates()).inSetter((d, v) -> d.completeDate = v)
                .use(Arbitraries.of(true, false)).inSetter((d, v) -> d.reminderSet = v)
                .use(instants()).inSetter((d, v) -> d.reminderAt = v)
                .use(text()).inSetter((d, v) -> d.owner = v)
                .use(text()).inSetter((d, v) -> d.createdBy = v)
                .use(Arbitraries.maps(anyString(), anyString()).ofMaxSize(4)).inSetter((d, v) -> d.extended = v)
                .build(Draft::toValues);
    }

    /** Any string, the awkward characters more often than chance would pick them. */
    private static Arbitrary<String> anyString() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(30),
                Arbitraries.strings().withChars("\\;=\n\r\t\u0000uesx.TV1\uD83D\uDE80\uD800é").ofMaxLength(12));
    }

    private static Arbitrary<String> text() {
        return anyString().injectNull(0.25);
    }

    private static Arbitrary<LocalDate> dates() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(LocalDate.MIN.toEpochDay(), LocalDate.MAX.toEpochDay())
                        .map(LocalDate::ofEpochDay),
                Arbitraries.longs().between(-1000, 40_000).map(LocalDate::ofEpochDay))
                .injectNull(0.25);
    }

    private static Arbitrary<Instant> instants() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond())
                        .flatMap(s -> Arbitraries.integers().between(0, 999_999_999)
                                .map(n -> Instant.ofEpochSecond(s, n))),
                Arbitraries.longs().between(0, 4_000_000_000L).map(Instant::ofEpochSecond))
                .injectNull(0.25);
    }

    private static final class Draft {
        String subject;
        String body;
        LocalDate startDate;
        LocalDate dueDate;
        ExchangeStatus status;
        Importance importance;
        Integer percent;
        LocalDate completeDate;
        boolean reminderSet;
        Instant reminderAt;
        String owner;
        String createdBy;
        Map<String, String> extended;

        TaskValues toValues() {
            return new TaskValues(subject, body, startDate, dueDate, status, importance, percent, completeDate,
                    reminderSet, reminderAt, owner, createdBy, extended);
        }
    }
}

package org.tasksync.adapter.graph.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.TaskValues;

/**
 * For any task values, fields and zone, {@link TodoTaskJson} writes the bytes that Kiota writes for the SDK's
 * model ({@link TaskCodec#forCreate}, {@link TaskCodec#taskPatch}): the body of a create and of a task PATCH.
 */
class TodoTaskJsonProperties {

    private final SdkBodies sdk = new SdkBodies();

    @Property(tries = 500)
    void aCreateIsWrittenAsTheSdkWritesIt(@ForAll("values") TaskValues v, @ForAll("texts") String crmId,
                                          @ForAll("zones") ZoneId zone) throws IOException {
        // both are valid UTF-8 (a lone surrogate is '?' in both), so equal texts are equal bytes
        assertThat(SdkBodies.text(TodoTaskJson.create(crmId, v, zone))).isEqualTo(sdk.create(crmId, v, zone));
    }

    @Property(tries = 500)
    void aPatchIsWrittenAsTheSdkWritesIt(@ForAll("values") TaskValues v, @ForAll("fields") Set<ExchangeField> fields,
                                         @ForAll("zones") ZoneId zone) throws IOException {
        String expected = sdk.patch(v, fields, zone);
        byte[] ours = TodoTaskJson.patch(v, fields, zone);
        assertThat(ours == null ? null : SdkBodies.text(ours)).isEqualTo(expected);
    }

    @Provide
    Arbitrary<String> texts() {
        // every char, surrogates and control characters included, and the ones JSON and HTML treat specially
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(30),
                Arbitraries.strings().withChars("<>&=\"'\\/\u2028\u2029\u0000\u001f\u007f\u00e9\uD83D\uDE00\r\n\t {},:[]")
                        .ofMaxLength(30));
    }

    @Provide
    Arbitrary<ZoneId> zones() {
        return Arbitraries.of(ZoneOffset.UTC, ZoneId.of("UTC"), ZoneOffset.ofHours(3), ZoneId.of("Europe/Vienna"),
                ZoneId.of("America/New_York"), ZoneId.of("Asia/Kolkata"), ZoneId.of("Pacific/Chatham"),
                ZoneId.of("Etc/GMT+5"), ZoneId.of("Australia/Lord_Howe"));
    }

    @Provide
    Arbitrary<Set<ExchangeField>> fields() {
        return Combinators.combine(Arbitraries.subsetOf(ExchangeField.STANDARD), Arbitraries.of(true, false))
                .as((standard, region) -> {
                    Set<ExchangeField> out = new HashSet<>(standard);
                    if (region) out.add(ExchangeField.extended("Region"));
                    return out;
                });
    }

    @Provide
    Arbitrary<TaskValues> values() {
        Arbitrary<String> text = texts().injectNull(0.2);
        Arbitrary<LocalDate> date = Arbitraries.integers().between(-3000, 40000)
                .map(d -> LocalDate.of(1970, 1, 1).plusDays(d)).injectNull(0.3);
        Arbitrary<Instant> instant = Arbitraries.longs().between(0, 4_102_444_800L)
                .map(Instant::ofEpochSecond).injectNull(0.3);
        Arbitrary<ExchangeStatus> status = Arbitraries.of(ExchangeStatus.class).injectNull(0.2);
        Arbitrary<Importance> importance = Arbitraries.of(Importance.class).injectNull(0.2);
        Arbitrary<Integer> percent = Arbitraries.integers().between(0, 100).injectNull(0.3);
        // up to 16 extended values, so that the extension's map grows past HashMap's first table
        Arbitrary<Map<String, String>> extended = Arbitraries.maps(
                Arbitraries.oneOf(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12), texts().filter(s -> !s.isEmpty())),
                texts()).ofMaxSize(16);
        List<Arbitrary<Object>> parts = List.of(any(text), any(text), any(date), any(date), any(status),
                any(importance), any(date), any(percent), any(instant), any(Arbitraries.of(true, false)), any(text),
                any(text));
        return Combinators.combine(parts).as(a -> a).flatMap(a -> extended.map(ext -> {
            TaskValues.Builder b = TaskValues.builder().subject((String) a.get(0)).body((String) a.get(1))
                    .startDate((LocalDate) a.get(2)).dueDate((LocalDate) a.get(3)).status((ExchangeStatus) a.get(4))
                    .importance((Importance) a.get(5)).completeDate((LocalDate) a.get(6))
                    .percentComplete((Integer) a.get(7)).reminder((Boolean) a.get(9), (Instant) a.get(8))
                    .owner((String) a.get(10)).createdBy((String) a.get(11));
            ext.forEach(b::extended);
            return b.build();
        }));
    }

    private static Arbitrary<Object> any(Arbitrary<?> a) {
        return a.map(x -> (Object) x);
    }
}

package org.tasksync.core.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.TaskValues;

/** Every catalog value maps as SPEC §3 says; the status/percent/completion triple is always consistent. */
class CatalogMappingProperties {

    private static final Map<String, ExchangeStatus> STATUS = Map.of("Open", ExchangeStatus.NOT_STARTED,
            "In Progress", ExchangeStatus.IN_PROGRESS, "Completed", ExchangeStatus.COMPLETED, "Missed", ExchangeStatus.DEFERRED);
    private static final Map<String, Importance> PRIORITY = Map.of("Low", Importance.LOW, "Normal", Importance.NORMAL,
            "Medium", Importance.NORMAL, "High", Importance.HIGH);

    private final TaskMapper mapper = new TaskMapper(MappingRules.defaults());
    private final TaskMapper.Context ctx = new TaskMapper.Context("Anna", "Ben", ZoneId.of("Europe/Vienna"),
            LocalDate.of(2026, 3, 2), null);

    @Provide
    Arbitrary<String> crmStatuses() {
        return Arbitraries.of(STATUS.keySet()).flatMap(s -> Arbitraries.of(s, s.toUpperCase(), " " + s.toLowerCase() + " "));
    }

    @Provide
    Arbitrary<String> crmPriorities() {
        return Arbitraries.of(PRIORITY.keySet()).flatMap(s -> Arbitraries.of(s, s.toUpperCase(), s.toLowerCase()));
    }

    @Property
    void everyCrmStatusMapsToItsExchangeStatusAndBack(@ForAll("crmStatuses") String status) {
        StatusMapping m = StatusMapping.defaults();
        ExchangeStatus ex = m.toExchange(status).orElseThrow();
        assertThat(ex).isEqualTo(STATUS.get(STATUS.keySet().stream().filter(k -> k.equalsIgnoreCase(status.trim()))
                .findFirst().orElseThrow()));
        assertThat(m.sameCrmStatus(m.toCrm(ex), status)).isTrue();
    }

    @Test
    void everyExchangeStatusMapsBackAsTheOriginalDocuments() {
        StatusMapping m = StatusMapping.defaults();
        assertThat(m.toCrm(ExchangeStatus.NOT_STARTED)).isEqualTo("Open");
        assertThat(m.toCrm(ExchangeStatus.IN_PROGRESS)).isEqualTo("In Progress");
        assertThat(m.toCrm(ExchangeStatus.COMPLETED)).isEqualTo("Completed");
        assertThat(m.toCrm(ExchangeStatus.DEFERRED)).isEqualTo("Missed");
        assertThat(m.toCrm(ExchangeStatus.WAITING_ON_OTHERS)).isEqualTo("In Progress");
    }

    @Test
    void aMappingThatLeavesAnExchangeStatusWithoutCrmValueIsRejectedAtBuildTime() {
        assertThatThrownBy(() -> StatusMapping.builder().map("Open", ExchangeStatus.NOT_STARTED).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tasksync.status.to-crm.InProgress");
    }

    @Property
    void everyPriorityMapsToItsImportance(@ForAll("crmPriorities") String priority) {
        Importance expected = PRIORITY.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(priority))
                .findFirst().orElseThrow().getValue();
        TaskValues v = mapper.map(CrmTask.builder("t").subject("s").priority(priority).build(), ctx).values();
        assertThat(v.importance()).isEqualTo(expected);
    }

    @Property(tries = 500)
    void statusPercentAndCompletionDateAreAlwaysConsistent(@ForAll("crmStatuses") String status,
                                                           @ForAll @IntRange(min = 0, max = 100) int percent,
                                                           @ForAll boolean withCompleteDate) {
        LocalDate done = LocalDate.of(2026, 2, 27);
        CrmTask t = CrmTask.builder("t").subject("s").status(status).percentComplete(percent)
                .completeDate(withCompleteDate ? done : null).build();
        TaskValues v = mapper.map(t, ctx).values();
        if (v.status() == ExchangeStatus.COMPLETED) {
            assertThat(v.percentComplete()).isEqualTo(100);
            assertThat(v.completeDate()).isEqualTo(withCompleteDate ? done : ctx.today());
        } else {
            // MS-OXOTASK 2.2.2.2.2: NotStarted 0 %, InProgress strictly between 0 and 100 %
            int expected = v.status() == ExchangeStatus.NOT_STARTED ? 0
                    : v.status() == ExchangeStatus.IN_PROGRESS ? Math.max(1, Math.min(percent, 99))
                    : Math.min(percent, 99);
            assertThat(v.percentComplete()).isEqualTo(expected);
            assertThat(v.completeDate()).isNull();
        }
    }

    @Property
    void percentOutsideZeroToHundredIsAnErrorNamingTheValue(@ForAll @IntRange(min = 101, max = 100_000) int over,
                                                            @ForAll boolean negative) {
        int value = negative ? -over : over;
        TaskMapper.Result r = mapper.map(CrmTask.builder("A1:5").subject("s").percentComplete(value).build(), ctx);
        assertThat(r.ok()).isFalse();
        assertThat(r.errors()).singleElement().hasToString(
                "task A1:5: field #56 Complete % = '" + value + "': complete % must be between 0 and 100");
    }

    @Property
    void unknownCatalogValuesAreErrorsNeverDefaults(@ForAll("unknownValues") String value) {
        TaskMapper.Result s = mapper.map(CrmTask.builder("A1:7").subject("s").status(value).build(), ctx);
        TaskMapper.Result p = mapper.map(CrmTask.builder("A1:8").subject("s").priority(value).build(), ctx);
        assertThat(s.values()).isNull();
        assertThat(s.errors()).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("#2 Status");
            assertThat(e.value()).isEqualTo(value);
        });
        assertThat(p.errors()).singleElement().satisfies(e -> assertThat(e.field()).isEqualTo("#5 Priority"));
    }

    @Provide
    Arbitrary<String> unknownValues() {
        return Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12)
                .filter(s -> !STATUS.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(s))
                        && !PRIORITY.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(s)));
    }
}

package org.tasksync.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tasksync.core.SyncReport;
import org.tasksync.core.TaskError;
import org.tasksync.core.mapping.PriorityMapping;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.TaskValues;

/**
 * SPEC §3, priority: CRM Low / Normal (Medium) / High become Importance Low / Normal / High,
 * configurable, one way only; an unknown priority is a per-task error.
 */
class PriorityMappingTest {

    private static final String MB = "anna@example.com";
    private static final ZoneId VIENNA = ZoneId.of("Europe/Vienna");

    private final Fixture f = new Fixture();

    PriorityMappingTest() {
        f.rep("anna", MB, VIENNA);
    }

    private TaskValues outlook(String id) {
        return f.outlookTask(MB, id).values();
    }

    @ParameterizedTest(name = "CRM {0} -> Importance {1}")
    @CsvSource({"Low, LOW", "Normal, NORMAL", "Medium, NORMAL", "High, HIGH"})
    void priorityIsMappedToImportance(String crm, Importance expected) {
        f.task("A1:1-1", "anna", b -> b.priority(crm));

        f.cycle();

        assertThat(outlook("A1:1-1").importance()).isEqualTo(expected);
    }

    @Test
    void priorityChangeInTheCrmIsWritten() {
        f.task("A1:1-1", "anna", b -> b.priority("Low"));
        f.cycle();

        f.editTask("A1:1-1", b -> b.priority("High"));
        f.cycle();

        assertThat(outlook("A1:1-1").importance()).isEqualTo(Importance.HIGH);
    }

    @Test
    void unknownPriorityIsAPerTaskErrorNamingTaskFieldAndValue() {
        f.task("A1:1-1", "anna", b -> b.priority("Urgent"));
        f.task("A1:1-2", "anna");

        SyncReport report = f.cycle();

        assertThat(report.allTaskErrors()).singleElement().satisfies(e -> {
            assertThat(e.taskId()).isEqualTo("A1:1-1");
            assertThat(e.field()).contains("#5");
            assertThat(e.value()).isEqualTo("Urgent");
        });
        assertThat(f.outlook(MB)).extracting(ExchangeTask::crmId).containsExactly("A1:1-2");
    }

    @Test
    void customPriorityCatalogFromSettings() {
        f.settings(b -> b.priorityMapping(PriorityMapping.of(Map.of("1", Importance.HIGH, "2", Importance.NORMAL,
                "3", Importance.LOW))));
        f.task("A1:1-1", "anna", b -> b.priority("1"));
        f.task("A1:1-2", "anna", b -> b.priority("3"));
        f.task("A1:1-3", "anna", b -> b.priority("High")); // not in this catalog

        SyncReport report = f.cycle();

        assertThat(outlook("A1:1-1").importance()).isEqualTo(Importance.HIGH);
        assertThat(outlook("A1:1-2").importance()).isEqualTo(Importance.LOW);
        assertThat(report.allTaskErrors()).extracting(TaskError::taskId).containsExactly("A1:1-3");
    }

    @Test
    void priorityDoesNotFlowBackAndIsRestoredFromTheCrm() {
        f.task("A1:1-1", "anna", b -> b.priority("Low"));
        f.cycle();

        f.later(Duration.ofMinutes(1));
        f.exchange.userEdit(MB, f.outlookTask(MB, "A1:1-1").itemId(), v -> v.toBuilder().importance(Importance.HIGH).build());
        f.cycle();
        f.cycle();

        assertThat(f.crm.task("A1:1-1").orElseThrow().priority()).isEqualTo("Low");
        assertThat(outlook("A1:1-1").importance()).isEqualTo(Importance.LOW);
    }
}

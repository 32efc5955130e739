package org.tasksync.core.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tasksync.core.MailboxPartition;
import org.tasksync.core.SkipReason;
import org.tasksync.core.internal.rules.Participants.Destination;
import org.tasksync.core.internal.rules.Participants.Participant;
import org.tasksync.core.internal.state.EngineState.RepWindow;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;

/** SPEC §5: who takes part, each rep's time frame from today in the rep's zone, where a task goes. */
class ParticipantsTest {

    /** 23:30 in UTC on 2 March is already 3 March in Auckland and still 2 March in New York. */
    private static final Instant NOW = Instant.parse("2026-03-02T23:30:00Z");
    private static final ZoneId UTC = ZoneId.of("UTC");

    private final Rep anna = new Rep("A", "Anna", " Anna@Example.com ", ZoneId.of("Pacific/Auckland"), true);
    private final Rep ben = new Rep("B", null, "ben@example.com", null, true);
    private final Rep off = new Rep("C", "Cleo", "cleo@example.com", null, false);
    private final Rep noMail = new Rep("D", "Dan", " ", null, true);

    private Participants all() {
        return Participants.select(List.of(anna, ben, off, noMail), MailboxPartition.ALL, UTC, 7, 30, NOW);
    }

    @Test
    void enabledRepsWithAMailboxTakePartWithTheirTimeFrameFromTodayInTheirOwnZone() {
        Participants ps = all();
        assertThat(ps.repIds()).containsExactlyInAnyOrder("A", "B");
        assertThat(ps.isEmpty()).isFalse();
        Participant a = ps.of("A");
        assertThat(a.mailbox().address()).isEqualTo("anna@example.com");
        assertThat(a.mailbox().ownerName()).isEqualTo("Anna");
        assertThat(a.from()).isEqualTo(LocalDate.of(2026, 2, 24)); // 3 March in Auckland, 7 days back
        assertThat(a.to()).isEqualTo(LocalDate.of(2026, 4, 2));
        Participant b = ps.of("B");
        assertThat(b.mailbox().ownerName()).isEqualTo("B"); // no display name: the id
        assertThat(b.mailbox().zone()).isEqualTo(UTC);
        assertThat(b.from()).isEqualTo(LocalDate.of(2026, 2, 23));
        assertThat(ps.of("C")).isNull();
        assertThat(ps.of(null)).isNull();
        assertThat(ps.ofMailbox("anna@example.com")).isSameAs(a);
        assertThat(ps.ofMailbox("cleo@example.com")).isNull();
        assertThat(Participants.minFrom(ps.all())).isEqualTo(b.from());
        assertThat(Participants.maxTo(ps.all())).isEqualTo(a.to());
    }

    @Test
    void theWindowIncludesBothEndsAndATaskWithoutADayAlwaysTakesPart() {
        Participant a = all().of("A");
        assertThat(a.inWindow(a.from())).isTrue();
        assertThat(a.inWindow(a.to())).isTrue();
        assertThat(a.inWindow(a.from().minusDays(1))).isFalse();
        assertThat(a.inWindow(a.to().plusDays(1))).isFalse();
        assertThat(a.inWindow(null)).isTrue();
        assertThat(a.window()).isEqualTo(new RepWindow("anna@example.com", a.from(), a.to()));
    }

    @Test
    void aTaskGoesToItsRepsMailboxOrIsSkippedWithTheReason() {
        Participants ps = all();
        assertThat(ps.destinationOf(task("A"))).isEqualTo(Destination.PARTICIPANT);
        assertThat(ps.destinationOf(task("C"))).isEqualTo(Destination.REP_DISABLED);
        assertThat(ps.destinationOf(task("D"))).isEqualTo(Destination.REP_WITHOUT_MAILBOX);
        assertThat(ps.destinationOf(task("X"))).isEqualTo(Destination.NO_SUCH_REP);
        assertThat(ps.destinationOf(task(null))).isEqualTo(Destination.NO_SUCH_REP);
        assertThat(Participants.skipReason(Destination.REP_DISABLED)).isEqualTo(SkipReason.REP_DISABLED);
        assertThat(Participants.skipReason(Destination.REP_WITHOUT_MAILBOX)).isEqualTo(SkipReason.REP_WITHOUT_MAILBOX);
        assertThatThrownBy(() -> Participants.skipReason(Destination.PARTICIPANT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PARTICIPANT");
    }

    @Test
    void aPartitionTakesItsOwnRepsButKnowsEveryActiveMailbox() {
        int annas = MailboxPartition.partitionOf("anna@example.com", 2);
        String other = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "rep" + i + "@example.com")
                .filter(a -> MailboxPartition.partitionOf(a, 2) != annas).findFirst().orElseThrow();
        Rep elsewhere = new Rep("B", null, other, null, true);
        Participants p = Participants.select(List.of(anna, elsewhere, off), MailboxPartition.of(annas, 2), UTC, 7, 30,
                NOW);
        assertThat(p.repIds()).containsExactly("A");
        assertThat(p.destinationOf(task("B"))).isEqualTo(Destination.OTHER_PARTITION);
        assertThat(p.isActive(other)).isTrue();
        assertThat(p.isActive("anna@example.com")).isTrue();
        assertThat(p.isActive("cleo@example.com")).isFalse();
        assertThat(p.ownerMailbox("B")).isEqualTo(other);
        assertThat(p.ownerMailbox("C")).isNull();
        assertThat(p.ownerMailbox("X")).isNull();
        assertThat(p.ownerMailbox(null)).isNull();
        assertThat(p.repTakesPart("B")).isTrue();
        assertThat(p.repTakesPart("C")).isFalse();
        assertThat(p.repTakesPart("X")).isFalse();
        assertThat(p.repTakesPart(null)).isFalse();
    }

    @Test
    void noRepsNoParticipants() {
        Participants p = Participants.select(List.of(off), MailboxPartition.ALL, UTC, 7, 30, NOW);
        assertThat(p.isEmpty()).isTrue();
        assertThat(p.all()).isEmpty();
    }

    @Test
    void aCreatorIsShownByDisplayNameElseById() {
        Participants ps = all();
        assertThat(ps.displayName("A")).isEqualTo("Anna");
        assertThat(ps.displayName("B")).isEqualTo("B");
        assertThat(ps.displayName("C")).isEqualTo("Cleo"); // a disabled rep still created the task
        assertThat(ps.displayName("X")).isNull();
        assertThat(ps.displayName(null)).isNull();
    }

    @Test
    void onlyChangedWindowsAreSavedAndRepsThatLeftLoseTheirs() {
        Participants ps = all();
        RepWindow annas = ps.of("A").window();
        RepWindow stale = new RepWindow("ben@example.com", LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 1));
        RepWindow cleos = new RepWindow("cleo@example.com", LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 1));
        java.util.HashMap<String, RepWindow> stored = new java.util.HashMap<>(Map.of("A", annas, "B", stale,
                "C", cleos));
        stored.put("Z", null); // a value that did not decode, of a rep the CRM no longer has
        Map<String, RepWindow> save = ps.windowsToSave(stored);
        assertThat(save).containsOnlyKeys("B", "C", "Z");
        assertThat(save.get("B")).isEqualTo(ps.of("B").window());
        assertThat(save.get("C")).isNull();
        assertThat(save.get("Z")).isNull();
    }

    private static CrmTask task(String repId) {
        return CrmTask.builder("T").repId(repId).modifiedAt(NOW).build();
    }
}

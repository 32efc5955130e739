package org.tasksync.core.internal.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tasksync.core.MailboxPartition;
import org.tasksync.core.internal.state.EngineState.MovedCopy;
import org.tasksync.core.internal.state.EngineState.RepWindow;
import org.tasksync.core.state.InMemorySyncStateStore;

/** The keys and encodings stores already hold: unchanged, so no stored data migrates. */
class EngineStateTest {

    @Test
    void keysAreThoseStoresAlreadyHold() {
        assertThat(EngineState.crmCursorKey(MailboxPartition.ALL)).isEqualTo("crm.changes");
        assertThat(EngineState.crmCursorKey(MailboxPartition.of(1, 3))).isEqualTo("crm.changes." + MailboxPartition.of(1, 3).name());
        EngineState all = new EngineState(new InMemorySyncStateStore(), MailboxPartition.ALL);
        assertThat(all.crmStartKey()).isEqualTo("crm.changes.start");
        assertThat(EngineState.mailboxCursorKey("anna@example.com")).isEqualTo("mailbox.anna@example.com");
        assertThat(EngineState.repWindowKey("R1")).isEqualTo("rep.R1");
        assertThat(new MovedCopy("anna@example.com", "item-1", "T1").key()).isEqualTo("moved.anna@example.com/T1");
    }

    @Test
    void valuesAreEncodedAsBeforeAndReadBack() {
        RepWindow w = new RepWindow("anna@example.com", LocalDate.of(2026, 2, 23), LocalDate.of(2026, 4, 1));
        assertThat(w.encode()).isEqualTo("anna@example.com|2026-02-23|2026-04-01");
        assertThat(RepWindow.decode(w.encode())).isEqualTo(w);
        MovedCopy m = new MovedCopy("anna@example.com", "item-1", "T1");
        assertThat(m.encode()).isEqualTo("anna@example.com\nitem-1\nT1");
        assertThat(MovedCopy.decode(m.encode())).isEqualTo(m);
    }

    @Test
    void aWindowThatDoesNotDecodeIsNullSoTheRepIsReadInFull() {
        assertThat(RepWindow.decode(null)).isNull();
        assertThat(RepWindow.decode("anna@example.com|2026-02-23")).isNull();
        assertThat(RepWindow.decode("anna@example.com|yesterday|2026-04-01")).isNull();
    }

    @Test
    void storedValuesAreReadThroughTheirTypes() {
        InMemorySyncStateStore store = new InMemorySyncStateStore();
        store.saveCursors(Map.of("rep.R1", "anna@example.com|2026-02-23|2026-04-01", "crm.changes", "c1",
                "moved.ben@example.com/T2", "ben@example.com\nitem-2\nT2", "mailbox.anna@example.com", "m1"));
        EngineState s = new EngineState(store, MailboxPartition.ALL);
        assertThat(s.crmCursor()).contains("c1");
        assertThat(s.crmStart()).isEmpty();
        assertThat(s.mailboxCursor("anna@example.com")).contains("m1");
        assertThat(s.repWindows()).containsExactly(Map.entry("R1",
                new RepWindow("anna@example.com", LocalDate.of(2026, 2, 23), LocalDate.of(2026, 4, 1))));
        assertThat(s.movedCopies()).containsExactly(Map.entry("moved.ben@example.com/T2",
                new MovedCopy("ben@example.com", "item-2", "T2")));
    }
}

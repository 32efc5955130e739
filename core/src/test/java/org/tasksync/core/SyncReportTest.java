package org.tasksync.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SPEC §9: the report per mailbox and in total, and its printable table. */
class SyncReportTest {

    private static final Instant START = Instant.parse("2026-03-02T09:00:00Z");

    private final MailboxReport anna = new MailboxReport("anna@example.com", 3, 2, 1, 0, 1, 1, 0, 0,
            Map.of(SkipReason.DELEGATED, 2), List.of(new TaskError("A1:1-9", "#5 Priority", "Urgent",
            "no priority mapping for this CRM value")), List.of("1 character(s) that XML cannot carry replaced"), null, 7);
    private final MailboxReport ben = new MailboxReport("ben@example.com", 0, 0, 0, 0, 0, 0, 0, 0, Map.of(),
            List.of(), List.of(), "mailbox ben@example.com: access denied: injected failure", 1);
    private final SyncReport report = new SyncReport(START, Duration.ofMillis(1234), true, false, List.of(anna, ben),
            List.of(), Map.of(SkipReason.REP_DISABLED, 4), null, List.of());

    private static String line(String table, String start) {
        return table.lines().filter(l -> l.startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with " + start + " in\n" + table));
    }

    @Test
    void tableHasOneRowPerMailboxWithItsCounts() {
        String table = report.toTable();

        assertThat(line(table, "anna@example.com").split("\\s+"))
                .containsExactly("anna@example.com", "3", "2", "1", "0", "1", "1", "2", "1", "7", "ok");
        assertThat(line(table, "ben@example.com").split("\\s+"))
                .containsExactly("ben@example.com", "0", "0", "0", "0", "0", "0", "0", "0", "1", "FAILED");
    }

    @Test
    void tableHasATotalRowAndTheDetails() {
        String table = report.toTable();

        assertThat(line(table, "TOTAL").split("\\s+")).containsExactly("TOTAL", "(2", "mailboxes)", "3", "2", "1",
                "0", "1", "1", "6", "1", "8", "1", "failed");
        assertThat(table).contains("mailbox error: mailbox ben@example.com: access denied")
                .contains("task error: task A1:1-9: field #5 Priority = 'Urgent'")
                .contains("rep disabled 4")
                .contains("delegated 2")
                .contains("conflicts: CRM won 1, Outlook won 0")
                .contains("warning (anna@example.com): 1 character(s) that XML cannot carry replaced");
    }

    @Test
    void totalsAddUpTheMailboxes() {
        assertThat(report.created()).isEqualTo(3);
        assertThat(report.requests()).isEqualTo(8);
        assertThat(report.skipped(SkipReason.DELEGATED)).isEqualTo(2);
        assertThat(report.skipped(SkipReason.REP_DISABLED)).isEqualTo(4);
        assertThat(report.failedMailboxes()).containsExactly(ben);
        assertThat(report.clean()).isFalse();
        assertThat(report.mailbox("Anna@Example.com")).contains(anna);
    }

    @Test
    void switchedOffReportSaysSo() {
        SyncReport off = new SyncReport(START, Duration.ZERO, false, false, List.of(), List.of(), Map.of(), null,
                List.of());

        assertThat(off.toTable()).contains("switched off").contains("tasksync.tasks.enabled");
        assertThat(off.clean()).isFalse();
    }

    @Test
    void dryRunReportSaysSo() {
        SyncReport dry = new SyncReport(START, Duration.ZERO, true, true, List.of(anna), List.of(), Map.of(), null,
                List.of(new PlannedWrite(PlannedWrite.Kind.CREATE, "anna@example.com", "A1:1-1", java.util.Set.of(),
                        null)));

        assertThat(dry.toTable()).startsWith("DRY RUN");
    }
}

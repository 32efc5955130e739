package org.tasksync.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the fault-injection scenarios measured, summed over seeds, and written as a Markdown table to
 * {@code target/reliability-figures.md} (system property {@code tasksync.reliability.figures}) so that
 * docs/reliability.md can quote the numbers of a run.
 *
 * <p>Thread-safe (synchronized).
 */
final class Figures {

    int scenarios;
    int cycles;
    int quietCycles;
    int maxQuietCyclesToSettle;
    int cyclesWithCycleError;
    int mailboxFailures;
    int crmActions;
    int outlookActions;
    int outlookStatusChanges;
    int outlookStatusChecked;
    int outlookStatusSuperseded;
    int outlookStatusAmbiguous;
    int tasksCompared;
    int fieldsCompared;
    int duplicates;
    int lostOutlookStatus;
    int fieldDisagreements;
    int recreatedAfterOutlookDelete;
    final Map<String, Integer> faults = new TreeMap<>();

    synchronized void fault(String kind, int n) {
        if (n > 0) {
            faults.merge(kind, n, Integer::sum);
        }
    }

    synchronized int faultsTotal() {
        return faults.values().stream().mapToInt(Integer::intValue).sum();
    }

    synchronized String markdown(String command, long seedBase, int seeds, int cyclesPerSeed) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Reliability figures\n\n");
        sb.append("Command: `").append(command).append("`  \n");
        sb.append("Seeds: ").append(seeds).append(" (").append(seedBase).append(" … ").append(seedBase + seeds - 1)
                .append("), ").append(cyclesPerSeed).append(" faulty cycles each, then quiet cycles until settled\n\n");
        sb.append("| figure | value |\n|---|---|\n");
        row(sb, "scenarios", scenarios);
        row(sb, "cycles with faults", cycles);
        row(sb, "quiet cycles after them", quietCycles);
        row(sb, "most quiet cycles one scenario needed to settle", maxQuietCyclesToSettle);
        row(sb, "CRM actions (creates, edits, deletions, reassignments)", crmActions);
        row(sb, "Outlook actions (status changes, edits, deletions)", outlookActions);
        row(sb, "faults injected (all kinds)", faultsTotal());
        faults.forEach((k, v) -> row(sb, "  - " + k, v));
        row(sb, "cycles that reported a cycle error (CRM part, or state store outside a mailbox's work)",
                cyclesWithCycleError);
        row(sb, "mailbox failures reported", mailboxFailures);
        row(sb, "Outlook status changes made", outlookStatusChanges);
        row(sb, "  - the last one of a task, checked in the CRM at the end", outlookStatusChecked);
        row(sb, "  - superseded by a later CRM status change, reassignment or deletion", outlookStatusSuperseded);
        row(sb, "  - not judged: the CRM row changed at or after Exchange's time of the rep's change", outlookStatusAmbiguous);
        row(sb, "tasks compared field by field at the end", tasksCompared);
        row(sb, "fields compared", fieldsCompared);
        row(sb, "tasks deleted in Outlook and created again after a later CRM edit", recreatedAfterOutlookDelete);
        row(sb, "**duplicates found**", duplicates);
        row(sb, "**lost Outlook status changes found**", lostOutlookStatus);
        row(sb, "**fields in disagreement (lost CRM updates) found**", fieldDisagreements);
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, int value) {
        sb.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    void write(Path file, String markdown) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, markdown, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package org.tasksync.spring.boot.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.tasksync.core.MailboxReport;
import org.tasksync.core.SyncReport;
import org.tasksync.spring.boot.TasksyncRuns;

/**
 * The health of the schedule: DOWN when no cycle has finished within two intervals (counted from the
 * last finished cycle, or from the start), when the last cycle failed outside a mailbox (the CRM, the
 * state store), or when every mailbox of the last cycle failed; the details name each failing mailbox
 * and why. A few failing mailboxes among working ones leave it UP, with their details.
 */
public class TasksyncHealthIndicator implements HealthIndicator {

    private final TasksyncRuns runs;

    public TasksyncHealthIndicator(TasksyncRuns runs) {
        this.runs = runs;
    }

    @Override
    public Health health() {
        Instant now = runs.now();
        Duration limit = runs.interval().multipliedBy(2);
        Optional<TasksyncRuns.Run> last = runs.last();
        Optional<Instant> started = runs.startedAt();
        if (last.isEmpty()) {
            if (started.isEmpty()) {
                return Health.unknown().withDetail("schedule", "not started").build();
            }
            Duration waited = Duration.between(started.get(), now);
            Health.Builder b = waited.compareTo(limit) > 0 ? Health.down() : Health.up();
            return b.withDetail("schedule", "started " + started.get()).withDetail("lastCycle", "none finished yet")
                    .withDetail("limit", "a cycle within " + limit.toMinutes() + " min (two intervals)").build();
        }
        SyncReport r = last.get().report();
        Instant finished = last.get().finishedAt();
        Map<String, String> failing = new LinkedHashMap<>();
        for (MailboxReport m : r.failedMailboxes()) {
            failing.put(m.mailbox(), m.mailboxError());
        }
        boolean stale = Duration.between(finished, now).compareTo(limit) > 0;
        boolean everyMailboxFailed = !r.mailboxes().isEmpty() && failing.size() == r.mailboxes().size();
        boolean down = stale || r.cycleError() != null || everyMailboxFailed;
        Health.Builder b = down ? Health.down() : Health.up();
        b.withDetail("lastCycleFinishedAt", finished.toString());
        if (stale) {
            b.withDetail("stale", "no cycle finished within " + limit.toMinutes() + " min (two intervals)");
        }
        if (!r.enabled()) {
            b.withDetail("enabled", false);
        }
        if (r.cycleError() != null) {
            b.withDetail("cycleError", r.cycleError());
        }
        b.withDetail("mailboxes", r.mailboxes().size()).withDetail("failedMailboxes", failing.size());
        if (!failing.isEmpty()) {
            b.withDetail("failing", failing);
        }
        return b.build();
    }
}

package org.tasksync.spring.boot.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.tasksync.core.MailboxReport;
import org.tasksync.core.SyncReport;
import org.tasksync.core.TaskError;
import org.tasksync.spring.boot.TasksyncRuns;

/**
 * The Actuator endpoint {@code tasksync}: the last finished cycle's {@link SyncReport}, in total and
 * per mailbox, with its errors (at most {@value #MAX_TASK_ERRORS} task errors listed), and the
 * plain-text table the library prints.
 */
@Endpoint(id = "tasksync")
public class TasksyncEndpoint {

    /** Enough to see what is wrong without an unbounded answer after a bad import of thousands of rows. */
    static final int MAX_TASK_ERRORS = 100;

    private final TasksyncRuns runs;

    public TasksyncEndpoint(TasksyncRuns runs) {
        this.runs = runs;
    }

    @ReadOperation
    public Map<String, Object> lastReport() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scheduleStartedAt", runs.startedAt().map(Object::toString).orElse(null));
        out.put("intervalMinutes", runs.interval().toMinutes());
        runs.last().ifPresentOrElse(run -> {
            out.put("finishedAt", run.finishedAt().toString());
            out.put("lastCycle", report(run.report()));
        }, () -> out.put("lastCycle", null));
        return out;
    }

    private static Map<String, Object> report(SyncReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("startedAt", r.startedAt().toString());
        m.put("durationMs", r.duration().toMillis());
        m.put("enabled", r.enabled());
        m.put("dryRun", r.dryRun());
        m.put("clean", r.clean());
        m.put("created", r.created());
        m.put("updated", r.updated());
        m.put("deleted", r.deleted());
        m.put("adopted", r.adopted());
        m.put("statusesWrittenBack", r.statusesWrittenBack());
        m.put("conflictsCrmWon", r.conflictsCrmWon());
        m.put("conflictsExchangeWon", r.conflictsExchangeWon());
        m.put("deletedInOutlook", r.deletedInOutlook());
        m.put("requests", r.requests());
        Map<String, Integer> skipped = new LinkedHashMap<>();
        r.skipped().forEach((k, v) -> skipped.put(k.name(), v));
        m.put("skipped", skipped);
        m.put("cycleError", r.cycleError());
        List<TaskError> errors = r.allTaskErrors();
        m.put("taskErrorCount", errors.size());
        m.put("taskErrors", errors.stream().limit(MAX_TASK_ERRORS).map(TaskError::toString).toList());
        m.put("mailboxes", r.mailboxes().stream().map(TasksyncEndpoint::mailbox).toList());
        m.put("table", r.toTable());
        return m;
    }

    private static Map<String, Object> mailbox(MailboxReport mr) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mailbox", mr.mailbox());
        m.put("state", mr.failed() ? "failed" : mr.deferred() ? "deferred" : "ok");
        m.put("created", mr.created());
        m.put("updated", mr.updated());
        m.put("deleted", mr.deleted());
        m.put("adopted", mr.adopted());
        m.put("statusesWrittenBack", mr.statusesWrittenBack());
        m.put("taskErrors", mr.taskErrors().size());
        m.put("requests", mr.requests());
        if (mr.failed()) {
            m.put("error", mr.mailboxError());
        }
        if (mr.deferred()) {
            m.put("deferredReason", mr.deferredReason());
        }
        if (!mr.warnings().isEmpty()) {
            m.put("warnings", mr.warnings());
        }
        return m;
    }
}

package org.tasksync.core.spi;

import java.util.List;
import org.tasksync.core.TaskError;
import org.tasksync.core.model.CrmTask;

/**
 * One page of CRM tasks.
 *
 * @param tasks          the tasks read
 * @param deletedTaskIds ids of tasks deleted in the CRM
 * @param errors         rows that could not be read, each naming task, field and value
 * @param next           the cursor or page token after this page
 * @param hasMore        whether another call with {@code next} may return more
 */
public record CrmPage(List<CrmTask> tasks, List<String> deletedTaskIds, List<TaskError> errors, String next,
                      boolean hasMore) {
    public CrmPage {
        tasks = List.copyOf(tasks);
        deletedTaskIds = List.copyOf(deletedTaskIds);
        errors = List.copyOf(errors);
    }

    public static CrmPage of(List<CrmTask> tasks) {
        return new CrmPage(tasks, List.of(), List.of(), null, false);
    }

    public int size() {
        return tasks.size() + deletedTaskIds.size() + errors.size();
    }
}

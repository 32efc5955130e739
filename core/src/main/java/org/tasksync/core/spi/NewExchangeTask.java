package org.tasksync.core.spi;

import java.util.Objects;
import org.tasksync.core.model.TaskValues;

/**
 * A task to create: its CRM id, which the adapter stores on the item, and its values. Fields whose
 * value is null are not written.
 */
public record NewExchangeTask(String crmId, TaskValues values) {
    public NewExchangeTask {
        Objects.requireNonNull(crmId, "crmId");
        Objects.requireNonNull(values, "values");
    }
}

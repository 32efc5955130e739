package org.tasksync.core.spi;

import java.util.Objects;
import java.util.Set;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.TaskValues;

/**
 * An update of an existing task: only {@code fields} are written, with their values from
 * {@code values}; a null value clears the field. {@code changeKey} is the version the engine last
 * saw, for adapters that can use it; the engine's updates always win (the CRM is the master), so an
 * adapter should not fail on a newer version.
 */
public record ExchangeTaskUpdate(ItemRef item, String crmId, TaskValues values, Set<ExchangeField> fields) {
    public ExchangeTaskUpdate {
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(values, "values");
        fields = Set.copyOf(fields);
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("an update must name at least one field");
        }
    }
}

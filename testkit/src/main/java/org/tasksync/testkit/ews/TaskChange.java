package org.tasksync.testkit.ews;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields one write sets or removes (a {@code null} value removes), whoever writes: the EWS
 * client through CreateItem/UpdateItem or the simulated rep through {@link OutlookRep}.
 */
final class TaskChange {

    final Map<TaskField, Object> fields = new LinkedHashMap<>();
    final Map<ExtendedPropertyKey, StoredTask.ExtendedValue> extended = new LinkedHashMap<>();

    TaskChange set(TaskField field, Object value) {
        fields.put(field, value);
        return this;
    }

    TaskChange setExtended(ExtendedPropertyKey key, StoredTask.ExtendedValue value) {
        extended.put(key, value);
        return this;
    }

    boolean touches(Object key) {
        return key instanceof TaskField f ? fields.containsKey(f) : extended.containsKey(key);
    }

    boolean isEmpty() {
        return fields.isEmpty() && extended.isEmpty();
    }
}

package org.tasksync.adapter.graph.internal;

import com.microsoft.kiota.serialization.UntypedNode;

/** Values from the SDK's {@code additionalData}, which holds plain Java values or Kiota's untyped nodes. */
final class Values {

    private Values() {
    }

    /** The value as text, or null for null and for values that are not scalars. */
    static String text(Object v) {
        if (v instanceof UntypedNode u) {
            Object inner = u.getValue();
            return inner instanceof UntypedNode ? null : text(inner);
        }
        if (v instanceof String || v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        return null;
    }
}

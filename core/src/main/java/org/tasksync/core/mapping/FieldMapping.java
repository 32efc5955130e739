package org.tasksync.core.mapping;

import java.util.Objects;
import java.util.Set;
import org.tasksync.core.model.ExchangeField;

/**
 * One row of the A1 ↔ Outlook field table (SPEC §2): an A1 field, the names it has in Outlook, EWS
 * and Graph, the Exchange fields it feeds, and whether it is synchronized.
 *
 * @param a1Number    the A1 field number, e.g. 58
 * @param a1Name      the A1 field's name, e.g. "Subject"
 * @param outlookName the field as Outlook (and the original product) names it
 * @param ewsName     the EWS property written
 * @param graphName   the Graph {@code todoTask} property written
 * @param targets     the Exchange fields whose values come from this A1 field
 * @param enabled     false when a host switched the field off: it is neither written nor compared
 */
public record FieldMapping(int a1Number, String a1Name, String outlookName, String ewsName, String graphName,
                           Set<ExchangeField> targets, boolean enabled) {

    public FieldMapping {
        Objects.requireNonNull(a1Name, "a1Name");
        targets = Set.copyOf(targets);
        if (a1Number <= 0) {
            throw new IllegalArgumentException("tasksync.fields: A1 field number must be positive, was " + a1Number);
        }
    }

    /**
     * A host-defined A1 field copied as text into an extended Exchange field of the same name (EWS:
     * an extended property in the library's property set; Graph: the open extension).
     */
    public static FieldMapping extended(int a1Number, String a1Name, String exchangeName) {
        ExchangeField f = ExchangeField.extended(exchangeName);
        return new FieldMapping(a1Number, a1Name, exchangeName, "extended property " + exchangeName,
                "open extension " + exchangeName, Set.of(f), true);
    }

    public FieldMapping withEnabled(boolean on) {
        return new FieldMapping(a1Number, a1Name, outlookName, ewsName, graphName, targets, on);
    }

    /** "#58 Subject", the way errors name the field. */
    public String label() {
        return "#" + a1Number + " " + a1Name;
    }
}

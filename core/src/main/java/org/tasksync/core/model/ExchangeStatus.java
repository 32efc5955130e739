package org.tasksync.core.model;

/** The five task states that Exchange (EWS {@code t:Status}) and To Do know. */
public enum ExchangeStatus {
    NOT_STARTED("NotStarted"),
    IN_PROGRESS("InProgress"),
    COMPLETED("Completed"),
    WAITING_ON_OTHERS("WaitingOnOthers"),
    DEFERRED("Deferred");

    private final String ewsName;

    ExchangeStatus(String ewsName) {
        this.ewsName = ewsName;
    }

    /** The name EWS and Graph use on the wire, e.g. {@code WaitingOnOthers}. */
    public String wireName() {
        return ewsName;
    }

    /** Parses the wire name case-insensitively; throws with the value when it is none of the five. */
    public static ExchangeStatus fromWireName(String name) {
        for (ExchangeStatus s : values()) {
            if (s.ewsName.equalsIgnoreCase(name) || s.name().equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown Exchange task status '" + name
                + "' (expected NotStarted, InProgress, Completed, WaitingOnOthers or Deferred)");
    }
}

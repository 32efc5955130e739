package org.tasksync.core.model;

/** Exchange's importance (EWS {@code Importance}, Graph {@code importance}). */
public enum Importance {
    LOW, NORMAL, HIGH
}

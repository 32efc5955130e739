package org.tasksync.core.model;

import java.time.ZoneId;
import java.util.Objects;

/**
 * A CRM user (the CRM's rep/ID table). A rep takes part when {@link #enabled()} and has a
 * {@link #mailbox()}; {@code timeZone} is null when the CRM has none for the rep, and then the
 * configured default zone applies.
 */
public record Rep(String id, String displayName, String mailbox, ZoneId timeZone, boolean enabled) {
    public Rep {
        Objects.requireNonNull(id, "id");
    }

    public boolean hasMailbox() {
        return mailbox != null && !mailbox.isBlank();
    }

    /** The mailbox address in the form the engine keys its state by (trimmed, lower case). */
    public String mailboxKey() {
        return hasMailbox() ? Mailbox.normalize(mailbox) : null;
    }
}

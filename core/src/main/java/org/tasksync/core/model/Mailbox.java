package org.tasksync.core.model;

import java.time.ZoneId;
import java.util.Locale;
import java.util.Objects;

/**
 * A rep's Exchange mailbox as the Exchange side needs it: the SMTP address (normalized to lower
 * case), the owner's display name and the time zone in which the rep's calendar dates are written.
 */
public record Mailbox(String address, String ownerName, ZoneId zone) {
    public Mailbox {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(zone, "zone");
        address = normalize(address);
    }

    public static String normalize(String address) {
        return address.trim().toLowerCase(Locale.ROOT);
    }
}

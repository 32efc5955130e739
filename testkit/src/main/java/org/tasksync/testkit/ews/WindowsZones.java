package org.tasksync.testkit.ews;

import static org.tasksync.testkit.ews.Xml.T;

import java.time.DateTimeException;
import java.time.ZoneId;
import org.w3c.dom.Element;

/**
 * The zone of a {@code TimeZoneContext} SOAP header: its {@code TimeZoneDefinition}'s Windows time
 * zone id, mapped to the IANA zone by ICU4J (CLDR's windowsZones table, the well-kept source of that
 * mapping; the project does not keep a copy of it).
 */
final class WindowsZones {

    private WindowsZones() {
    }

    /**
     * The zone a {@code t:TimeZoneContext} names. Exchange looks the {@code Id} up among the Windows
     * time zones it knows; an id it does not know, or none, answers {@code ErrorTimeZone} here. A
     * definition with periods and transitions but an unknown id is refused too, where Exchange would
     * build the zone from them (the stricter choice; see docs/conformance.md).
     */
    static ZoneId zoneOf(Element timeZoneContext) throws EwsError {
        Element definition = Xml.child(timeZoneContext, T, "TimeZoneDefinition").orElseThrow(
                () -> EwsError.fault("ErrorTimeZone", "TimeZoneContext without a TimeZoneDefinition."));
        String id = definition.getAttribute("Id").trim();
        if (id.isEmpty()) {
            throw EwsError.fault("ErrorTimeZone", "The TimeZoneDefinition of the TimeZoneContext has no Id.");
        }
        String iana = com.ibm.icu.util.TimeZone.getIDForWindowsID(id, null);
        if (iana == null) {
            throw EwsError.fault("ErrorTimeZone", "The time zone '" + id + "' of the TimeZoneContext is not a "
                    + "Windows time zone id.");
        }
        try {
            return ZoneId.of(iana);
        } catch (DateTimeException e) {
            throw EwsError.fault("ErrorTimeZone", "The time zone '" + id + "' (" + iana + ") is not known to this JVM.");
        }
    }
}

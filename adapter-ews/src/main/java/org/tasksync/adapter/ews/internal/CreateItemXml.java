package org.tasksync.adapter.ews.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.tasksync.core.mapping.ExchangeDates;
import org.tasksync.core.model.TaskValues;

/**
 * The SOAP text of a CreateItem of tasks, written as ews-java-api 2.0 writes it for the items
 * {@link TaskItems#newTask} builds (the same elements in the same order, namespaces, extended property
 * definitions and value forms), without its property bags, per-element formatting and per-request
 * XML factory lookups. {@code CreateItemXmlTest} compares the two as XML.
 *
 * <p>Stateless and thread-safe.
 */
final class CreateItemXml {

    static final String SOAP = "http://schemas.xmlsoap.org/soap/envelope/";
    static final String MESSAGES = "http://schemas.microsoft.com/exchange/services/2006/messages";
    static final String TYPES = "http://schemas.microsoft.com/exchange/services/2006/types";
    private static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";

    /** What ews-java-api writes for the one extended property of each kind, up to the value. */
    private static final String CRM_ID_URI = extendedUri(null, TaskProperties.PROPERTY_SET_ID, null,
            TaskProperties.CRM_ID_NAME, null);
    private static final String OWNER_URI = extendedUri("Task", null, null, null, 0x811F);
    private static final String CREATOR_URI = extendedUri(null, null, 0x3FF8, null, null);

    private CreateItemXml() {
    }

    /**
     * One {@code t:Task} element with every non-null value and the CRM id, as ews-java-api writes the
     * item {@link TaskItems#newTask} makes: the item schema's order (Subject, Body, Importance,
     * ReminderDueBy, ReminderIsSet, the extended properties in the order they were set, then the task
     * properties CompleteDate, DueDate, PercentComplete, StartDate, Status).
     *
     * @throws Exception for a value ews-java-api refuses too, with its exception and message: a percent
     *     outside 0–100, an empty extended property (owner, creator, extended field, CRM id)
     */
    static String task(String crmId, TaskValues v) throws Exception {
        if (crmId == null) {
            throw new IllegalArgumentException("the CRM id is missing");
        }
        nonEmpty(crmId);
        nonEmpty(v.owner());
        nonEmpty(v.createdBy());
        for (String value : v.extended().values()) {
            nonEmpty(value);
        }
        StringBuilder x = new StringBuilder(512);
        x.append("<t:Task>");
        if (v.subject() != null) {
            element(x, "Subject", v.subject());
        }
        if (v.body() != null) {
            // always BodyType Text (TaskItems.write); an empty text is an empty element, as ews-java-api writes it
            x.append("<t:Body BodyType=\"Text\">");
            text(x, v.body());
            x.append("</t:Body>");
        }
        if (v.importance() != null) {
            element(x, "Importance", capitalized(v.importance().name()));
        }
        boolean reminder = v.reminderSet() && v.reminderAt() != null;
        if (reminder) {
            element(x, "ReminderDueBy", dateTime(v.reminderAt()));
        }
        element(x, "ReminderIsSet", reminder ? "true" : "false");
        extended(x, CRM_ID_URI, crmId);
        if (v.owner() != null) {
            extended(x, OWNER_URI, v.owner());
        }
        if (v.createdBy() != null) {
            extended(x, CREATOR_URI, v.createdBy());
        }
        for (Map.Entry<String, String> e : v.extended().entrySet()) {
            extended(x, extendedUri(null, TaskProperties.PROPERTY_SET_ID, null,
                    TaskProperties.EXTENDED_FIELD_PREFIX + e.getKey(), null), e.getValue());
        }
        if (v.completeDate() != null) {
            element(x, "CompleteDate", date(v.completeDate()));
        }
        if (v.dueDate() != null) {
            element(x, "DueDate", date(v.dueDate()));
        }
        if (v.percentComplete() != null) {
            element(x, "PercentComplete", percent(v.percentComplete()));
        }
        if (v.startDate() != null) {
            element(x, "StartDate", date(v.startDate()));
        }
        if (v.status() != null) {
            element(x, "Status", v.status().wireName());
        }
        return x.append("</t:Task>").toString();
    }

    /**
     * The whole request, UTF-8: the envelope and SOAP header ews-java-api writes for the adapter's
     * services (RequestServerVersion, ExchangeImpersonation by SMTP address; no TimeZoneContext, which
     * ews-java-api 2.0 never sends), then CreateItem with MessageDisposition SaveOnly into the mailbox's
     * Tasks folder, with {@code tasks} as written by {@link #task}.
     *
     * @param version the RequestServerVersion value
     * @param impersonationElement {@code SmtpAddress}, or {@code PrimarySmtpAddress} for Exchange 2007 SP1
     */
    static byte[] request(String version, String impersonationElement, String impersonated, String mailbox,
                          List<String> tasks) {
        int size = 1024;
        for (String t : tasks) {
            size += t.length();
        }
        StringBuilder x = new StringBuilder(size);
        x.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>")
                .append("<soap:Envelope xmlns:soap=\"").append(SOAP).append("\" xmlns:xsi=\"").append(XSI)
                .append("\" xmlns:m=\"").append(MESSAGES).append("\" xmlns:t=\"").append(TYPES).append("\">")
                .append("<soap:Header><t:RequestServerVersion Version=\"");
        attribute(x, version);
        x.append("\"></t:RequestServerVersion>");
        if (impersonated != null) {
            x.append("<t:ExchangeImpersonation><t:ConnectingSID>");
            element(x, impersonationElement, impersonated);
            x.append("</t:ConnectingSID></t:ExchangeImpersonation>");
        }
        x.append("</soap:Header><soap:Body><m:CreateItem MessageDisposition=\"SaveOnly\"><m:SavedItemFolderId>")
                .append("<t:DistinguishedFolderId Id=\"tasks\"><t:Mailbox>");
        element(x, "EmailAddress", mailbox);
        x.append("</t:Mailbox></t:DistinguishedFolderId></m:SavedItemFolderId><m:Items>");
        for (String t : tasks) {
            x.append(t);
        }
        x.append("</m:Items></m:CreateItem></soap:Body></soap:Envelope>");
        return x.toString().getBytes(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ values as ews-java-api writes them

    /** 00:00 UTC of the date (TaskItems.date: the rule of docs/ews-adapter.md, "How dates travel and why"). */
    static String date(LocalDate d) {
        return dateTime(ExchangeDates.toInstant(d, ZoneOffset.UTC));
    }

    /**
     * {@code yyyy-MM-dd'T'HH:mm:ss'Z'} in UTC, whole seconds, as ews-java-api's SimpleDateFormat writes a
     * {@code Date} for years 1583 to 9999 (the Gregorian calendar; ASCII digits).
     */
    static String dateTime(Instant i) {
        LocalDateTime t = LocalDateTime.ofInstant(i.truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC);
        StringBuilder s = new StringBuilder(20);
        pad(s, t.getYear(), 4).append('-');
        pad(s, t.getMonthValue(), 2).append('-');
        pad(s, t.getDayOfMonth(), 2).append('T');
        pad(s, t.getHour(), 2).append(':');
        pad(s, t.getMinute(), 2).append(':');
        pad(s, t.getSecond(), 2).append('Z');
        return s.toString();
    }

    private static StringBuilder pad(StringBuilder s, int n, int width) {
        String digits = Integer.toString(n);
        for (int i = digits.length(); i < width; i++) {
            s.append('0');
        }
        return s.append(digits);
    }

    /** A Double's text, as ews-java-api writes PercentComplete ({@code 50.0}); it refuses what lies outside 0–100. */
    static String percent(int p) {
        double value = p;
        if (value < 0.0 || value > 100.0) {
            // ews-java-api's message (Task.setPercentComplete), so the failed outcome reads as before
            throw new IllegalArgumentException(String.format("%s must be between %f and %f", String.valueOf(value),
                    0.0, 100.0));
        }
        return Double.toString(value);
    }

    /**
     * ews-java-api refuses an extended property set to the empty string ({@code EwsUtilities.validateParam}),
     * with this exception: the task is not created (its outcome names it), as before.
     */
    @SuppressWarnings("java:S112") // the very exception ews-java-api throws, so the outcome reads the same
    private static void nonEmpty(String value) throws Exception {
        if (value != null && value.isEmpty()) {
            throw new Exception("Argument value not valid");
        }
    }

    private static String capitalized(String enumName) {
        return enumName.charAt(0) + enumName.substring(1).toLowerCase(Locale.ROOT);
    }

    /**
     * The attributes of {@code t:ExtendedFieldURI} in ews-java-api's order; numbers in decimal, as it
     * writes an Integer tag or id.
     */
    private static String extendedUri(String distinguishedSet, UUID setId, Integer tag, String name, Integer id) {
        StringBuilder x = new StringBuilder("<t:ExtendedProperty><t:ExtendedFieldURI");
        if (distinguishedSet != null) {
            x.append(" DistinguishedPropertySetId=\"").append(distinguishedSet).append('"');
        }
        if (setId != null) {
            x.append(" PropertySetId=\"").append(setId).append('"');
        }
        if (tag != null) {
            x.append(" PropertyTag=\"").append(tag).append('"');
        }
        if (name != null && !name.isEmpty()) {
            x.append(" PropertyName=\"");
            attribute(x, name);
            x.append('"');
        }
        if (id != null) {
            x.append(" PropertyId=\"").append(id).append('"');
        }
        return x.append(" PropertyType=\"String\"></t:ExtendedFieldURI>").toString();
    }

    private static void extended(StringBuilder x, String uri, String value) {
        x.append(uri).append("<t:Value>");
        text(x, value);
        x.append("</t:Value></t:ExtendedProperty>");
    }

    private static void element(StringBuilder x, String name, String value) {
        x.append("<t:").append(name).append('>');
        text(x, value);
        x.append("</t:").append(name).append('>');
    }

    /**
     * Character data escaped as the JDK's StAX writer (ews-java-api's) escapes it: {@code & < >} only;
     * every other character, line ends and characters XML 1.0 cannot carry included, is written as it is.
     */
    static void text(StringBuilder x, String s) {
        escape(x, s, false);
    }

    /** An attribute value escaped as the JDK's StAX writer escapes it: {@code & < > "}. */
    static void attribute(StringBuilder x, String s) {
        escape(x, s, true);
    }

    private static void escape(StringBuilder x, String s, boolean quotes) {
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String entity = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> quotes ? "&quot;" : null;
                default -> null;
            };
            if (entity != null) {
                x.append(s, start, i).append(entity);
                start = i + 1;
            }
        }
        x.append(s, start, s.length());
    }
}

package org.tasksync.adapter.graph.internal;

import com.microsoft.graph.models.BodyType;
import com.microsoft.graph.models.DateTimeTimeZone;
import com.microsoft.graph.models.Extension;
import com.microsoft.graph.models.ItemBody;
import com.microsoft.graph.models.LinkedResource;
import com.microsoft.graph.models.OpenTypeExtension;
import com.microsoft.graph.models.TaskStatus;
import com.microsoft.graph.models.TodoTask;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.tasksync.core.mapping.ExchangeDates;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.TaskValues;

/**
 * The field table of SPEC §2 for To Do: {@link TaskValues} to Graph's {@code todoTask} and back.
 * Title, body (escaped HTML), dates, status, importance and reminder are task properties; Complete
 * %, owner, creator and host-defined fields live in the open extension {@value #EXTENSION}, which
 * also holds the CRM id; the CRM id is also a {@code linkedResource} of {@value #APPLICATION}.
 *
 * <p>Every method builds fresh model objects: the SDK's backing store sends a model it has sent
 * before as {@code {}}.
 */
public final class TaskCodec {

    /** The open extension that carries what To Do has no property for. */
    public static final String EXTENSION = "org.tasksync.task";
    /** The application name of the linked resource that tags a task with its CRM id. */
    public static final String APPLICATION = "tasksync";

    static final String CRM_ID = "crmId";
    static final String PERCENT = "percentComplete";
    static final String OWNER = "owner";
    static final String CREATED_BY = "createdBy";
    static final String EXTENDED_PREFIX = "extended.";
    /**
     * What a cleared extension value is written as, and read back as no value. "Update open extension"
     * (v1.0, Request body) documents two PATCH behaviours: for directory objects the body replaces the
     * extension (a property left out is deleted); for Microsoft 365 resources such as messages a property
     * left out keeps its old value and null is not allowed. Which one a todoTask gets is not said, so every
     * PATCH carries the whole extension and a cleared value as this empty string: correct under both.
     */
    static final String CLEARED = "";

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final Set<ExchangeField> TASK_FIELDS = Set.of(ExchangeField.SUBJECT, ExchangeField.BODY,
            ExchangeField.START_DATE, ExchangeField.DUE_DATE, ExchangeField.STATUS, ExchangeField.IMPORTANCE,
            ExchangeField.COMPLETE_DATE, ExchangeField.REMINDER);

    private TaskCodec() {
    }

    /** Whether a field is a property of the task itself (else it lives in the extension). */
    public static boolean isTaskProperty(ExchangeField f) {
        return TASK_FIELDS.contains(f);
    }

    /** A new task with every non-null value, tagged with its CRM id (linked resource and extension). */
    public static TodoTask forCreate(String crmId, TaskValues v, ZoneId zone) {
        TodoTask t = new TodoTask();
        t.setTitle(v.subject() == null ? "" : v.subject());
        if (v.body() != null && !v.body().isEmpty()) t.setBody(body(v.body()));
        if (v.startDate() != null) t.setStartDateTime(date(v.startDate(), zone));
        if (v.dueDate() != null) t.setDueDateTime(date(v.dueDate(), zone));
        if (v.status() != null) t.setStatus(status(v.status()));
        if (v.importance() != null) t.setImportance(importance(v.importance()));
        if (v.completeDate() != null && v.status() == ExchangeStatus.COMPLETED) {
            t.setCompletedDateTime(date(v.completeDate(), zone));
        }
        t.setIsReminderOn(v.reminderSet() && v.reminderAt() != null);
        if (v.reminderSet() && v.reminderAt() != null) t.setReminderDateTime(instant(v.reminderAt()));

        LinkedResource tag = new LinkedResource();
        tag.setApplicationName(APPLICATION);
        tag.setDisplayName("CRM task " + crmId);
        tag.setExternalId(crmId);
        t.setLinkedResources(List.of(tag));

        OpenTypeExtension ext = new OpenTypeExtension();
        ext.setOdataType("#microsoft.graph.openTypeExtension");
        ext.setExtensionName(EXTENSION);
        Map<String, Object> data = ext.getAdditionalData();
        data.put(CRM_ID, crmId);
        extensionValues(v, v.extended().keySet()).forEach((k, val) -> {
            if (val != null) data.put(k, val);
        });
        t.setExtensions(List.<Extension>of(ext));
        return t;
    }

    /** The task properties among {@code fields}, for a PATCH; null values clear them. Null if none. */
    public static TodoTask taskPatch(TaskValues v, Set<ExchangeField> fields, ZoneId zone) {
        if (fields.stream().noneMatch(TaskCodec::isTaskProperty)) {
            return null;
        }
        TodoTask t = new TodoTask();
        Map<String, Object> clear = t.getAdditionalData();
        if (fields.contains(ExchangeField.SUBJECT)) t.setTitle(v.subject() == null ? "" : v.subject());
        if (fields.contains(ExchangeField.BODY)) {
            if (v.body() == null || v.body().isEmpty()) {
                ItemBody empty = new ItemBody();
                empty.setContent("");
                empty.setContentType(BodyType.Text);
                t.setBody(empty);
            } else {
                t.setBody(body(v.body()));
            }
        }
        if (fields.contains(ExchangeField.START_DATE)) {
            if (v.startDate() == null) clear.put("startDateTime", null); else t.setStartDateTime(date(v.startDate(), zone));
        }
        if (fields.contains(ExchangeField.DUE_DATE)) {
            if (v.dueDate() == null) clear.put("dueDateTime", null); else t.setDueDateTime(date(v.dueDate(), zone));
        }
        if (fields.contains(ExchangeField.STATUS) && v.status() != null) t.setStatus(status(v.status()));
        if (fields.contains(ExchangeField.IMPORTANCE) && v.importance() != null) t.setImportance(importance(v.importance()));
        if (fields.contains(ExchangeField.COMPLETE_DATE)) {
            boolean completed = fields.contains(ExchangeField.STATUS) ? v.status() == ExchangeStatus.COMPLETED
                    : v.completeDate() != null;
            if (v.completeDate() == null || !completed) {
                clear.put("completedDateTime", null);
            } else {
                t.setCompletedDateTime(date(v.completeDate(), zone));
            }
        }
        if (fields.contains(ExchangeField.REMINDER)) {
            boolean on = v.reminderSet() && v.reminderAt() != null;
            t.setIsReminderOn(on);
            if (on) t.setReminderDateTime(instant(v.reminderAt())); else clear.put("reminderDateTime", null);
        }
        return t;
    }

    /** Whether an update of {@code fields} writes the open extension. */
    public static boolean touchesExtension(Set<ExchangeField> fields) {
        return fields.stream().anyMatch(f -> !isTaskProperty(f));
    }

    /**
     * The whole extension for a PATCH (or a POST that recreates it): the CRM id and every extension value
     * of {@code v}, each extended field named in {@code fields} included even when cleared. A cleared
     * value is written as {@link #CLEARED}, never as null and never left out (see {@link #CLEARED}).
     */
    public static Map<String, Object> wholeExtension(String crmIdOrNull, TaskValues v, Set<ExchangeField> fields) {
        java.util.Set<String> extendedNames = new java.util.LinkedHashSet<>(v.extended().keySet());
        for (ExchangeField f : fields) {
            if (f.isExtended()) extendedNames.add(f.name());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        if (crmIdOrNull != null) out.put(CRM_ID, crmIdOrNull);
        out.putAll(extensionValues(v, extendedNames));
        out.replaceAll((k, val) -> val == null ? CLEARED : val);
        return out;
    }

    /** Complete %, owner, created-by and the extended fields named, as the extension holds them. */
    private static Map<String, Object> extensionValues(TaskValues v, Collection<String> extendedNames) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(PERCENT, v.percentComplete() == null ? null : v.percentComplete().toString());
        out.put(OWNER, v.owner());
        out.put(CREATED_BY, v.createdBy());
        for (String name : extendedNames) {
            out.put(EXTENDED_PREFIX + name, v.extended().get(name));
        }
        return out;
    }

    /** A fresh extension object carrying {@code values}, for PATCH or POST. */
    public static OpenTypeExtension extension(Map<String, Object> values, String crmIdOrNull) {
        OpenTypeExtension ext = new OpenTypeExtension();
        ext.setOdataType("#microsoft.graph.openTypeExtension");
        ext.setExtensionName(EXTENSION);
        if (crmIdOrNull != null) ext.getAdditionalData().put(CRM_ID, crmIdOrNull);
        ext.getAdditionalData().putAll(values);
        return ext;
    }

    // ------------------------------------------------------------------ reading

    /**
     * The task as the engine sees it. {@code delegated} when the list is not the mailbox's own or a
     * linked resource of one of {@code assignmentApps} marks the task as assigned.
     */
    public static ExchangeTask read(TodoTask t, ZoneId zone, boolean listOwned, Set<String> assignmentApps) {
        Map<String, String> ext = extensionOf(t);
        String crmId = null;
        boolean assigned = false;
        if (t.getLinkedResources() != null) {
            for (LinkedResource r : t.getLinkedResources()) {
                String app = r.getApplicationName();
                if (APPLICATION.equals(app) && r.getExternalId() != null && crmId == null) {
                    crmId = r.getExternalId();
                }
                if (app != null && assignmentApps.stream().anyMatch(a -> a.equalsIgnoreCase(app))) {
                    assigned = true;
                }
            }
        }
        if (crmId == null) {
            crmId = ext.get(CRM_ID);
        }
        ExchangeStatus status = status(t.getStatus());
        TaskValues.Builder b = TaskValues.builder()
                .subject(t.getTitle())
                .body(bodyText(t.getBody()))
                .startDate(readDate(t.getStartDateTime(), zone))
                .dueDate(readDate(t.getDueDateTime(), zone))
                .status(status)
                .importance(importance(t.getImportance()))
                .completeDate(status == ExchangeStatus.COMPLETED ? readDate(t.getCompletedDateTime(), zone) : null)
                .owner(ext.get(OWNER))
                .createdBy(ext.get(CREATED_BY))
                .percentComplete(percent(status, ext.get(PERCENT)));
        Instant reminder = readInstant(t.getReminderDateTime());
        b.reminder(Boolean.TRUE.equals(t.getIsReminderOn()) && reminder != null, reminder);
        ext.forEach((k, v) -> {
            if (k.startsWith(EXTENDED_PREFIX) && v != null) b.extended(k.substring(EXTENDED_PREFIX.length()), v);
        });
        Instant modified = t.getLastModifiedDateTime() == null ? null : t.getLastModifiedDateTime().toInstant();
        // a recurring task regenerates when completed (docs/engine.md, "Recurring tasks")
        return new ExchangeTask(t.getId(), etag(t), crmId, b.build(), modified, assigned || !listOwned,
                t.getRecurrence() != null);
    }

    /** What the engine keeps of a task it wrote: Graph's id and etag of it. */
    public record Written(String id, String etag) {
    }

    /** The task's etag, which Graph sends as the annotation {@code @odata.etag}. */
    public static String etag(TodoTask t) {
        Object e = t.getAdditionalData().get("@odata.etag");
        return e == null ? null : Values.text(e);
    }

    /** Whether a delta entry is a removal ({@code @removed}). */
    public static boolean isRemoved(TodoTask t) {
        return t.getAdditionalData().containsKey("@removed");
    }

    /**
     * Complete % as Outlook keeps it: 100 for a completed task, whatever the extension says; a
     * task reopened in To Do (100 % stored, no longer completed) reads as 0 %, as Outlook resets it.
     */
    private static Integer percent(ExchangeStatus status, String stored) {
        if (status == ExchangeStatus.COMPLETED) {
            return 100;
        }
        if (stored == null) {
            return null;
        }
        // a string as the adapter writes it, or a whole JSON number (which the SDK hands over as a double)
        Integer p = TaskJson.percent(new com.google.gson.JsonPrimitive(stored));
        return p == null ? null : p >= 100 ? 0 : Math.max(0, p);
    }

    private static Map<String, String> extensionOf(TodoTask t) {
        Map<String, String> out = new LinkedHashMap<>();
        if (t.getExtensions() == null) {
            return out;
        }
        for (Extension e : t.getExtensions()) {
            String name = e instanceof OpenTypeExtension o ? o.getExtensionName() : null;
            if (name == null) {
                Object n = e.getAdditionalData().get("extensionName");
                name = n == null ? e.getId() : Values.text(n);
            }
            if (name != null && (name.equals(EXTENSION) || name.endsWith("." + EXTENSION))) {
                e.getAdditionalData().forEach((k, v) -> {
                    if (!k.startsWith("@") && v != null) {
                        String s = Values.text(v);
                        if (s != null && !s.equals(CLEARED)) out.put(k, s);
                    }
                });
            }
        }
        return out;
    }

    private static String bodyText(ItemBody body) {
        if (body == null || body.getContent() == null || body.getContent().isEmpty()) {
            return null;
        }
        String text = body.getContentType() == BodyType.Html ? HtmlText.toText(body.getContent()) : body.getContent();
        return text.isEmpty() ? null : text;
    }

    // ------------------------------------------------------------------ values

    private static ItemBody body(String text) {
        ItemBody b = new ItemBody();
        b.setContentType(BodyType.Html);
        b.setContent(HtmlText.toHtml(text));
        return b;
    }

    /**
     * A calendar date as To Do keeps it ("Create todoTask": "the date in the specified time zone"): the
     * date at 00:00, with the Windows name of the mailbox's zone, which Graph takes for every zone
     * (its IANA names are a short list; CLDR's table in ICU4J gives the Windows name). A zone without
     * one (a bare offset) sends the date in UTC, which keeps the same date.
     */
    static DateTimeTimeZone date(LocalDate d, ZoneId zone) {
        DateTimeTimeZone dt = new DateTimeTimeZone();
        dt.setDateTime(dateText(d));
        dt.setTimeZone(dateZone(zone));
        return dt;
    }

    /** The {@code dateTime} of a calendar date: its midnight. */
    static String dateText(LocalDate d) {
        return LOCAL.format(d.atStartOfDay());
    }

    /** The {@code timeZone} a calendar date is written in (see {@link #date}). */
    static String dateZone(ZoneId zone) {
        String windows = windowsName(zone);
        return windows == null ? "UTC" : windows;
    }

    /** The Windows time-zone name of a zone (CLDR, through ICU4J), or null when it has none. */
    static String windowsName(ZoneId zone) {
        if (zone instanceof ZoneOffset) {
            return zone.equals(ZoneOffset.UTC) ? "UTC" : null;
        }
        return remembered(WINDOWS_NAMES, zone.getId(), com.ibm.icu.util.TimeZone::getWindowsID);
    }

    /**
     * ICU's answers by name, in both directions. ICU walks CLDR's whole windowsZones table on every
     * call (getWindowsID was 17 % of the engine's CPU in a Graph initial sync, every date of every
     * created task; docs/perf/graphcpu.md); the answer for a name never changes. Bounded, as names
     * read from Graph come from outside.
     */
    private static final Map<String, Optional<String>> WINDOWS_NAMES = new ConcurrentHashMap<>();
    private static final Map<String, Optional<ZoneId>> WINDOWS_ZONES = new ConcurrentHashMap<>();
    static final int MAX_REMEMBERED = 1_000;

    private static <T> T remembered(Map<String, Optional<T>> cache, String name,
                                    Function<String, T> lookUp) {
        Optional<T> known = cache.get(name);
        if (known != null) {
            return known.orElse(null);
        }
        T found = lookUp.apply(name);
        if (cache.size() < MAX_REMEMBERED) {
            cache.put(name, Optional.ofNullable(found));
        }
        return found;
    }

    /**
     * The zone whose rules Graph applies to a date written for {@code zone}: the zone Windows uses for
     * its Windows name (W. Europe Standard Time is Europe/Berlin's rules, also for Vienna), else UTC.
     * Reading with these rules gives back the date written, also in years where the rep's own zone had
     * other rules.
     */
    static ZoneId graphRules(ZoneId zone) {
        String windows = windowsName(zone);
        ZoneId rules = windows == null ? null : windowsZone(windows);
        return rules == null ? ZoneOffset.UTC : rules;
    }

    private static ZoneId windowsZone(String windowsName) {
        return remembered(WINDOWS_ZONES, windowsName, name -> {
            String iana = com.ibm.icu.util.TimeZone.getIDForWindowsID(name, null);
            try {
                return iana == null ? null : ZoneId.of(iana);
            } catch (DateTimeException e) {
                return null;
            }
        });
    }

    static DateTimeTimeZone instant(Instant i) {
        DateTimeTimeZone dt = new DateTimeTimeZone();
        dt.setDateTime(instantText(i));
        dt.setTimeZone("UTC");
        return dt;
    }

    /** The {@code dateTime} of an instant, written in UTC. */
    static String instantText(Instant i) {
        return LOCAL.format(LocalDateTime.ofInstant(i, ZoneOffset.UTC));
    }

    /**
     * A calendar date read back. To Do keeps the date in the zone it was written in and returns that
     * date's midnight as a UTC time (docs/graph.md, "How dates travel"): its date under the rules of
     * the zone the adapter writes in ({@link #graphRules}) is the date. A value at midnight in its
     * stated zone is that date as it stands (a date written in UTC, or set where Graph keeps only the
     * date); the two readings agree, because midnight in the rep's zone is midnight UTC only when that
     * zone is at UTC's offset.
     */
    static LocalDate readDate(DateTimeTimeZone dt, ZoneId zone) {
        LocalDateTime local = localDateTime(dt);
        if (local == null) {
            return null;
        }
        if (local.toLocalTime().equals(LocalTime.MIDNIGHT)) {
            return local.toLocalDate();
        }
        return ExchangeDates.toDate(local.atZone(zoneOf(dt)).toInstant(), graphRules(zone));
    }

    static Instant readInstant(DateTimeTimeZone dt) {
        LocalDateTime local = localDateTime(dt);
        return local == null ? null : local.atZone(zoneOf(dt)).toInstant();
    }

    private static LocalDateTime localDateTime(DateTimeTimeZone dt) {
        if (dt == null || dt.getDateTime() == null || dt.getDateTime().isBlank()) {
            return null;
        }
        try {
            return LocalDateTime.parse(dt.getDateTime().trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("Graph sent an unreadable date-time '" + dt.getDateTime() + "'");
        }
    }

    private static ZoneId zoneOf(DateTimeTimeZone dt) {
        String name = dt.getTimeZone();
        if (name == null || name.isBlank()) {
            return ZoneOffset.UTC;
        }
        ZoneId zone = zoneNamed(name);
        if (zone == null) {
            throw new IllegalArgumentException("Graph sent a time zone this adapter does not know: '" + name
                    + "' (it asks for UTC and reads IANA names)");
        }
        return zone;
    }

    /**
     * The zone Graph names {@code name}: UTC in Graph's spellings, an IANA name, or a Windows name
     * (what Graph sends when asked with {@code Prefer: outlook.timezone}); null when unknown.
     */
    static ZoneId zoneNamed(String name) {
        if (name.equalsIgnoreCase("UTC") || name.equalsIgnoreCase("tzone://Microsoft/Utc")) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(name);
        } catch (DateTimeException e) {
            return windowsZone(name);
        }
    }

    static TaskStatus status(ExchangeStatus s) {
        return switch (s) {
            case NOT_STARTED -> TaskStatus.NotStarted;
            case IN_PROGRESS -> TaskStatus.InProgress;
            case COMPLETED -> TaskStatus.Completed;
            case WAITING_ON_OTHERS -> TaskStatus.WaitingOnOthers;
            case DEFERRED -> TaskStatus.Deferred;
        };
    }

    static ExchangeStatus status(TaskStatus s) {
        if (s == null) {
            return null;
        }
        return switch (s) {
            case NotStarted -> ExchangeStatus.NOT_STARTED;
            case InProgress -> ExchangeStatus.IN_PROGRESS;
            case Completed -> ExchangeStatus.COMPLETED;
            case WaitingOnOthers -> ExchangeStatus.WAITING_ON_OTHERS;
            case Deferred -> ExchangeStatus.DEFERRED;
        };
    }

    static com.microsoft.graph.models.Importance importance(Importance i) {
        return switch (i) {
            case LOW -> com.microsoft.graph.models.Importance.Low;
            case NORMAL -> com.microsoft.graph.models.Importance.Normal;
            case HIGH -> com.microsoft.graph.models.Importance.High;
        };
    }

    static Importance importance(com.microsoft.graph.models.Importance i) {
        if (i == null) {
            return null;
        }
        return switch (i.getValue().toLowerCase(Locale.ROOT)) {
            case "low" -> Importance.LOW;
            case "high" -> Importance.HIGH;
            default -> Importance.NORMAL;
        };
    }
}

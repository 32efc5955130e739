package org.tasksync.adapter.graph.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.microsoft.graph.models.TodoTask;
import com.microsoft.kiota.serialization.JsonParseNode;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import org.tasksync.core.model.ExchangeTask;

/**
 * A task as Graph sent it, checked field by field before the SDK makes its model of it. The SDK
 * reads what it does not expect as nothing or as something else, without a word: an unknown status
 * or importance becomes null, a number where a string belongs becomes its text, a string where an
 * object belongs becomes an empty object (a due date gone), a missing time zone is taken for UTC.
 * Read like that, a task would look as if the rep had changed it, and the engine would write the
 * CRM's values over the rep's status. So every field the adapter reads must have the type and the
 * values Graph documents; anything else is an {@link Unreadable} naming the field and the value.
 *
 * <p>Field names are Graph's, with OData's {@code /} for a path ({@code dueDateTime/timeZone},
 * {@code extensions/org.tasksync.task/percentComplete}).
 */
final class TaskJson {

    static final Set<String> STATUSES = Set.of("notStarted", "inProgress", "completed", "waitingOnOthers", "deferred");
    static final Set<String> IMPORTANCES = Set.of("low", "normal", "high");
    private static final Set<String> BODY_TYPES = Set.of("text", "html");
    private static final String[] DATE_TIMES = {"startDateTime", "dueDateTime", "completedDateTime", "reminderDateTime"};
    private static final String[] TIMESTAMPS = {"lastModifiedDateTime", "createdDateTime", "bodyLastModifiedDateTime"};
    private static final int MAX_VALUE = 200;

    private TaskJson() {
    }

    /** A value that cannot be read: which field, the raw value (null when missing), and why. */
    static final class Unreadable extends Exception {
        final String field;
        final String value;
        final String reason;

        Unreadable(String field, String value, String reason) {
            super((field == null ? "" : "field " + field + " = " + (value == null ? "(missing)" : "'" + value + "'")
                    + ": ") + reason);
            this.field = field;
            this.value = value;
            this.reason = reason;
        }
    }

    /**
     * An answer that is not JSON at all, or not the JSON asked for. Without a cause: Gson's
     * MalformedJsonException is an IOException, which would make it look like a dropped connection.
     */
    static final class NotJson extends RuntimeException {
        /** What is wrong, without the text. */
        final String reason;
        /** The start of the text, or null. */
        final String text;

        NotJson(String reason, String text) {
            super(text == null ? reason : reason + " (" + text + ")");
            this.reason = reason;
            this.text = text;
        }

        NotJson(String message) {
            this(message, null);
        }
    }

    // ------------------------------------------------------------------ parsing

    /** What {@link #parse} says of an answer without a body. */
    static NotJson emptyAnswer() {
        return new NotJson("Graph's answer is empty");
    }

    /** The answer as JSON, strictly: malformed JSON is refused, not guessed at. */
    static JsonElement parse(byte[] body) {
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            throw emptyAnswer();
        }
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(Strictness.STRICT);
            JsonElement e = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new NotJson("Graph's answer is not JSON: more after the end of the document", snippet(text));
            }
            return e;
        } catch (JsonParseException | IOException | IllegalStateException e) {
            throw new NotJson("Graph's answer is not JSON: " + cause(e), snippet(text));
        }
    }

    /** The innermost message (Gson wraps its parser's exception and repeats its class name). */
    private static String cause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        if (t.getMessage() == null) {
            return t.getClass().getSimpleName();
        }
        // "Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON at line 1 column 1 path $\nSee …"
        String m = t.getMessage().lines().findFirst().orElse("");
        return m.replaceFirst("^Use JsonReader\\.setStrictness\\([^)]*\\) to accept ", "");
    }

    /** The start of a text, for messages. */
    static String snippet(String text) {
        String t = text.strip();
        return t.length() <= MAX_VALUE ? t : t.substring(0, MAX_VALUE) + "… (" + t.length() + " characters)";
    }

    /** A value as reports show it: a string's text, else its JSON; long ones cut. */
    static String show(JsonElement v) {
        if (v == null) {
            return null;
        }
        String s = v.isJsonPrimitive() && v.getAsJsonPrimitive().isString() ? v.getAsString() : v.toString();
        return s.length() <= MAX_VALUE ? s : s.substring(0, MAX_VALUE) + "… (" + s.length() + " characters)";
    }

    /** The string value of a member, or null when it is missing, null or not a string. */
    static String string(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
    }

    // ------------------------------------------------------------------ the CRM id

    /** What a task says about its CRM id. */
    record CrmTag(String crmId, boolean unreadable) {
        static final CrmTag NONE = new CrmTag(null, false);
    }

    /**
     * The CRM id from the linked resource of {@value TaskCodec#APPLICATION} or, failing that, from
     * the extension; {@code unreadable} when a tag is there but its id is not a string.
     */
    static CrmTag crmTag(JsonObject task) {
        boolean unreadable = false;
        JsonElement links = task.get("linkedResources");
        if (links != null && links.isJsonArray()) {
            for (JsonElement r : links.getAsJsonArray()) {
                if (r.isJsonObject() && TaskCodec.APPLICATION.equals(string(r.getAsJsonObject(), "applicationName"))) {
                    String id = string(r.getAsJsonObject(), "externalId");
                    if (id != null) {
                        return new CrmTag(id, false);
                    }
                    unreadable = true;
                }
            }
        }
        JsonObject ext = extension(task);
        if (ext != null && ext.has(TaskCodec.CRM_ID) && !ext.get(TaskCodec.CRM_ID).isJsonNull()) {
            String id = string(ext, TaskCodec.CRM_ID);
            if (id != null) {
                return new CrmTag(id, false);
            }
            unreadable = true;
        }
        return unreadable ? new CrmTag(null, true) : CrmTag.NONE;
    }

    /** The adapter's open extension among the task's, or null. */
    private static JsonObject extension(JsonObject task) {
        JsonElement all = task.get("extensions");
        if (all == null || !all.isJsonArray()) {
            return null;
        }
        for (JsonElement e : all.getAsJsonArray()) {
            if (!e.isJsonObject()) {
                continue;
            }
            String name = string(e.getAsJsonObject(), "extensionName");
            if (name == null) {
                name = string(e.getAsJsonObject(), "id");
            }
            if (name != null && (name.equals(TaskCodec.EXTENSION) || name.endsWith("." + TaskCodec.EXTENSION))) {
                return e.getAsJsonObject();
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ reading

    /** The task as the engine sees it, or why it cannot be read. */
    static ExchangeTask read(JsonObject task, ZoneId zone, boolean listOwned, Set<String> assignmentApps)
            throws Unreadable {
        check(task);
        TodoTask model;
        try {
            model = new JsonParseNode(task).getObjectValue(TodoTask::createFromDiscriminatorValue);
        } catch (RuntimeException e) {
            throw sdkFailure(task, e);
        }
        try {
            return TaskCodec.read(model, zone, listOwned, assignmentApps);
        } catch (RuntimeException e) {
            throw new Unreadable(null, null, "the adapter cannot read the task: " + e.getMessage());
        }
    }

    /** The SDK failed on a value the checks let through: find which by reading one member at a time. */
    private static Unreadable sdkFailure(JsonObject task, RuntimeException whole) {
        for (Map.Entry<String, JsonElement> m : task.entrySet()) {
            JsonObject one = new JsonObject();
            one.add(m.getKey(), m.getValue());
            try {
                new JsonParseNode(one).getObjectValue(TodoTask::createFromDiscriminatorValue);
            } catch (RuntimeException e) {
                return new Unreadable(m.getKey(), show(m.getValue()), "Graph's SDK cannot read it: " + e.getMessage());
            }
        }
        return new Unreadable(null, null, "Graph's SDK cannot read the task: " + whole);
    }

    /** Throws for the first field the adapter reads that does not have the type and values Graph documents. */
    static void check(JsonObject t) throws Unreadable {
        requiredString(t, "id");
        requiredEnum(t, "status", STATUSES, "a task without its status cannot be synchronized: read as none, the"
                + " CRM's status would overwrite the rep's");
        optionalEnum(t, "importance", IMPORTANCES);
        optionalString(t, "title");
        JsonElement body = member(t, "body");
        if (body != null) {
            JsonObject b = object(body, "body", "an itemBody object");
            optionalString(b, "body/content", "content");
            JsonElement type = member(b, "contentType");
            if (type != null) {
                String s = string(type, "body/contentType");
                if (!BODY_TYPES.contains(s.toLowerCase(java.util.Locale.ROOT))) {
                    throw new Unreadable("body/contentType", s, "not a body type Graph defines (text, html)");
                }
            }
        }
        for (String f : DATE_TIMES) {
            JsonElement v = member(t, f);
            if (v != null) {
                checkDateTimeTimeZone(object(v, f, "a dateTimeTimeZone object"), f);
            }
        }
        JsonElement reminderOn = member(t, "isReminderOn");
        if (reminderOn != null && !(reminderOn.isJsonPrimitive() && reminderOn.getAsJsonPrimitive().isBoolean())) {
            throw new Unreadable("isReminderOn", show(reminderOn), kind(reminderOn) + " where Graph sends true or false");
        }
        for (String f : TIMESTAMPS) {
            JsonElement v = member(t, f);
            if (v != null) {
                String s = string(v, f);
                try {
                    OffsetDateTime.parse(s);
                } catch (DateTimeParseException e) {
                    throw new Unreadable(f, s, "not a date and time with offset (ISO 8601)");
                }
            }
        }
        checkLinkedResources(t);
        checkExtension(t);
    }

    private static void checkDateTimeTimeZone(JsonObject dt, String field) throws Unreadable {
        JsonElement dateTime = member(dt, "dateTime");
        if (dateTime == null) {
            throw new Unreadable(field + "/dateTime", null, "missing");
        }
        String local = string(dateTime, field + "/dateTime");
        try {
            LocalDateTime.parse(local.trim());
        } catch (DateTimeParseException e) {
            throw new Unreadable(field + "/dateTime", local, "not a date and time (yyyy-MM-ddTHH:mm:ss)");
        }
        JsonElement tz = member(dt, "timeZone");
        if (tz == null) {
            throw new Unreadable(field + "/timeZone", null, "missing: without its time zone the date cannot be told");
        }
        String name = string(tz, field + "/timeZone");
        if (!knownZone(name)) {
            throw new Unreadable(field + "/timeZone", name, "a time zone this adapter does not know (it asks for "
                    + "UTC and reads UTC and IANA names)");
        }
    }

    /** The zones {@link TaskCodec} reads: UTC in Graph's spellings, and IANA names. */
    static boolean knownZone(String name) {
        return !name.isBlank() && TaskCodec.zoneNamed(name) != null;
    }

    private static void checkLinkedResources(JsonObject t) throws Unreadable {
        JsonElement v = member(t, "linkedResources");
        if (v == null) {
            return;
        }
        if (!v.isJsonArray()) {
            throw new Unreadable("linkedResources", show(v), kind(v) + " where Graph sends an array");
        }
        JsonArray links = v.getAsJsonArray();
        for (JsonElement r : links) {
            JsonObject link = object(r, "linkedResources", "a linkedResource object");
            optionalString(link, "linkedResources/applicationName", "applicationName");
            optionalString(link, "linkedResources/externalId", "externalId");
        }
    }

    private static void checkExtension(JsonObject t) throws Unreadable {
        JsonElement v = member(t, "extensions");
        if (v == null) {
            return;
        }
        if (!v.isJsonArray()) {
            throw new Unreadable("extensions", show(v), kind(v) + " where Graph sends an array");
        }
        JsonObject ext = extension(t);
        if (ext == null) {
            return;
        }
        String path = "extensions/" + TaskCodec.EXTENSION + "/";
        for (Map.Entry<String, JsonElement> m : ext.entrySet()) {
            String k = m.getKey();
            JsonElement val = m.getValue();
            if (k.startsWith("@") || val.isJsonNull()) {
                continue;
            }
            boolean ours = k.equals(TaskCodec.CRM_ID) || k.equals(TaskCodec.PERCENT) || k.equals(TaskCodec.OWNER)
                    || k.equals(TaskCodec.CREATED_BY) || k.startsWith(TaskCodec.EXTENDED_PREFIX);
            if (!ours) {
                continue;
            }
            if (k.equals(TaskCodec.CRM_ID)) {
                if (!(val.isJsonPrimitive() && val.getAsJsonPrimitive().isString())) {
                    throw new Unreadable(path + k, show(val), kind(val) + " where the adapter writes a string");
                }
            } else if (k.equals(TaskCodec.PERCENT)) {
                if (percent(val) == null && !TaskCodec.CLEARED.equals(val.isJsonPrimitive() ? val.getAsString() : null)) {
                    throw new Unreadable(path + k, show(val), "not a whole number (the adapter writes it as a string"
                            + " such as \"50\")");
                }
            } else if (!val.isJsonPrimitive()) {
                throw new Unreadable(path + k, show(val), kind(val) + " where the adapter writes a string");
            }
        }
    }

    /** Complete % as stored: a whole number, as a string (what the adapter writes) or a JSON number. */
    static Integer percent(JsonElement v) {
        if (!v.isJsonPrimitive() || v.getAsJsonPrimitive().isBoolean()) {
            return null;
        }
        try {
            BigDecimal d = new BigDecimal(v.getAsString().trim());
            return d.stripTrailingZeros().scale() > 0 ? null : d.intValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The member's value, or null when it is missing or JSON null (which Graph sends for "none"). */
    private static JsonElement member(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e == null || e.isJsonNull() ? null : e;
    }

    private static void requiredString(JsonObject o, String name) throws Unreadable {
        JsonElement e = member(o, name);
        if (e == null) {
            throw new Unreadable(name, null, "missing");
        }
        if (string(e, name).isEmpty()) {
            throw new Unreadable(name, "", "empty");
        }
    }

    private static void optionalString(JsonObject o, String name) throws Unreadable {
        optionalString(o, name, name);
    }

    private static void optionalString(JsonObject o, String field, String name) throws Unreadable {
        JsonElement e = member(o, name);
        if (e != null) {
            string(e, field);
        }
    }

    private static void requiredEnum(JsonObject o, String name, Set<String> values, String whyRequired)
            throws Unreadable {
        JsonElement e = member(o, name);
        if (e == null) {
            throw new Unreadable(name, null, "missing: " + whyRequired);
        }
        enumValue(e, name, values);
    }

    private static void optionalEnum(JsonObject o, String name, Set<String> values) throws Unreadable {
        JsonElement e = member(o, name);
        if (e != null) {
            enumValue(e, name, values);
        }
    }

    private static void enumValue(JsonElement e, String name, Set<String> values) throws Unreadable {
        String s = string(e, name);
        if (!values.contains(s)) {
            throw new Unreadable(name, s, "not a value Graph defines for " + name + " (" + String.join(", ",
                    new java.util.TreeSet<>(values)) + ")");
        }
    }

    /** A value that must be a JSON string. */
    private static String string(JsonElement e, String field) throws Unreadable {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            return e.getAsString();
        }
        throw new Unreadable(field, show(e), kind(e) + " where Graph sends a string");
    }

    private static JsonObject object(JsonElement e, String field, String what) throws Unreadable {
        if (e.isJsonObject()) {
            return e.getAsJsonObject();
        }
        throw new Unreadable(field, show(e), kind(e) + " where Graph sends " + what);
    }

    /** "a number", "a string", … for messages. */
    static String kind(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return "null";
        }
        if (e.isJsonObject()) {
            return "an object";
        }
        if (e.isJsonArray()) {
            return "an array";
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        return p.isBoolean() ? "a boolean" : p.isNumber() ? "a number" : "a string";
    }
}

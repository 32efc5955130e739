package org.tasksync.adapter.graph.internal;

import com.google.gson.stream.JsonWriter;
import com.microsoft.kiota.HttpMethod;
import com.microsoft.kiota.RequestInformation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.TaskValues;

/**
 * The JSON body of a todoTask create or PATCH written straight from the engine's values, byte for byte
 * what Kiota writes for the SDK's model that {@link TaskCodec#forCreate} / {@link TaskCodec#taskPatch}
 * build. Kiota's model, backing store and serialization writer were about 15 % of the engine's CPU in a
 * Graph initial sync (docs/perf/graphjson.md).
 *
 * <p>What makes the bytes the same: Kiota's {@code JsonSerializationWriter} writes through Gson's
 * {@link JsonWriter} at its defaults, as here, so every string is escaped by the same code (quotes,
 * backslash, control characters, U+2028/2029; {@code <>&'} and non-ASCII as they are), and encodes it
 * as UTF-8 (a lone surrogate becomes {@code ?}). The SDK's generated
 * {@code serialize} writes an entity's additional data first, then its properties in the order of their
 * names, leaving out nulls; additional data is a {@link HashMap}, so it goes out in that map's order, which
 * a {@link HashMap} filled with the same keys in the same order reproduces. {@code TodoTaskJsonTest} and
 * {@code TodoTaskJsonProperties} hold this class to the SDK's bytes. Stateless and thread-safe.
 */
public final class TodoTaskJson {

    private static final String JSON = "application/json";

    private TodoTaskJson() {
    }

    /** The body of a create: what {@code TaskCodec.forCreate(crmId, v, zone)} serializes to. */
    public static byte[] create(String crmId, TaskValues v, ZoneId zone) {
        Objects.requireNonNull(crmId, "crmId of a new task");
        return write(w -> {
            w.beginObject();
            if (v.body() != null && !v.body().isEmpty()) {
                body(w, "html", HtmlText.toHtml(v.body()));
            }
            if (v.completeDate() != null && v.status() == ExchangeStatus.COMPLETED) {
                date(w, "completedDateTime", v.completeDate(), zone);
            }
            if (v.dueDate() != null) date(w, "dueDateTime", v.dueDate(), zone);
            extensions(w, crmId, v);
            if (v.importance() != null) w.name("importance").value(importance(v));
            boolean reminder = v.reminderSet() && v.reminderAt() != null;
            w.name("isReminderOn").value(reminder);
            w.name("linkedResources").beginArray().beginObject()
                    .name("applicationName").value(TaskCodec.APPLICATION)
                    .name("displayName").value("CRM task " + crmId)
                    .name("externalId").value(crmId)
                    .endObject().endArray();
            if (reminder) instant(w, "reminderDateTime", v.reminderAt());
            if (v.startDate() != null) date(w, "startDateTime", v.startDate(), zone);
            if (v.status() != null) w.name("status").value(status(v.status()));
            w.name("title").value(v.subject() == null ? "" : v.subject());
            w.endObject();
        });
    }

    /**
     * The body of a task PATCH of {@code fields}: what {@code TaskCodec.taskPatch(v, fields, zone)}
     * serializes to (a cleared date or reminder as an explicit null). Null when no field is a task property.
     */
    public static byte[] patch(TaskValues v, Set<ExchangeField> fields, ZoneId zone) {
        if (fields.stream().noneMatch(TaskCodec::isTaskProperty)) {
            return null;
        }
        boolean start = fields.contains(ExchangeField.START_DATE);
        boolean due = fields.contains(ExchangeField.DUE_DATE);
        boolean completedField = fields.contains(ExchangeField.COMPLETE_DATE);
        boolean reminderField = fields.contains(ExchangeField.REMINDER);
        boolean completed = completedField && v.completeDate() != null
                && (fields.contains(ExchangeField.STATUS) ? v.status() == ExchangeStatus.COMPLETED : true);
        boolean reminder = v.reminderSet() && v.reminderAt() != null;
        // the model's additional data: the cleared properties, put in TaskCodec.taskPatch's order
        Map<String, Object> cleared = new HashMap<>();
        if (start && v.startDate() == null) cleared.put("startDateTime", null);
        if (due && v.dueDate() == null) cleared.put("dueDateTime", null);
        if (completedField && !completed) cleared.put("completedDateTime", null);
        if (reminderField && !reminder) cleared.put("reminderDateTime", null);
        return write(w -> {
            w.beginObject();
            for (String name : cleared.keySet()) {
                w.name(name).nullValue();
            }
            if (fields.contains(ExchangeField.BODY)) {
                if (v.body() == null || v.body().isEmpty()) {
                    body(w, "text", "");
                } else {
                    body(w, "html", HtmlText.toHtml(v.body()));
                }
            }
            if (completed) date(w, "completedDateTime", v.completeDate(), zone);
            if (due && v.dueDate() != null) date(w, "dueDateTime", v.dueDate(), zone);
            if (fields.contains(ExchangeField.IMPORTANCE) && v.importance() != null) {
                w.name("importance").value(importance(v));
            }
            if (reminderField) {
                w.name("isReminderOn").value(reminder);
                if (reminder) instant(w, "reminderDateTime", v.reminderAt());
            }
            if (start && v.startDate() != null) date(w, "startDateTime", v.startDate(), zone);
            if (fields.contains(ExchangeField.STATUS) && v.status() != null) {
                w.name("status").value(status(v.status()));
            }
            if (fields.contains(ExchangeField.SUBJECT)) w.name("title").value(v.subject() == null ? "" : v.subject());
            w.endObject();
        });
    }

    /**
     * A request carrying {@code json} as the SDK's {@code toPostRequestInformation} / {@code
     * toPatchRequestInformation} makes it: {@code method} on the URL template and path parameters of
     * {@code shape} (any request of the same request builder: Kiota's builders use one template for every
     * method), {@code Accept} and {@code Content-Type} {@value #JSON}.
     */
    public static RequestInformation request(HttpMethod method, RequestInformation shape, byte[] json) {
        Objects.requireNonNull(json, "the JSON body of a todoTask " + method);
        RequestInformation r = new RequestInformation(method, shape.urlTemplate, new HashMap<>(shape.pathParameters));
        r.headers.tryAdd("Accept", JSON);
        r.headers.tryAdd("Content-Type", JSON);
        r.content = new ByteArrayInputStream(json);
        return r;
    }

    // ------------------------------------------------------------------ parts

    private static void extensions(JsonWriter w, String crmId, TaskValues v) throws IOException {
        // OpenTypeExtension.serialize: @odata.type, the additional data (a HashMap), extensionName
        Map<String, String> data = new HashMap<>();
        data.put(TaskCodec.CRM_ID, crmId);
        putIfValue(data, TaskCodec.PERCENT, v.percentComplete() == null ? null : v.percentComplete().toString());
        putIfValue(data, TaskCodec.OWNER, v.owner());
        putIfValue(data, TaskCodec.CREATED_BY, v.createdBy());
        for (Map.Entry<String, String> e : v.extended().entrySet()) {
            putIfValue(data, TaskCodec.EXTENDED_PREFIX + e.getKey(), e.getValue());
        }
        w.name("extensions").beginArray().beginObject();
        w.name("@odata.type").value("#microsoft.graph.openTypeExtension");
        for (Map.Entry<String, String> e : data.entrySet()) {
            w.name(e.getKey()).value(e.getValue());
        }
        w.name("extensionName").value(TaskCodec.EXTENSION);
        w.endObject().endArray();
    }

    private static void putIfValue(Map<String, String> data, String key, String value) {
        if (value != null) data.put(key, value);
    }

    private static void body(JsonWriter w, String type, String content) throws IOException {
        w.name("body").beginObject().name("content").value(content).name("contentType").value(type).endObject();
    }

    private static void date(JsonWriter w, String name, LocalDate d, ZoneId zone) throws IOException {
        dateTime(w, name, TaskCodec.dateText(d), TaskCodec.dateZone(zone));
    }

    private static void instant(JsonWriter w, String name, Instant i) throws IOException {
        dateTime(w, name, TaskCodec.instantText(i), "UTC");
    }

    private static void dateTime(JsonWriter w, String name, String dateTime, String timeZone) throws IOException {
        w.name(name).beginObject().name("dateTime").value(dateTime).name("timeZone").value(timeZone).endObject();
    }

    private static String importance(TaskValues v) {
        return TaskCodec.importance(v.importance()).getValue();
    }

    private static String status(ExchangeStatus s) {
        return TaskCodec.status(s).getValue();
    }

    private interface Body {
        void write(JsonWriter w) throws IOException;
    }

    /**
     * The text encoded once at the end rather than through an {@link java.io.OutputStreamWriter} as Kiota
     * does (whose encoder takes Gson's many small writes one by one and allocates its 8 kB buffer per
     * body): the same bytes, as both encoders put {@code ?} for a lone surrogate and pair the rest.
     */
    private static byte[] write(Body body) {
        StringWriter out = new StringWriter(512);
        try (JsonWriter w = new JsonWriter(out)) {
            body.write(w);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}

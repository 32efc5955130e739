package org.tasksync.adapter.graph.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.microsoft.graph.models.TodoTask;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.NativeResponseHandler;
import com.microsoft.kiota.RequestInformation;
import com.microsoft.kiota.serialization.JsonParseNode;
import com.microsoft.kiota.serialization.JsonParseNodeFactory;
import com.microsoft.kiota.serialization.Parsable;
import com.microsoft.kiota.serialization.ParsableFactory;
import com.microsoft.kiota.serialization.ParseNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import okhttp3.Response;
import org.tasksync.core.spi.MailboxException;

/**
 * Runs items of work through JSON {@code $batch}: each item is a short chain of requests (steps
 * that must run in order, such as an extension PATCH before the task PATCH whose answer carries the
 * final etag). Graph refuses a batch that is neither fully sequential nor fully parallel (JSON
 * batching; microsoft-graph-docs issue #16280), so independent chains cannot sit side by side with
 * {@code dependsOn}. Instead the items go in rounds: each round sends the next step of every pending
 * item, up to {@link #MAX_STEPS} items per batch, as fully parallel batches (no {@code dependsOn});
 * an item's next step goes in the next round, after its answer came back. An update of twenty tasks
 * with two steps each is still two requests. Each step's answer is checked on its own: a step that
 * Graph throttled (429 or 503 inside the batch, which the SDK does not retry) is sent again in a later
 * round after the wait Graph asked for, within the operation's bound; other failures end their item
 * only.
 *
 * <p>The {@code $batch} answer is read here, strictly, not by the SDK's {@code BatchResponseContent}
 * (which parses leniently and turns a step body that is not an object into an empty model). One
 * step whose body is malformed JSON makes the whole answer malformed; for reads
 * ({@link #runReads}) its items are then marked {@link Item#answerUnreadable()} for the caller to
 * read one by one, for writes the operation fails.
 */
public final class BatchRunner {

    /** Graph's limit of steps in one {@code $batch}. */
    public static final int MAX_STEPS = BatchContent.MAX_STEPS;

    private final GraphServiceClient client;
    private final GraphCalls calls;

    public BatchRunner(GraphServiceClient client, GraphCalls calls) {
        this.client = client;
        this.calls = calls;
    }

    /**
     * One answer of a step: its status, {@code Retry-After} and body as the JSON tree that was read from
     * the {@code $batch} answer (null when the step had none), not written out and parsed again.
     */
    public record StepResult(int status, Duration retryAfter, JsonElement json) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The answer parsed as a model object. */
        public <T extends Parsable> T as(ParsableFactory<T> factory) {
            if (json == null) {
                return null;
            }
            try {
                return new JsonParseNode(json).getObjectValue(factory);
            } catch (RuntimeException e) {
                throw new IllegalStateException("Graph sent an unreadable answer: " + e.getMessage(), e);
            }
        }

        /**
         * The id and etag of the task this answer carries (a create's or a PATCH's), read from the JSON as
         * {@link #as} and {@link TaskCodec#etag} would read them, without building the SDK's whole model of
         * the task for two strings; null when the answer has no body.
         */
        public TaskCodec.Written written() {
            if (json == null) {
                return null;
            }
            if (json.isJsonObject()) {
                JsonObject o = json.getAsJsonObject();
                JsonElement id = o.get("id");
                JsonElement etag = o.get("@odata.etag");
                if (stringOrNone(id) && stringOrNone(etag)) {
                    return new TaskCodec.Written(text(id), text(etag));
                }
            }
            // anything else as the SDK reads it (a number's text, an untyped node)
            TodoTask t = as(TodoTask::createFromDiscriminatorValue);
            return new TaskCodec.Written(t.getId(), TaskCodec.etag(t));
        }

        private static boolean stringOrNone(JsonElement e) {
            return e == null || e.isJsonNull() || (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString());
        }

        private static String text(JsonElement e) {
            return e == null || e.isJsonNull() ? null : e.getAsString();
        }

        /** Graph's error code and message, for reports. */
        public String errorText() {
            return errorText(status, json == null ? null : new JsonParseNode(json));
        }

        static String errorText(int status, ParseNode body) {
            String detail = "";
            if (body != null) {
                try {
                    ParseNode err = body.getChildNode("error");
                    if (err != null) {
                        ParseNode code = err.getChildNode("code");
                        ParseNode msg = err.getChildNode("message");
                        detail = (code == null ? "" : " " + code.getStringValue())
                                + (msg == null ? "" : ": " + msg.getStringValue());
                    }
                } catch (RuntimeException ignored) {
                    // not JSON: the status says enough
                }
            }
            return "Graph answered " + status + detail;
        }
    }

    /** A chain of requests for one item, run one step per round; {@link #results} fills as steps succeed or fail. */
    public static final class Item {
        final List<Supplier<RequestInformation>> steps;
        final List<StepResult> results = new ArrayList<>();
        boolean failed;
        String failure;
        boolean answerUnreadable;

        public Item(List<Supplier<RequestInformation>> steps) {
            if (steps.isEmpty() || steps.size() > MAX_STEPS) {
                throw new IllegalArgumentException("an item needs 1 to " + MAX_STEPS + " steps");
            }
            this.steps = List.copyOf(steps);
        }

        boolean done() {
            return failed || results.size() == steps.size();
        }

        /** All steps succeeded. */
        public boolean succeeded() {
            return !failed && results.size() == steps.size();
        }

        /** The last answer received (the failing one if the item failed). */
        public StepResult last() {
            return results.isEmpty() ? null : results.get(results.size() - 1);
        }

        public StepResult result(int step) {
            return step < results.size() ? results.get(step) : null;
        }

        /** Why the item failed, for the engine's report. */
        public String failure() {
            return failure;
        }

        /** The item failed because the {@code $batch} answer it was in could not be read (reads only). */
        public boolean answerUnreadable() {
            return answerUnreadable;
        }
    }

    /**
     * Runs the items. {@code repeatable}: whether a whole batch may be sent again after its connection
     * dropped (false for creates, whose items then fail with "outcome unknown").
     */
    public void run(String what, List<Item> items, boolean repeatable) throws MailboxException {
        run(what, items, repeatable, false);
    }

    /**
     * Runs reads. A {@code $batch} answer that is not JSON fails its items with
     * {@link Item#answerUnreadable()} instead of the operation, so that the caller can read them one by one
     * and find the one that cannot be read.
     */
    public void runReads(String what, List<Item> items) throws MailboxException {
        run(what, items, true, true);
    }

    private void run(String what, List<Item> items, boolean repeatable, boolean isolateUnreadable)
            throws MailboxException {
        GraphCalls.Budget throttling = calls.budget();
        List<Item> pending = new ArrayList<>(items);
        java.util.Set<Item> throttled = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        while (!pending.isEmpty()) {
            Duration wait = null;
            int throttledStatus = 0;
            for (List<Item> batch : pack(pending)) {
                Map<String, Item> stepOwner = new LinkedHashMap<>();
                BatchContent content = new BatchContent(client);
                for (Item item : batch) {
                    // the item's next step only: the batch stays fully parallel
                    String id = content.add(item.steps.get(item.results.size()).get());
                    stepOwner.put(id, item);
                }
                Map<String, StepResult> answers;
                try {
                    answers = calls.send(what, repeatable, () -> send(content, stepOwner.keySet()), throttling);
                } catch (GraphCalls.ConnectionLostException e) {
                    for (Item item : batch) {
                        item.failed = true;
                        item.failure = e.getMessage() + "; outcome unknown, checked again next cycle";
                    }
                    continue;
                } catch (TaskJson.NotJson e) {
                    if (!isolateUnreadable) {
                        throw calls.failure(what, e);
                    }
                    for (Item item : batch) {
                        item.failed = true;
                        item.answerUnreadable = true;
                        item.failure = "$batch: " + e.getMessage();
                    }
                    continue;
                } catch (RuntimeException e) {
                    throw calls.failure(what, e);
                }
                for (Map.Entry<String, StepResult> a : answers.entrySet()) {
                    Item item = stepOwner.get(a.getKey());
                    StepResult r = a.getValue();
                    if (r.ok()) {
                        item.results.add(r);
                    } else if (r.status() == 429 || r.status() == 503 || r.status() == 504) {
                        // the item stays pending from this step on
                        throttled.add(item);
                        if (wait == null || (r.retryAfter() != null && r.retryAfter().compareTo(wait) > 0)) {
                            wait = r.retryAfter() != null ? r.retryAfter() : Duration.ZERO;
                        }
                        throttledStatus = r.status();
                    } else {
                        item.results.add(r);
                        item.failed = true;
                        item.failure = r.errorText();
                    }
                }
            }
            pending.removeIf(Item::done);
            if (!throttled.isEmpty()) {
                // items whose step went through go on after the same wait: one round for all
                throttling.await(what + " (" + throttled.size() + " items throttled inside $batch)", throttledStatus,
                        wait == null || wait.isZero() ? null : wait);
            }
            throttled.clear();
        }
    }

    /** The body of a failed {@code $batch} as the SDK's JSON reader takes it, or null when it is no JSON. */
    private static ParseNode wholeBody(String body) {
        if (body.isEmpty()) {
            return null;
        }
        try {
            return new JsonParseNodeFactory().getParseNode("application/json",
                    new ByteArrayInputStream(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            return null; // not JSON: the status says enough
        }
    }

    /** The pending items in batches of at most {@link #MAX_STEPS}, one step each. */
    private static List<List<Item>> pack(List<Item> items) {
        List<List<Item>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i += MAX_STEPS) {
            out.add(new ArrayList<>(items.subList(i, Math.min(items.size(), i + MAX_STEPS))));
        }
        return out;
    }

    /** The step answers of a {@code $batch} answer by id. */
    private static Map<String, JsonObject> responses(JsonElement doc) {
        JsonElement list = doc.isJsonObject() ? doc.getAsJsonObject().get("responses") : null;
        if (list == null || !list.isJsonArray()) {
            throw new TaskJson.NotJson("Graph's $batch answer has no 'responses' array (" + TaskJson.show(doc) + ")");
        }
        Map<String, JsonObject> out = new LinkedHashMap<>();
        for (JsonElement r : list.getAsJsonArray()) {
            String id = r.isJsonObject() ? TaskJson.string(r.getAsJsonObject(), "id") : null;
            if (id == null) {
                throw new TaskJson.NotJson("Graph's $batch answer has a response without an id (" + TaskJson.show(r) + ")");
            }
            out.put(id, r.getAsJsonObject());
        }
        return out;
    }

    /** Sends one $batch and reads every step's answer; a failed $batch as a whole throws. */
    private Map<String, StepResult> send(BatchContent content, Iterable<String> ids) {
        RequestInformation request;
        try {
            request = client.getBatchRequestBuilder().toPostRequestInformation(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        NativeResponseHandler handler = new NativeResponseHandler();
        request.setResponseHandler(handler);
        client.getRequestAdapter().sendPrimitive(request, null, InputStream.class);
        Response raw = (Response) handler.getValue();
        try (raw) {
            if (!raw.isSuccessful()) {
                String body = "";
                try {
                    body = raw.body() == null ? "" : raw.body().string();
                } catch (IOException ignored) {
                    // the status is what matters
                }
                throw new GraphCalls.StatusException(raw.code(), GraphCalls.parseRetryAfter(raw.header("Retry-After")),
                        "$batch: " + StepResult.errorText(raw.code(), wholeBody(body)));
            }
            byte[] bytes;
            try {
                bytes = raw.body() == null ? new byte[0] : raw.body().bytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e); // the answer broke off: a connection problem
            }
            Map<String, JsonObject> responses = responses(TaskJson.parse(bytes));
            Map<String, StepResult> out = new LinkedHashMap<>();
            for (String id : ids) {
                JsonObject step = responses.get(id);
                if (step == null) {
                    out.put(id, new StepResult(500, null, null));
                    continue;
                }
                JsonElement status = step.get("status");
                if (status == null || !status.isJsonPrimitive() || !status.getAsJsonPrimitive().isNumber()) {
                    throw new TaskJson.NotJson("the $batch answer for step " + id + " has no numeric status ("
                            + TaskJson.show(step) + ")");
                }
                String retryAfter = null;
                JsonElement headers = step.get("headers");
                if (headers != null && headers.isJsonObject()) {
                    for (Map.Entry<String, JsonElement> h : headers.getAsJsonObject().entrySet()) {
                        if (h.getKey().equalsIgnoreCase("Retry-After") && h.getValue().isJsonPrimitive()) {
                            retryAfter = h.getValue().getAsString();
                        }
                    }
                }
                JsonElement body = step.get("body");
                out.put(id, new StepResult(status.getAsInt(), GraphCalls.parseRetryAfter(retryAfter),
                        body == null || body.isJsonNull() ? null : body));
            }
            return out;
        }
    }
}

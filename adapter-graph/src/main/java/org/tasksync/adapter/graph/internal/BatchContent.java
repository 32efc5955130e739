package org.tasksync.adapter.graph.internal;

import com.google.gson.JsonParser;
import com.google.gson.stream.JsonWriter;
import com.microsoft.graph.core.content.BatchRequestContent;
import com.microsoft.graph.core.requests.IBaseClient;
import com.microsoft.kiota.HttpMethod;
import com.microsoft.kiota.RequestInformation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;

/**
 * The body of one {@code $batch}, byte for byte as the SDK's {@link BatchRequestContent} writes it,
 * made from the steps' {@link RequestInformation}s directly. The SDK turns every step into an OkHttp
 * request first ({@code convertToNativeRequest}): a tracing span, a token from the authentication
 * provider (whose header the batch then leaves out), the request built and its body copied; a fifth
 * of the engine's CPU in a Graph initial sync (docs/perf/graphcpu.md). What goes on the wire is the
 * same: the step's relative URL as OkHttp canonicalizes it, its method, its JSON body as Gson writes
 * it again, and its headers with the body's {@code Content-Type} added and {@code Authorization} left
 * out. {@code BatchContentTest} holds the two writers to the same bytes.
 *
 * <p>Only {@link #add} and {@link #getBatchRequestContent} are this class's; the steps of the
 * superclass stay empty. Not thread-safe.
 */
final class BatchContent extends BatchRequestContent {

    /** Graph's limit of steps in one {@code $batch} (JSON batching, "Batch size limitations"). */
    static final int MAX_STEPS = 20;

    private record Step(String id, RequestInformation request) {
    }

    private final List<Step> steps = new ArrayList<>();

    BatchContent(IBaseClient client) {
        super(client);
    }

    /** Adds a step and returns its id (a random UUID, as the SDK's). */
    String add(RequestInformation request) {
        if (steps.size() >= MAX_STEPS) {
            throw new IllegalArgumentException("at most " + MAX_STEPS + " steps in one $batch");
        }
        String id = UUID.randomUUID().toString();
        steps.add(new Step(id, request));
        return id;
    }

    @Override
    public InputStream getBatchRequestContent() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonWriter writer = new JsonWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        writer.beginObject();
        writer.name("requests");
        writer.beginArray();
        for (Step s : steps) {
            write(s, writer);
        }
        writer.endArray();
        writer.endObject();
        writer.flush();
        return new ByteArrayInputStream(out.toByteArray());
    }

    private static void write(Step step, JsonWriter writer) throws IOException {
        RequestInformation r = step.request();
        HttpUrl url;
        try {
            // as OkHttp's Request.Builder.url(URL) takes it
            url = HttpUrl.get(r.getUri().toURL().toString());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("a $batch step without a valid URL: " + e.getMessage(), e);
        }
        writer.beginObject();
        writer.name("id").value(step.id());
        writer.name("url").value(relativeUrl(url));
        writer.name("method").value(r.httpMethod.toString());
        Headers.Builder headers = new Headers.Builder();
        for (Map.Entry<String, Set<String>> h : r.headers.entrySet()) {
            for (String value : h.getValue()) {
                headers.add(h.getKey(), value);
            }
        }
        boolean hasBody = r.content != null;
        if (hasBody) {
            Set<String> types = r.headers.get("content-type");
            if (types == null || types.isEmpty()) {
                throw new IllegalArgumentException("a $batch step with a body needs its Content-Type");
            }
            MediaType type = MediaType.get(types.iterator().next());
            String contentType = type.toString();
            headers.add("Content-Type", contentType);
            writer.name("body");
            String text = new String(bytes(r.content), StandardCharsets.UTF_8);
            if (contentType.toLowerCase(Locale.US).contains("application/json")) {
                writer.jsonValue(JsonParser.parseString(text).getAsJsonObject().toString());
            } else {
                writer.value(text);
            }
        } else if (r.httpMethod == HttpMethod.POST || r.httpMethod == HttpMethod.PATCH || r.httpMethod == HttpMethod.PUT) {
            // the SDK's writer fails on such a step too (an empty body without a content type)
            throw new IllegalArgumentException("a " + r.httpMethod + " step of a $batch needs a body");
        }
        Headers sent = headers.removeAll("authorization").build();
        if (sent.size() != 0 || hasBody) {
            writer.name("headers");
            writer.beginObject();
            for (int i = 0; i < sent.size(); i++) {
                writer.name(sent.name(i)).value(sent.value(i));
            }
            writer.endObject();
        }
        writer.endObject();
    }

    /** The URL below Graph's version segment ({@code v1.0/} and {@code beta/} are both five characters). */
    private static String relativeUrl(HttpUrl url) {
        String query = url.encodedQuery();
        String path = url.encodedPath().substring(5);
        return query == null || query.isBlank() ? path : path + "?" + query;
    }

    /** The content, left readable again where the stream allows it. */
    private static byte[] bytes(InputStream content) {
        try {
            if (content.markSupported()) {
                content.mark(Integer.MAX_VALUE);
                byte[] all = content.readAllBytes();
                content.reset();
                return all;
            }
            return content.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

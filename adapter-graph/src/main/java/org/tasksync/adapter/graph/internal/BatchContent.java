package org.tasksync.adapter.graph.internal;

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
import java.util.HashMap;
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
 * same: the step's relative URL as OkHttp canonicalizes it, its method, its JSON body, and its
 * headers with the body's {@code Content-Type} added and {@code Authorization} left out.
 * {@code BatchContentTest} and {@code BatchContentProperties} hold the two writers to the same bytes.
 *
 * <p>Only {@link #add} and {@link #getBatchRequestContent} are this class's; the steps of the
 * superclass stay empty. Public for the benchmarks ({@code GraphBatchBenchmark}). Not thread-safe.
 */
public final class BatchContent extends BatchRequestContent {

    /** Graph's limit of steps in one {@code $batch} (JSON batching, "Batch size limitations"). */
    public static final int MAX_STEPS = 20;

    private record Step(String id, RequestInformation request) {
    }

    private final List<Step> steps = new ArrayList<>();

    public BatchContent(IBaseClient client) {
        super(client);
    }

    /** Adds a step and returns its id (a random UUID, as the SDK's). */
    public String add(RequestInformation request) {
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

    private void write(Step step, JsonWriter writer) throws IOException {
        RequestInformation r = step.request();
        writer.beginObject();
        writer.name("id").value(step.id());
        writer.name("url").value(relativeUrl(r));
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
                // The SDK parses a JSON body with Gson and writes it again. The bodies the adapter sends
                // come from Kiota's JSON writer, which is Gson's JsonWriter with its defaults (compact,
                // nulls written, no HTML escaping), and the adapter's models have no member twice, so
                // that gives the same text: it goes in as it is (BatchContentTest, BatchContentProperties)
                writer.jsonValue(text);
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

    /**
     * The step's URL below Graph's version segment ({@code v1.0/} and {@code beta/} are both five
     * characters), as OkHttp canonicalizes it. Expanding the URL template is the costly part and a pure
     * function of the template and the parameters, so a step with the same ones as the step before (the
     * creates of a batch, all POSTed to the same list) gets the same URL without expanding it again. A
     * request made from a raw URL ({@code withUrl}) is always expanded.
     */
    private String relativeUrl(RequestInformation r) {
        boolean templated = r.pathParameters.containsKey("baseurl") && !r.pathParameters.containsKey(RAW_URL);
        if (templated && lastUrl != null && r.urlTemplate.equals(lastTemplate) && r.pathParameters.equals(lastPath)
                && r.getQueryParameters().equals(lastQuery)) {
            return lastUrl;
        }
        HttpUrl url;
        try {
            // as OkHttp's Request.Builder.url(URL) takes it
            url = HttpUrl.get(r.getUri().toURL().toString());
        } catch (URISyntaxException | java.net.MalformedURLException e) {
            throw new IllegalArgumentException("a $batch step without a valid URL: " + e.getMessage(), e);
        }
        String query = url.encodedQuery();
        String path = url.encodedPath().substring(5);
        String relative = query == null || query.isBlank() ? path : path + "?" + query;
        if (templated) {
            lastTemplate = r.urlTemplate;
            lastPath = new HashMap<>(r.pathParameters);
            lastQuery = r.getQueryParameters();
            lastUrl = relative;
        } else {
            lastUrl = null;
        }
        return relative;
    }

    /** Kiota's key of a request's raw URL among its path parameters (RequestInformation.RAW_URL_KEY). */
    private static final String RAW_URL = "request-raw-url";
    private String lastTemplate;
    private Map<String, Object> lastPath;
    private Map<String, Object> lastQuery;
    private String lastUrl;

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

package org.tasksync.examples.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.tasksync.adapter.graph.GraphSettings;
import org.tasksync.adapter.graph.GraphTokenSource;
import org.tasksync.core.model.ExchangeStatus;

/**
 * Microsoft Graph reached with plain HTTP calls shaped as Graph's API reference shows them: the
 * rights check (listing the user's To Do lists, which needs the application permission
 * {@code Tasks.ReadWrite.All}), a task's dates as To Do shows them, and a status set as the rep
 * would in To Do (a PATCH of {@code status}).
 *
 * <p>The date To Do shows: {@code todoTask.dueDateTime} and {@code startDateTime} are
 * {@code dateTimeTimeZone} values whose {@code dateTime} is "the date in the specified time zone"
 * (Graph API reference, todoTask resource, properties; "Create todoTask", request body); To Do keeps
 * a date, not a time. Asked without {@code Prefer: outlook.timezone}, Graph answers in UTC: the
 * midnight of that date in the zone it was written in (users report it so, RogerSelwyn/MS365-ToDo
 * issue #29), and To Do shows that date. So the date shown is the date of the answer in the rep's
 * zone when it is midnight there; an answer at midnight UTC instead (what users report for
 * {@code completedDateTime}, microsoft-graph-docs-contrib #5306 and #8664) is the UTC date.
 *
 * <p>Not thread-safe: used by the probe's one thread.
 */
final class GraphServerSide implements ServerSide {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final GraphSettings settings;
    private final GraphTokenSource tokens;
    private final String mailbox;
    private final ZoneId repZone;
    private String listId;

    GraphServerSide(GraphSettings settings, GraphTokenSource tokens, String mailbox, ZoneId repZone) {
        this.repZone = repZone;
        this.settings = settings;
        this.tokens = tokens;
        this.mailbox = mailbox;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    }

    @Override
    public String app() {
        return "To Do";
    }

    @Override
    public String describe() {
        return "Microsoft 365 (Graph) at " + settings.baseUrl() + ", To Do list "
                + (settings.listName() == null ? "the default one" : "'" + settings.listName() + "'");
    }

    @Override
    public String checkRights() throws ServerFailure {
        JsonNode lists = call("GET", user() + "/todo/lists", null, "listing the To Do lists of " + mailbox);
        int n = lists.path("value").size();
        return "the application reads the To Do lists of " + mailbox + " (GET /users/{id}/todo/lists: 200, "
                + n + (n == 1 ? " list" : " lists") + ")";
    }

    @Override
    public Shown shown(String itemId) throws ServerFailure {
        JsonNode task = call("GET", tasks() + "/" + enc(itemId), null, "reading the task");
        return new Shown(shownDate("startDateTime", task.get("startDateTime"), repZone),
                shownDate("dueDateTime", task.get("dueDateTime"), repZone));
    }

    static ShownDate shownDate(String name, JsonNode value, ZoneId repZone) {
        if (value == null || value.isNull() || !value.path("dateTime").isTextual()) {
            return new ShownDate(null, null, name, null);
        }
        String dateTime = value.get("dateTime").asText();
        String zone = value.path("timeZone").asText("");
        String wire = dateTime + " " + zone;
        try {
            LocalDateTime at = LocalDateTime.parse(dateTime);
            if (zone.isEmpty() || zone.equalsIgnoreCase("UTC")) {
                ZonedDateTime inRepZone = at.atOffset(ZoneOffset.UTC).atZoneSameInstant(repZone);
                if (inRepZone.toLocalTime().equals(LocalTime.MIDNIGHT)) {
                    return new ShownDate(inRepZone.toLocalDate(), wire, name, null);
                }
            }
            return new ShownDate(at.toLocalDate(), wire, name, at.toLocalTime().equals(LocalTime.MIDNIGHT) ? null
                    : "a time of day that is midnight neither in UTC nor in the rep's zone " + repZone.getId());
        } catch (DateTimeParseException e) {
            return new ShownDate(null, wire, name, "not a date and time Graph documents (ISO 8601)");
        }
    }

    @Override
    public void setStatusAsRep(String itemId, ExchangeStatus status) throws ServerFailure {
        String wire = status.wireName();
        String body = "{\"status\":\"" + Character.toLowerCase(wire.charAt(0)) + wire.substring(1) + "\"}";
        call("PATCH", tasks() + "/" + enc(itemId), body, "PATCH of the task's status");
    }

    /** The task collection of the list the adapter writes to: the named one, else the default list. */
    private String tasks() throws ServerFailure {
        if (listId == null) {
            JsonNode lists = call("GET", user() + "/todo/lists", null, "listing the To Do lists");
            for (JsonNode l : lists.path("value")) {
                boolean wanted = settings.listName() == null
                        ? "defaultList".equals(l.path("wellknownListName").asText())
                        : settings.listName().equals(l.path("displayName").asText());
                if (wanted) {
                    listId = l.path("id").asText();
                    break;
                }
            }
            if (listId == null) {
                throw new ServerFailure("no To Do list " + (settings.listName() == null ? "with wellknownListName "
                        + "defaultList" : "named '" + settings.listName() + "'") + " in the mailbox " + mailbox);
            }
        }
        return user() + "/todo/lists/" + enc(listId) + "/tasks";
    }

    private String user() {
        return "/users/" + enc(mailbox);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** One request; a status other than 2xx becomes a failure with Graph's code and message. */
    private JsonNode call(String method, String path, String body, String what) throws ServerFailure {
        String token;
        try {
            token = tokens.accessToken();
        } catch (Exception e) {
            throw new ServerFailure(what + ": no access token: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(settings.baseUrl() + path))
                .timeout(settings.requestTimeout())
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        HttpResponse<String> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ServerFailure(what + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerFailure(what + ": interrupted");
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw new ServerFailure(what + ": HTTP " + status + " " + graphError(response.body()) + hint(status));
        }
        try {
            return response.body() == null || response.body().isBlank() ? JSON.createObjectNode()
                    : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ServerFailure(what + ": HTTP " + status + " with a body that is not JSON");
        }
    }

    /** Graph's error code and message from an error body ({@code {"error":{"code":..,"message":..}}}). */
    static String graphError(String body) {
        try {
            JsonNode error = JSON.readTree(body).path("error");
            if (error.isObject()) {
                return error.path("code").asText("") + ": " + error.path("message").asText("");
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: quoted below
        }
        String text = body == null ? "" : body.strip();
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }

    private static String hint(int status) {
        return switch (status) {
            case 401 -> " (the token was refused: check tasksync.graph.tenant-id, client-id and the client secret)";
            case 403 -> " (the app registration needs the application permission Tasks.ReadWrite.All with admin "
                    + "consent: docs/graph.md)";
            case 404 -> " (no such user or list: check --mailbox; the user needs an Exchange Online mailbox)";
            default -> "";
        };
    }

    @Override
    public void close() {
        // java.net.http.HttpClient has no close before Java 21; its threads are daemons
    }

    @Override
    public String toString() {
        return "GraphServerSide{" + settings.baseUrl().toLowerCase(Locale.ROOT) + ", " + mailbox + "}";
    }
}

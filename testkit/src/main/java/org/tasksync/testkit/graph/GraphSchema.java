package org.tasksync.testkit.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Graph's published v1.0 To Do types (test data kept outside the project, {@code shared/graph-schema},
 * extracted from Microsoft's CSDL), used to check that a JSON answer has only the properties its type
 * declares, each with its Edm type, enumeration member and nullability.
 *
 * <p>{@link #locate()} finds the file: the system property {@value #DIR_PROPERTY}, else
 * {@code shared/graph-schema} in the working directory or one of its parents. Tests that use it must
 * pass without it. Immutable and thread-safe.
 */
public final class GraphSchema {

    /** System property that names the folder of {@code todo-types.json} explicitly. */
    public static final String DIR_PROPERTY = "tasksync.graph.schema.dir";
    private static final String FILE = "todo-types.json";

    private final JsonNode types;

    private GraphSchema(JsonNode types) {
        this.types = types;
    }

    /** The schema, if its file is found beside the repository. */
    public static Optional<GraphSchema> locate() {
        String explicit = System.getProperty(DIR_PROPERTY);
        List<Path> candidates = new ArrayList<>();
        if (explicit != null && !explicit.isBlank()) {
            candidates.add(Paths.get(explicit).resolve(FILE));
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            candidates.add(dir.resolve("shared").resolve("graph-schema").resolve(FILE));
        }
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) {
                try {
                    return Optional.of(new GraphSchema(new ObjectMapper().readTree(p.toFile()).get("types")));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the Graph schema " + p, e);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * What in {@code json} does not fit the type {@code typeName} (e.g. {@code todoTask}), as
     * {@code path: problem} lines; empty when it fits. Annotations ({@code @odata.*}, {@code x@odata.type})
     * are not checked; navigation properties are checked against their element type.
     */
    public List<String> violations(JsonNode json, String typeName) {
        List<String> out = new ArrayList<>();
        check(json, "graph." + typeName, typeName, out);
        return out;
    }

    private void check(JsonNode v, String type, String path, List<String> out) {
        if (type.startsWith("Collection(")) {
            if (!v.isArray()) {
                out.add(path + ": " + kind(v) + " where " + type + " belongs");
                return;
            }
            String element = type.substring("Collection(".length(), type.length() - 1);
            for (int i = 0; i < v.size(); i++) {
                check(v.get(i), element, path + "/" + i, out);
            }
            return;
        }
        switch (type) {
            case "Edm.String" -> {
                if (!v.isTextual()) out.add(path + ": " + kind(v) + " where a string belongs");
            }
            case "Edm.Boolean" -> {
                if (!v.isBoolean()) out.add(path + ": " + kind(v) + " where a boolean belongs");
            }
            case "Edm.Int32", "Edm.Int64" -> {
                if (!v.isIntegralNumber()) out.add(path + ": " + kind(v) + " where a whole number belongs");
            }
            case "Edm.DateTimeOffset" -> {
                try {
                    if (!v.isTextual()) {
                        out.add(path + ": " + kind(v) + " where a DateTimeOffset string belongs");
                    } else {
                        OffsetDateTime.parse(v.asText());
                    }
                } catch (DateTimeParseException e) {
                    out.add(path + ": '" + v.asText() + "' is no DateTimeOffset");
                }
            }
            default -> checkNamed(v, type, path, out);
        }
    }

    private void checkNamed(JsonNode v, String type, String path, List<String> out) {
        String name = type.startsWith("graph.") ? type.substring("graph.".length()) : type;
        JsonNode t = types.get(name);
        if (t == null) {
            return; // a type outside the To Do set (attachments, recurrence patterns): not checked here
        }
        String kind = t.path("kind").asText();
        if (kind.equals("EnumType")) {
            boolean member = false;
            for (JsonNode m : t.path("members")) {
                member |= m.asText().equals(v.asText());
            }
            if (!v.isTextual() || !member) {
                out.add(path + ": " + v + " is no member of " + name + " " + t.path("members"));
            }
            return;
        }
        if (!v.isObject()) {
            out.add(path + ": " + kind(v) + " where a " + name + " object belongs");
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String prop = e.getKey();
            if (prop.contains("@")) {
                continue;
            }
            JsonNode decl = find(name, "properties", prop);
            String propType;
            boolean nullable;
            if (decl != null) {
                propType = decl.path("type").asText();
                nullable = decl.path("nullable").asBoolean(true);
            } else {
                JsonNode nav = find(name, "navigation", prop);
                if (nav == null) {
                    if (!open(name)) {
                        out.add(path + "/" + prop + ": no property of " + name);
                    }
                    continue;
                }
                propType = nav.isTextual() ? nav.asText() : nav.path("type").asText();
                nullable = true;
            }
            if (e.getValue().isNull()) {
                if (!nullable) out.add(path + "/" + prop + ": null, but " + name + "." + prop + " is not nullable");
                continue;
            }
            check(e.getValue(), propType, path + "/" + prop, out);
        }
    }

    /** A property or navigation property declared by the type or one of its base types. */
    private JsonNode find(String type, String section, String prop) {
        for (String t = type; t != null; ) {
            JsonNode decl = types.path(t).path(section).get(prop);
            if (decl != null) {
                return decl;
            }
            JsonNode base = types.path(t).get("base");
            t = base == null || base.isNull() ? null : base.asText().replaceFirst("^graph\\.", "");
        }
        return null;
    }

    private boolean open(String type) {
        for (String t = type; t != null; ) {
            if (types.path(t).path("open").asBoolean(false)) {
                return true;
            }
            JsonNode base = types.path(t).get("base");
            t = base == null || base.isNull() ? null : base.asText().replaceFirst("^graph\\.", "");
        }
        return false;
    }

    private static String kind(JsonNode v) {
        return v.isNull() ? "null" : v.isTextual() ? "a string" : v.isNumber() ? "a number" : v.isBoolean() ? "a boolean"
                : v.isArray() ? "an array" : "an object";
    }
}

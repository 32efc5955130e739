package org.tasksync.core.settings;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads one part of tasksync's settings (the engine's, an adapter's, the cluster's) from
 * {@link Properties}, so that every settings class parses values the same way and refuses a bad one
 * with the same message: {@code <key> must be <what it takes>, was '<value>'}, or, for a credential,
 * {@code <key> must be <what it takes> (the value is not shown)}.
 *
 * <p>A reader knows its part's keys: single keys, prefixes of keys with a variable last part
 * ({@code tasksync.priority.<CRM value>}), the namespaces it owns, and which keys hold credentials.
 * {@link #rejectUnknown()} refuses a key in an owned namespace that is none of these, so a typo
 * fails instead of being ignored; its message shows the value unless the part has a credential key
 * (a misspelt credential key, {@code tasksync.ews.pasword}, would otherwise be repeated).
 *
 * <p>Values are trimmed, except those of credential keys, which are taken as given. Absent keys give
 * an empty {@link Optional}, so that the settings' builder keeps its default. The static {@code check}
 * methods give builders the same messages for values set in code.
 *
 * <p>Not thread-safe; made for one read.
 */
public final class PropertyReader {

    private final Map<String, String> values;
    private final String part;
    private final String document;
    private final Set<String> keys = new TreeSet<>();
    private final Set<String> prefixes = new TreeSet<>();
    private final Set<String> namespaces = new TreeSet<>();
    private final Set<String> secrets = new TreeSet<>();

    private PropertyReader(Properties properties, String part, String document) {
        Objects.requireNonNull(properties, "properties");
        this.part = Objects.requireNonNull(part, "part");
        this.document = Objects.requireNonNull(document, "document");
        // stringPropertyNames' order, which the readers used before this class: the order of map entries
        // such as tasksync.status.to-exchange.* decides which CRM value is written back, so it stays
        this.values = new LinkedHashMap<>();
        for (String key : properties.stringPropertyNames()) {
            values.put(key, properties.getProperty(key));
        }
    }

    /**
     * A reader of {@code properties} for the part named {@code part} (as messages name it, e.g.
     * "EWS adapter"), whose keys {@code document} lists (e.g. {@code docs/ews-adapter.md}).
     */
    public static PropertyReader of(Properties properties, String part, String document) {
        return new PropertyReader(properties, part, document);
    }

    /** The single keys of this part. */
    public PropertyReader keys(Collection<String> keys) {
        this.keys.addAll(keys);
        return this;
    }

    /** Prefixes (ending in '.') of keys with a variable last part, e.g. {@code tasksync.priority.}. */
    public PropertyReader prefixes(Collection<String> prefixes) {
        for (String p : prefixes) {
            if (!p.endsWith(".")) {
                throw new IllegalArgumentException("a key prefix ends in '.', was '" + p + "'");
            }
            this.prefixes.add(p);
        }
        return this;
    }

    /** Namespaces (ending in '.') in which every key belongs to this part; others there are typos. */
    public PropertyReader owns(Collection<String> namespaces) {
        for (String n : namespaces) {
            if (!n.endsWith(".")) {
                throw new IllegalArgumentException("a namespace ends in '.', was '" + n + "'");
            }
            this.namespaces.add(n);
        }
        return this;
    }

    /** Keys whose values are credentials: never repeated in a message, never trimmed. */
    public PropertyReader secrets(Collection<String> secretKeys) {
        this.secrets.addAll(secretKeys);
        return this;
    }

    /**
     * Refuses a key in an owned namespace that is neither a key nor under a prefix of this part,
     * naming it, its value (unless this part has credential keys) and the known keys near it.
     *
     * @throws IllegalArgumentException for the first such key in alphabetical order
     */
    public PropertyReader rejectUnknown() {
        for (String key : new TreeSet<>(values.keySet())) {
            if (namespaces.stream().anyMatch(key::startsWith) && !keys.contains(key)
                    && prefixes.stream().noneMatch(key::startsWith)) {
                String shown = secrets.isEmpty() ? "value '" + values.get(key) + "'" : "value not shown";
                throw new IllegalArgumentException(key + ": unknown " + part + " setting (" + shown
                        + "); known keys there are " + knownNear(key) + "; see " + document);
            }
        }
        return this;
    }

    /** The known keys (prefixes shown as {@code prefix*}) in the deepest namespace of {@code key} that has any. */
    private List<String> knownNear(String key) {
        List<String> all = new ArrayList<>(keys);
        prefixes.forEach(p -> all.add(p + "*"));
        String ns = key;
        while (ns.lastIndexOf('.') > 0) {
            ns = ns.substring(0, ns.lastIndexOf('.') + 1);
            String within = ns;
            List<String> near = all.stream().filter(k -> k.startsWith(within)).sorted().toList();
            if (!near.isEmpty()) {
                return near;
            }
            ns = ns.substring(0, ns.length() - 1);
        }
        return all.stream().sorted().toList();
    }

    /** Whether {@code key} is given at all (an empty value counts). */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** The value, trimmed (a credential's as given); empty when the key is absent. */
    public Optional<String> string(String key) {
        String v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        return Optional.of(secrets.contains(key) ? v : v.trim());
    }

    /** The value, as {@link #string}, or the uniform "is required" error naming what it should be. */
    public String requiredString(String key, String what) {
        return string(key).filter(v -> !v.isEmpty())
                .orElseThrow(() -> new IllegalArgumentException(key + " is required: " + what));
    }

    /** A credential, as given; its value never appears in a message. */
    public Optional<String> secret(String key) {
        secrets.add(key);
        return string(key);
    }

    /** {@code true} or {@code false}, any case. */
    public Optional<Boolean> bool(String key) {
        return parsed(key, "true or false", v -> {
            if (v.equalsIgnoreCase("true")) return true;
            if (v.equalsIgnoreCase("false")) return false;
            throw new IllegalArgumentException(v);
        });
    }

    /** A whole number. */
    public Optional<Integer> integer(String key) {
        return parsed(key, "a whole number", Integer::parseInt);
    }

    /** A whole number from {@code min} to {@code max}. */
    public Optional<Integer> integer(String key, int min, int max) {
        Optional<Integer> n = integer(key);
        n.ifPresent(v -> checkBetween(key, v, min, max));
        return n;
    }

    /** A whole number, as a long. */
    public Optional<Long> longValue(String key) {
        return parsed(key, "a whole number", Long::parseLong);
    }

    /** A number, e.g. {@code 0.5}. */
    public Optional<Double> decimal(String key) {
        return parsed(key, "a number", Double::parseDouble);
    }

    /** A whole number of {@code unit}s, e.g. {@code tasksync.ews.timeout-ms} in milliseconds. */
    public Optional<Duration> duration(String key, ChronoUnit unit) {
        String units = switch (unit) {
            case NANOS -> "nanoseconds";
            case MICROS -> "microseconds";
            case MILLIS -> "milliseconds";
            default -> unit.toString().toLowerCase(Locale.ROOT);
        };
        return parsed(key, "a whole number of " + units, v -> Duration.of(Long.parseLong(v), unit));
    }

    /** A whole number of seconds, or an ISO-8601 duration such as {@code PT5M}. */
    public Optional<Duration> secondsOrIsoDuration(String key) {
        return parsed(key, "a number of seconds or an ISO-8601 duration such as PT5M",
                v -> v.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(v)) : Duration.parse(v));
    }

    /** A time zone id such as {@code Europe/Vienna} or {@code UTC}. */
    public Optional<ZoneId> zone(String key) {
        return parsed(key, "a time zone id such as Europe/Vienna", ZoneId::of);
    }

    /** A time of day such as {@code 08:00}. */
    public Optional<LocalTime> time(String key) {
        return parsed(key, "a time of day such as 08:00", LocalTime::parse);
    }

    /**
     * A constant of {@code type}, written in any case with '-' for '_' ({@code keep-original} for
     * {@code KEEP_ORIGINAL}); the message lists the accepted spellings.
     */
    public <E extends Enum<E>> Optional<E> enumValue(String key, Class<E> type) {
        return string(key).map(v -> enumValue(key, type, v));
    }

    /** As {@link #enumValue(String, Class)}, for a value from a key with a variable part. */
    public static <E extends Enum<E>> E enumValue(String key, Class<E> type, String value) {
        String norm = value.trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(norm)) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw invalid(key, "one of " + String.join(", ", allowed), value);
    }

    /** A comma-separated list; items are trimmed, empty ones dropped. */
    public Optional<List<String>> list(String key) {
        return string(key).map(v -> {
            List<String> out = new ArrayList<>();
            for (String item : v.split(",")) {
                if (!item.isBlank()) {
                    out.add(item.trim());
                }
            }
            return List.copyOf(out);
        });
    }

    /**
     * The value turned into a {@code T} by {@code parser}; when the parser refuses it (with an
     * {@link IllegalArgumentException} or {@link DateTimeException}), the uniform error saying that
     * {@code key} must be {@code what}.
     */
    public <T> Optional<T> parsed(String key, String what, Function<String, T> parser) {
        Optional<String> v = string(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parser.apply(v.get()));
        } catch (IllegalArgumentException | DateTimeException | ArithmeticException e) {
            throw secrets.contains(key) ? new IllegalArgumentException(key + " must be " + what
                    + " (the value is not shown)") : invalid(key, what, v.get());
        }
    }

    /**
     * The keys under {@code prefix} (one of {@link #prefixes}) with their trimmed values, in the
     * order of {@link Properties#stringPropertyNames()}; the map's keys are whole keys.
     */
    public Map<String, String> under(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k, v.trim());
            }
        });
        return out;
    }

    // ------------------------------------------------------------------ checks for builders

    /** The uniform error: {@code <key> must be <what>, was '<value>'}. */
    public static IllegalArgumentException invalid(String key, String what, Object value) {
        return new IllegalArgumentException(key + " must be " + what + ", was '" + value + "'");
    }

    /** The uniform error for a credential: {@code <key> must be <what> (the value is not shown)}. */
    public static IllegalArgumentException invalidSecret(String key, String what) {
        return new IllegalArgumentException(key + " must be " + what + " (the value is not shown)");
    }

    /** {@code value}, or the uniform error when it is not from {@code min} to {@code max}. */
    public static int checkBetween(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw invalid(key, "between " + min + " and " + max, value);
        }
        return value;
    }

    /** {@code value}, or the uniform error when it is not from {@code min} to {@code max}. */
    public static long checkBetween(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw invalid(key, "between " + min + " and " + max, value);
        }
        return value;
    }

    /** {@code value}, or the uniform error when it is below {@code min}. */
    public static int checkAtLeast(String key, int value, int min) {
        if (value < min) {
            throw invalid(key, "at least " + min, value);
        }
        return value;
    }

    @Override
    public String toString() {
        // the values may hold credentials: only the part and the keys given are shown
        return "PropertyReader{" + part + ", keys=" + new TreeSet<>(values.keySet()) + "}";
    }
}

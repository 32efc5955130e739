package org.tasksync.adapter.graph;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * How the Graph adapter reaches Microsoft 365 and where it keeps the tasks: an immutable value,
 * built with {@link #builder()} (each setter checks its value at once and names the key and the
 * value in its error) or read from {@link #fromProperties(Properties) properties} under
 * {@code tasksync.graph.}.
 *
 * <p>The client secret is never shown: not in {@link #toString()}, not in error messages.
 */
public final class GraphSettings {

    public static final String DEFAULT_BASE_URL = "https://graph.microsoft.com/v1.0";
    public static final String DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com/";

    // the hot-set change feed (docs/graph.md "Live sync: the hot-set feed")
    /** How often a hot mailbox's delta is checked, in milliseconds. */
    public static final String LIVE_INTERVAL_MS = "tasksync.graph.live.interval-ms";
    /** The most mailboxes checked at that interval at once. */
    public static final String LIVE_HOT_SET_SIZE = "tasksync.graph.live.hot-set-size";
    /** How long a mailbox stays hot after the engine's or the feed's last sight of a change, in seconds. */
    public static final String LIVE_HOT_SECONDS = "tasksync.graph.live.hot-seconds";
    /** The most requests the feed sends about one mailbox per minute (paced). */
    public static final String LIVE_REQUESTS_PER_MINUTE = "tasksync.graph.live.requests-per-minute";
    /** Threads that run the feed's checks: the most requests the feed has open at once. */
    public static final String LIVE_THREADS = "tasksync.graph.live.threads";

    private final String tenantId;
    private final String clientId;
    private final String clientSecret;
    private final String authorityHost;
    private final String baseUrl;
    private final String listName;
    private final int batchSize;
    private final int pageSize;
    private final int maxRetries;
    private final Duration maxWait;
    private final Duration requestTimeout;
    private final Set<String> assignmentApps;
    private final Live live;

    private GraphSettings(Builder b) {
        tenantId = b.tenantId;
        clientId = b.clientId;
        clientSecret = b.clientSecret;
        authorityHost = b.authorityHost;
        baseUrl = b.baseUrl;
        listName = b.listName;
        batchSize = b.batchSize;
        pageSize = b.pageSize;
        maxRetries = b.maxRetries;
        maxWait = b.maxWait;
        requestTimeout = b.requestTimeout;
        assignmentApps = Set.copyOf(b.assignmentApps);
        live = b.live;
    }

    /**
     * The hot-set change feed's settings ({@value GraphSettings#LIVE_INTERVAL_MS},
     * {@value GraphSettings#LIVE_HOT_SET_SIZE}, {@value GraphSettings#LIVE_HOT_SECONDS},
     * {@value GraphSettings#LIVE_REQUESTS_PER_MINUTE}, {@value GraphSettings#LIVE_THREADS}).
     */
    public record Live(Duration interval, int hotSetSize, Duration hotFor, int requestsPerMinute, int threads) {
        public Live {
            Objects.requireNonNull(interval, LIVE_INTERVAL_MS);
            Objects.requireNonNull(hotFor, LIVE_HOT_SECONDS);
            if (interval.toMillis() < 50 || interval.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException(LIVE_INTERVAL_MS + " must be 50 to 600000, was " + interval.toMillis());
            }
            if (hotSetSize < 1 || hotSetSize > 1000) {
                throw new IllegalArgumentException(LIVE_HOT_SET_SIZE + " must be 1 to 1000, was " + hotSetSize);
            }
            if (hotFor.toSeconds() < 1 || hotFor.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException(LIVE_HOT_SECONDS + " must be 1 to 86400, was " + hotFor.toSeconds());
            }
            // 1,000 a minute is Graph's 10,000 per 10 minutes per app and mailbox (Outlook service limits)
            if (requestsPerMinute < 1 || requestsPerMinute > 1000) {
                throw new IllegalArgumentException(LIVE_REQUESTS_PER_MINUTE + " must be 1 to 1000, was " + requestsPerMinute);
            }
            // Outlook runs at most 4 requests of an app at once (Outlook service limits, Limits per app ID)
            if (threads < 1 || threads > 4) {
                throw new IllegalArgumentException(LIVE_THREADS + " must be 1 to 4, was " + threads);
            }
        }

        /** A check every 2 s for up to 50 mailboxes hot for 10 minutes, 30 requests a minute each, 2 threads. */
        public static Live defaults() {
            return new Live(Duration.ofSeconds(2), 50, Duration.ofMinutes(10), 30, 2);
        }
    }

    /** The hot-set change feed's settings. */
    public Live live() { return live; }

    public static Builder builder() {
        return new Builder();
    }

    public static GraphSettings ofDefaults() {
        return builder().build();
    }

    /** The Microsoft Entra tenant (directory) id; null when tokens come from elsewhere. */
    public String tenantId() { return tenantId; }

    /** The application (client) id registered in the tenant. */
    public String clientId() { return clientId; }

    /** Package-private: only the adapter passes the secret on, to azure-identity. */
    String clientSecret() { return clientSecret; }

    /** Whether tenant, client id and secret are all set, so that the adapter can sign in by itself. */
    public boolean hasClientCredentials() {
        return tenantId != null && clientId != null && clientSecret != null;
    }

    public String authorityHost() { return authorityHost; }

    /** The Graph service root, ending in the version segment, e.g. {@value #DEFAULT_BASE_URL}. */
    public String baseUrl() { return baseUrl; }

    /** The To Do list the tasks go to; null means the user's default list ("Tasks"). */
    public String listName() { return listName; }

    /** Tasks per {@code $batch} request (Graph takes at most 20 steps). */
    public int batchSize() { return batchSize; }

    /** Tasks per page of changes asked for ({@code Prefer: odata.maxpagesize}). */
    public int pageSize() { return pageSize; }

    /** Retries of one request that Graph throttled (429) or found unavailable (503). */
    public int maxRetries() { return maxRetries; }

    /** The most time one operation waits for throttling in all; past it the mailbox counts as throttled. */
    public Duration maxWait() { return maxWait; }

    public Duration requestTimeout() { return requestTimeout; }

    /**
     * Application names of linked resources that mark a task as assigned to the rep by somebody
     * else (Graph v1.0 has no assignment property on To Do tasks); such tasks are delegated.
     */
    public Set<String> assignmentApps() { return assignmentApps; }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.tenantId = tenantId;
        b.clientId = clientId;
        b.clientSecret = clientSecret;
        b.authorityHost = authorityHost;
        b.baseUrl = baseUrl;
        b.listName = listName;
        b.batchSize = batchSize;
        b.pageSize = pageSize;
        b.maxRetries = maxRetries;
        b.maxWait = maxWait;
        b.requestTimeout = requestTimeout;
        b.assignmentApps = new LinkedHashSet<>(assignmentApps);
        b.live = live;
        return b;
    }

    @Override
    public String toString() {
        return "GraphSettings{baseUrl=" + baseUrl + ", tenantId=" + tenantId + ", clientId=" + clientId
                + ", clientSecret=" + (clientSecret == null ? "none" : "****") + ", list="
                + (listName == null ? "default" : "'" + listName + "'") + ", batchSize=" + batchSize + ", pageSize="
                + pageSize + ", maxRetries=" + maxRetries + ", maxWait=" + maxWait.toSeconds() + "s, requestTimeout="
                + requestTimeout.toSeconds() + "s}";
    }

    /**
     * Reads settings from properties; absent keys keep their defaults. Keys:
     * {@code tasksync.graph.tenant-id}, {@code tasksync.graph.client-id},
     * {@code tasksync.graph.client-secret}, {@code tasksync.graph.authority-host},
     * {@code tasksync.graph.base-url}, {@code tasksync.graph.list-name} (empty: the default list),
     * {@code tasksync.graph.batch-size}, {@code tasksync.graph.page-size},
     * {@code tasksync.graph.throttle.max-retries}, {@code tasksync.graph.throttle.max-wait-seconds},
     * {@code tasksync.graph.request-timeout-seconds}, {@code tasksync.graph.assignment-apps}
     * (comma-separated). Unknown keys under {@code tasksync.graph.} are rejected, so a typo fails.
     */
    public static GraphSettings fromProperties(Properties p) {
        Builder b = builder();
        Set<String> known = new TreeSet<>();
        String v;
        if ((v = take(p, known, "tasksync.graph.tenant-id")) != null) b.tenantId(v);
        if ((v = take(p, known, "tasksync.graph.client-id")) != null) b.clientId(v);
        if ((v = take(p, known, "tasksync.graph.client-secret")) != null) b.clientSecret(v);
        if ((v = take(p, known, "tasksync.graph.authority-host")) != null) b.authorityHost(v);
        if ((v = take(p, known, "tasksync.graph.base-url")) != null) b.baseUrl(v);
        if ((v = take(p, known, "tasksync.graph.list-name")) != null) b.listName(v.isEmpty() ? null : v);
        if ((v = take(p, known, "tasksync.graph.batch-size")) != null)
            b.batchSize(integer("tasksync.graph.batch-size", v));
        if ((v = take(p, known, "tasksync.graph.page-size")) != null) b.pageSize(integer("tasksync.graph.page-size", v));
        if ((v = take(p, known, "tasksync.graph.throttle.max-retries")) != null)
            b.maxRetries(integer("tasksync.graph.throttle.max-retries", v));
        if ((v = take(p, known, "tasksync.graph.throttle.max-wait-seconds")) != null)
            b.maxWait(Duration.ofSeconds(integer("tasksync.graph.throttle.max-wait-seconds", v)));
        if ((v = take(p, known, "tasksync.graph.request-timeout-seconds")) != null)
            b.requestTimeout(Duration.ofSeconds(integer("tasksync.graph.request-timeout-seconds", v)));
        if ((v = take(p, known, "tasksync.graph.assignment-apps")) != null) {
            List<String> apps = new java.util.ArrayList<>();
            for (String part : v.split(",")) {
                if (!part.isBlank()) apps.add(part.trim());
            }
            b.assignmentApps(apps);
        }
        Live l = b.live;
        Duration interval = l.interval();
        int hotSetSize = l.hotSetSize();
        Duration hotFor = l.hotFor();
        int perMinute = l.requestsPerMinute();
        int threads = l.threads();
        if ((v = take(p, known, LIVE_INTERVAL_MS)) != null) interval = Duration.ofMillis(integer(LIVE_INTERVAL_MS, v));
        if ((v = take(p, known, LIVE_HOT_SET_SIZE)) != null) hotSetSize = integer(LIVE_HOT_SET_SIZE, v);
        if ((v = take(p, known, LIVE_HOT_SECONDS)) != null) hotFor = Duration.ofSeconds(integer(LIVE_HOT_SECONDS, v));
        if ((v = take(p, known, LIVE_REQUESTS_PER_MINUTE)) != null) perMinute = integer(LIVE_REQUESTS_PER_MINUTE, v);
        if ((v = take(p, known, LIVE_THREADS)) != null) threads = integer(LIVE_THREADS, v);
        b.live(new Live(interval, hotSetSize, hotFor, perMinute, threads));
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("tasksync.graph.") && !known.contains(key)) {
                throw new IllegalArgumentException(key + ": unknown Graph adapter setting"
                        + (key.contains("secret") ? "" : " (value '" + p.getProperty(key) + "')")
                        + "; known keys: " + known);
            }
        }
        return b.build();
    }

    private static String take(Properties p, Set<String> known, String key) {
        known.add(key);
        String v = p.getProperty(key);
        return v == null ? null : v.trim();
    }

    private static int integer(String key, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, was '" + v + "'");
        }
    }

    /** Builds {@link GraphSettings}; each setter rejects a bad value with its key and the value. */
    public static final class Builder {
        private String tenantId;
        private String clientId;
        private String clientSecret;
        private String authorityHost = DEFAULT_AUTHORITY_HOST;
        private String baseUrl = DEFAULT_BASE_URL;
        private String listName;
        private int batchSize = 20;
        private int pageSize = 100;
        private int maxRetries = 6;
        private Duration maxWait = Duration.ofSeconds(120);
        private Duration requestTimeout = Duration.ofSeconds(100);
        private Set<String> assignmentApps = new LinkedHashSet<>(List.of("Microsoft Planner"));
        private Live live = Live.defaults();

        private Builder() {
        }

        /** The hot-set change feed's settings. */
        public Builder live(Live v) {
            live = Objects.requireNonNull(v, "live");
            return this;
        }

        /** The tenant id: a GUID or a domain such as contoso.onmicrosoft.com. */
        public Builder tenantId(String v) {
            tenantId = plainId("tasksync.graph.tenant-id", v);
            return this;
        }

        /** The application (client) id, a GUID. */
        public Builder clientId(String v) {
            clientId = plainId("tasksync.graph.client-id", v);
            return this;
        }

        /** The client secret; kept out of every message and {@code toString()}. */
        public Builder clientSecret(String v) {
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException("tasksync.graph.client-secret must not be empty");
            }
            clientSecret = v;
            return this;
        }

        public Builder authorityHost(String v) {
            authorityHost = url("tasksync.graph.authority-host", v, true);
            return this;
        }

        /**
         * The Graph service root, e.g. {@code https://graph.microsoft.com/v1.0} (or a national cloud's,
         * or a simulator's); it must end in the version segment, which batching relies on.
         */
        public Builder baseUrl(String v) {
            String u = url("tasksync.graph.base-url", v, false);
            while (u.endsWith("/")) {
                u = u.substring(0, u.length() - 1);
            }
            if (!u.endsWith("/v1.0") && !u.endsWith("/beta")) {
                throw new IllegalArgumentException("tasksync.graph.base-url must end in the API version (/v1.0), was '"
                        + v + "'");
            }
            baseUrl = u;
            return this;
        }

        /** The list the tasks go to, created when missing; null means the user's default list. */
        public Builder listName(String v) {
            if (v != null) {
                String t = v.trim();
                if (t.isEmpty() || t.length() > 255 || t.chars().anyMatch(Character::isISOControl)) {
                    throw new IllegalArgumentException("tasksync.graph.list-name must be 1 to 255 characters without "
                            + "control characters, or empty for the default list, was '" + v + "'");
                }
                v = t;
            }
            listName = v;
            return this;
        }

        public Builder batchSize(int v) {
            if (v < 1 || v > 20) {
                throw new IllegalArgumentException("tasksync.graph.batch-size must be 1 to 20 (Graph's $batch limit), was " + v);
            }
            batchSize = v;
            return this;
        }

        public Builder pageSize(int v) {
            if (v < 1 || v > 1000) {
                throw new IllegalArgumentException("tasksync.graph.page-size must be 1 to 1000, was " + v);
            }
            pageSize = v;
            return this;
        }

        public Builder maxRetries(int v) {
            if (v < 0 || v > 50) {
                throw new IllegalArgumentException("tasksync.graph.throttle.max-retries must be 0 to 50, was " + v);
            }
            maxRetries = v;
            return this;
        }

        public Builder maxWait(Duration v) {
            Objects.requireNonNull(v, "tasksync.graph.throttle.max-wait-seconds");
            if (v.isNegative() || v.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("tasksync.graph.throttle.max-wait-seconds must be 0 to 3600, was "
                        + v.toSeconds());
            }
            maxWait = v;
            return this;
        }

        public Builder requestTimeout(Duration v) {
            Objects.requireNonNull(v, "tasksync.graph.request-timeout-seconds");
            if (v.compareTo(Duration.ofSeconds(1)) < 0 || v.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("tasksync.graph.request-timeout-seconds must be 1 to 600, was "
                        + v.toSeconds());
            }
            requestTimeout = v;
            return this;
        }

        public Builder assignmentApps(List<String> v) {
            Set<String> s = new LinkedHashSet<>();
            for (String a : Objects.requireNonNull(v, "tasksync.graph.assignment-apps")) {
                if (a == null || a.isBlank()) {
                    throw new IllegalArgumentException("tasksync.graph.assignment-apps must not contain empty names, was "
                            + v);
                }
                s.add(a.trim());
            }
            assignmentApps = s;
            return this;
        }

        public GraphSettings build() {
            int set = (tenantId != null ? 1 : 0) + (clientId != null ? 1 : 0) + (clientSecret != null ? 1 : 0);
            if (set != 0 && set != 3) {
                throw new IllegalArgumentException("sign-in needs all of tasksync.graph.tenant-id, "
                        + "tasksync.graph.client-id and tasksync.graph.client-secret; missing: "
                        + (tenantId == null ? "tasksync.graph.tenant-id " : "")
                        + (clientId == null ? "tasksync.graph.client-id " : "")
                        + (clientSecret == null ? "tasksync.graph.client-secret" : "").trim());
            }
            return new GraphSettings(this);
        }

        private static String plainId(String key, String v) {
            if (v == null || !v.trim().matches("[A-Za-z0-9][A-Za-z0-9.-]{0,253}")) {
                throw new IllegalArgumentException(key + " must be a GUID or a domain name, was '" + v + "'");
            }
            return v.trim().toLowerCase(Locale.ROOT);
        }

        private static String url(String key, String v, boolean keepSlash) {
            try {
                URI u = new URI(Objects.requireNonNull(v, key).trim());
                if (u.getScheme() == null || !(u.getScheme().equals("https") || u.getScheme().equals("http"))
                        || u.getHost() == null) {
                    throw new URISyntaxException(v, "not an http(s) URL with a host");
                }
                return u.toString();
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(key + " must be an http(s) URL, was '" + v + "'");
            }
        }
    }
}

package org.tasksync.adapter.graph;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import org.tasksync.core.settings.PropertyReader;

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

    /** The namespace of these keys; another key in it is a typo. */
    public static final String PREFIX = "tasksync.graph.";
    public static final String TENANT_ID = PREFIX + "tenant-id";
    public static final String CLIENT_ID = PREFIX + "client-id";
    public static final String CLIENT_SECRET = PREFIX + "client-secret";
    public static final String AUTHORITY_HOST = PREFIX + "authority-host";
    public static final String BASE_URL = PREFIX + "base-url";
    /** Empty: the user's default list. */
    public static final String LIST_NAME = PREFIX + "list-name";
    public static final String BATCH_SIZE = PREFIX + "batch-size";
    public static final String PAGE_SIZE = PREFIX + "page-size";
    public static final String THROTTLE_MAX_RETRIES = PREFIX + "throttle.max-retries";
    public static final String THROTTLE_MAX_WAIT_SECONDS = PREFIX + "throttle.max-wait-seconds";
    public static final String REQUEST_TIMEOUT_SECONDS = PREFIX + "request-timeout-seconds";
    /** Comma-separated application names. */
    public static final String ASSIGNMENT_APPS = PREFIX + "assignment-apps";
    // the hot-set change feed (docs/graph.md "Live sync: the hot-set feed")
    /** How often a hot mailbox's delta is checked, in milliseconds. */
    public static final String LIVE_INTERVAL_MS = PREFIX + "live.interval-ms";
    /** The most mailboxes checked at that interval at once. */
    public static final String LIVE_HOT_SET_SIZE = PREFIX + "live.hot-set-size";
    /** How long a mailbox stays hot after the engine's or the feed's last sight of a change, in seconds. */
    public static final String LIVE_HOT_SECONDS = PREFIX + "live.hot-seconds";
    /** The most requests the feed sends about one mailbox per minute (paced). */
    public static final String LIVE_REQUESTS_PER_MINUTE = PREFIX + "live.requests-per-minute";
    /** Threads that run the feed's checks: the most requests the feed has open at once. */
    public static final String LIVE_THREADS = PREFIX + "live.threads";
    /** Every key {@link #fromProperties} reads. */
    public static final List<String> KEYS = List.of(TENANT_ID, CLIENT_ID, CLIENT_SECRET, AUTHORITY_HOST, BASE_URL,
            LIST_NAME, BATCH_SIZE, PAGE_SIZE, THROTTLE_MAX_RETRIES, THROTTLE_MAX_WAIT_SECONDS, REQUEST_TIMEOUT_SECONDS,
            ASSIGNMENT_APPS, LIVE_INTERVAL_MS, LIVE_HOT_SET_SIZE, LIVE_HOT_SECONDS, LIVE_REQUESTS_PER_MINUTE, LIVE_THREADS);
    /** The keys that hold credentials: never shown. */
    public static final List<String> SECRET_KEYS = List.of(CLIENT_SECRET);

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
     * Reads settings from properties ({@link #KEYS}); absent keys keep their defaults, an empty
     * {@link #LIST_NAME} means the default list, {@link #ASSIGNMENT_APPS} is comma-separated. Unknown
     * keys under {@code tasksync.graph.} are rejected, so a typo fails; their value is not shown, as it
     * may be a misspelt secret's.
     */
    public static GraphSettings fromProperties(Properties p) {
        PropertyReader r = PropertyReader.of(p, "Graph adapter", "docs/graph.md").keys(KEYS).secrets(SECRET_KEYS)
                .owns(List.of(PREFIX)).rejectUnknown();
        Builder b = builder();
        r.string(TENANT_ID).ifPresent(b::tenantId);
        r.string(CLIENT_ID).ifPresent(b::clientId);
        // trimmed, as before the shared reader: a secret pasted with a trailing blank still signs in
        r.secret(CLIENT_SECRET).map(String::trim).ifPresent(b::clientSecret);
        r.string(AUTHORITY_HOST).ifPresent(b::authorityHost);
        r.string(BASE_URL).ifPresent(b::baseUrl);
        r.string(LIST_NAME).ifPresent(v -> b.listName(v.isEmpty() ? null : v));
        r.integer(BATCH_SIZE).ifPresent(b::batchSize);
        r.integer(PAGE_SIZE).ifPresent(b::pageSize);
        r.integer(THROTTLE_MAX_RETRIES).ifPresent(b::maxRetries);
        r.duration(THROTTLE_MAX_WAIT_SECONDS, ChronoUnit.SECONDS).ifPresent(b::maxWait);
        r.duration(REQUEST_TIMEOUT_SECONDS, ChronoUnit.SECONDS).ifPresent(b::requestTimeout);
        r.list(ASSIGNMENT_APPS).ifPresent(b::assignmentApps);
        Live l = b.live;
        b.live(new Live(r.integer(LIVE_INTERVAL_MS).map(Duration::ofMillis).orElse(l.interval()),
                r.integer(LIVE_HOT_SET_SIZE).orElse(l.hotSetSize()),
                r.integer(LIVE_HOT_SECONDS).map(Duration::ofSeconds).orElse(l.hotFor()),
                r.integer(LIVE_REQUESTS_PER_MINUTE).orElse(l.requestsPerMinute()),
                r.integer(LIVE_THREADS).orElse(l.threads())));
        return b.build();
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
            tenantId = plainId(TENANT_ID, v);
            return this;
        }

        /** The application (client) id, a GUID. */
        public Builder clientId(String v) {
            clientId = plainId(CLIENT_ID, v);
            return this;
        }

        /** The client secret; kept out of every message and {@code toString()}. */
        public Builder clientSecret(String v) {
            if (v == null || v.isBlank()) {
                throw PropertyReader.invalidSecret(CLIENT_SECRET, "the app registration's client secret, not empty");
            }
            clientSecret = v;
            return this;
        }

        public Builder authorityHost(String v) {
            authorityHost = url(AUTHORITY_HOST, v, true);
            return this;
        }

        /**
         * The Graph service root, e.g. {@code https://graph.microsoft.com/v1.0} (or a national cloud's,
         * or a simulator's); it must end in the version segment, which batching relies on.
         */
        public Builder baseUrl(String v) {
            String u = url(BASE_URL, v, false);
            while (u.endsWith("/")) {
                u = u.substring(0, u.length() - 1);
            }
            if (!u.endsWith("/v1.0") && !u.endsWith("/beta")) {
                throw PropertyReader.invalid(BASE_URL, "an http(s) URL ending in the API version (/v1.0)", v);
            }
            baseUrl = u;
            return this;
        }

        /** The list the tasks go to, created when missing; null means the user's default list. */
        public Builder listName(String v) {
            if (v != null) {
                String t = v.trim();
                if (t.isEmpty() || t.length() > 255 || t.chars().anyMatch(Character::isISOControl)) {
                    throw PropertyReader.invalid(LIST_NAME, "1 to 255 characters without control characters, or empty "
                            + "for the default list", v);
                }
                v = t;
            }
            listName = v;
            return this;
        }

        public Builder batchSize(int v) {
            if (v < 1 || v > 20) {
                throw PropertyReader.invalid(BATCH_SIZE, "between 1 and 20 (Graph's $batch limit)", v);
            }
            batchSize = v;
            return this;
        }

        public Builder pageSize(int v) {
            pageSize = PropertyReader.checkBetween(PAGE_SIZE, v, 1, 1000);
            return this;
        }

        public Builder maxRetries(int v) {
            maxRetries = PropertyReader.checkBetween(THROTTLE_MAX_RETRIES, v, 0, 50);
            return this;
        }

        public Builder maxWait(Duration v) {
            Objects.requireNonNull(v, THROTTLE_MAX_WAIT_SECONDS);
            if (v.isNegative() || v.compareTo(Duration.ofHours(1)) > 0) {
                throw PropertyReader.invalid(THROTTLE_MAX_WAIT_SECONDS, "between 0 and 3600", v.toSeconds());
            }
            maxWait = v;
            return this;
        }

        public Builder requestTimeout(Duration v) {
            Objects.requireNonNull(v, REQUEST_TIMEOUT_SECONDS);
            if (v.compareTo(Duration.ofSeconds(1)) < 0 || v.compareTo(Duration.ofMinutes(10)) > 0) {
                throw PropertyReader.invalid(REQUEST_TIMEOUT_SECONDS, "between 1 and 600", v.toSeconds());
            }
            requestTimeout = v;
            return this;
        }

        public Builder assignmentApps(List<String> v) {
            Set<String> s = new LinkedHashSet<>();
            for (String a : Objects.requireNonNull(v, ASSIGNMENT_APPS)) {
                if (a == null || a.isBlank()) {
                    throw PropertyReader.invalid(ASSIGNMENT_APPS, "application names, none empty", v);
                }
                s.add(a.trim());
            }
            assignmentApps = s;
            return this;
        }

        public GraphSettings build() {
            int set = (tenantId != null ? 1 : 0) + (clientId != null ? 1 : 0) + (clientSecret != null ? 1 : 0);
            if (set != 0 && set != 3) {
                throw new IllegalArgumentException("sign-in needs all of " + TENANT_ID + ", " + CLIENT_ID + " and "
                        + CLIENT_SECRET + "; missing: " + ((tenantId == null ? TENANT_ID + " " : "")
                        + (clientId == null ? CLIENT_ID + " " : "") + (clientSecret == null ? CLIENT_SECRET : "")).trim());
            }
            return new GraphSettings(this);
        }

        private static String plainId(String key, String v) {
            if (v == null || !v.trim().matches("[A-Za-z0-9][A-Za-z0-9.-]{0,253}")) {
                throw PropertyReader.invalid(key, "a GUID or a domain name", v);
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
                throw PropertyReader.invalid(key, "an http(s) URL", v);
            }
        }
    }
}

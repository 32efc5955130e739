package org.tasksync.adapter.ews;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import microsoft.exchange.webservices.data.core.enumeration.misc.ExchangeVersion;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.settings.PropertyReader;

/**
 * How the EWS adapter reaches Exchange Server: the EWS URL, the service account that impersonates
 * each rep, the Exchange version, timeouts, batch sizes and the throttling bound.
 *
 * <p>Immutable and thread-safe. Built with {@link #builder()}, where every setter checks its value at
 * once and an error names the key and the value, or read from {@link Properties} with
 * {@link #fromProperties(Properties)} (keys {@code tasksync.ews.*}, listed in
 * {@code docs/ews-adapter.md}). The service account's user name, password and domain never appear in
 * {@link #toString()} nor in any error message.
 *
 * <p>Called {@code EwsConfig} before; that name is kept as a deprecated subclass so that code written
 * against it still compiles, and nothing else may extend this class.
 */
public sealed class EwsSettings permits EwsConfig {

    public static final String URL = "tasksync.ews.url";
    public static final String USERNAME = "tasksync.ews.username";
    public static final String PASSWORD = "tasksync.ews.password";
    public static final String DOMAIN = "tasksync.ews.domain";
    public static final String VERSION = "tasksync.ews.version";
    public static final String TIMEOUT_MS = "tasksync.ews.timeout-ms";
    public static final String BATCH_SIZE = "tasksync.ews.batch-size";
    public static final String SYNC_PAGE_SIZE = "tasksync.ews.sync-page-size";
    public static final String THROTTLE_MAX_WAIT_MS = "tasksync.ews.throttle.max-wait-ms";
    public static final String THROTTLE_INITIAL_BACKOFF_MS = "tasksync.ews.throttle.initial-backoff-ms";
    public static final String THROTTLE_MAX_RETRIES = "tasksync.ews.throttle.max-retries";
    public static final String EXTENDED_FIELDS = "tasksync.ews.extended-fields";
    public static final String AUTODISCOVER_URL = "tasksync.ews.autodiscover-url";

    /** Every key {@link #fromProperties} reads. */
    public static final List<String> KEYS = List.of(URL, USERNAME, PASSWORD, DOMAIN, VERSION, TIMEOUT_MS, BATCH_SIZE,
            SYNC_PAGE_SIZE, THROTTLE_MAX_WAIT_MS, THROTTLE_INITIAL_BACKOFF_MS, THROTTLE_MAX_RETRIES, EXTENDED_FIELDS,
            AUTODISCOVER_URL);
    /** The keys that hold credentials: never shown. */
    public static final List<String> SECRET_KEYS = List.of(USERNAME, PASSWORD, DOMAIN);
    /** The namespace of these keys; another key in it is a typo. */
    public static final String PREFIX = "tasksync.ews.";

    private final URI url;
    private final String username;
    private final String password;
    private final String domain;
    private final ExchangeVersion version;
    private final Duration timeout;
    private final int batchSize;
    private final int syncPageSize;
    private final Duration throttleMaxWait;
    private final Duration throttleInitialBackoff;
    private final int throttleMaxRetries;
    private final Set<String> extendedFields;
    private final URI autodiscoverUrl;

    EwsSettings(Builder b) {
        this.url = b.url;
        this.username = b.username;
        this.password = b.password;
        this.domain = b.domain;
        this.version = b.version;
        this.timeout = b.timeout;
        this.batchSize = b.batchSize;
        this.syncPageSize = b.syncPageSize;
        this.throttleMaxWait = b.throttleMaxWait;
        this.throttleInitialBackoff = b.throttleInitialBackoff;
        this.throttleMaxRetries = b.throttleMaxRetries;
        this.extendedFields = Collections.unmodifiableSet(new LinkedHashSet<>(b.extendedFields));
        this.autodiscoverUrl = b.autodiscoverUrl;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The EWS endpoint, e.g. {@code https://mail.example.com/EWS/Exchange.asmx}. */
    public URI url() { return url; }

    /** The Exchange version requests are written for (ews-java-api's {@code RequestServerVersion}). */
    public ExchangeVersion version() { return version; }

    /** Connect and read timeout of one request. */
    public Duration timeout() { return timeout; }

    /** Items per CreateItem, UpdateItem, DeleteItem and GetItem request. */
    public int batchSize() { return batchSize; }

    /** Changes per SyncFolderItems request (Exchange allows 1..512). */
    public int syncPageSize() { return syncPageSize; }

    /** The longest the adapter waits out throttling within one call before it reports the mailbox throttled. */
    public Duration throttleMaxWait() { return throttleMaxWait; }

    /** The first wait when the server gives no BackOffMilliseconds; doubled on every further retry. */
    public Duration throttleInitialBackoff() { return throttleInitialBackoff; }

    /** The most retries of one call, whatever the waits. */
    public int throttleMaxRetries() { return throttleMaxRetries; }

    /** Names of extended fields read on every change query (fields written through the adapter are added). */
    public Set<String> extendedFields() { return extendedFields; }

    /**
     * The SOAP Autodiscover endpoint the live feed asks for each watched mailbox's affinity
     * ({@code GroupingInformation}, {@code ExternalEwsUrl}), e.g.
     * {@code https://mail.example.com/autodiscover/autodiscover.svc}; empty: the feed groups mailboxes
     * in the order they are watched (docs/ews-adapter.md, "Affinity groups").
     */
    public Optional<URI> autodiscoverUrl() { return Optional.ofNullable(autodiscoverUrl); }

    /** Whether a Windows domain was configured (the domain itself is a credential and is not exposed). */
    public boolean hasDomain() { return domain != null; }

    // The credentials are handed only to the adapter, never exposed publicly.
    String username() { return username; }
    String password() { return password; }
    String domain() { return domain; }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        return copyInto(new Builder());
    }

    final <B extends Builder> B copyInto(B target) {
        Builder b = target; // private fields are reached through the declared class, not a type variable
        b.url = url;
        b.username = username;
        b.password = password;
        b.domain = domain;
        b.version = version;
        b.timeout = timeout;
        b.batchSize = batchSize;
        b.syncPageSize = syncPageSize;
        b.throttleMaxWait = throttleMaxWait;
        b.throttleInitialBackoff = throttleInitialBackoff;
        b.throttleMaxRetries = throttleMaxRetries;
        b.extendedFields.addAll(extendedFields);
        b.autodiscoverUrl = autodiscoverUrl;
        return target;
    }

    @Override
    public String toString() {
        return "EwsSettings{url=" + url + ", credentials=" + (username != null ? "(set)" : "(none)")
                + ", version=" + version + ", timeout=" + timeout.toMillis() + " ms, batchSize=" + batchSize
                + ", syncPageSize=" + syncPageSize + ", throttle={maxWait=" + throttleMaxWait.toMillis()
                + " ms, initialBackoff=" + throttleInitialBackoff.toMillis() + " ms, maxRetries="
                + throttleMaxRetries + "}, extendedFields=" + extendedFields
                + (autodiscoverUrl == null ? "" : ", autodiscoverUrl=" + autodiscoverUrl) + "}";
    }

    /**
     * Reads the configuration from properties (keys {@code tasksync.ews.*}); absent keys keep their
     * defaults, {@link #URL}, {@link #USERNAME} and {@link #PASSWORD} are required. An unknown key
     * under {@code tasksync.ews.} is rejected, so that a typo fails instead of being ignored; its value
     * is not shown, as it may be a misspelt credential's.
     */
    public static EwsSettings fromProperties(Properties p) {
        return read(p, builder()).build();
    }

    static <B extends Builder> B read(Properties p, B b) {
        PropertyReader r = PropertyReader.of(p, "EWS adapter", "docs/ews-adapter.md").keys(KEYS)
                .secrets(SECRET_KEYS).owns(List.of(PREFIX)).rejectUnknown();
        r.string(URL).ifPresent(b::url);
        Optional<String> user = r.secret(USERNAME);
        Optional<String> password = r.secret(PASSWORD);
        if (user.isPresent() || password.isPresent()) b.credentials(user.orElse(null), password.orElse(null));
        r.secret(DOMAIN).filter(v -> !v.isBlank()).ifPresent(b::domain);
        r.string(VERSION).ifPresent(b::version);
        r.duration(TIMEOUT_MS, ChronoUnit.MILLIS).ifPresent(b::timeout);
        r.integer(BATCH_SIZE).ifPresent(b::batchSize);
        r.integer(SYNC_PAGE_SIZE).ifPresent(b::syncPageSize);
        r.duration(THROTTLE_MAX_WAIT_MS, ChronoUnit.MILLIS).ifPresent(b::throttleMaxWait);
        r.duration(THROTTLE_INITIAL_BACKOFF_MS, ChronoUnit.MILLIS).ifPresent(b::throttleInitialBackoff);
        r.integer(THROTTLE_MAX_RETRIES).ifPresent(b::throttleMaxRetries);
        r.list(EXTENDED_FIELDS).ifPresent(names -> names.forEach(b::extendedField));
        r.string(AUTODISCOVER_URL).filter(v -> !v.isBlank()).ifPresent(b::autodiscoverUrl);
        return b;
    }

    /**
     * Builds an {@link EwsSettings}. Each setter checks its value at once and throws
     * {@link IllegalArgumentException} naming the key and the value (never the value of a credential).
     * Not thread-safe.
     */
    public static sealed class Builder permits EwsConfig.Builder {
        private URI url;
        private String username;
        private String password;
        private String domain;
        private ExchangeVersion version = ExchangeVersion.Exchange2010_SP2;
        private Duration timeout = Duration.ofSeconds(60);
        private int batchSize = 100;
        private int syncPageSize = 512;
        private Duration throttleMaxWait = Duration.ofMinutes(2);
        private Duration throttleInitialBackoff = Duration.ofMillis(500);
        private int throttleMaxRetries = 10;
        private final Set<String> extendedFields = new LinkedHashSet<>();
        private URI autodiscoverUrl;

        Builder() {
        }

        /** {@code tasksync.ews.url}: an absolute http or https URL without user info. Required. */
        public Builder url(String url) {
            this.url = parse(URL, "https://mail.example.com/EWS/Exchange.asmx", url);
            return this;
        }

        /** {@code tasksync.ews.url} as a URI. */
        public Builder url(URI url) {
            Objects.requireNonNull(url, URL);
            this.url = check(URL, "https://mail.example.com/EWS/Exchange.asmx", url, url.toString());
            return this;
        }

        /**
         * {@code tasksync.ews.autodiscover-url}: the SOAP Autodiscover endpoint, an absolute http or
         * https URL without user info such as
         * {@code https://mail.example.com/autodiscover/autodiscover.svc}. Optional: when set, the live
         * feed groups mailboxes by their Autodiscover {@code GroupingInformation} and
         * {@code ExternalEwsUrl}.
         */
        public Builder autodiscoverUrl(String url) {
            this.autodiscoverUrl = parse(AUTODISCOVER_URL, "https://mail.example.com/autodiscover/autodiscover.svc", url);
            return this;
        }

        /** {@code tasksync.ews.autodiscover-url} as a URI. */
        public Builder autodiscoverUrl(URI url) {
            Objects.requireNonNull(url, AUTODISCOVER_URL);
            this.autodiscoverUrl = check(AUTODISCOVER_URL, "https://mail.example.com/autodiscover/autodiscover.svc",
                    url, url.toString());
            return this;
        }

        private static URI parse(String key, String example, String url) {
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException(key + " must be a URL such as " + example + ", was '" + url + "'");
            }
            URI parsed;
            try {
                parsed = new URI(url.trim());
            } catch (URISyntaxException e) {
                if (e.getInput() != null && e.getInput().contains("@")) {
                    throw new IllegalArgumentException(key + " is not a valid URL (the value is not repeated here "
                            + "because it may hold a password)");
                }
                throw new IllegalArgumentException(key + " is not a valid URL (" + e.getReason() + "), was '" + url + "'");
            }
            return check(key, example, parsed, url);
        }

        private static URI check(String key, String example, URI parsed, String text) {
            if (parsed.getRawUserInfo() != null) {
                // The user info may hold a password: say what is wrong without repeating the value.
                throw new IllegalArgumentException(key + " must not contain user info (the value is not repeated "
                        + "here because it may hold a password); set " + USERNAME + " and " + PASSWORD + " instead");
            }
            String scheme = parsed.getScheme();
            if (!parsed.isAbsolute() || scheme == null
                    || !(scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("http"))) {
                throw new IllegalArgumentException(key + " must be an absolute http or https URL such as "
                        + example + ", was '" + text + "'");
            }
            if (parsed.getHost() == null || parsed.getHost().isBlank()) {
                throw new IllegalArgumentException(key + " has no host name, was '" + text + "'");
            }
            try {
                parsed.toURL();
            } catch (java.net.MalformedURLException | IllegalArgumentException e) {
                throw new IllegalArgumentException(key + " is not a valid URL (" + e.getMessage() + "), was '" + text + "'");
            }
            return parsed;
        }

        /**
         * {@code tasksync.ews.username} and {@code tasksync.ews.password}: the service account that
         * has the ApplicationImpersonation role. Required. The user may be given as
         * {@code DOMAIN\\user} or {@code user@domain}, or with {@link #domain(String)}.
         */
        public Builder credentials(String username, String password) {
            if (username == null || username.isBlank()) {
                throw new IllegalArgumentException(USERNAME + " must name the service account, was "
                        + (username == null ? "missing" : "blank"));
            }
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException(PASSWORD + " must be set for the service account, was "
                        + (password == null ? "missing" : "empty"));
            }
            this.username = username.trim();
            this.password = password;
            return this;
        }

        /** {@code tasksync.ews.domain}: the Windows domain of the service account, if it needs one. */
        public Builder domain(String domain) {
            if (domain == null || domain.isBlank()) {
                throw new IllegalArgumentException(DOMAIN + " must not be blank when set");
            }
            this.domain = domain.trim();
            return this;
        }

        /**
         * {@code tasksync.ews.version}: one of Exchange2007_SP1, Exchange2010, Exchange2010_SP1,
         * Exchange2010_SP2 (default; the oldest server the adapter is built for).
         */
        public Builder version(String version) {
            String v = version == null ? "" : version.trim();
            for (ExchangeVersion e : ExchangeVersion.values()) {
                if (e.name().equalsIgnoreCase(v)) {
                    return version(e);
                }
            }
            throw PropertyReader.invalid(VERSION, "one of Exchange2007_SP1, Exchange2010, Exchange2010_SP1, "
                    + "Exchange2010_SP2", version);
        }

        public Builder version(ExchangeVersion version) {
            this.version = Objects.requireNonNull(version, VERSION);
            return this;
        }

        /** {@code tasksync.ews.timeout-ms}: connect and read timeout per request, 1 ms .. 1 hour. Default 60 s. */
        public Builder timeout(Duration timeout) {
            PropertyReader.checkBetween(TIMEOUT_MS, Objects.requireNonNull(timeout, TIMEOUT_MS).toMillis(), 1, 3_600_000);
            this.timeout = timeout;
            return this;
        }

        /** {@code tasksync.ews.batch-size}: items per write or read request, 1..500. Default 100. */
        public Builder batchSize(int n) {
            this.batchSize = PropertyReader.checkBetween(BATCH_SIZE, n, 1, 500);
            return this;
        }

        /** {@code tasksync.ews.sync-page-size}: changes per SyncFolderItems request, 1..512. Default 512. */
        public Builder syncPageSize(int n) {
            this.syncPageSize = PropertyReader.checkBetween(SYNC_PAGE_SIZE, n, 1, 512);
            return this;
        }

        /** {@code tasksync.ews.throttle.max-wait-ms}: waiting allowed per call, 0 .. 1 hour. Default 120 s. */
        public Builder throttleMaxWait(Duration d) {
            PropertyReader.checkBetween(THROTTLE_MAX_WAIT_MS, Objects.requireNonNull(d, THROTTLE_MAX_WAIT_MS).toMillis(), 0,
                    3_600_000);
            this.throttleMaxWait = d;
            return this;
        }

        /** {@code tasksync.ews.throttle.initial-backoff-ms}: first wait without a server hint, 1 ms .. 10 min. Default 500 ms. */
        public Builder throttleInitialBackoff(Duration d) {
            PropertyReader.checkBetween(THROTTLE_INITIAL_BACKOFF_MS,
                    Objects.requireNonNull(d, THROTTLE_INITIAL_BACKOFF_MS).toMillis(), 1, 600_000);
            this.throttleInitialBackoff = d;
            return this;
        }

        /** {@code tasksync.ews.throttle.max-retries}: retries per call, 0..100. Default 10. */
        public Builder throttleMaxRetries(int n) {
            this.throttleMaxRetries = PropertyReader.checkBetween(THROTTLE_MAX_RETRIES, n, 0, 100);
            return this;
        }

        /**
         * {@code tasksync.ews.extended-fields}: an extended field (see {@link ExchangeField#extended})
         * to read back on every change query. Extended properties cannot be listed, only asked for by
         * name, so a host names the extended fields of its field table here.
         */
        public Builder extendedField(String name) {
            try {
                extendedFields.add(ExchangeField.extended(name).name());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(EXTENDED_FIELDS + ": " + e.getMessage());
            }
            return this;
        }

        /** Adds the extended fields among {@code fields}, e.g. a field table's managed fields. */
        public Builder extendedFields(Collection<ExchangeField> fields) {
            for (ExchangeField f : fields) {
                if (f.isExtended()) {
                    extendedField(f.name());
                }
            }
            return this;
        }

        public EwsSettings build() {
            checkComplete();
            return new EwsSettings(this);
        }

        final void checkComplete() {
            if (url == null) {
                throw new IllegalStateException(URL + " is required: the EWS URL such as "
                        + "https://mail.example.com/EWS/Exchange.asmx");
            }
            if (username == null) {
                throw new IllegalStateException(USERNAME + " and " + PASSWORD + " are required: the service account "
                        + "with the ApplicationImpersonation role");
            }
        }

        @Override
        public String toString() {
            return "EwsSettings.Builder{url=" + url + ", credentials=" + (username != null ? "(set)" : "(none)")
                    + ", version=" + version + "}";
        }
    }
}

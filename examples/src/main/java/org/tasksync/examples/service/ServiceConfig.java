package org.tasksync.examples.service;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.tasksync.adapter.ews.EwsExchangeAdapter;
import org.tasksync.adapter.ews.EwsSettings;
import org.tasksync.adapter.graph.GraphExchangeAdapter;
import org.tasksync.adapter.graph.GraphSettings;
import org.tasksync.adapter.graph.GraphTokenSource;
import org.tasksync.adapter.jdbccrm.JdbcCrmSettings;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.core.state.JdbcSyncStateStore;

/**
 * What the scheduled service runs with: a properties file for everything but credentials, and
 * environment variables for the credentials. The file holds the service's own keys
 * ({@code tasksync.service.*}), the state store's ({@code tasksync.state.jdbc.*}), the adapters'
 * ({@code tasksync.crm.jdbc.*}, {@code tasksync.ews.*}) and the engine's settings
 * ({@code docs/settings.md}); each part is read by its own class, which names the key and the value
 * of anything wrong.
 *
 * <p>A credential in the file (an EWS user name, password or domain, the Graph client secret, a
 * {@code password=} in a JDBC URL) is refused, and the message does not repeat it: a properties file is copied, mailed and
 * committed far more often than an environment is. {@link #toString()} shows no credential.
 *
 * <p>Immutable and thread-safe.
 */
public final class ServiceConfig {

    /** JDBC URL of the CRM's database. */
    public static final String CRM_URL = "tasksync.service.crm.jdbc-url";
    /** Which Exchange adapter: {@code ews} (Exchange Server) or {@code graph} (Microsoft 365). */
    public static final String EXCHANGE = "tasksync.service.exchange";
    /** How long a stop (SIGTERM) waits for the cycle in flight, in seconds; default 120. */
    public static final String STOP_GRACE = "tasksync.service.stop-grace-seconds";
    /** JDBC URL of the state store's database (H2 or PostgreSQL); the store creates its tables there. */
    public static final String STATE_URL = JdbcSyncStateStore.URL_KEY;
    public static final String STATE_TABLE_PREFIX = JdbcSyncStateStore.TABLE_PREFIX_KEY;
    /** The state store's SQL dialect: auto (from the database's product name), h2, postgresql, sqlserver, oracle. */
    public static final String STATE_DIALECT = JdbcSyncStateStore.DIALECT_KEY;

    public static final String ENV_EWS_USERNAME = "TASKSYNC_EWS_USERNAME";
    public static final String ENV_EWS_PASSWORD = "TASKSYNC_EWS_PASSWORD";
    public static final String ENV_EWS_DOMAIN = "TASKSYNC_EWS_DOMAIN";
    public static final String ENV_GRAPH_CLIENT_SECRET = "TASKSYNC_GRAPH_CLIENT_SECRET";
    /** A bearer token instead of signing in: for a simulator, or a host that gets tokens elsewhere. */
    public static final String ENV_GRAPH_ACCESS_TOKEN = "TASKSYNC_GRAPH_ACCESS_TOKEN";
    public static final String ENV_CRM_DB_USER = "TASKSYNC_CRM_DB_USER";
    public static final String ENV_CRM_DB_PASSWORD = "TASKSYNC_CRM_DB_PASSWORD";
    public static final String ENV_STATE_DB_USER = "TASKSYNC_STATE_DB_USER";
    public static final String ENV_STATE_DB_PASSWORD = "TASKSYNC_STATE_DB_PASSWORD";

    private static final Set<String> SERVICE_KEYS = Set.of(CRM_URL, EXCHANGE, STOP_GRACE);
    private static final Set<String> STATE_KEYS = Set.of(STATE_URL, STATE_TABLE_PREFIX, STATE_DIALECT);
    /** Keys that would put a credential into the file, and where it goes instead. */
    private static final Map<String, String> CREDENTIAL_KEYS = Map.of(
            EwsSettings.USERNAME, ENV_EWS_USERNAME,
            EwsSettings.PASSWORD, ENV_EWS_PASSWORD,
            EwsSettings.DOMAIN, ENV_EWS_DOMAIN,
            GraphSettings.CLIENT_SECRET, ENV_GRAPH_CLIENT_SECRET);

    private static final Pattern URL_SECRET = Pattern.compile("(?i)(password|pwd)=[^;&]*");
    private static final Pattern CREDENTIAL_KEY = Pattern.compile("(?i)pass|pwd|secret|token|credential");
    /** Oracle's thin driver takes {@code user/password@} right after the subprotocol. */
    private static final Pattern ORACLE_CREDENTIALS = Pattern.compile("(?i)(jdbc:oracle:[a-z0-9]+:)[^@/\\s]*/[^@\\s]*@");

    private final String crmUrl;
    private final String crmUser;
    private final String crmPassword;
    private final JdbcCrmSettings crmSettings;
    private final String exchange;
    private final EwsSettings ews;
    private final GraphSettings graph;
    private final String graphToken;
    private final String stateUrl;
    private final String stateUser;
    private final String statePassword;
    private final String stateTablePrefix;
    private final String stateDialect;
    private final SyncSettings settings;
    private final Duration stopGrace;

    private ServiceConfig(Properties p, Map<String, String> env) {
        refuseCredentials(p);
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            if (key.startsWith("tasksync.service.") && !SERVICE_KEYS.contains(key)) {
                throw new IllegalArgumentException(key + ": unknown service setting (" + shownValue(p, key)
                        + "); known keys are " + new TreeSet<>(SERVICE_KEYS));
            }
            if (key.startsWith("tasksync.state.") && !STATE_KEYS.contains(key)) {
                throw new IllegalArgumentException(key + ": unknown state store setting (" + shownValue(p, key)
                        + "); known keys are " + new TreeSet<>(STATE_KEYS));
            }
        }
        this.settings = SyncSettings.fromProperties(p);
        this.crmUrl = jdbcUrl(p, CRM_URL, ENV_CRM_DB_PASSWORD);
        this.crmUser = env.get(ENV_CRM_DB_USER);
        this.crmPassword = env.get(ENV_CRM_DB_PASSWORD);
        this.crmSettings = JdbcCrmSettings.fromProperties(p);
        this.stateUrl = jdbcUrl(p, STATE_URL, ENV_STATE_DB_PASSWORD);
        this.stateUser = env.get(ENV_STATE_DB_USER);
        this.statePassword = env.get(ENV_STATE_DB_PASSWORD);
        this.stateTablePrefix = p.getProperty(STATE_TABLE_PREFIX, JdbcSyncStateStore.DEFAULT_TABLE_PREFIX).trim();
        this.stateDialect = p.getProperty(STATE_DIALECT, "auto").trim();

        this.exchange = p.getProperty(EXCHANGE, "").trim().toLowerCase(Locale.ROOT);
        switch (exchange) {
            case "ews" -> {
                this.ews = ewsSettings(p, env);
                this.graph = null;
                this.graphToken = null;
            }
            case "graph" -> {
                this.ews = null;
                this.graphToken = env.get(ENV_GRAPH_ACCESS_TOKEN);
                this.graph = graphSettings(p, env, graphToken);
            }
            default -> throw new IllegalArgumentException(EXCHANGE + " must be ews (Exchange Server) or graph "
                    + "(Microsoft 365), was '" + p.getProperty(EXCHANGE) + "'");
        }
        this.stopGrace = Duration.ofSeconds(seconds(p, STOP_GRACE, 120));
    }

    /**
     * Refuses a properties file that holds a credential, naming the key and the environment variable
     * to use instead, never the value. Shared with the probe, which reads the same files.
     */
    public static void refuseCredentials(Properties p) {
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            if (CREDENTIAL_KEYS.containsKey(key)) {
                throw new IllegalArgumentException(key + " must not be in the properties file (the value is not "
                        + "repeated here): set the environment variable " + CREDENTIAL_KEYS.get(key) + " instead");
            }
        }
    }

    /** Reads the file (UTF-8) and the credentials from {@code env}. */
    public static ServiceConfig load(Path file, Map<String, String> env) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the service's properties file " + file.toAbsolutePath(), e);
        }
        return of(p, env);
    }

    /** The configuration from properties and the credentials from {@code env} (normally {@link System#getenv()}). */
    public static ServiceConfig of(Properties properties, Map<String, String> env) {
        Objects.requireNonNull(properties, "properties");
        Objects.requireNonNull(env, "env");
        return new ServiceConfig(properties, env);
    }

    private static String jdbcUrl(Properties p, String key, String passwordVariable) {
        String url = p.getProperty(key);
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(key + " is required: a JDBC URL such as jdbc:postgresql://db:5432/crm");
        }
        url = url.trim();
        if (!url.startsWith("jdbc:")) {
            throw new IllegalArgumentException(key + " must be a JDBC URL starting with 'jdbc:', was '"
                    + withoutSecrets(url) + "'");
        }
        if (carriesPassword(url)) {
            throw new IllegalArgumentException(key + " must not carry a password (the value is not repeated here): "
                    + "set the environment variable " + passwordVariable + " instead");
        }
        return url;
    }

    /**
     * The EWS adapter's configuration from the {@code tasksync.ews.*} keys of {@code p} and the
     * service account from {@code env} ({@value #ENV_EWS_USERNAME}, {@value #ENV_EWS_PASSWORD},
     * {@value #ENV_EWS_DOMAIN}). Also used by the probe.
     */
    public static EwsSettings ewsSettings(Properties p, Map<String, String> env) {
        Properties ews = new Properties();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(EwsSettings.PREFIX)) {
                ews.setProperty(key, p.getProperty(key));
            }
        }
        for (String variable : List.of(ENV_EWS_USERNAME, ENV_EWS_PASSWORD)) {
            String v = env.get(variable);
            if (v == null || v.isEmpty()) {
                throw new IllegalArgumentException("the environment variable " + variable + " is not set: the "
                        + (variable.equals(ENV_EWS_USERNAME) ? "user name" : "password")
                        + " of the EWS service account with the ApplicationImpersonation role");
            }
        }
        ews.setProperty(EwsSettings.USERNAME, env.get(ENV_EWS_USERNAME));
        ews.setProperty(EwsSettings.PASSWORD, env.get(ENV_EWS_PASSWORD));
        String domain = env.get(ENV_EWS_DOMAIN);
        if (domain != null && !domain.isBlank()) {
            ews.setProperty(EwsSettings.DOMAIN, domain);
        }
        return EwsSettings.fromProperties(ews);
    }

    /** The Exchange adapter this configuration names, not yet connected to anything. */
    ExchangeAdapter exchangeAdapter() {
        if (ews != null) {
            return EwsExchangeAdapter.create(ewsWithFields());
        }
        if (graphToken != null && !graphToken.isEmpty()) {
            return GraphExchangeAdapter.builder(graph).tokenSource(GraphTokenSource.fixed(graphToken)).build();
        }
        return GraphExchangeAdapter.create(graph);
    }

    /**
     * The EWS configuration as the adapter needs it: with the field table's extended fields named,
     * so that they are read back after a restart too (see {@code docs/ews-adapter.md}).
     */
    EwsSettings ewsWithFields() {
        return ews.toBuilder().extendedFields(settings.mapping().fields().managedFields()).build();
    }

    /**
     * The Graph settings: the tenant and client ids from the file, the client secret from
     * {@value #ENV_GRAPH_CLIENT_SECRET}, or no sign-in at all when {@value #ENV_GRAPH_ACCESS_TOKEN}
     * gives a token ({@code token}, null when not set). Also used by the probe.
     */
    public static GraphSettings graphSettings(Properties p, Map<String, String> env, String token) {
        Properties graph = new Properties();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(GraphSettings.PREFIX)) {
                graph.setProperty(key, p.getProperty(key));
            }
        }
        String secret = env.get(ENV_GRAPH_CLIENT_SECRET);
        if (token != null && !token.isEmpty()) {
            if (graph.getProperty(GraphSettings.TENANT_ID) != null || secret != null) {
                throw new IllegalArgumentException(ENV_GRAPH_ACCESS_TOKEN + " is set: then the service does not sign "
                        + "in, so leave out " + GraphSettings.TENANT_ID + ", client-id and " + ENV_GRAPH_CLIENT_SECRET);
            }
            return GraphSettings.fromProperties(graph);
        }
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the environment variable " + ENV_GRAPH_CLIENT_SECRET + " is not set: "
                    + "the client secret of the app registration named by " + GraphSettings.TENANT_ID + " and "
                    + GraphSettings.CLIENT_ID + " (or set " + ENV_GRAPH_ACCESS_TOKEN + " to give a token instead)");
        }
        graph.setProperty(GraphSettings.CLIENT_SECRET, secret);
        return GraphSettings.fromProperties(graph);
    }

    private static long seconds(Properties p, String key, long defaultValue) {
        String v = p.getProperty(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            long s = Long.parseLong(v.trim());
            if (s >= 1 && s <= 86_400) {
                return s;
            }
        } catch (NumberFormatException e) {
            // falls through to the message
        }
        throw new IllegalArgumentException(key + " must be a whole number of seconds from 1 to 86400, was '" + v + "'");
    }

    /**
     * A JDBC URL with the values of {@code password=} and {@code pwd=} parameters, and Oracle's
     * {@code user/password@}, replaced by {@code ***}.
     */
    public static String withoutSecrets(String url) {
        return url == null ? null
                : ORACLE_CREDENTIALS.matcher(URL_SECRET.matcher(url).replaceAll("$1=***")).replaceAll("$1***@");
    }

    /**
     * The value of an unknown key as an error shows it: repeated, so a typo can be found, unless
     * the key's name says it holds a credential (a misspelt password key).
     */
    private static String shownValue(Properties p, String key) {
        return CREDENTIAL_KEY.matcher(key).find() ? "value not repeated" : "value '" + p.getProperty(key) + "'";
    }

    /** Whether a JDBC URL carries a password (a parameter, or Oracle's {@code user/password@}). */
    public static boolean carriesPassword(String url) {
        return URL_SECRET.matcher(url).find() || ORACLE_CREDENTIALS.matcher(url).find();
    }

    public String crmUrl() { return crmUrl; }
    String crmUser() { return crmUser; }
    String crmPassword() { return crmPassword; }
    public JdbcCrmSettings crmSettings() { return crmSettings; }
    /** {@code ews} or {@code graph}. */
    public String exchange() { return exchange; }
    /** The EWS adapter's configuration; null for Graph. */
    public EwsSettings ews() { return ews; }
    /** The Graph adapter's settings; null for EWS. */
    public GraphSettings graph() { return graph; }
    public String stateUrl() { return stateUrl; }
    String stateUser() { return stateUser; }
    String statePassword() { return statePassword; }
    public String stateTablePrefix() { return stateTablePrefix; }
    /** The state store's dialect as set ({@code auto} unless forced); the store's builder checks it. */
    public String stateDialect() { return stateDialect; }
    public SyncSettings settings() { return settings; }
    public Duration stopGrace() { return stopGrace; }

    @Override
    public String toString() {
        return "CRM " + crmUrl + (ews != null ? ", Exchange (EWS) " + ews.url() : ", Microsoft 365 (Graph) "
                + graph.baseUrl() + (graphToken != null ? " with a given token" : " as app " + graph.clientId()))
                + ", state store " + stateUrl + " (tables " + stateTablePrefix + "*), every "
                + settings.intervalMinutes() + " min, time frame " + settings.pastDays() + " days back and "
                + settings.futureDays() + " ahead" + (settings.enabled() ? "" : ", SWITCHED OFF (" + SyncSettings.ENABLED + ")")
                + (settings.dryRun() ? ", DRY RUN" : "");
    }
}

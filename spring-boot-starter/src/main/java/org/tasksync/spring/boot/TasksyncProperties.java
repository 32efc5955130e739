package org.tasksync.spring.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.tasksync.adapter.ews.EwsSettings;
import org.tasksync.adapter.graph.GraphSettings;
import org.tasksync.adapter.jdbccrm.JdbcCrmSettings;
import org.tasksync.core.LiveSettings;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.state.JdbcSyncStateStore;

/**
 * The {@code tasksync.*} properties of a Spring application, gathered from its {@code Environment}
 * into the {@link Properties} that the library's own readers take ({@code SyncSettings.fromProperties},
 * {@code JdbcCrmSettings.fromProperties}, {@code EwsSettings.fromProperties},
 * {@code GraphSettings.fromProperties}), so that the keys, defaults and messages are exactly theirs,
 * plus the few keys of the starter itself.
 *
 * <p>Reading through the library's readers instead of binding {@code @ConfigurationProperties} keeps one
 * definition of every key and no credential in a bean that {@code /actuator/configprops} shows.
 * {@link #toString()} names the keys that are set, never a value. Immutable.
 */
public final class TasksyncProperties {

    /** {@code ews} or {@code graph}; when absent, {@code ews} if {@code tasksync.ews.url} is set. */
    public static final String EXCHANGE = "tasksync.exchange";
    /** The name of the DataSource bean of the CRM's database; default: the application's DataSource. */
    public static final String CRM_DATA_SOURCE = "tasksync.crm.data-source";
    /** The name of the DataSource bean of the state store; default: {@link #STATE_URL}, else the CRM's. */
    public static final String STATE_DATA_SOURCE = "tasksync.state.data-source";
    public static final String STATE_URL = JdbcSyncStateStore.URL_KEY;
    public static final String STATE_USERNAME = "tasksync.state.jdbc.username";
    public static final String STATE_PASSWORD = "tasksync.state.jdbc.password";
    public static final String STATE_TABLE_PREFIX = JdbcSyncStateStore.TABLE_PREFIX_KEY;
    /** The state store's SQL dialect (auto, h2, postgresql, sqlserver, oracle): {@code JdbcSyncStateStore.DIALECT_KEY}. */
    public static final String STATE_DIALECT = JdbcSyncStateStore.DIALECT_KEY;
    /** Whether the schedule starts with the application (default true). */
    public static final String SCHEDULER_ENABLED = "tasksync.scheduler.enabled";
    /** How long the application's stop waits for the cycle in flight, in seconds (default 14). */
    public static final String SCHEDULER_STOP_GRACE = "tasksync.scheduler.stop-grace-seconds";

    /**
     * {@code SyncScheduler.stop} waits this long, interrupts the cycle, and waits as long again: 2 × 14 s stays
     * within Spring's default 30 s per shutdown phase, so the schedule has stopped before the DataSources close.
     */
    static final int DEFAULT_STOP_GRACE_SECONDS = 14;

    /*
     * The adapters are optional dependencies: their keys are named here by their String constants, which
     * the compiler copies in, so that no adapter class is loaded; ConfigurationMetadataTest checks that
     * these lists are the adapters' KEYS.
     */
    /** Keys of the engine ({@code SyncSettings.fromProperties}) without a variable part. */
    static final List<String> ENGINE_KEYS = SyncSettings.KEYS;
    /** Keys of the JDBC CRM adapter without a variable part ({@code JdbcCrmSettings.KEYS}). */
    static final List<String> CRM_JDBC_KEYS = List.of(JdbcCrmSettings.TASK_TABLE, JdbcCrmSettings.REP_TABLE,
            JdbcCrmSettings.TASK_ID_COLUMN, JdbcCrmSettings.MODIFIED_AT_COLUMN, JdbcCrmSettings.DELETED_COLUMN,
            JdbcCrmSettings.SCHEDULED_DAY_COLUMN, JdbcCrmSettings.DELETION_LOG_TABLE,
            JdbcCrmSettings.DELETION_LOG_TASK_ID_COLUMN, JdbcCrmSettings.DELETION_LOG_DELETED_AT_COLUMN,
            JdbcCrmSettings.REP_ID_COLUMN, JdbcCrmSettings.REP_DISPLAY_NAME_COLUMN, JdbcCrmSettings.REP_EMAIL_COLUMN,
            JdbcCrmSettings.REP_TIME_ZONE_COLUMN, JdbcCrmSettings.REP_ENABLED_COLUMN, JdbcCrmSettings.CHANGE_SAFETY_LAG,
            JdbcCrmSettings.DATABASE_TIME_ZONE, JdbcCrmSettings.IDS_PER_QUERY, JdbcCrmSettings.DIALECT,
            JdbcCrmSettings.NOTIFY_CHANNEL, JdbcCrmSettings.NOTIFY_RECONNECT_MAX_WAIT);
    /** Keys of the EWS adapter ({@code EwsSettings.KEYS}). */
    static final List<String> EWS_KEYS = List.of(EwsSettings.URL, EwsSettings.USERNAME, EwsSettings.PASSWORD,
            EwsSettings.DOMAIN, EwsSettings.VERSION, EwsSettings.TIMEOUT_MS, EwsSettings.BATCH_SIZE,
            EwsSettings.SYNC_PAGE_SIZE, EwsSettings.THROTTLE_MAX_WAIT_MS, EwsSettings.THROTTLE_INITIAL_BACKOFF_MS,
            EwsSettings.THROTTLE_MAX_RETRIES, EwsSettings.EXTENDED_FIELDS, EwsSettings.AUTODISCOVER_URL);
    /** Keys of the Graph adapter ({@code GraphSettings.KEYS}). */
    static final List<String> GRAPH_KEYS = List.of(GraphSettings.TENANT_ID, GraphSettings.CLIENT_ID,
            GraphSettings.CLIENT_SECRET, GraphSettings.AUTHORITY_HOST, GraphSettings.BASE_URL, GraphSettings.LIST_NAME,
            GraphSettings.BATCH_SIZE, GraphSettings.PAGE_SIZE, GraphSettings.THROTTLE_MAX_RETRIES,
            GraphSettings.THROTTLE_MAX_WAIT_SECONDS, GraphSettings.REQUEST_TIMEOUT_SECONDS, GraphSettings.ASSIGNMENT_APPS,
            GraphSettings.LIVE_INTERVAL_MS, GraphSettings.LIVE_HOT_SET_SIZE, GraphSettings.LIVE_HOT_SECONDS,
            GraphSettings.LIVE_REQUESTS_PER_MINUTE, GraphSettings.LIVE_THREADS);
    /** Keys of live sync ({@code LiveSettings.KEYS}). */
    static final List<String> LIVE_KEYS = LiveSettings.KEYS;
    /** Keys of this starter. */
    static final List<String> STARTER_KEYS = List.of(EXCHANGE, CRM_DATA_SOURCE, STATE_DATA_SOURCE, STATE_URL,
            STATE_USERNAME, STATE_PASSWORD, STATE_TABLE_PREFIX, STATE_DIALECT, SCHEDULER_ENABLED, SCHEDULER_STOP_GRACE);
    /** Keys with a variable last part, e.g. {@code tasksync.status.to-exchange.Open}. */
    static final List<String> MAP_PREFIXES = List.of(SyncSettings.STATUS_TO_EXCHANGE_PREFIX,
            SyncSettings.STATUS_TO_CRM_PREFIX, SyncSettings.PRIORITY_PREFIX, SyncSettings.REMINDER_UNIT_PREFIX,
            JdbcCrmSettings.FIELD_COLUMN_PREFIX, JdbcCrmSettings.STATUS_CATALOG_PREFIX,
            JdbcCrmSettings.PRIORITY_CATALOG_PREFIX, JdbcCrmSettings.REMINDER_UNIT_CATALOG_PREFIX);

    /** Where each reader's keys start; a key outside all of them is a typo. */
    private static final List<String> NAMESPACES = namespaces();

    private static List<String> namespaces() {
        List<String> out = new ArrayList<>(SyncSettings.NAMESPACES);
        out.addAll(List.of(JdbcCrmSettings.PREFIX, EwsSettings.PREFIX, GraphSettings.PREFIX, LiveSettings.PREFIX,
                // read by tasksync-cluster-quartz (ClusterSettings.PREFIX), which a host may wire itself
                "tasksync.cluster."));
        return List.copyOf(out);
    }
    private static final Set<String> SINGLE_KEYS = new TreeSet<>();
    static {
        SINGLE_KEYS.addAll(ENGINE_KEYS);
        SINGLE_KEYS.addAll(CRM_JDBC_KEYS);
        SINGLE_KEYS.addAll(EWS_KEYS);
        SINGLE_KEYS.addAll(GRAPH_KEYS);
        SINGLE_KEYS.addAll(STARTER_KEYS);
        SINGLE_KEYS.addAll(LIVE_KEYS);
    }

    static final int MIN_SEARCHED_SECRET = 6;
    /** A key whose value is a credential: never repeated in a message. */
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(password|secret|token|credential|pwd).*");
    /** A {@code name[0]} element of a list (YAML {@code - 20} or {@code name[0]=20}), joined with commas. */
    private static final Pattern INDEXED = Pattern.compile("(.+)\\[(\\d+)]");
    /** A {@code name[key]} map entry whose key is not a number. */
    private static final Pattern BRACKETED = Pattern.compile("(.+)\\[(.*\\D.*)]");

    private final Properties properties;

    private TasksyncProperties(Properties properties) {
        this.properties = properties;
    }

    /**
     * Gathers the {@code tasksync.*} properties of {@code environment}, in Spring's order of
     * precedence. Keys without a variable part are looked up by name, so that Spring's relaxed
     * names of environment variables ({@code TASKSYNC_EWS_PASSWORD}) reach them too.
     *
     * @throws TasksyncPropertiesException for a key under {@code tasksync.} that no part of tasksync reads,
     *                                     or a bad value of a key of the starter
     */
    public static TasksyncProperties from(ConfigurableEnvironment environment) {
        Properties p = new Properties();
        for (String key : SINGLE_KEYS) {
            String v = environment.getProperty(key);
            if (v != null) {
                p.setProperty(key, v);
            }
        }
        Map<String, TreeMap<Integer, String>> lists = new LinkedHashMap<>();
        Set<String> listSeen = new TreeSet<>();
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (!(source instanceof EnumerablePropertySource<?> e)) {
                continue;
            }
            Set<String> listsHere = new TreeSet<>();
            for (String name : e.getPropertyNames()) {
                if (!name.startsWith("tasksync.")) {
                    continue;
                }
                Matcher named = BRACKETED.matcher(name);
                if (named.matches()) {
                    // Spring's notation for a map key with characters a key cannot hold: x.y[In Progress]
                    String key = named.group(1) + "." + named.group(2);
                    if (!p.containsKey(key)) {
                        Object value = source.getProperty(name);
                        if (value != null) {
                            p.setProperty(key, value.toString());
                        }
                    }
                    continue;
                }
                Matcher m = INDEXED.matcher(name);
                if (m.matches()) {
                    // a list is taken whole from the first (highest-precedence) source that has it
                    if (!listSeen.contains(m.group(1))) {
                        listsHere.add(m.group(1));
                        Object value = source.getProperty(name);
                        lists.computeIfAbsent(m.group(1), k -> new TreeMap<>())
                                .put(Integer.parseInt(m.group(2)), value == null ? "" : value.toString());
                    }
                } else if (!p.containsKey(name)) {
                    String v = environment.getProperty(name);
                    if (v != null) {
                        p.setProperty(name, v);
                    }
                }
            }
            listSeen.addAll(listsHere);
        }
        lists.forEach((key, values) -> {
            if (!p.containsKey(key)) {
                p.setProperty(key, String.join(",", values.values()));
            }
        });
        for (String key : new TreeSet<>(p.stringPropertyNames())) {
            if (!SINGLE_KEYS.contains(key) && NAMESPACES.stream().noneMatch(key::startsWith)) {
                // the value is left out: a misspelt key may be a credential's
                throw new TasksyncPropertiesException(key + ": unknown tasksync setting; see docs/spring-boot.md for "
                        + "the keys the Spring Boot starter reads");
            }
        }
        TasksyncProperties read = new TasksyncProperties(p);
        read.exchange();
        read.stopGrace();
        read.schedulerEnabled();
        return read;
    }

    /** As {@link #from(ConfigurableEnvironment)}, from plain properties (tests, hosts without Spring's environment). */
    static TasksyncProperties of(Properties properties) {
        Properties copy = new Properties();
        properties.stringPropertyNames().forEach(k -> copy.setProperty(k, properties.getProperty(k)));
        return new TasksyncProperties(copy);
    }

    /** A copy of every {@code tasksync.*} property, for the library's readers. Holds credentials: never log it. */
    public Properties toProperties() {
        Properties copy = new Properties();
        properties.stringPropertyNames().forEach(k -> copy.setProperty(k, properties.getProperty(k)));
        return copy;
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(properties.getProperty(key)).map(String::trim);
    }

    /** {@code ews}, {@code graph}, or empty when neither is named nor implied by {@code tasksync.ews.url}. */
    public Optional<String> exchange() {
        Optional<String> named = get(EXCHANGE).map(v -> v.toLowerCase(Locale.ROOT));
        if (named.isPresent()) {
            if (!named.get().equals("ews") && !named.get().equals("graph")) {
                throw new TasksyncPropertiesException(EXCHANGE + " must be ews (Exchange Server) or graph "
                        + "(Microsoft 365), was '" + properties.getProperty(EXCHANGE) + "'");
            }
            return named;
        }
        return get(EwsSettings.URL).isPresent() ? Optional.of("ews") : Optional.empty();
    }

    public boolean schedulerEnabled() {
        return get(SCHEDULER_ENABLED).map(v -> {
            if (v.equalsIgnoreCase("true")) return true;
            if (v.equalsIgnoreCase("false")) return false;
            throw new TasksyncPropertiesException(SCHEDULER_ENABLED + " must be true or false, was '" + v + "'");
        }).orElse(true);
    }

    public Duration stopGrace() {
        return get(SCHEDULER_STOP_GRACE).map(v -> {
            try {
                long s = Long.parseLong(v);
                if (s >= 1 && s <= 86_400) {
                    return Duration.ofSeconds(s);
                }
            } catch (NumberFormatException e) {
                // falls through to the message
            }
            throw new TasksyncPropertiesException(SCHEDULER_STOP_GRACE
                    + " must be a whole number of seconds from 1 to 86400, was '" + v + "'");
        }).orElse(Duration.ofSeconds(DEFAULT_STOP_GRACE_SECONDS));
    }

    /**
     * The values of credentials among these properties, to be searched for and kept out of every output.
     * Values shorter than {@value #MIN_SEARCHED_SECRET} characters are left out: searching for them would
     * garble messages (and such a credential is guessed faster than found); their keys are still masked.
     */
    public List<String> secrets() {
        List<String> out = new ArrayList<>();
        for (String key : properties.stringPropertyNames()) {
            String v = properties.getProperty(key);
            if (SECRET_KEY.matcher(key).matches() && v != null && v.trim().length() >= MIN_SEARCHED_SECRET) {
                out.add(v.trim());
            }
        }
        return out;
    }

    /**
     * Runs one of the library's readers and turns its refusal into a {@link TasksyncPropertiesException}
     * with the same message, but with any credential's value among these properties left out (a reader
     * that repeats the value of an unknown key would otherwise repeat a misplaced password).
     */
    public <T> T read(Function<Properties, T> reader) {
        try {
            return reader.apply(toProperties());
        } catch (TasksyncPropertiesException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw refused(e);
        }
    }

    /** {@code e} as a {@link TasksyncPropertiesException}: its message, with any credential's value left out. */
    public TasksyncPropertiesException refused(IllegalArgumentException e) {
        if (e instanceof TasksyncPropertiesException t) {
            return t;
        }
        String message = String.valueOf(e.getMessage());
        for (String secret : secrets()) {
            message = message.replace(secret, "(not shown)");
        }
        return message.equals(e.getMessage()) ? new TasksyncPropertiesException(e)
                : new TasksyncPropertiesException(message);
    }

    @Override
    public String toString() {
        return "TasksyncProperties" + new TreeSet<>(properties.stringPropertyNames());
    }
}

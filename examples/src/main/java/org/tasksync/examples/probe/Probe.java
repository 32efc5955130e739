package org.tasksync.examples.probe;

import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.ClientSecretCredentialBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.tasksync.adapter.ews.EwsExchangeAdapter;
import org.tasksync.adapter.ews.EwsSettings;
import org.tasksync.adapter.graph.GraphExchangeAdapter;
import org.tasksync.adapter.graph.GraphSettings;
import org.tasksync.adapter.graph.GraphTokenSource;
import org.tasksync.core.model.Mailbox;
import org.tasksync.examples.service.ServiceConfig;
import org.tasksync.testkit.ews.EwsSimulator;
import org.tasksync.testkit.graph.GraphSimulator;

/**
 * The probe an administrator runs against a customer's Exchange Server or Microsoft 365 tenant
 * and one test mailbox before the first cycle: it checks the rights, writes, reads, updates and
 * deletes tagged probe tasks through the same adapter and {@code tasksync.*} properties the service
 * uses, reads them as Outlook or To Do shows them, and prints each check as PASS, FAIL or SKIP with
 * the server's own words. It is never part of a cycle.
 *
 * <pre>
 * Probe ews   --config service.properties --mailbox test.rep@contoso.com --zone Europe/Berlin
 * Probe graph --config service.properties --mailbox test.rep@contoso.com --zone Pacific/Auckland
 * Probe ews --simulator        (against the EWS simulator, in process; graph likewise)
 * </pre>
 *
 * <p>Credentials come from the same environment variables as the service's
 * ({@link ServiceConfig}); none is printed. Exit codes: 0 every check passed, 1 one failed,
 * 2 wrong arguments or configuration, 3 none failed but some could not be judged.
 */
public final class Probe {

    static final String DEFAULT_ZONE = "Europe/Berlin";
    static final String SIMULATOR_MAILBOX = "probe.rep@example.com";
    /** The simulator's service account, known to the in-process simulator only: not a real credential. */
    private static final String SIMULATOR_USER = "svc-tasksync";
    private static final String SIMULATOR_PASSWORD = "probe-password-of-the-simulator";

    /** A kind of probe, named by the first argument. */
    @FunctionalInterface
    interface Subcommand {
        int run(Options options, Map<String, String> env, Clock clock, PrintStream out) throws UsageException;
    }

    /**
     * The kinds of probe by name (the mailbox probes here; {@code crm}, the CRM database probe, is
     * {@link CrmProbeMain}): each gets the parsed options and returns the exit code.
     */
    static final Map<String, Subcommand> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("ews", Probe::ews);
        SUBCOMMANDS.put("graph", Probe::graph);
        SUBCOMMANDS.put("crm", Probe::crm);
    }

    private Probe() {
    }

    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        }
        int exit = run(args, System.getenv(), Clock.systemUTC(), System.out);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /** Runs the probe the arguments name; returns the exit code. */
    static int run(String[] args, Map<String, String> env, Clock clock, PrintStream out) {
        try {
            Options options = Options.parse(args);
            return SUBCOMMANDS.get(options.subcommand()).run(options, env, clock, out);
        } catch (UsageException e) {
            out.println("probe: " + e.getMessage());
            out.println(usage());
            return ProbeReport.USAGE;
        }
    }

    static String usage() {
        return "usage: Probe " + String.join("|", SUBCOMMANDS.keySet())
                + " [--simulator] [--config FILE] [--mailbox ADDRESS] [--zone ZONE]\n"
                + "  --config FILE     the service's properties file (tasksync.ews.* or tasksync.graph.*); credentials\n"
                + "                    from TASKSYNC_EWS_USERNAME/_PASSWORD/_DOMAIN, TASKSYNC_GRAPH_CLIENT_SECRET or\n"
                + "                    TASKSYNC_GRAPH_ACCESS_TOKEN\n"
                + "  --mailbox ADDRESS the test mailbox (a rep's or a test user's SMTP address)\n"
                + "  --zone ZONE       the rep's time zone (IANA name), default " + DEFAULT_ZONE + "\n"
                + "  --simulator       start the EWS or Graph simulator in process and probe it (no --config);\n"
                + "                    for crm: the reference schema with demo rows in an in-process H2\n"
                + "  crm --config FILE the CRM database of the service's properties file (tasksync.crm.jdbc.*), user and\n"
                + "                    password from TASKSYNC_CRM_DB_USER/_PASSWORD: every statement of the JDBC CRM\n"
                + "                    adapter, rolled back, with the database's plan for each";
    }

    // ------------------------------------------------------------------ the arguments

    /** A wrong argument or configuration; the message names it. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** The parsed command line. */
    record Options(String subcommand, boolean simulator, Path config, String mailbox, ZoneId zone) {

        static Options parse(String[] args) throws UsageException {
            if (args.length == 0) {
                throw new UsageException("name what to probe: " + String.join(" or ", SUBCOMMANDS.keySet()));
            }
            String sub = args[0];
            if (!SUBCOMMANDS.containsKey(sub)) {
                throw new UsageException("unknown probe '" + sub + "': known are " + String.join(", ",
                        SUBCOMMANDS.keySet()));
            }
            boolean simulator = false;
            Path config = null;
            String mailbox = null;
            String zone = null;
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--simulator" -> simulator = true;
                    case "--config" -> config = Path.of(value(args, ++i, a));
                    case "--mailbox" -> mailbox = value(args, ++i, a);
                    case "--zone" -> zone = value(args, ++i, a);
                    default -> throw new UsageException("unknown argument '" + a + "'");
                }
            }
            if (simulator && config != null) {
                throw new UsageException("--simulator and --config exclude each other: the simulator needs no file");
            }
            if (!simulator && config == null) {
                throw new UsageException("--config FILE is required (or --simulator)");
            }
            if (mailbox != null && (mailbox.isBlank() || !mailbox.contains("@"))) {
                throw new UsageException("--mailbox must be an SMTP address, was '" + mailbox + "'");
            }
            ZoneId zoneId;
            try {
                zoneId = ZoneId.of(zone == null ? DEFAULT_ZONE : zone);
            } catch (DateTimeException e) {
                throw new UsageException("--zone must be a time zone such as Europe/Berlin, was '" + zone + "'");
            }
            return new Options(sub, simulator, config, mailbox == null ? null : mailbox.trim(), zoneId);
        }

        /** The test mailbox, which the Exchange probes need (a probe of another kind may not). */
        String requireMailbox() throws UsageException {
            if (mailbox != null) {
                return mailbox;
            }
            if (simulator) {
                return SIMULATOR_MAILBOX;
            }
            throw new UsageException("--mailbox is required: the SMTP address of the test mailbox");
        }

        private static String value(String[] args, int i, String name) throws UsageException {
            if (i >= args.length || args[i].startsWith("--")) {
                throw new UsageException(name + " needs a value");
            }
            return args[i];
        }
    }

    // ------------------------------------------------------------------ EWS

    /** The CRM database: {@link CrmProbeMain} on the same arguments (no mailbox, no zone needed). */
    private static int crm(Options o, Map<String, String> env, Clock clock, PrintStream out) {
        String target = o.simulator() ? "--demo" : o.config().toString();
        return CrmProbeMain.run(new String[] {target}, env, out, out);
    }

    private static int ews(Options o, Map<String, String> env, Clock clock, PrintStream out) throws UsageException {
        String mailbox = o.requireMailbox();
        EwsSimulator simulator = null;
        try {
            EwsSettings config;
            String user;
            String password;
            String domain;
            if (o.simulator()) {
                simulator = EwsSimulator.builder().basicAuth(SIMULATOR_USER, SIMULATOR_PASSWORD)
                        .rejectUnknownMailboxes().start();
                simulator.registerMailbox(mailbox);
                user = SIMULATOR_USER;
                password = SIMULATOR_PASSWORD;
                domain = null;
                config = EwsSettings.builder().url(simulator.url()).credentials(user, password).build();
            } else {
                Properties p = load(o.config());
                try {
                    config = ServiceConfig.ewsSettings(exchangeKeys(p, EwsSettings.PREFIX), env);
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage());
                }
                user = env.get(ServiceConfig.ENV_EWS_USERNAME);
                password = env.get(ServiceConfig.ENV_EWS_PASSWORD);
                domain = env.get(ServiceConfig.ENV_EWS_DOMAIN);
            }
            ProbeReport report = new ProbeReport(out, List.of(password));
            try (EwsServerSide server = new EwsServerSide(config, user, password, domain, mailbox)) {
                report.line("tasksync probe of " + server.describe() + (simulator != null
                        ? " (the EWS simulator, in process" + (simulator.validatesSchema()
                        ? ", checking every request against Microsoft's EWS schema)" : ")") : ""));
                report.line("mailbox " + mailbox + ", impersonated by the service account; never part of a cycle");
                new ExchangeProbe(EwsExchangeAdapter.create(config), server, new Mailbox(mailbox, null, o.zone()),
                        clock, report).run();
            }
            report.summary();
            return report.exitCode();
        } finally {
            if (simulator != null) {
                simulator.close();
            }
        }
    }

    // ------------------------------------------------------------------ Graph

    private static int graph(Options o, Map<String, String> env, Clock clock, PrintStream out) throws UsageException {
        String mailbox = o.requireMailbox();
        GraphSimulator simulator = null;
        try {
            GraphSettings settings;
            GraphTokenSource tokens;
            List<String> secrets = new ArrayList<>();
            GraphExchangeAdapter.Builder adapter;
            if (o.simulator()) {
                // its default date mode, the documented one: the date in the zone sent (docs/graph.md)
                simulator = GraphSimulator.start();
                simulator.addUser(mailbox);
                settings = GraphSettings.builder().baseUrl(simulator.baseUrl()).build();
                tokens = GraphTokenSource.fixed(simulator.token());
                adapter = GraphExchangeAdapter.builder(settings).tokenSource(tokens);
            } else {
                Properties p = load(o.config());
                String token = env.get(ServiceConfig.ENV_GRAPH_ACCESS_TOKEN);
                String secret = env.get(ServiceConfig.ENV_GRAPH_CLIENT_SECRET);
                try {
                    settings = ServiceConfig.graphSettings(exchangeKeys(p, GraphSettings.PREFIX), env,
                            token == null || token.isEmpty() ? null : token);
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage());
                }
                secrets.add(token);
                secrets.add(secret);
                adapter = GraphExchangeAdapter.builder(settings);
                if (token != null && !token.isEmpty()) {
                    tokens = GraphTokenSource.fixed(token);
                    adapter.tokenSource(tokens);
                } else {
                    tokens = clientSecretTokens(settings, secret);
                }
            }
            ProbeReport report = new ProbeReport(out, secrets);
            try (GraphServerSide server = new GraphServerSide(settings, tokens, mailbox, o.zone())) {
                report.line("tasksync probe of " + server.describe()
                        + (simulator != null ? " (the Graph simulator, in process)" : ""));
                report.line("mailbox " + mailbox + ", with the application's permission; never part of a cycle");
                new ExchangeProbe(adapter.build(), server, new Mailbox(mailbox, null, o.zone()), clock, report)
                        .run();
            }
            report.summary();
            return report.exitCode();
        } finally {
            if (simulator != null) {
                simulator.close();
            }
        }
    }

    /**
     * Tokens for the probe's own calls, signed in as the adapter signs in (client credentials through
     * azure-identity); the adapter signs in by itself with the same settings.
     */
    private static GraphTokenSource clientSecretTokens(GraphSettings settings, String secret) {
        ClientSecretCredentialBuilder b = new ClientSecretCredentialBuilder()
                .tenantId(settings.tenantId())
                .clientId(settings.clientId())
                .clientSecret(secret)
                .authorityHost(settings.authorityHost());
        if (!GraphSettings.DEFAULT_AUTHORITY_HOST.equals(settings.authorityHost())) {
            b.disableInstanceDiscovery();
        }
        TokenCredential credential = b.build();
        String scope = URI.create(settings.baseUrl()).resolve("/.default").toString();
        return () -> credential.getTokenSync(new TokenRequestContext().addScopes(scope)).getToken();
    }

    // ------------------------------------------------------------------ the file

    /** Reads the properties file, refusing credentials in it as the service does. */
    static Properties load(Path file) throws UsageException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UsageException("cannot read the properties file " + file.toAbsolutePath() + ": "
                    + e.getClass().getSimpleName());
        }
        try {
            ServiceConfig.refuseCredentials(p);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return p;
    }

    /** The keys of one adapter: the service's file holds the CRM's and the engine's too, which the probe does not use. */
    private static Properties exchangeKeys(Properties p, String prefix) {
        Properties out = new Properties();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(prefix)) {
                out.setProperty(key, p.getProperty(key));
            }
        }
        return out;
    }
}

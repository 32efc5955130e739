package org.tasksync.examples.demo;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcConnectionPool;
import org.tasksync.adapter.ews.EwsConfig;
import org.tasksync.adapter.ews.EwsExchangeAdapter;
import org.tasksync.adapter.jdbccrm.ReferenceCrm;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.model.Rep;
import org.tasksync.core.state.JdbcSyncStateStore;
import org.tasksync.testkit.ews.EwsSimulator;
import org.tasksync.testkit.ews.ExtendedPropertyKey;
import org.tasksync.testkit.ews.OutlookRep;
import org.tasksync.testkit.ews.OutlookTask;

/**
 * The embedded demo, and the examples module's default main class: a CRM in H2 (the reference
 * schema, filled by {@link DemoCrm}) and Exchange played by the EWS simulator, both in this process,
 * with the real EWS adapter talking HTTP between them. It runs a cycle, acts as four reps in Outlook
 * (one completes a task, one defers one, one sets one to waiting, one deletes one), runs a second
 * cycle, and prints both reports and the CRM statuses that changed, read from the CRM's database.
 *
 * <pre>
 * mvn -B -q -DskipTests -pl examples -am package exec:java              # this demo
 * mvn -B -q -DskipTests -pl examples -am package exec:java -Dexec.args=--graph
 * </pre>
 *
 * <p>An application, so it prints to stdout. Library logging is turned down to errors unless
 * {@code -Dorg.slf4j.simpleLogger.defaultLogLevel=info} asks for more.
 */
public final class EmbeddedDemo {

    /** What {@code --graph} answers while the demo is not wired to the Graph adapter. */
    static final String GRAPH_NOT_AVAILABLE = "--graph: the demo against Microsoft Graph is not available in this "
            + "build; run the demo without --graph to use the EWS adapter.";

    /** The demo's service account, known to the simulator only: not a real credential. */
    private static final String SERVICE_ACCOUNT = "svc-tasksync";
    private static final String SERVICE_PASSWORD = "demo-password-of-the-simulator";

    private static final ExtendedPropertyKey CRM_ID = ExtendedPropertyKey.named(EwsExchangeAdapter.PROPERTY_SET_ID,
            EwsExchangeAdapter.CRM_ID_PROPERTY);
    private static final AtomicInteger RUNS = new AtomicInteger();

    private EmbeddedDemo() {
    }

    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        }
        int exit = run(args, System.out, System.err);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /** Runs the demo as the command line asks; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        for (String arg : args) {
            switch (arg) {
                case "--graph" -> {
                    err.println(GRAPH_NOT_AVAILABLE);
                    return 2;
                }
                case "--help", "-h" -> {
                    out.println("usage: EmbeddedDemo [--graph]");
                    out.println("  runs two sync cycles between a demo CRM (H2) and a simulated Exchange, in this process");
                    out.println("  --graph  use the Microsoft Graph adapter and simulator instead of EWS");
                    return 0;
                }
                default -> {
                    err.println("unknown argument '" + arg + "'; usage: EmbeddedDemo [--graph]");
                    return 2;
                }
            }
        }
        run(out);
        return 0;
    }

    /** A CRM status before the first cycle and after the second. */
    public record StatusChange(String taskId, String subject, String rep, String before, String after) {
    }

    /**
     * What the demo did.
     *
     * @param firstCycle       the report of the first cycle
     * @param secondCycle      the report of the cycle after the reps' Outlook edits
     * @param changedStatuses  CRM statuses that differ after the second cycle, as read from the CRM's database
     * @param deletedTaskInOutlook whether the task the rep deleted is in the rep's Outlook again
     */
    public record Result(SyncReport firstCycle, SyncReport secondCycle, List<StatusChange> changedStatuses,
                         boolean deletedTaskInOutlook) {
    }

    /** Runs the demo with the EWS adapter, printing to {@code out}. */
    public static Result run(PrintStream out) {
        Objects.requireNonNull(out, "out");
        Clock clock = Clock.systemUTC();
        SyncSettings settings = SyncSettings.ofDefaults();
        int run = RUNS.incrementAndGet();
        JdbcConnectionPool crmDb = JdbcConnectionPool.create("jdbc:h2:mem:tasksync-demo-crm-" + run + ";DB_CLOSE_DELAY=-1",
                "sa", "");
        JdbcConnectionPool stateDb = JdbcConnectionPool.create("jdbc:h2:mem:tasksync-demo-state-" + run
                + ";DB_CLOSE_DELAY=-1", "sa", "");
        try (EwsSimulator exchange = EwsSimulator.builder().basicAuth(SERVICE_ACCOUNT, SERVICE_PASSWORD)
                .rejectUnknownMailboxes().start()) {
            ReferenceCrm crm = ReferenceCrm.of(crmDb).createSchema();
            int tasks = DemoCrm.fill(crm, LocalDate.now(clock), settings.pastDays(), settings.futureDays());
            DemoCrm.REPS.stream().filter(Rep::hasMailbox).forEach(r -> exchange.registerMailbox(r.mailbox()));

            out.println("tasksync demo: two sync cycles between a CRM and Exchange, both in this process");
            out.println("  CRM:      H2 with the reference schema; " + DemoCrm.REPS.size() + " reps (one disabled), "
                    + tasks + " tasks");
            out.println("  Exchange: the EWS simulator at " + exchange.url());
            out.println("            " + (exchange.validatesSchema() ? "checking every request against the EWS schema"
                    : "without schema validation (../shared/ews-schema not found)"));
            out.println("  between:  the EWS adapter over HTTP; time frame " + settings.pastDays() + " days back, "
                    + settings.futureDays() + " days ahead of each rep's today");
            Map<String, CrmRow> before = readCrm(crmDb, crm);

            SyncEngine engine = SyncEngine.builder()
                    .crm(crm.adapter())
                    .exchange(EwsExchangeAdapter.create(EwsConfig.builder().url(exchange.url())
                            .credentials(SERVICE_ACCOUNT, SERVICE_PASSWORD).build()))
                    .stateStore(JdbcSyncStateStore.builder(stateDb).build())
                    .settings(settings)
                    .clock(clock)
                    .listener(new ConsoleProgress(out))
                    .build();

            out.println();
            out.println("Cycle 1: every task in the time frame goes to its rep's Outlook");
            SyncReport first = engine.runOnce();
            out.print(first.toTable());

            out.println();
            out.println("In Outlook:");
            OutlookRep ada = exchange.outlook("ada.lovelace@example.com");
            OutlookRep bob = exchange.outlook("bob.kahn@example.com");
            OutlookRep emi = exchange.outlook("emi.tanaka@example.com");
            OutlookRep finn = exchange.outlook("finn.murphy@example.com");
            OutlookTask completed = ada.setStatus(item(ada, DemoCrm.COMPLETED_IN_OUTLOOK).itemId(), "Completed");
            out.println("  Ada Lovelace marks \"" + completed.subject() + "\" as completed");
            OutlookTask deferred = bob.setStatus(item(bob, DemoCrm.DEFERRED_IN_OUTLOOK).itemId(), "Deferred");
            out.println("  Bob Kahn defers \"" + deferred.subject() + "\"");
            OutlookTask waiting = emi.setStatus(item(emi, DemoCrm.WAITING_IN_OUTLOOK).itemId(), "WaitingOnOthers");
            out.println("  Emi Tanaka sets \"" + waiting.subject() + "\" to waiting on someone else");
            OutlookTask deleted = item(finn, DemoCrm.DELETED_IN_OUTLOOK);
            finn.delete(deleted.itemId());
            out.println("  Finn Murphy deletes \"" + deleted.subject() + "\"");

            out.println();
            out.println("Cycle 2: the status changes come back to the CRM");
            SyncReport second = engine.runOnce();
            out.print(second.toTable());

            List<StatusChange> changes = changes(before, readCrm(crmDb, crm));
            boolean deletedIsBack = !finn.tasksWith(CRM_ID, DemoCrm.DELETED_IN_OUTLOOK).isEmpty();
            out.println();
            out.println("CRM statuses that changed (read from the CRM's database):");
            for (StatusChange c : changes) {
                out.printf("  %-10s %-42s %-13s %s -> %s%n", c.taskId(), quoted(c.subject()), c.rep(), c.before(),
                        c.after());
            }
            CrmRow kept = before.get(DemoCrm.DELETED_IN_OUTLOOK);
            out.printf("  %-10s %-42s %-13s %s%n", kept.id(), quoted(kept.subject()), kept.rep(), deletedIsBack
                    ? "deleted in Outlook, but created again (unexpected)"
                    : "deleted in Outlook: still " + kept.status() + " in the CRM, and not created again");
            out.println("  " + DemoCrm.BAD_TASK + " (status code " + DemoCrm.BAD_STATUS_CODE
                    + ", unknown to the CRM's status catalog) is a task error in both reports; all other tasks went on.");

            out.println();
            out.println("Next: run the scheduled service or write your own CRM adapter (docs/examples.md), look up a "
                    + "setting (docs/settings.md), or run every test with: mvn -B verify");
            exchange.assertNoResponseErrors();
            return new Result(first, second, changes, deletedIsBack);
        } finally {
            shutdown(crmDb);
            shutdown(stateDb);
        }
    }

    private static OutlookTask item(OutlookRep rep, String crmId) {
        List<OutlookTask> tagged = rep.tasksWith(CRM_ID, crmId);
        if (tagged.size() != 1) {
            throw new IllegalStateException("expected task " + crmId + " once in " + rep.mailbox() + ", found "
                    + tagged.size());
        }
        return tagged.get(0);
    }

    private static String quoted(String s) {
        return "\"" + s + "\"";
    }

    /** One A1 row as the CRM's database has it, the status mapped through the catalog. */
    private record CrmRow(String id, String subject, String rep, String status) {
    }

    /** Reads every task's status from the CRM's tables, not through the adapter. */
    private static Map<String, CrmRow> readCrm(JdbcConnectionPool db, ReferenceCrm crm) {
        Map<String, String> catalog = crm.settings().statusCatalog();
        Map<String, CrmRow> rows = new LinkedHashMap<>();
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT t.id, t.subject, r.display_name, t.status FROM a1_task t "
                     + "LEFT JOIN crm_rep r ON r.id = t.rep_id WHERE NOT t.deleted ORDER BY t.id")) {
            while (rs.next()) {
                String code = rs.getString(4);
                rows.put(rs.getString(1), new CrmRow(rs.getString(1), rs.getString(2), rs.getString(3),
                        catalog.getOrDefault(code, "code " + code)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the demo CRM: " + e.getMessage(), e);
        }
        return rows;
    }

    private static List<StatusChange> changes(Map<String, CrmRow> before, Map<String, CrmRow> after) {
        List<StatusChange> out = new ArrayList<>();
        after.forEach((id, now) -> {
            CrmRow then = before.get(id);
            if (then != null && !then.status().equals(now.status())) {
                out.add(new StatusChange(id, now.subject(), now.rep(), then.status(), now.status()));
            }
        });
        return out;
    }

    private static void shutdown(JdbcConnectionPool db) {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("SHUTDOWN");
        } catch (SQLException e) {
            // the in-memory database is gone either way
        } finally {
            db.dispose();
        }
    }
}

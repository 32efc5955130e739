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
import org.tasksync.adapter.jdbccrm.ReferenceCrm;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Rep;
import org.tasksync.core.state.JdbcSyncStateStore;

/**
 * The embedded demo, and the examples module's default main class: a CRM in H2 (the reference
 * schema, filled by {@link DemoCrm}) and Exchange played by a simulator, both in this process, with
 * the real adapter talking HTTP between them: the EWS simulator and adapter, or with
 * {@code --graph} the Graph simulator and adapter. It runs a cycle, acts as four reps in Outlook (or
 * To Do): one completes a task, one defers one, one sets one to waiting, one deletes one; it runs a
 * second cycle and prints both reports and the CRM statuses that changed, read from the CRM's
 * database.
 *
 * <pre>
 * mvn -B -q -DskipTests -pl examples -am package exec:java                        # EWS
 * mvn -B -q -DskipTests -pl examples -am package exec:java -Dexec.args=--graph   # Microsoft Graph
 * </pre>
 *
 * <p>An application, so it prints to stdout. Library logging is turned down to errors unless
 * {@code -Dorg.slf4j.simpleLogger.defaultLogLevel=info} asks for more.
 */
public final class EmbeddedDemo {

    /** Which adapter and simulator play Exchange. */
    public enum Exchange { EWS, GRAPH }

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
        Exchange exchange = Exchange.EWS;
        for (String arg : args) {
            switch (arg) {
                case "--graph" -> exchange = Exchange.GRAPH;
                case "--help", "-h" -> {
                    out.println("usage: EmbeddedDemo [--graph]");
                    out.println("  runs two sync cycles between a demo CRM (H2) and a simulated Exchange, in this process");
                    out.println("  --graph  Microsoft 365: the Graph adapter and simulator instead of EWS");
                    return 0;
                }
                default -> {
                    err.println("unknown argument '" + arg + "'; usage: EmbeddedDemo [--graph]");
                    return 2;
                }
            }
        }
        run(out, exchange);
        return 0;
    }

    /** A CRM status before the first cycle and after the second. */
    public record StatusChange(String taskId, String subject, String rep, String before, String after) {
    }

    /**
     * What the demo did.
     *
     * @param firstCycle           the report of the first cycle
     * @param secondCycle          the report of the cycle after the reps' edits
     * @param changedStatuses      CRM statuses that differ after the second cycle, as read from the CRM's database
     * @param deletedTaskInOutlook whether the task the rep deleted is in the rep's Outlook (or To Do) again
     */
    public record Result(SyncReport firstCycle, SyncReport secondCycle, List<StatusChange> changedStatuses,
                         boolean deletedTaskInOutlook) {
    }

    /** Runs the demo with the EWS adapter, printing to {@code out}. */
    public static Result run(PrintStream out) {
        return run(out, Exchange.EWS);
    }

    /** Runs the demo with the adapter and simulator of {@code kind}, printing to {@code out}. */
    public static Result run(PrintStream out, Exchange kind) {
        Objects.requireNonNull(out, "out");
        Clock clock = Clock.systemUTC();
        SyncSettings settings = SyncSettings.ofDefaults();
        int run = RUNS.incrementAndGet();
        JdbcConnectionPool crmDb = JdbcConnectionPool.create("jdbc:h2:mem:tasksync-demo-crm-" + run + ";DB_CLOSE_DELAY=-1",
                "sa", "");
        JdbcConnectionPool stateDb = JdbcConnectionPool.create("jdbc:h2:mem:tasksync-demo-state-" + run
                + ";DB_CLOSE_DELAY=-1", "sa", "");
        List<String> mailboxes = DemoCrm.REPS.stream().filter(Rep::hasMailbox).map(Rep::mailbox).toList();
        try (DemoExchange exchange = kind == Exchange.GRAPH ? new GraphDemoExchange(mailboxes)
                : new EwsDemoExchange(mailboxes)) {
            ReferenceCrm crm = ReferenceCrm.of(crmDb).createSchema();
            int tasks = DemoCrm.fill(crm, LocalDate.now(clock), settings.pastDays(), settings.futureDays());

            out.println("tasksync demo: two sync cycles between a CRM and Exchange, both in this process");
            out.println("  CRM:      H2 with the reference schema; " + DemoCrm.REPS.size() + " reps (one disabled), "
                    + tasks + " tasks");
            exchange.description().forEach(line -> out.println("  " + line));
            out.println("  frame:    " + settings.pastDays() + " days back and " + settings.futureDays()
                    + " days ahead of each rep's today");
            Map<String, CrmRow> before = readCrm(crmDb, crm);

            SyncEngine engine = SyncEngine.builder()
                    .crm(crm.adapter())
                    .exchange(exchange.adapter())
                    .stateStore(JdbcSyncStateStore.builder(stateDb).build())
                    .settings(settings)
                    .clock(clock)
                    .listener(new ConsoleProgress(out))
                    .build();

            out.println();
            out.println("Cycle 1: every task in the time frame goes to its rep's " + exchange.app());
            SyncReport first = engine.runOnce();
            out.print(first.toTable());

            out.println();
            out.println("In " + exchange.app() + ":");
            out.println("  Ada Lovelace marks " + quoted(exchange.setStatus("ada.lovelace@example.com",
                    DemoCrm.COMPLETED_IN_OUTLOOK, ExchangeStatus.COMPLETED)) + " as completed");
            out.println("  Bob Kahn defers " + quoted(exchange.setStatus("bob.kahn@example.com",
                    DemoCrm.DEFERRED_IN_OUTLOOK, ExchangeStatus.DEFERRED)));
            out.println("  Emi Tanaka sets " + quoted(exchange.setStatus("emi.tanaka@example.com",
                    DemoCrm.WAITING_IN_OUTLOOK, ExchangeStatus.WAITING_ON_OTHERS)) + " to waiting on someone else");
            out.println("  Finn Murphy deletes " + quoted(exchange.delete("finn.murphy@example.com",
                    DemoCrm.DELETED_IN_OUTLOOK)));

            out.println();
            out.println("Cycle 2: the status changes come back to the CRM");
            SyncReport second = engine.runOnce();
            out.print(second.toTable());

            List<StatusChange> changes = changes(before, readCrm(crmDb, crm));
            boolean deletedIsBack = exchange.holds("finn.murphy@example.com", DemoCrm.DELETED_IN_OUTLOOK);
            out.println();
            out.println("CRM statuses that changed (read from the CRM's database):");
            for (StatusChange c : changes) {
                out.printf("  %-10s %-42s %-13s %s -> %s%n", c.taskId(), quoted(c.subject()), c.rep(), c.before(),
                        c.after());
            }
            CrmRow kept = before.get(DemoCrm.DELETED_IN_OUTLOOK);
            out.printf("  %-10s %-42s %-13s %s%n", kept.id(), quoted(kept.subject()), kept.rep(), deletedIsBack
                    ? "deleted in " + exchange.app() + ", but created again (unexpected)"
                    : "deleted in " + exchange.app() + ": still " + kept.status() + " in the CRM, and not created again");
            out.println("  " + DemoCrm.BAD_TASK + " (status code " + DemoCrm.BAD_STATUS_CODE
                    + ", unknown to the CRM's status catalog) is a task error in both reports; all other tasks went on.");

            out.println();
            out.println("Next:");
            if (kind == Exchange.EWS) {
                out.println("  the same against Microsoft 365 (Graph): add -Dexec.args=--graph");
            }
            out.println("  the scheduled service, or your own CRM adapter: docs/examples.md");
            out.println("  every setting: docs/settings.md; every test: mvn -B verify");
            exchange.checkHealthy();
            return new Result(first, second, changes, deletedIsBack);
        } finally {
            shutdown(crmDb);
            shutdown(stateDb);
        }
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

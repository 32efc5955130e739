package org.tasksync.examples.service;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.tools.Server;
import org.tasksync.adapter.ews.EwsExchangeAdapter;
import org.tasksync.adapter.jdbccrm.ReferenceCrm;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.model.Rep;
import org.tasksync.examples.demo.DemoCrm;
import org.tasksync.testkit.ews.EwsSimulator;
import org.tasksync.testkit.ews.ExtendedPropertyKey;
import org.tasksync.testkit.ews.OutlookRep;
import org.tasksync.testkit.ews.OutlookTask;

/**
 * The servers that {@code examples/tasksync-service.properties} points at, for trying the
 * scheduled service without a real CRM or Exchange: the EWS simulator on
 * {@code http://127.0.0.1:8089/EWS/Exchange.asmx} and the demo CRM in an H2 database served on
 * {@code jdbc:h2:tcp://127.0.0.1:9092/mem:tasksync-crm}. The simulator accepts the service account
 * given in {@code TASKSYNC_EWS_USERNAME} and {@code TASKSYNC_EWS_PASSWORD}, the same variables the
 * service reads.
 *
 * <p>While it runs, lines typed on stdin act as the reps in Outlook: {@code complete A1:100-1},
 * {@code defer ...}, {@code waiting ...}, {@code delete ...}; the service's next cycle picks the
 * change up. Runs until stdin says {@code quit} or the process is stopped.
 */
public final class LocalServers {

    public static final int EWS_PORT = 8089;
    public static final int CRM_PORT = 9092;
    public static final String CRM_DATABASE = "tasksync-crm";

    private static final ExtendedPropertyKey CRM_ID = ExtendedPropertyKey.named(EwsExchangeAdapter.PROPERTY_SET_ID,
            EwsExchangeAdapter.CRM_ID_PROPERTY);

    private LocalServers() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        String user = env.get(ServiceConfig.ENV_EWS_USERNAME);
        String password = env.get(ServiceConfig.ENV_EWS_PASSWORD);
        if (user == null || user.isBlank() || password == null || password.isEmpty()) {
            System.err.println("Set " + ServiceConfig.ENV_EWS_USERNAME + " and " + ServiceConfig.ENV_EWS_PASSWORD
                    + ": the simulator accepts that service account, and the service logs in with it.");
            System.exit(2);
        }
        SyncSettings defaults = SyncSettings.ofDefaults();
        // no user name or password, so that the sample needs no TASKSYNC_CRM_DB_* variables
        JdbcConnectionPool crmDb = JdbcConnectionPool.create("jdbc:h2:mem:" + CRM_DATABASE + ";DB_CLOSE_DELAY=-1",
                "", "");
        ReferenceCrm crm = ReferenceCrm.of(crmDb).createSchema();
        int tasks = DemoCrm.fill(crm, LocalDate.now(Clock.systemUTC()), defaults.pastDays(), defaults.futureDays());
        Server h2 = Server.createTcpServer("-tcpPort", Integer.toString(CRM_PORT)).start();
        EwsSimulator exchange = EwsSimulator.builder().port(EWS_PORT).basicAuth(user, password)
                .rejectUnknownMailboxes().start();
        DemoCrm.REPS.stream().filter(Rep::hasMailbox).forEach(r -> exchange.registerMailbox(r.mailbox()));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            exchange.close();
            h2.stop();
            crmDb.dispose();
        }, "local-servers-shutdown"));

        System.out.println("EWS simulator: " + exchange.url() + (exchange.validatesSchema() ? " (schema validation on)"
                : " (no schema validation: ../shared/ews-schema not found)"));
        System.out.println("CRM (H2):      jdbc:h2:tcp://127.0.0.1:" + CRM_PORT + "/mem:" + CRM_DATABASE + ", "
                + DemoCrm.REPS.size() + " reps, " + tasks + " tasks");
        System.out.println("Act as a rep in Outlook: complete|defer|waiting|delete <CRM task id>, e.g. complete "
                + DemoCrm.COMPLETED_IN_OUTLOOK + "; quit stops.");
        commands(exchange);
    }

    /** Reads commands from stdin until "quit"; without stdin, runs until the process is stopped. */
    private static void commands(EwsSimulator exchange) throws InterruptedException, java.io.IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.trim().split("\\s+");
            if (words[0].equals("quit")) {
                System.exit(0);
            }
            if (words.length != 2) {
                if (!words[0].isEmpty()) {
                    System.out.println("complete|defer|waiting|delete <CRM task id>, or quit");
                }
                continue;
            }
            Optional<Map.Entry<OutlookRep, OutlookTask>> found = find(exchange, words[1]);
            if (found.isEmpty()) {
                System.out.println("no Outlook task carries the CRM id " + words[1] + " (yet)");
                continue;
            }
            OutlookRep rep = found.get().getKey();
            String itemId = found.get().getValue().itemId();
            switch (words[0]) {
                case "complete" -> rep.setStatus(itemId, "Completed");
                case "defer" -> rep.setStatus(itemId, "Deferred");
                case "waiting" -> rep.setStatus(itemId, "WaitingOnOthers");
                case "delete" -> rep.delete(itemId);
                default -> {
                    System.out.println("complete|defer|waiting|delete <CRM task id>, or quit");
                    continue;
                }
            }
            System.out.println(rep.mailbox() + ": " + words[0] + " " + words[1] + " done; the next cycle brings it to the CRM");
        }
        new CountDownLatch(1).await(); // no stdin: serve until stopped
    }

    private static Optional<Map.Entry<OutlookRep, OutlookTask>> find(EwsSimulator exchange, String crmId) {
        for (String mailbox : exchange.mailboxes()) {
            OutlookRep rep = exchange.outlook(mailbox);
            for (OutlookTask t : rep.tasksWith(CRM_ID, crmId)) {
                return Optional.of(Map.entry(rep, t));
            }
        }
        return Optional.empty();
    }
}

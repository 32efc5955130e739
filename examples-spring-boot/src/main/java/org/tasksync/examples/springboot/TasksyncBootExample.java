package org.tasksync.examples.springboot;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.tasksync.adapter.ews.EwsExchangeAdapter;
import org.tasksync.adapter.ews.EwsSettings;
import org.tasksync.adapter.jdbccrm.ReferenceCrm;
import org.tasksync.core.SyncListener;
import org.tasksync.core.SyncReport;
import org.tasksync.testkit.ews.EwsSimulator;
import org.tasksync.testkit.ews.ExtendedPropertyKey;
import org.tasksync.testkit.ews.OutlookRep;
import org.tasksync.testkit.ews.OutlookTask;

/**
 * A Spring Boot application that syncs a CRM with Exchange through the tasksync starter: everything
 * tasksync needs comes from {@code application.properties}; this class only stands up the demo CRM
 * and the EWS simulator in the same process, in place of real servers, and plays a rep who completes
 * a task in Outlook after the first cycle so that the next one writes the status back to the CRM.
 *
 * <p>{@code mvn -B -q -DskipTests -pl examples-spring-boot -am package exec:java}, then
 * {@code http://localhost:8080/actuator/health} and {@code /actuator/tasksync}.
 */
@SpringBootApplication
public class TasksyncBootExample {

    private static final Logger log = LoggerFactory.getLogger(TasksyncBootExample.class);

    static final int EWS_PORT = 8089;
    static final String CRM_URL = "jdbc:h2:mem:tasksync-crm;DB_CLOSE_DELAY=-1";
    private static final ExtendedPropertyKey CRM_ID = ExtendedPropertyKey.named(EwsExchangeAdapter.PROPERTY_SET_ID,
            EwsExchangeAdapter.CRM_ID_PROPERTY);

    public static void main(String[] args) {
        start(EWS_PORT, CRM_URL, args);
    }

    /**
     * Starts the simulator on {@code ewsPort} (0: any free port, which then overrides
     * {@code tasksync.ews.url}), fills the demo CRM at {@code crmUrl}, and runs the application.
     */
    static ConfigurableApplicationContext start(int ewsPort, String crmUrl, String... args) {
        // As a host's environment would give them; real variables of these names win.
        String user = System.getenv().getOrDefault("TASKSYNC_EWS_USERNAME", "tasksync-example");
        String password = System.getenv().getOrDefault("TASKSYNC_EWS_PASSWORD", "example-password-42");
        EwsSimulator exchange = EwsSimulator.builder().port(ewsPort).basicAuth(user, password)
                .rejectUnknownMailboxes().start();
        JdbcDataSource crmDb = new JdbcDataSource();
        crmDb.setURL(crmUrl);
        crmDb.setUser("sa"); // Spring Boot's user for an embedded database
        ReferenceCrm crm = ReferenceCrm.of(crmDb).createSchema();
        crm.insertDemoRows(LocalDate.now(ZoneOffset.UTC));
        exchange.registerMailbox("ada.lovelace@example.com");
        exchange.registerMailbox("bob.kahn@example.com");
        log.info("EWS simulator on {}, demo CRM in {}", exchange.url(), crmUrl);

        SpringApplication app = new SpringApplication(TasksyncBootExample.class);
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put(EwsSettings.USERNAME, user);
        defaults.put(EwsSettings.PASSWORD, password);
        app.setDefaultProperties(defaults);
        ConfigurableApplicationContext context = app.run(ewsPort == 0
                ? append(args, "--" + EwsSettings.URL + "=" + exchange.url(), "--spring.datasource.url=" + crmUrl) : args);
        context.getBeanFactory().registerSingleton("ewsSimulator", exchange);
        context.addApplicationListener(e -> {
            if (e instanceof org.springframework.context.event.ContextClosedEvent) {
                exchange.close();
            }
        });
        return context;
    }

    /** A rep in Outlook: after the first cycle, completes one of Ada's tasks. */
    @Bean
    SyncListener repInOutlook(org.springframework.beans.factory.ObjectProvider<EwsSimulator> simulator) {
        return new SyncListener() {
            private boolean done;

            @Override
            public synchronized void cycleFinished(SyncReport report) {
                EwsSimulator exchange = simulator.getIfAvailable();
                if (done || exchange == null || report.created() == 0) {
                    return;
                }
                OutlookRep ada = exchange.outlook("ada.lovelace@example.com");
                for (OutlookTask t : ada.tasks()) {
                    if (!"Completed".equals(t.status())) {
                        ada.setStatus(t.itemId(), "Completed");
                        log.info("Ada completed '{}' in Outlook (CRM task {}); the next cycle writes it to the CRM",
                                t.subject(), t.extended(CRM_ID).orElse("?"));
                        done = true;
                        return;
                    }
                }
            }
        };
    }

    private static String[] append(String[] args, String... more) {
        String[] out = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, out, args.length, more.length);
        return out;
    }
}

package org.tasksync.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.function.Supplier;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.tasksync.adapter.ews.EwsConfig;
import org.tasksync.adapter.ews.EwsExchangeAdapter;
import org.tasksync.adapter.jdbccrm.JdbcCrmAdapter;
import org.tasksync.adapter.jdbccrm.JdbcCrmSettings;
import org.tasksync.adapter.jdbccrm.ReferenceCrm;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.state.JdbcSyncStateStore;
import org.tasksync.testkit.ews.EwsFault;

/**
 * Credentials appear nowhere (SPEC §9): with every logger at DEBUG, cycles run with the EWS adapter
 * (Basic authentication against the simulator), the JDBC CRM and the JDBC state store, all with
 * passwords in their configuration, on H2 and on a real PostgreSQL with password authentication,
 * through the happy path and the failing ones: a wrong EWS password (401), throttling and dropped
 * connections, a wrong database password for the CRM and for the state store, a password in the
 * JDBC URL, a missing table, an EWS URL with user info. No password (nor the Basic header made of
 * it) may appear in a log line, an exception message, a report or the {@code toString()} of the
 * engine, the settings, the adapters, the connections or the stores.
 */
class SecretsTest {

    private static final String PG_USER = "tasksync_pg";
    private static final String PG_PASSWORD = "Pg-Secret-Vv05&hN";
    private static final String URL_PASSWORD = "Url-Secret-Qq17*bS";
    private static final String WRONG = "Wrong-Secret-Jj62^dX";
    private static final Rep REP = new Rep("R-SEC", "Sam Secret", "sam.secret@example.com", ZoneId.of("Europe/Vienna"), true);

    /** Every text a user of the library could get to see. */
    private final List<String> texts = new ArrayList<>();

    @Test
    void noPasswordAppearsInLogsExceptionsReportsOrToString() throws Exception {
        String log;
        try (CapturingLogProvider.Capture capture = CapturingLogProvider.capture(); Rig rig = new Rig(List.of(REP))) {
            rig.crm.putTask(CrmTask.builder("A1:S-1").repId(REP.id()).subject("Renew the contract")
                    .dueDate(LocalDate.now(rig.clock).plusDays(2)).build());
            report(rig.cycle());
            report(rig.cycle());
            EwsConfig ewsConfig = Rig.ewsConfig(rig.ews).domain("CORPDOM").build();
            EwsExchangeAdapter ews = EwsExchangeAdapter.create(ewsConfig);
            shown(ewsConfig, ews, rig.engine(), rig.settings(), rig.crmAdapter, rig.crm.settings(), rig.store,
                    rig.faultyCrmDb);
            try (MailboxConnection c = ews.connect(new Mailbox(REP.mailbox(), "Sam", ZoneId.of("UTC")))) {
                c.changes(null);
                shown(c);
            }

            // EWS: throttled past the bound, dropped connections, a wrong password (401)
            rig.ews.inject(EwsFault.serverBusyFault(Duration.ofMillis(5)).always());
            report(rig.cycle());
            rig.ews.clearFaults();
            rig.ews.inject(EwsFault.dropConnection().always());
            report(rig.cycle());
            rig.ews.clearFaults();
            SyncEngine wrongEws = SyncEngine.builder().crm(rig.crmAdapter).stateStore(rig.store).clock(rig.clock)
                    .exchange(EwsExchangeAdapter.create(ewsConfig.toBuilder().credentials(Rig.EWS_USER, WRONG).build()))
                    .build();
            SyncReport unauthorized = report(wrongEws.runOnce());
            assertThat(unauthorized.mailbox(REP.mailbox()).orElseThrow().mailboxError()).contains("authentication");
            shown(wrongEws);
            failure(() -> EwsConfig.builder().url("https://" + Rig.EWS_USER + ":" + URL_PASSWORD
                    + "@mail.example.com/EWS/Exchange.asmx"));
            Properties typo = new Properties();
            typo.setProperty("tasksync.ews.url", rig.ews.url().toString());
            typo.setProperty("tasksync.ews.username", Rig.EWS_USER);
            typo.setProperty("tasksync.ews.pasword", URL_PASSWORD); // a misspelt key holding a password
            failure(() -> EwsConfig.fromProperties(typo));

            // the CRM on H2: a wrong password, a missing table
            JdbcDataSource wrongCrmDb = new JdbcDataSource();
            wrongCrmDb.setURL(rig.storeUrl.replace("state-", "crm-"));
            wrongCrmDb.setUser(Rig.CRM_USER);
            wrongCrmDb.setPassword(WRONG);
            crmFailure(rig, JdbcCrmAdapter.create(wrongCrmDb, rig.crm.settings()));
            crmFailure(rig, JdbcCrmAdapter.create(rig.crmDb, rig.crm.settings().toBuilder().taskTable("no_such_table").build()));

            // the state store on H2: a password in the URL, a wrong password
            String urlWithPassword = rig.storeUrl + ";USER=" + Rig.STORE_USER + ";PASSWORD=" + Rig.STORE_PASSWORD;
            JdbcSyncStateStore byUrl = JdbcSyncStateStore.builder(urlWithPassword, null, null).build();
            shown(byUrl);
            failure(() -> JdbcSyncStateStore.builder(rig.storeUrl, Rig.STORE_USER, WRONG).build());
            failure(() -> JdbcSyncStateStore.builder(rig.storeUrl.replace(";DB_CLOSE_DELAY", ";PASSWORD=" + WRONG
                    + ";DB_CLOSE_DELAY"), Rig.STORE_USER, null).build());

            postgres(rig);
            rig.assertEwsClean();
            log = capture.text();
        }

        assertThat(log).as("the log at DEBUG is captured").contains("DEBUG org.tasksync").contains("gave up")
                .contains("sam.secret@example.com");
        assertThat(texts).hasSizeGreaterThan(40);
        assertThat(String.join("\n", texts)).as("the failing paths were taken")
                .contains("authentication")              // EWS 401
                .contains("throttled")                   // EWS ErrorServerBusy past the bound
                .contains("28000")                       // H2: wrong user name or password
                .contains("28P01")                       // PostgreSQL: password authentication failed
                .containsIgnoringCase("no_such_table")   // a CRM statement failing
                .contains("user info");                  // an EWS URL with user info
        String basic = Base64.getEncoder().encodeToString((Rig.EWS_USER + ":" + Rig.EWS_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        for (String secret : List.of(Rig.EWS_PASSWORD, Rig.CRM_PASSWORD, Rig.STORE_PASSWORD, PG_PASSWORD, URL_PASSWORD,
                WRONG, basic, URLEncoder.encode(PG_PASSWORD, StandardCharsets.UTF_8),
                URLEncoder.encode(WRONG, StandardCharsets.UTF_8))) {
            assertThat(log).as("the log").doesNotContain(secret);
            assertThat(texts).as("messages, reports and toString()").noneMatch(t -> t.contains(secret));
        }
        assertThat(CapturingLogProvider.violations()).isEmpty();
    }

    /** PostgreSQL with password authentication: the store and the CRM with the right and a wrong password. */
    private void postgres(Rig rig) throws IOException, SQLException {
        // the server must answer within the startup wait (the library's default, 10 s, is short on a loaded machine)
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofMinutes(2)).setDataDirectoryCustomizer(dir -> {
            try {
                Files.writeString(dir.toPath().resolve("pg_hba.conf"), String.join("\n",
                        "local all all trust",
                        "host all postgres 127.0.0.1/32 trust",
                        "host all postgres ::1/128 trust",
                        "host all all 127.0.0.1/32 scram-sha-256",
                        "host all all ::1/128 scram-sha-256", ""));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).start()) {
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE ROLE " + PG_USER + " LOGIN PASSWORD '" + PG_PASSWORD + "'");
                st.execute("CREATE DATABASE tasksync OWNER " + PG_USER);
            }
            String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/tasksync";
            JdbcSyncStateStore store = JdbcSyncStateStore.builder(url, PG_USER, PG_PASSWORD).build();
            shown(store);
            JdbcSyncStateStore byUrl = JdbcSyncStateStore.builder(url + "?user=" + PG_USER + "&password="
                    + URLEncoder.encode(PG_PASSWORD, StandardCharsets.UTF_8), null, null).build();
            shown(byUrl);
            failure(() -> JdbcSyncStateStore.builder(url, PG_USER, WRONG).build());
            failure(() -> JdbcSyncStateStore.builder(url + "?password=" + URLEncoder.encode(WRONG, StandardCharsets.UTF_8),
                    PG_USER, null).build());

            PGSimpleDataSource crmDb = new PGSimpleDataSource();
            crmDb.setURL(url);
            crmDb.setUser(PG_USER);
            crmDb.setPassword(PG_PASSWORD);
            ReferenceCrm crm = ReferenceCrm.of(crmDb).createSchema();
            crm.putRep(REP);
            crm.putTask(CrmTask.builder("A1:PG-1").repId(REP.id()).subject("On PostgreSQL")
                    .dueDate(LocalDate.now(rig.clock).plusDays(1)).build());
            SyncEngine engine = SyncEngine.builder().crm(crm.adapter()).stateStore(store).clock(rig.clock)
                    .exchange(EwsExchangeAdapter.create(Rig.ewsConfig(rig.ews).build())).build();
            assertThat(report(engine.runOnce()).created()).isEqualTo(1);
            shown(engine, crm.adapter());
            PGSimpleDataSource wrongDb = new PGSimpleDataSource();
            wrongDb.setURL(url);
            wrongDb.setUser(PG_USER);
            wrongDb.setPassword(WRONG);
            crmFailure(rig, JdbcCrmAdapter.create(wrongDb, JdbcCrmSettings.ofDefaults()));
        }
    }

    private SyncReport report(SyncReport r) {
        texts.add(r.toTable());
        texts.add(r.toString());
        if (r.cycleError() != null) {
            texts.add(r.cycleError());
        }
        r.failedMailboxes().forEach(m -> texts.add(m.mailboxError()));
        r.allTaskErrors().forEach(e -> texts.add(e.toString()));
        return r;
    }

    private void shown(Object... objects) {
        for (Object o : objects) {
            texts.add(String.valueOf(o));
        }
    }

    /** A cycle whose CRM part fails: the report and the adapter's own exception. */
    private void crmFailure(Rig rig, JdbcCrmAdapter crm) {
        SyncEngine engine = SyncEngine.builder().crm(crm).stateStore(rig.store).clock(rig.clock)
                .exchange(EwsExchangeAdapter.create(Rig.ewsConfig(rig.ews).build())).build();
        SyncReport r = report(engine.runOnce());
        assertThat(r.cycleError()).as(r.toTable()).isNotNull();
        shown(engine, crm);
        failure(() -> crm.changesSince(null, 10));
    }

    /** The messages, toString() and stack trace text of the exception the call throws, and its causes. */
    private void failure(Supplier<?> call) {
        try {
            call.get();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                texts.add(String.valueOf(t.getMessage()));
                texts.add(t.toString());
                for (Throwable s : t.getSuppressed()) {
                    texts.add(s.toString());
                }
            }
            return;
        }
        throw new AssertionError("expected a failure");
    }
}

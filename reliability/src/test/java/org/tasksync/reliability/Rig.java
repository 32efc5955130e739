package org.tasksync.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.tasksync.adapter.ews.EwsConfig;
import org.tasksync.adapter.ews.EwsExchangeAdapter;
import org.tasksync.adapter.jdbccrm.JdbcCrmAdapter;
import org.tasksync.adapter.jdbccrm.JdbcCrmSettings;
import org.tasksync.adapter.jdbccrm.ReferenceCrm;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.SyncStateStore;
import org.tasksync.core.state.JdbcSyncStateStore;
import org.tasksync.testkit.ews.EwsSimulator;
import org.tasksync.testkit.ews.ExtendedPropertyKey;
import org.tasksync.testkit.ews.OutlookRep;
import org.tasksync.testkit.ews.OutlookTask;

/**
 * The systems a reliability test runs: the CRM as a reference-schema H2 database read through the
 * JDBC CRM adapter (behind a {@link FaultyDataSource}), the engine's JDBC state store in an H2
 * database of its own (behind a {@link FaultyStateStore}), the EWS simulator with Basic
 * authentication and schema validation, and the EWS adapter pointing at it. The engine, the CRM and
 * Exchange all read the real clock, so that "later" means the same on both sides (SPEC §6.1), but
 * Exchange's runs one second ahead: Exchange keeps modification times to the second, and without the
 * second a rep's change made just after a CRM change in the same second would look older than it.
 *
 * <p>Not thread-safe; one test uses it, then closes it.
 */
final class Rig implements AutoCloseable {

    static final String EWS_USER = "svc-tasksync";
    static final String EWS_PASSWORD = "Ews-Secret-7f3a!Kq9";
    static final String CRM_USER = "crm_reader";
    static final String CRM_PASSWORD = "Crm-Secret-Zz81#wR";
    static final String STORE_USER = "tasksync_state";
    static final String STORE_PASSWORD = "Store-Secret-Lm44$pT";
    static final ExtendedPropertyKey CRM_ID = ExtendedPropertyKey.named(EwsExchangeAdapter.PROPERTY_SET_ID,
            EwsExchangeAdapter.CRM_ID_PROPERTY);

    final Clock clock = Clock.systemUTC();
    final Clock exchangeClock = Clock.offset(clock, Duration.ofSeconds(1));
    final DataSource crmDb;
    final FaultyDataSource faultyCrmDb;
    final ReferenceCrm crm;
    final JdbcCrmAdapter crmAdapter;
    final String storeUrl;
    final FaultyStateStore store;
    final EwsSimulator ews;
    final Map<String, Rep> reps = new LinkedHashMap<>();
    private SyncSettings settings;
    private EwsConfig ewsConfig;
    private SyncEngine engine;

    Rig(List<Rep> repList) {
        String name = UUID.randomUUID().toString();
        JdbcDataSource crmH2 = new JdbcDataSource();
        crmH2.setURL("jdbc:h2:mem:crm-" + name + ";DB_CLOSE_DELAY=-1");
        crmH2.setUser(CRM_USER);
        crmH2.setPassword(CRM_PASSWORD);
        crmDb = crmH2;
        faultyCrmDb = new FaultyDataSource(crmDb);
        JdbcCrmSettings crmSettings = JdbcCrmSettings.builder().changeSafetyLag(Duration.ZERO).build();
        crm = ReferenceCrm.of(crmDb, crmSettings).createSchema();
        crmAdapter = JdbcCrmAdapter.create(faultyCrmDb, crmSettings);
        storeUrl = "jdbc:h2:mem:state-" + name + ";DB_CLOSE_DELAY=-1";
        JdbcDataSource storeH2 = new JdbcDataSource();
        storeH2.setURL(storeUrl);
        storeH2.setUser(STORE_USER);
        storeH2.setPassword(STORE_PASSWORD);
        SyncStateStore jdbcStore = JdbcSyncStateStore.builder(storeH2).build();
        store = new FaultyStateStore(jdbcStore);
        ews = EwsSimulator.builder().basicAuth(EWS_USER, EWS_PASSWORD).rejectUnknownMailboxes().clock(exchangeClock)
                .start();
        for (Rep rep : repList) {
            putRep(rep);
            if (rep.hasMailbox()) {
                ews.registerMailbox(rep.mailbox());
            }
        }
        ewsConfig = ewsConfig(ews).build();
        settings = SyncSettings.builder().pastDays(30).futureDays(60).build();
        build();
    }

    /** The adapter's configuration for the simulator: small throttling bounds, so that "past the bound" comes soon. */
    static EwsConfig.Builder ewsConfig(EwsSimulator ews) {
        return EwsConfig.builder().url(ews.url()).credentials(EWS_USER, EWS_PASSWORD)
                .timeout(Duration.ofSeconds(20))
                .throttleInitialBackoff(Duration.ofMillis(5))
                .throttleMaxWait(Duration.ofMillis(800))
                .throttleMaxRetries(3);
    }

    void putRep(Rep rep) {
        reps.put(rep.id(), rep);
        crm.putRep(rep);
    }

    Rig settings(UnaryOperator<SyncSettings.Builder> change) {
        settings = change.apply(settings.toBuilder()).build();
        build();
        return this;
    }

    Rig ews(UnaryOperator<EwsConfig.Builder> change) {
        ewsConfig = change.apply(ewsConfig.toBuilder()).build();
        build();
        return this;
    }

    SyncSettings settings() {
        return settings;
    }

    SyncEngine engine() {
        return engine;
    }

    private void build() {
        engine = SyncEngine.builder().crm(crmAdapter).exchange(EwsExchangeAdapter.create(ewsConfig)).stateStore(store)
                .settings(settings).clock(clock).build();
    }

    SyncReport cycle() {
        return engine.runOnce();
    }

    /** Today in a rep's zone. */
    LocalDate today(Rep rep) {
        return clock.instant().atZone(zone(rep)).toLocalDate();
    }

    ZoneId zone(Rep rep) {
        return rep.timeZone() != null ? rep.timeZone() : settings.defaultZone();
    }

    Optional<CrmTask> task(String id) {
        return crm.readTask(id);
    }

    OutlookRep outlook(Rep rep) {
        return ews.outlook(rep.mailbox());
    }

    /** The tasks in the rep's mailbox tagged with this CRM id. */
    List<OutlookTask> tagged(Rep rep, String crmId) {
        return outlook(rep).tasksWith(CRM_ID, crmId);
    }

    /** The one task tagged with this CRM id in the rep's mailbox; fails unless there is exactly one. */
    OutlookTask inOutlook(Rep rep, String crmId) {
        List<OutlookTask> found = tagged(rep, crmId);
        assertThat(found).as("tasks tagged %s in %s", crmId, rep.mailbox()).hasSize(1);
        return found.get(0);
    }

    /** Asserts that the simulator saw only schema-valid requests and answered only valid responses. */
    void assertEwsClean() {
        ews.assertNoResponseErrors();
        assertThat(ews.requestValidationErrors()).as("requests the adapter sent").isEmpty();
    }

    @Override
    public void close() {
        ews.close();
    }
}

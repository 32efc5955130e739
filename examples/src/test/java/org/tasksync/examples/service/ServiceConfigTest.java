package org.tasksync.examples.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** What the service refuses in its configuration, and that no credential shows. */
class ServiceConfigTest {

    private static final String SECRET = "Top-Secret-42";
    private static final Map<String, String> ENV = Map.of(ServiceConfig.ENV_EWS_USERNAME, "svc-tasksync",
            ServiceConfig.ENV_EWS_PASSWORD, SECRET);

    private static Properties minimal() {
        Properties p = new Properties();
        p.setProperty(ServiceConfig.CRM_URL, "jdbc:postgresql://crm.example.com:5432/crm");
        p.setProperty(ServiceConfig.EXCHANGE, "ews");
        p.setProperty("tasksync.ews.url", "https://mail.example.com/EWS/Exchange.asmx");
        p.setProperty(ServiceConfig.STATE_URL, "jdbc:postgresql://crm.example.com:5432/crm?currentSchema=tasksync");
        return p;
    }

    @Test
    void theSampleFileIsValid() {
        ServiceConfig config = ServiceConfig.load(Path.of("tasksync-service.properties"), ENV);

        assertThat(config.settings().intervalMinutes()).isEqualTo(1);
        assertThat(config.ews().url().toString()).isEqualTo("http://127.0.0.1:" + LocalServers.EWS_PORT
                + "/EWS/Exchange.asmx");
        assertThat(config.crmUrl()).contains(":" + LocalServers.CRM_PORT + "/mem:" + LocalServers.CRM_DATABASE);
    }

    @Test
    void aPasswordInTheFileIsRefusedWithoutRepeatingIt() {
        Properties p = minimal();
        p.setProperty("tasksync.ews.password", SECRET);

        assertThatThrownBy(() -> ServiceConfig.of(p, ENV)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tasksync.ews.password must not be in the properties file")
                .hasMessageContaining(ServiceConfig.ENV_EWS_PASSWORD)
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void aPasswordInAJdbcUrlIsRefusedWithoutRepeatingIt() {
        Properties p = minimal();
        p.setProperty(ServiceConfig.CRM_URL, "jdbc:postgresql://crm.example.com/crm?user=sync&password=" + SECRET);

        assertThatThrownBy(() -> ServiceConfig.of(p, ENV)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ServiceConfig.CRM_URL).hasMessageContaining(ServiceConfig.ENV_CRM_DB_PASSWORD)
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void anOracleUrlWithUserAndPasswordIsRefusedWithoutRepeatingIt() {
        Properties p = minimal();
        p.setProperty(ServiceConfig.CRM_URL, "jdbc:oracle:thin:sync/" + SECRET + "@//crm.example.com:1521/CRM");

        assertThatThrownBy(() -> ServiceConfig.of(p, ENV)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ServiceConfig.CRM_URL).hasMessageContaining(ServiceConfig.ENV_CRM_DB_PASSWORD)
                .hasMessageNotContaining(SECRET);
        assertThat(ServiceConfig.withoutSecrets("jdbc:oracle:thin:sync/" + SECRET + "@crm.example.com:1521:CRM"))
                .isEqualTo("jdbc:oracle:thin:***@crm.example.com:1521:CRM");
        assertThat(ServiceConfig.carriesPassword("jdbc:oracle:thin:@//crm.example.com:1521/CRM")).isFalse();
    }

    @Test
    void aMisspeltKeyIsNamedButItsValueNotRepeated() {
        Properties p = minimal();
        p.setProperty("tasksync.service.crm.jdbc-passwort", SECRET);
        p.setProperty("tasksync.state.jdbc.passwort", SECRET);

        assertThatThrownBy(() -> ServiceConfig.of(p, ENV)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("passwort: unknown").hasMessageNotContaining(SECRET);
    }

    @Test
    void theStateStoresDialectIsASettingOfTheService() {
        Properties p = minimal();
        p.setProperty(ServiceConfig.STATE_DIALECT, "postgresql");

        assertThat(ServiceConfig.of(p, ENV).stateDialect()).isEqualTo("postgresql");
        assertThat(ServiceConfig.of(minimal(), ENV).stateDialect()).isEqualTo("auto");
    }

    @Test
    void aMissingCredentialNamesItsEnvironmentVariable() {
        assertThatThrownBy(() -> ServiceConfig.of(minimal(), Map.of(ServiceConfig.ENV_EWS_USERNAME, "svc")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("environment variable " + ServiceConfig.ENV_EWS_PASSWORD + " is not set");
    }

    @Test
    void aMistypedKeyFailsAndNamesTheKeyAndValue() {
        Properties p = minimal();
        p.setProperty("tasksync.service.stop-grace-secs", "30");
        assertThatThrownBy(() -> ServiceConfig.of(p, ENV)).hasMessageContaining("tasksync.service.stop-grace-secs")
                .hasMessageContaining("'30'");

        Properties q = minimal();
        q.setProperty("tasksync.tasks.interval-mintues", "5");
        assertThatThrownBy(() -> ServiceConfig.of(q, ENV))
                .hasMessage("tasksync.tasks.interval-mintues: unknown engine setting (value '5'); known keys there are "
                        + "[tasksync.tasks.enabled, tasksync.tasks.interval-minutes, tasksync.tasks.time-frame.future-days, "
                        + "tasksync.tasks.time-frame.past-days]; see docs/settings.md");
    }

    @Test
    void graphSignsInWithTheSecretFromTheEnvironment() {
        Properties p = minimal();
        p.setProperty(ServiceConfig.EXCHANGE, "graph");
        p.setProperty("tasksync.graph.tenant-id", "contoso.onmicrosoft.com");
        p.setProperty("tasksync.graph.client-id", "0a1b2c3d-0000-4000-8000-123456789abc");

        assertThatThrownBy(() -> ServiceConfig.of(p, Map.of())).hasMessageContaining(
                "environment variable " + ServiceConfig.ENV_GRAPH_CLIENT_SECRET + " is not set");
        ServiceConfig config = ServiceConfig.of(p, Map.of(ServiceConfig.ENV_GRAPH_CLIENT_SECRET, SECRET));
        assertThat(config.exchange()).isEqualTo("graph");
        assertThat(config.graph().hasClientCredentials()).isTrue();
        assertThat(config.toString()).contains("graph.microsoft.com").doesNotContain(SECRET);
    }

    @Test
    void graphTakesAGivenTokenInsteadOfSigningIn() {
        Properties p = minimal();
        p.setProperty(ServiceConfig.EXCHANGE, "graph");
        p.setProperty("tasksync.graph.base-url", "http://127.0.0.1:8090/v1.0");

        ServiceConfig config = ServiceConfig.of(p, Map.of(ServiceConfig.ENV_GRAPH_ACCESS_TOKEN, SECRET));

        assertThat(config.graph().hasClientCredentials()).isFalse();
        assertThat(config.toString()).contains("127.0.0.1:8090").doesNotContain(SECRET);
    }

    @Test
    void theGraphSecretInTheFileIsRefusedWithoutRepeatingIt() {
        Properties p = minimal();
        p.setProperty(ServiceConfig.EXCHANGE, "graph");
        p.setProperty("tasksync.graph.client-secret", SECRET);

        assertThatThrownBy(() -> ServiceConfig.of(p, ENV)).hasMessageContaining("tasksync.graph.client-secret")
                .hasMessageContaining(ServiceConfig.ENV_GRAPH_CLIENT_SECRET).hasMessageNotContaining(SECRET);
    }

    @Test
    void anUnknownExchangeIsNamed() {
        Properties p = minimal();
        p.setProperty(ServiceConfig.EXCHANGE, "exchange-online");

        assertThatThrownBy(() -> ServiceConfig.of(p, ENV))
                .hasMessage("tasksync.service.exchange must be ews (Exchange Server) or graph (Microsoft 365), was "
                        + "'exchange-online'");
    }

    @Test
    void noCredentialShowsInItsText() {
        ServiceConfig config = ServiceConfig.of(minimal(), Map.of(ServiceConfig.ENV_EWS_USERNAME, "svc-tasksync",
                ServiceConfig.ENV_EWS_PASSWORD, SECRET, ServiceConfig.ENV_CRM_DB_USER, "crm-reader",
                ServiceConfig.ENV_CRM_DB_PASSWORD, SECRET));

        assertThat(config.toString()).contains("crm.example.com").doesNotContain(SECRET).doesNotContain("svc-tasksync")
                .doesNotContain("crm-reader");
        assertThat(ServiceConfig.withoutSecrets("jdbc:h2:file:/x;USER=sa;PASSWORD=" + SECRET)).doesNotContain(SECRET);
    }
}

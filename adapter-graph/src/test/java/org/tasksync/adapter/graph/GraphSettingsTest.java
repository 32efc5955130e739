package org.tasksync.adapter.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Settings read from properties; each bad value is refused with its key and value, the secret never shown. */
class GraphSettingsTest {

    private static final String SECRET = "Xy7~very.secret-Value_42";

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void everyKeyIsRead() {
        GraphSettings s = GraphSettings.fromProperties(props(
                "tasksync.graph.tenant-id", "contoso.onmicrosoft.com",
                "tasksync.graph.client-id", "11111111-2222-3333-4444-555555555555",
                "tasksync.graph.client-secret", SECRET,
                "tasksync.graph.base-url", "https://graph.microsoft.us/v1.0/",
                "tasksync.graph.authority-host", "https://login.microsoftonline.us/",
                "tasksync.graph.list-name", "CRM tasks",
                "tasksync.graph.batch-size", "10",
                "tasksync.graph.page-size", "50",
                "tasksync.graph.throttle.max-retries", "2",
                "tasksync.graph.throttle.max-wait-seconds", "30",
                "tasksync.graph.request-timeout-seconds", "20",
                "tasksync.graph.assignment-apps", "Microsoft Planner, Jira"));
        assertThat(s.hasClientCredentials()).isTrue();
        assertThat(s.baseUrl()).isEqualTo("https://graph.microsoft.us/v1.0");
        assertThat(s.listName()).isEqualTo("CRM tasks");
        assertThat(s.batchSize()).isEqualTo(10);
        assertThat(s.pageSize()).isEqualTo(50);
        assertThat(s.maxRetries()).isEqualTo(2);
        assertThat(s.maxWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.assignmentApps()).containsExactlyInAnyOrder("Microsoft Planner", "Jira");
        assertThat(s.toString()).doesNotContain(SECRET).contains("****");
    }

    @Test
    void defaultsNeedNoKeys() {
        GraphSettings s = GraphSettings.fromProperties(new Properties());
        assertThat(s.baseUrl()).isEqualTo("https://graph.microsoft.com/v1.0");
        assertThat(s.listName()).as("the user's default list").isNull();
        assertThat(s.batchSize()).isEqualTo(20);
        assertThat(s.hasClientCredentials()).isFalse();
        assertThat(GraphSettings.fromProperties(props("tasksync.graph.list-name", "")).listName()).isNull();
    }

    @Test
    void badValuesAreRefusedWithKeyAndValue() {
        assertRefused("tasksync.graph.batch-size", "21");
        assertRefused("tasksync.graph.batch-size", "many");
        assertRefused("tasksync.graph.page-size", "0");
        assertRefused("tasksync.graph.throttle.max-retries", "-1");
        assertRefused("tasksync.graph.throttle.max-wait-seconds", "7200");
        assertRefused("tasksync.graph.request-timeout-seconds", "0");
        assertRefused("tasksync.graph.base-url", "graph.microsoft.com/v1.0");
        assertRefused("tasksync.graph.base-url", "https://graph.microsoft.com/");
        assertRefused("tasksync.graph.tenant-id", "contoso tenant");
        assertRefused("tasksync.graph.list-name", "two\nlines");
    }

    @Test
    void errorsHaveTheUniformShape() {
        assertThatThrownBy(() -> GraphSettings.fromProperties(props(GraphSettings.PAGE_SIZE, "many")))
                .hasMessage("tasksync.graph.page-size must be a whole number, was 'many'");
        assertThatThrownBy(() -> GraphSettings.fromProperties(props(GraphSettings.PAGE_SIZE, "1001")))
                .hasMessage("tasksync.graph.page-size must be between 1 and 1000, was '1001'");
        assertThatThrownBy(() -> GraphSettings.fromProperties(props(GraphSettings.REQUEST_TIMEOUT_SECONDS, "soon")))
                .hasMessage("tasksync.graph.request-timeout-seconds must be a whole number of seconds, was 'soon'");
    }

    @Test
    void aMisspeltKeyIsRefusedNamingTheKnownKeysButNotItsValue() {
        // the value of an unknown key is not shown in a part that has a secret: it may be a misspelt secret's
        assertThatThrownBy(() -> GraphSettings.fromProperties(props("tasksync.graph.bach-size", "10")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("tasksync.graph.bach-size: unknown Graph adapter setting (value not shown)")
                .hasMessageContaining(GraphSettings.BATCH_SIZE);
    }

    private static void assertRefused(String key, String value) {
        assertThatThrownBy(() -> GraphSettings.fromProperties(props(key, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key).hasMessageContaining(value);
    }

    @Test
    void halfTheCredentialsAreRefusedNamingWhatIsMissing() {
        assertThatThrownBy(() -> GraphSettings.fromProperties(props("tasksync.graph.tenant-id", "contoso.com",
                "tasksync.graph.client-secret", SECRET)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tasksync.graph.client-id")
                .message().doesNotContain(SECRET);
    }

    @Test
    void theSecretIsNeverEchoed() {
        assertThatThrownBy(() -> GraphSettings.builder().clientSecret("  "))
                .hasMessageContaining("tasksync.graph.client-secret");
        assertThatThrownBy(() -> GraphSettings.fromProperties(props("tasksync.graph.client-secrets", SECRET)))
                .hasMessageContaining("tasksync.graph.client-secrets").message().doesNotContain(SECRET);
    }

    @Test
    void anAdapterWithoutAWayToSignInIsRefused() {
        assertThatThrownBy(() -> GraphExchangeAdapter.builder(GraphSettings.ofDefaults()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tasksync.graph.client-secret");
        assertThatThrownBy(() -> GraphExchangeAdapter.create(GraphSettings.ofDefaults()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tasksync.graph.client-secret");
    }

    @Test
    void createSignsInWithTheClientSecretOfTheSettings() {
        GraphSettings s = GraphSettings.fromProperties(props(GraphSettings.TENANT_ID, "contoso.onmicrosoft.com",
                GraphSettings.CLIENT_ID, "11111111-2222-3333-4444-555555555555", GraphSettings.CLIENT_SECRET, SECRET));
        GraphExchangeAdapter adapter = GraphExchangeAdapter.create(s);
        assertThat(adapter.settings()).isSameAs(s);
        assertThat(adapter.toString()).contains("client secret of 11111111-2222-3333-4444-555555555555")
                .doesNotContain(SECRET);
    }
}

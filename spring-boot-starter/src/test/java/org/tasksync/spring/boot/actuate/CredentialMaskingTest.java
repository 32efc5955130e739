package org.tasksync.spring.boot.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SanitizableData;

/** Which keys Actuator's reports show masked whatever their show-values setting: every credential the adapters take. */
class CredentialMaskingTest {

    private static boolean masked(String key, String value) {
        return TasksyncActuatorAutoConfiguration.isCredential(new SanitizableData(null, key, value), List.of());
    }

    @Test
    void theEwsUserPasswordAndNtlmDomainAreMaskedInEitherSpelling() {
        for (String key : List.of("tasksync.ews.username", "tasksync.ews.password", "tasksync.ews.domain",
                "TASKSYNC_EWS_USERNAME", "TASKSYNC_EWS_PASSWORD", "TASKSYNC_EWS_DOMAIN")) {
            assertThat(masked(key, "CORP")).as(key).isTrue();
        }
    }

    @Test
    void theGraphSecretAndTheStatePasswordAreMaskedAndOrdinarySettingsAreNot() {
        assertThat(masked("tasksync.graph.client-secret", "s3cr3t")).isTrue();
        assertThat(masked("TASKSYNC_GRAPH_CLIENT_SECRET", "s3cr3t")).isTrue();
        assertThat(masked("tasksync.state.jdbc.password", "pw")).isTrue();
        assertThat(masked("tasksync.ews.url", "https://mail.example.com/EWS/Exchange.asmx")).isFalse();
        assertThat(masked("tasksync.ews.version", "Exchange2013_SP1")).isFalse();
    }

    @Test
    void aValueThatContainsAKnownSecretIsMaskedUnderAnyKey() {
        SanitizableData copy = new SanitizableData(null, "app.copy", "prefix-Pw-7f3c-suffix");
        assertThat(TasksyncActuatorAutoConfiguration.isCredential(copy, List.of("Pw-7f3c"))).isTrue();
        assertThat(TasksyncActuatorAutoConfiguration.isCredential(copy, List.of("other"))).isFalse();
    }
}

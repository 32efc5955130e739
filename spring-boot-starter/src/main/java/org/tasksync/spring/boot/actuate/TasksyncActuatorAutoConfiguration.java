package org.tasksync.spring.boot.actuate;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.tasksync.adapter.ews.EwsSettings;
import org.tasksync.adapter.graph.GraphSettings;
import org.tasksync.spring.boot.TasksyncAutoConfiguration;
import org.tasksync.spring.boot.TasksyncProperties;
import org.tasksync.spring.boot.TasksyncRuns;

/**
 * tasksync in Spring Boot Actuator: the {@code tasksync} health indicator, the {@code tasksync}
 * endpoint with the last report, and the masking of tasksync's credentials in {@code /actuator/env}
 * and {@code /actuator/configprops}, whatever their {@code show-values} setting.
 */
@AutoConfiguration(after = TasksyncAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
public class TasksyncActuatorAutoConfiguration {

    /** Keys (in Spring's canonical form: lower case, dots for underscores) whose values are credentials. */
    static final Set<String> CREDENTIAL_KEYS = credentialKeys();

    /** The EWS adapter's own list of what it treats as secret (user, password, NTLM domain), and the rest. */
    private static Set<String> credentialKeys() {
        Set<String> keys = new java.util.HashSet<>(EwsSettings.SECRET_KEYS);
        keys.add(GraphSettings.CLIENT_SECRET);
        keys.add(TasksyncProperties.STATE_PASSWORD);
        return Set.copyOf(keys);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnBean(TasksyncRuns.class)
    static class Health {

        @Bean
        @ConditionalOnMissingBean(name = "tasksyncHealthIndicator")
        @ConditionalOnEnabledHealthIndicator("tasksync")
        TasksyncHealthIndicator tasksyncHealthIndicator(TasksyncRuns runs) {
            return new TasksyncHealthIndicator(runs);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(TasksyncRuns.class)
    static class ReportEndpoint {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnAvailableEndpoint
        TasksyncEndpoint tasksyncEndpoint(TasksyncRuns runs) {
            return new TasksyncEndpoint(runs);
        }
    }

    /**
     * Masks tasksync's credentials wherever the environment and configuration report show them: by
     * key, in any of Spring's spellings ({@code TASKSYNC_EWS_PASSWORD}), and by value, so that a
     * credential copied into another key, a JSON blob ({@code SPRING_APPLICATION_JSON}) or a JDBC URL
     * is masked too. Spring masks every value unless {@code show-values} is changed; this keeps the
     * credentials masked when it is.
     */
    @Bean
    @ConditionalOnBean(TasksyncProperties.class)
    @ConditionalOnMissingBean(name = "tasksyncSanitizingFunction")
    SanitizingFunction tasksyncSanitizingFunction(TasksyncProperties properties) {
        List<String> secrets = properties.secrets();
        return data -> isCredential(data, secrets) ? data.withSanitizedValue() : data;
    }

    static boolean isCredential(SanitizableData data, List<String> secrets) {
        String key = data.getKey() == null ? "" : data.getKey().toLowerCase(Locale.ROOT).replace('_', '.');
        for (String k : CREDENTIAL_KEYS) {
            // TASKSYNC_GRAPH_CLIENT_SECRET arrives here as tasksync.graph.client.secret
            if (key.equals(k) || key.equals(k.replace('-', '.'))) {
                return true;
            }
        }
        Object value = data.getValue();
        if (value == null) {
            return false;
        }
        String text = value.toString();
        return secrets.stream().anyMatch(text::contains);
    }
}

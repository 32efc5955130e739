package org.tasksync.spring.boot;

import java.util.Locale;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.tasksync.adapter.ews.EwsSettings;

/**
 * Which Exchange adapter the properties choose: {@code tasksync.exchange}, else EWS when
 * {@code tasksync.ews.url} is set. Its messages (in the conditions report) name keys, never values
 * other than {@code ews} and {@code graph}.
 */
abstract class OnExchangeCondition extends SpringBootCondition {

    private final String kind;

    OnExchangeCondition(String kind) {
        this.kind = kind;
    }

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Environment env = context.getEnvironment();
        String named = env.getProperty(TasksyncProperties.EXCHANGE);
        if (named != null) {
            String v = named.trim().toLowerCase(Locale.ROOT);
            return v.equals(kind)
                    ? ConditionOutcome.match(TasksyncProperties.EXCHANGE + " is " + kind)
                    : ConditionOutcome.noMatch(TasksyncProperties.EXCHANGE + " is not " + kind);
        }
        // EwsSettings.URL is a constant, copied in by the compiler: no class of tasksync-adapter-ews is loaded
        boolean ewsUrl = env.getProperty(EwsSettings.URL) != null;
        if (kind.equals("ews")) {
            return ewsUrl ? ConditionOutcome.match(EwsSettings.URL + " is set and " + TasksyncProperties.EXCHANGE + " is not")
                    : ConditionOutcome.noMatch("neither " + TasksyncProperties.EXCHANGE + " nor " + EwsSettings.URL
                            + " is set");
        }
        return ConditionOutcome.noMatch(TasksyncProperties.EXCHANGE + " is not set");
    }

    static final class Ews extends OnExchangeCondition {
        Ews() {
            super("ews");
        }
    }

    static final class Graph extends OnExchangeCondition {
        Graph() {
            super("graph");
        }
    }
}

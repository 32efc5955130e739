package org.tasksync.core.internal.rules;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.Link;

/** Small values for the rule tests. */
final class RuleFixtures {

    static final Instant T = Instant.parse("2026-03-02T09:00:00Z");
    static final String MAILBOX = "anna@example.com";

    private RuleFixtures() {
    }

    static TaskValues values(String subject, ExchangeStatus status, Integer percent, LocalDate completeDate) {
        return new TaskValues(subject, null, null, LocalDate.of(2026, 3, 10), status, null, percent, completeDate,
                false, null, null, null, Map.of());
    }

    static TaskValues values(String subject, ExchangeStatus status) {
        return values(subject, status, status == ExchangeStatus.COMPLETED ? 100 : 0, null);
    }

    static Link linked(String crmId, TaskValues written, String changeKey) {
        return Link.intent(crmId, MAILBOX, written, "Open", T).linked("item-" + crmId, changeKey);
    }

    static ExchangeTask item(String crmId, String changeKey, TaskValues values) {
        return new ExchangeTask("item-" + crmId, changeKey, crmId, values, T, false);
    }
}

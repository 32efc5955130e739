package org.tasksync.core;

import static org.tasksync.core.SyncSettings.BATCH_SIZE;
import static org.tasksync.core.SyncSettings.BODY_MAX_LENGTH;
import static org.tasksync.core.SyncSettings.BUFFER_MAX_TASKS;
import static org.tasksync.core.SyncSettings.CRM_PAGE_SIZE;
import static org.tasksync.core.SyncSettings.DEFAULT_ZONE;
import static org.tasksync.core.SyncSettings.DRY_RUN;
import static org.tasksync.core.SyncSettings.ENABLED;
import static org.tasksync.core.SyncSettings.FIELDS_DISABLED;
import static org.tasksync.core.SyncSettings.FUTURE_DAYS;
import static org.tasksync.core.SyncSettings.INTERVAL_MINUTES;
import static org.tasksync.core.SyncSettings.KEYS;
import static org.tasksync.core.SyncSettings.MAILBOX_PARALLELISM;
import static org.tasksync.core.SyncSettings.MASS_DELETE_MAX_SHARE;
import static org.tasksync.core.SyncSettings.MASS_DELETE_MIN_COUNT;
import static org.tasksync.core.SyncSettings.NAMESPACES;
import static org.tasksync.core.SyncSettings.OUTLOOK_EDITS;
import static org.tasksync.core.SyncSettings.PAST_DAYS;
import static org.tasksync.core.SyncSettings.PREFIXES;
import static org.tasksync.core.SyncSettings.PRIORITY_PREFIX;
import static org.tasksync.core.SyncSettings.REASSIGNMENT;
import static org.tasksync.core.SyncSettings.REMINDER_BASE_TIME;
import static org.tasksync.core.SyncSettings.REMINDER_UNIT_PREFIX;
import static org.tasksync.core.SyncSettings.STATUS_TO_CRM_PREFIX;
import static org.tasksync.core.SyncSettings.STATUS_TO_EXCHANGE_PREFIX;

import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Properties;
import org.tasksync.core.SyncSettings.OutlookEdits;
import org.tasksync.core.SyncSettings.Reassignment;
import org.tasksync.core.mapping.FieldTable;
import org.tasksync.core.mapping.PriorityMapping;
import org.tasksync.core.mapping.ReminderUnits;
import org.tasksync.core.mapping.StatusMapping;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Importance;
import org.tasksync.core.settings.PropertyReader;

/** Reads {@link SyncSettings} from properties: the body of {@link SyncSettings#fromProperties}. */
final class SyncSettingsReader {

    private SyncSettingsReader() {
    }

    static SyncSettings read(Properties p) {
        PropertyReader r = PropertyReader.of(p, "engine", "docs/settings.md").keys(KEYS).prefixes(PREFIXES)
                .owns(NAMESPACES).rejectUnknown();
        SyncSettings.Builder b = SyncSettings.builder();
        r.bool(ENABLED).ifPresent(b::enabled);
        r.integer(INTERVAL_MINUTES).ifPresent(b::intervalMinutes);
        r.integer(PAST_DAYS).ifPresent(b::pastDays);
        r.integer(FUTURE_DAYS).ifPresent(b::futureDays);
        r.zone(DEFAULT_ZONE).ifPresent(b::defaultZone);
        r.time(REMINDER_BASE_TIME).ifPresent(b::reminderBaseTime);
        r.enumValue(REASSIGNMENT, Reassignment.class).ifPresent(b::reassignment);
        r.enumValue(OUTLOOK_EDITS, OutlookEdits.class).ifPresent(b::outlookEdits);
        r.decimal(MASS_DELETE_MAX_SHARE).ifPresent(b::massDeleteMaxShare);
        r.integer(MASS_DELETE_MIN_COUNT).ifPresent(b::massDeleteMinCount);
        r.integer(BATCH_SIZE).ifPresent(b::batchSize);
        r.integer(MAILBOX_PARALLELISM).ifPresent(b::mailboxParallelism);
        r.integer(CRM_PAGE_SIZE).ifPresent(b::crmPageSize);
        r.integer(BUFFER_MAX_TASKS).ifPresent(b::maxBufferedTasks);
        r.bool(DRY_RUN).ifPresent(b::dryRun);
        r.integer(BODY_MAX_LENGTH).ifPresent(b::maxBodyLength);
        r.list(FIELDS_DISABLED).ifPresent(numbers -> {
            FieldTable t = FieldTable.defaults(); // b is fresh: its fields are the defaults
            for (String n : numbers) {
                t = t.without(fieldNumber(n));
            }
            b.fields(t);
        });
        Map<String, String> toExchange = r.under(STATUS_TO_EXCHANGE_PREFIX);
        Map<String, String> toCrm = r.under(STATUS_TO_CRM_PREFIX);
        StatusMapping.Builder status = toExchange.isEmpty() ? null : StatusMapping.builder();
        toExchange.forEach((key, value) ->
                status.map(key.substring(STATUS_TO_EXCHANGE_PREFIX.length()), exchangeStatus(key, value)));
        if (!toCrm.isEmpty()) {
            StatusMapping.Builder back = status != null ? status : StatusMapping.defaults().toBuilder();
            toCrm.forEach((key, value) -> back.back(exchangeStatusNamedBy(key), value));
            b.statusMapping(withWaitingOnOthers(back, toExchange, toCrm).build());
        } else if (status != null) {
            b.statusMapping(withWaitingOnOthers(status, toExchange, toCrm).build());
        }
        PriorityMapping priority = null;
        for (Map.Entry<String, String> e : r.under(PRIORITY_PREFIX).entrySet()) {
            String crm = e.getKey().substring(PRIORITY_PREFIX.length());
            Importance imp = PropertyReader.enumValue(e.getKey(), Importance.class, e.getValue());
            priority = priority == null ? PriorityMapping.of(Map.of(crm, imp)) : priority.with(crm, imp);
        }
        if (priority != null) b.priorityMapping(priority);
        ReminderUnits units = null;
        for (Map.Entry<String, String> e : r.under(REMINDER_UNIT_PREFIX).entrySet()) {
            String code = e.getKey().substring(REMINDER_UNIT_PREFIX.length());
            ChronoUnit unit = PropertyReader.enumValue(e.getKey(), ChronoUnit.class, e.getValue());
            units = units == null ? ReminderUnits.of(Map.of(code, unit)) : units.with(code, unit);
        }
        if (units != null) b.reminderUnits(units);
        return b.build();
    }

    /**
     * The original's fixed rule: WaitingOnOthers comes back as the CRM value mapped to InProgress, if
     * there is one and nothing else says where WaitingOnOthers goes.
     */
    private static StatusMapping.Builder withWaitingOnOthers(StatusMapping.Builder status, Map<String, String> toExchange,
            Map<String, String> toCrm) {
        if (toCrm.containsKey(STATUS_TO_CRM_PREFIX + ExchangeStatus.WAITING_ON_OTHERS.wireName())
                || toExchange.values().stream().anyMatch(v -> exchangeStatusOrNull(v) == ExchangeStatus.WAITING_ON_OTHERS)) {
            return status;
        }
        String inProgress = null;
        for (Map.Entry<String, String> e : toExchange.entrySet()) {
            if (exchangeStatusOrNull(e.getValue()) == ExchangeStatus.IN_PROGRESS) {
                inProgress = e.getKey().substring(STATUS_TO_EXCHANGE_PREFIX.length());
            }
        }
        return inProgress == null ? status : status.back(ExchangeStatus.WAITING_ON_OTHERS, inProgress);
    }

    private static int fieldNumber(String v) {
        String n = v.replace("#", "").trim();
        try {
            return Integer.parseInt(n);
        } catch (NumberFormatException e) {
            throw PropertyReader.invalid(FIELDS_DISABLED, "a comma-separated list of A1 field numbers such as 20,56", v);
        }
    }

    private static ExchangeStatus exchangeStatus(String key, String v) {
        ExchangeStatus s = exchangeStatusOrNull(v);
        if (s == null) {
            throw PropertyReader.invalid(key, "one of NotStarted, InProgress, Completed, WaitingOnOthers, Deferred", v);
        }
        return s;
    }

    private static ExchangeStatus exchangeStatusNamedBy(String toCrmKey) {
        String name = toCrmKey.substring(STATUS_TO_CRM_PREFIX.length());
        ExchangeStatus s = exchangeStatusOrNull(name);
        if (s == null) {
            throw PropertyReader.invalid(toCrmKey, "named after an Exchange status: " + STATUS_TO_CRM_PREFIX
                    + "<one of NotStarted, InProgress, Completed, WaitingOnOthers, Deferred>", name);
        }
        return s;
    }

    private static ExchangeStatus exchangeStatusOrNull(String v) {
        try {
            return ExchangeStatus.fromWireName(v.trim());
        } catch (RuntimeException e) {
            return null;
        }
    }
}

package org.tasksync.core;

import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import org.tasksync.core.mapping.FieldTable;
import org.tasksync.core.mapping.MappingRules;
import org.tasksync.core.mapping.PriorityMapping;
import org.tasksync.core.mapping.ReminderUnits;
import org.tasksync.core.mapping.StatusMapping;
import org.tasksync.core.settings.PropertyReader;

/**
 * The settings of a sync: what the original product's settings page has (tasks on/off, interval,
 * time frame) and our own (SPEC §3–§8). Immutable; built with {@link #builder()}, where every setter
 * checks its value at once and an error names the key and the value, or read from
 * {@link Properties} with {@link #fromProperties(Properties)}. See {@code docs/settings.md} for
 * every key.
 */
public final class SyncSettings {

    public static final String ENABLED = "tasksync.tasks.enabled";
    public static final String INTERVAL_MINUTES = "tasksync.tasks.interval-minutes";
    public static final String PAST_DAYS = "tasksync.tasks.time-frame.past-days";
    public static final String FUTURE_DAYS = "tasksync.tasks.time-frame.future-days";
    public static final String DEFAULT_ZONE = "tasksync.default-zone";
    public static final String REMINDER_BASE_TIME = "tasksync.reminder.base-time";
    public static final String REASSIGNMENT = "tasksync.reassignment";
    public static final String OUTLOOK_EDITS = "tasksync.outlook-edits";
    public static final String MASS_DELETE_MAX_SHARE = "tasksync.mass-delete.max-share";
    public static final String MASS_DELETE_MIN_COUNT = "tasksync.mass-delete.min-count";
    public static final String BATCH_SIZE = "tasksync.batch-size";
    public static final String MAILBOX_PARALLELISM = "tasksync.mailbox-parallelism";
    public static final String CRM_PAGE_SIZE = "tasksync.crm.page-size";
    public static final String BUFFER_MAX_TASKS = "tasksync.buffer.max-tasks";
    public static final String DRY_RUN = "tasksync.dry-run";
    public static final String BODY_MAX_LENGTH = "tasksync.body.max-length";
    /** Comma-separated A1 field numbers not to synchronize, e.g. {@code 20,56}. */
    public static final String FIELDS_DISABLED = "tasksync.fields.disabled";
    /** Followed by a CRM status value: the Exchange status it maps to. */
    public static final String STATUS_TO_EXCHANGE_PREFIX = "tasksync.status.to-exchange.";
    /** Followed by an Exchange status: the CRM status value written back for it. */
    public static final String STATUS_TO_CRM_PREFIX = "tasksync.status.to-crm.";
    /** Followed by a CRM priority value: low, normal or high. */
    public static final String PRIORITY_PREFIX = "tasksync.priority.";
    /** Followed by a CRM reminder unit code: minutes, hours, days or weeks. */
    public static final String REMINDER_UNIT_PREFIX = "tasksync.reminder.unit.";

    /** Every key without a variable part that {@link #fromProperties} reads. */
    public static final List<String> KEYS = List.of(ENABLED, INTERVAL_MINUTES, PAST_DAYS, FUTURE_DAYS, DEFAULT_ZONE,
            REMINDER_BASE_TIME, REASSIGNMENT, OUTLOOK_EDITS, MASS_DELETE_MAX_SHARE, MASS_DELETE_MIN_COUNT, BATCH_SIZE,
            MAILBOX_PARALLELISM, CRM_PAGE_SIZE, BUFFER_MAX_TASKS, DRY_RUN, BODY_MAX_LENGTH, FIELDS_DISABLED);
    /** Prefixes of the keys with a variable last part (the mapping tables). */
    public static final List<String> PREFIXES = List.of(STATUS_TO_EXCHANGE_PREFIX, STATUS_TO_CRM_PREFIX, PRIORITY_PREFIX,
            REMINDER_UNIT_PREFIX);
    /** Namespaces in which every key is this class's: another key there is a typo. */
    public static final List<String> NAMESPACES = List.of("tasksync.tasks.", "tasksync.status.", "tasksync.priority.",
            "tasksync.reminder.", "tasksync.mass-delete.", "tasksync.fields.", "tasksync.body.", "tasksync.buffer.");

    /** What happens to the Exchange copy when a task's rep changes (SPEC §6). */
    public enum Reassignment {
        /** The original product's behaviour: the old copy stays in the old mailbox, unlinked. */
        KEEP_ORIGINAL,
        /** The old copy is deleted. */
        MOVE
    }

    /** What happens when a rep edits a CRM-owned field (subject, dates, …) in Outlook (SPEC §6.4). */
    public enum OutlookEdits {
        /** The next cycle writes the CRM's values back over the edit. */
        OVERWRITE,
        /** The edit stays until the CRM task changes again. */
        KEEP_UNTIL_CRM_CHANGES
    }

    private final boolean enabled;
    private final int intervalMinutes;
    private final int pastDays;
    private final int futureDays;
    private final ZoneId defaultZone;
    private final Reassignment reassignment;
    private final OutlookEdits outlookEdits;
    private final double massDeleteMaxShare;
    private final int massDeleteMinCount;
    private final int batchSize;
    private final int mailboxParallelism;
    private final int crmPageSize;
    private final int maxBufferedTasks;
    private final boolean dryRun;
    private final MappingRules mapping;

    private SyncSettings(Builder b) {
        this.enabled = b.enabled;
        this.intervalMinutes = b.intervalMinutes;
        this.pastDays = b.pastDays;
        this.futureDays = b.futureDays;
        this.defaultZone = b.defaultZone;
        this.reassignment = b.reassignment;
        this.outlookEdits = b.outlookEdits;
        this.massDeleteMaxShare = b.massDeleteMaxShare;
        this.massDeleteMinCount = b.massDeleteMinCount;
        this.batchSize = b.batchSize;
        this.mailboxParallelism = b.mailboxParallelism;
        this.crmPageSize = b.crmPageSize;
        this.maxBufferedTasks = b.maxBufferedTasks;
        this.dryRun = b.dryRun;
        this.mapping = new MappingRules(b.fields, b.status, b.priority, b.reminderUnits, b.reminderBaseTime,
                b.maxBodyLength);
    }

    public static SyncSettings ofDefaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean enabled() { return enabled; }
    public int intervalMinutes() { return intervalMinutes; }
    public int pastDays() { return pastDays; }
    public int futureDays() { return futureDays; }
    public ZoneId defaultZone() { return defaultZone; }
    public Reassignment reassignment() { return reassignment; }
    public OutlookEdits outlookEdits() { return outlookEdits; }
    public double massDeleteMaxShare() { return massDeleteMaxShare; }
    public int massDeleteMinCount() { return massDeleteMinCount; }
    public int batchSize() { return batchSize; }
    public int mailboxParallelism() { return mailboxParallelism; }
    public int crmPageSize() { return crmPageSize; }
    /** {@code tasksync.buffer.max-tasks}: the most CRM tasks held back waiting for a fuller batch. */
    public int maxBufferedTasks() { return maxBufferedTasks; }
    public boolean dryRun() { return dryRun; }
    public MappingRules mapping() { return mapping; }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.enabled = enabled;
        b.intervalMinutes = intervalMinutes;
        b.pastDays = pastDays;
        b.futureDays = futureDays;
        b.defaultZone = defaultZone;
        b.reassignment = reassignment;
        b.outlookEdits = outlookEdits;
        b.massDeleteMaxShare = massDeleteMaxShare;
        b.massDeleteMinCount = massDeleteMinCount;
        b.batchSize = batchSize;
        b.mailboxParallelism = mailboxParallelism;
        b.crmPageSize = crmPageSize;
        b.maxBufferedTasks = maxBufferedTasks;
        b.dryRun = dryRun;
        b.fields = mapping.fields();
        b.status = mapping.status();
        b.priority = mapping.priority();
        b.reminderUnits = mapping.reminderUnits();
        b.reminderBaseTime = mapping.reminderBaseTime();
        b.maxBodyLength = mapping.maxBodyLength();
        return b;
    }

    @Override
    public String toString() {
        return "SyncSettings{enabled=" + enabled + ", intervalMinutes=" + intervalMinutes + ", timeFrame=-"
                + pastDays + "/+" + futureDays + " days, defaultZone=" + defaultZone + ", reassignment="
                + reassignment + ", outlookEdits=" + outlookEdits + ", massDelete>" + massDeleteMaxShare + " and >"
                + massDeleteMinCount + ", batchSize=" + batchSize + ", mailboxParallelism=" + mailboxParallelism
                + ", crmPageSize=" + crmPageSize + ", maxBufferedTasks=" + maxBufferedTasks + ", dryRun=" + dryRun + "}";
    }

    /**
     * Reads settings from properties ({@link #KEYS} and the keys under {@link #PREFIXES}); absent keys
     * keep their defaults. {@link #FIELDS_DISABLED} is a comma-separated list of A1 field numbers;
     * {@code tasksync.status.to-exchange.<CRM value>}, {@code tasksync.status.to-crm.<Exchange status>},
     * {@code tasksync.priority.<CRM value>} and {@code tasksync.reminder.unit.<CRM code>} are the mapping
     * tables. Unknown keys in this class's namespaces ({@link #NAMESPACES} and the single keys
     * directly under {@code tasksync.}) are rejected, so a typo fails; other {@code tasksync.}
     * namespaces (adapters, state store) belong to others.
     */
    public static SyncSettings fromProperties(Properties p) {
        return SyncSettingsReader.read(p);
    }

    /**
     * Builds {@link SyncSettings}. Each setter checks its value at once and throws
     * {@link IllegalArgumentException} naming the key and the value.
     */
    public static final class Builder {
        private boolean enabled = true;
        private int intervalMinutes = 15;
        private int pastDays = 30;
        private int futureDays = 90;
        private ZoneId defaultZone = ZoneOffset.UTC;
        private Reassignment reassignment = Reassignment.KEEP_ORIGINAL;
        private OutlookEdits outlookEdits = OutlookEdits.OVERWRITE;
        private double massDeleteMaxShare = 0.5;
        private int massDeleteMinCount = 20;
        private int batchSize = 100;
        private int mailboxParallelism = 4;
        private int crmPageSize = 500;
        private int maxBufferedTasks = 5000;
        private boolean dryRun;
        private FieldTable fields = FieldTable.defaults();
        private StatusMapping status = StatusMapping.defaults();
        private PriorityMapping priority = PriorityMapping.defaults();
        private ReminderUnits reminderUnits = ReminderUnits.defaults();
        private LocalTime reminderBaseTime = LocalTime.of(8, 0);
        private int maxBodyLength = 1_000_000;

        private Builder() {
        }

        /** {@code tasksync.tasks.enabled}: off ⇒ a cycle does nothing and says so. Default true. */
        public Builder enabled(boolean v) { enabled = v; return this; }

        /** {@code tasksync.tasks.interval-minutes}: pause between cycles, at least 1. Default 15. */
        public Builder intervalMinutes(int v) {
            intervalMinutes = PropertyReader.checkAtLeast(INTERVAL_MINUTES, v, 1);
            return this;
        }

        /** {@code tasksync.tasks.time-frame.past-days}: days before today, at least 0. Default 30. */
        public Builder pastDays(int v) {
            pastDays = PropertyReader.checkBetween(PAST_DAYS, v, 0, 36_500);
            return this;
        }

        /** {@code tasksync.tasks.time-frame.future-days}: days after today, at least 0. Default 90. */
        public Builder futureDays(int v) {
            futureDays = PropertyReader.checkBetween(FUTURE_DAYS, v, 0, 36_500);
            return this;
        }

        /** {@code tasksync.default-zone}: the zone of reps without one. Default UTC. */
        public Builder defaultZone(ZoneId v) { defaultZone = Objects.requireNonNull(v, DEFAULT_ZONE); return this; }

        /** {@code tasksync.reminder.base-time}: the time of day reminders count back from. Default 08:00. */
        public Builder reminderBaseTime(LocalTime v) {
            reminderBaseTime = Objects.requireNonNull(v, REMINDER_BASE_TIME);
            return this;
        }

        /** {@code tasksync.reassignment}: keep-original (default) or move. */
        public Builder reassignment(Reassignment v) { reassignment = Objects.requireNonNull(v, REASSIGNMENT); return this; }

        /** {@code tasksync.outlook-edits}: overwrite (default) or keep-until-crm-changes. */
        public Builder outlookEdits(OutlookEdits v) { outlookEdits = Objects.requireNonNull(v, OUTLOOK_EDITS); return this; }

        /** {@code tasksync.mass-delete.max-share}: share of a mailbox's links above which deletions are held, in (0, 1]. Default 0.5. */
        public Builder massDeleteMaxShare(double v) {
            if (!(v > 0 && v <= 1)) throw PropertyReader.invalid(MASS_DELETE_MAX_SHARE, "above 0 and at most 1", v);
            massDeleteMaxShare = v;
            return this;
        }

        /** {@code tasksync.mass-delete.min-count}: the guard trips only above this many deletions. Default 20. */
        public Builder massDeleteMinCount(int v) {
            massDeleteMinCount = PropertyReader.checkAtLeast(MASS_DELETE_MIN_COUNT, v, 0);
            return this;
        }

        /**
         * {@code tasksync.batch-size}: CRM tasks per batch of a mailbox's writes, 1..1000, default 100. The creates
         * of a batch are saved to the state store once before they are sent (intents) and once after (results);
         * each request carries at most this many items and at most the adapter's {@code maxBatchSize()}.
         */
        public Builder batchSize(int v) {
            batchSize = PropertyReader.checkBetween(BATCH_SIZE, v, 1, 1000);
            return this;
        }

        /** {@code tasksync.mailbox-parallelism}: mailboxes processed at once, 1..256. Default 4. */
        public Builder mailboxParallelism(int v) {
            mailboxParallelism = PropertyReader.checkBetween(MAILBOX_PARALLELISM, v, 1, 256);
            return this;
        }

        /** {@code tasksync.crm.page-size}: CRM rows read per query, 1..10000. Default 500. */
        public Builder crmPageSize(int v) {
            crmPageSize = PropertyReader.checkBetween(CRM_PAGE_SIZE, v, 1, 10_000);
            return this;
        }

        /**
         * {@code tasksync.buffer.max-tasks}: the most CRM tasks the engine holds back, spread over the
         * mailboxes, while it waits for a mailbox to have a full batch, 1..1,000,000. Past it, the
         * fullest mailboxes get their batches at once (smaller batches, more requests, bounded
         * memory). Default 5,000.
         */
        public Builder maxBufferedTasks(int v) {
            maxBufferedTasks = PropertyReader.checkBetween(BUFFER_MAX_TASKS, v, 1, 1_000_000);
            return this;
        }

        /** {@code tasksync.dry-run}: report and plan, write nothing. Default false. */
        public Builder dryRun(boolean v) { dryRun = v; return this; }

        /** {@code tasksync.body.max-length}: the longest Comments text written, in characters. Default 1,000,000. */
        public Builder maxBodyLength(int v) {
            maxBodyLength = PropertyReader.checkAtLeast(BODY_MAX_LENGTH, v, 1);
            return this;
        }

        public Builder fields(FieldTable v) { fields = Objects.requireNonNull(v, "tasksync.fields"); return this; }
        public Builder statusMapping(StatusMapping v) { status = Objects.requireNonNull(v, "tasksync.status"); return this; }
        public Builder priorityMapping(PriorityMapping v) { priority = Objects.requireNonNull(v, "tasksync.priority"); return this; }
        public Builder reminderUnits(ReminderUnits v) { reminderUnits = Objects.requireNonNull(v, "tasksync.reminder.unit"); return this; }

        public SyncSettings build() {
            return new SyncSettings(this);
        }
    }
}

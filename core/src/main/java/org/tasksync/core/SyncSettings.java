package org.tasksync.core;

import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.tasksync.core.mapping.FieldTable;
import org.tasksync.core.mapping.MappingRules;
import org.tasksync.core.mapping.PriorityMapping;
import org.tasksync.core.mapping.ReminderUnits;
import org.tasksync.core.mapping.StatusMapping;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.Importance;

/**
 * The settings of a sync: what the original product's settings page has (tasks on/off, interval,
 * time frame) and our own (SPEC §3–§8). Immutable; built with {@link #builder()}, where every setter
 * checks its value at once and an error names the key and the value, or read from
 * {@link Properties} with {@link #fromProperties(Properties)}. See {@code docs/settings.md} for
 * every key.
 */
public final class SyncSettings {

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
     * Reads settings from properties; absent keys keep their defaults. Keys:
     * {@code tasksync.tasks.enabled}, {@code tasksync.tasks.interval-minutes},
     * {@code tasksync.tasks.time-frame.past-days}, {@code tasksync.tasks.time-frame.future-days},
     * {@code tasksync.default-zone}, {@code tasksync.reminder.base-time}, {@code tasksync.reassignment},
     * {@code tasksync.outlook-edits}, {@code tasksync.mass-delete.max-share},
     * {@code tasksync.mass-delete.min-count}, {@code tasksync.batch-size},
     * {@code tasksync.mailbox-parallelism}, {@code tasksync.crm.page-size}, {@code tasksync.dry-run},
     * {@code tasksync.body.max-length}, {@code tasksync.fields.disabled} (comma-separated A1
     * numbers), {@code tasksync.status.to-exchange.<CRM value>}, {@code tasksync.status.to-crm.<Exchange
     * status>}, {@code tasksync.priority.<CRM value>}, {@code tasksync.reminder.unit.<CRM code>}.
     * Unknown keys under {@code tasksync.} that none of these match are rejected, so a typo fails.
     */
    public static SyncSettings fromProperties(Properties p) {
        Builder b = builder();
        Set<String> known = new TreeSet<>();
        String v;
        if ((v = take(p, known, "tasksync.tasks.enabled")) != null) b.enabled(bool("tasksync.tasks.enabled", v));
        if ((v = take(p, known, "tasksync.tasks.interval-minutes")) != null)
            b.intervalMinutes(integer("tasksync.tasks.interval-minutes", v));
        if ((v = take(p, known, "tasksync.tasks.time-frame.past-days")) != null)
            b.pastDays(integer("tasksync.tasks.time-frame.past-days", v));
        if ((v = take(p, known, "tasksync.tasks.time-frame.future-days")) != null)
            b.futureDays(integer("tasksync.tasks.time-frame.future-days", v));
        if ((v = take(p, known, "tasksync.default-zone")) != null) b.defaultZone(zone("tasksync.default-zone", v));
        if ((v = take(p, known, "tasksync.reminder.base-time")) != null)
            b.reminderBaseTime(time("tasksync.reminder.base-time", v));
        if ((v = take(p, known, "tasksync.reassignment")) != null)
            b.reassignment(enumValue(Reassignment.class, "tasksync.reassignment", v));
        if ((v = take(p, known, "tasksync.outlook-edits")) != null)
            b.outlookEdits(enumValue(OutlookEdits.class, "tasksync.outlook-edits", v));
        if ((v = take(p, known, "tasksync.mass-delete.max-share")) != null)
            b.massDeleteMaxShare(decimal("tasksync.mass-delete.max-share", v));
        if ((v = take(p, known, "tasksync.mass-delete.min-count")) != null)
            b.massDeleteMinCount(integer("tasksync.mass-delete.min-count", v));
        if ((v = take(p, known, "tasksync.batch-size")) != null) b.batchSize(integer("tasksync.batch-size", v));
        if ((v = take(p, known, "tasksync.mailbox-parallelism")) != null)
            b.mailboxParallelism(integer("tasksync.mailbox-parallelism", v));
        if ((v = take(p, known, "tasksync.crm.page-size")) != null) b.crmPageSize(integer("tasksync.crm.page-size", v));
        if ((v = take(p, known, "tasksync.buffer.max-tasks")) != null)
            b.maxBufferedTasks(integer("tasksync.buffer.max-tasks", v));
        if ((v = take(p, known, "tasksync.dry-run")) != null) b.dryRun(bool("tasksync.dry-run", v));
        if ((v = take(p, known, "tasksync.body.max-length")) != null)
            b.maxBodyLength(integer("tasksync.body.max-length", v));
        if ((v = take(p, known, "tasksync.fields.disabled")) != null) {
            FieldTable t = b.fields;
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    t = t.without(integer("tasksync.fields.disabled", part.trim().replace("#", "")));
                }
            }
            b.fields(t);
        }
        StatusMapping.Builder status = null;
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("tasksync.status.to-exchange.")) {
                known.add(key);
                if (status == null) status = StatusMapping.builder();
                String crm = key.substring("tasksync.status.to-exchange.".length());
                status.map(crm, exchangeStatus(key, p.getProperty(key)));
            }
        }
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("tasksync.status.to-crm.")) {
                known.add(key);
                if (status == null) status = StatusMapping.defaults().toBuilder();
                ExchangeStatus ex = exchangeStatus(key, key.substring("tasksync.status.to-crm.".length()));
                status.back(ex, p.getProperty(key));
            }
        }
        if (status != null) {
            if (!hasToCrmFor(p, ExchangeStatus.WAITING_ON_OTHERS) && !p.stringPropertyNames().stream()
                    .anyMatch(k -> k.startsWith("tasksync.status.to-exchange.")
                            && exchangeStatusOrNull(p.getProperty(k)) == ExchangeStatus.WAITING_ON_OTHERS)) {
                // The original's fixed rule: WaitingOnOthers comes back as In Progress, if that value exists.
                String inProgress = null;
                for (String k : p.stringPropertyNames()) {
                    if (k.startsWith("tasksync.status.to-exchange.")
                            && exchangeStatusOrNull(p.getProperty(k)) == ExchangeStatus.IN_PROGRESS) {
                        inProgress = k.substring("tasksync.status.to-exchange.".length());
                    }
                }
                if (inProgress != null) status.back(ExchangeStatus.WAITING_ON_OTHERS, inProgress);
            }
            b.statusMapping(status.build());
        }
        PriorityMapping priority = null;
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("tasksync.priority.")) {
                known.add(key);
                String crm = key.substring("tasksync.priority.".length());
                Importance imp = enumValue(Importance.class, key, p.getProperty(key));
                priority = priority == null ? PriorityMapping.of(Map.of(crm, imp)) : priority.with(crm, imp);
            }
        }
        if (priority != null) b.priorityMapping(priority);
        ReminderUnits units = null;
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("tasksync.reminder.unit.")) {
                known.add(key);
                String code = key.substring("tasksync.reminder.unit.".length());
                ChronoUnit unit = enumValue(ChronoUnit.class, key, p.getProperty(key));
                units = units == null ? ReminderUnits.of(Map.of(code, unit)) : units.with(code, unit);
            }
        }
        if (units != null) b.reminderUnits(units);
        for (String key : p.stringPropertyNames()) {
            if (isOwnKey(key) && !known.contains(key)) {
                throw new IllegalArgumentException(key + ": unknown tasksync setting (value '" + p.getProperty(key)
                        + "'); see docs/settings.md");
            }
        }
        return b.build();
    }

    /** Keys this class reads; other {@code tasksync.} prefixes (adapters, state store) belong to others. */
    private static boolean isOwnKey(String key) {
        return key.startsWith("tasksync.tasks.") || key.startsWith("tasksync.status.")
                || key.startsWith("tasksync.priority.") || key.startsWith("tasksync.reminder.")
                || key.startsWith("tasksync.mass-delete.") || key.startsWith("tasksync.fields.")
                || key.startsWith("tasksync.body.") || key.startsWith("tasksync.buffer.")
                || key.equals("tasksync.default-zone")
                || key.equals("tasksync.reassignment") || key.equals("tasksync.outlook-edits")
                || key.equals("tasksync.batch-size") || key.equals("tasksync.mailbox-parallelism")
                || key.equals("tasksync.crm.page-size") || key.equals("tasksync.dry-run");
    }

    private static boolean hasToCrmFor(Properties p, ExchangeStatus s) {
        return p.getProperty("tasksync.status.to-crm." + s.wireName()) != null;
    }

    private static String take(Properties p, Set<String> known, String key) {
        known.add(key);
        String v = p.getProperty(key);
        return v == null ? null : v.trim();
    }

    private static boolean bool(String key, String v) {
        if (v.equalsIgnoreCase("true")) return true;
        if (v.equalsIgnoreCase("false")) return false;
        throw new IllegalArgumentException(key + " must be true or false, was '" + v + "'");
    }

    private static int integer(String key, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, was '" + v + "'");
        }
    }

    private static double decimal(String key, String v) {
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, was '" + v + "'");
        }
    }

    private static ZoneId zone(String key, String v) {
        try {
            return ZoneId.of(v.trim());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(key + " must be a time zone id such as Europe/Vienna, was '" + v + "'");
        }
    }

    private static LocalTime time(String key, String v) {
        try {
            return LocalTime.parse(v.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + " must be a time of day such as 08:00, was '" + v + "'");
        }
    }

    private static ExchangeStatus exchangeStatus(String key, String v) {
        try {
            return ExchangeStatus.fromWireName(v.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }

    private static ExchangeStatus exchangeStatusOrNull(String v) {
        try {
            return ExchangeStatus.fromWireName(v.trim());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String key, String v) {
        String norm = v.trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(norm)) {
                return e;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            if (allowed.length() > 0) allowed.append(", ");
            allowed.append(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw new IllegalArgumentException(key + " must be one of " + allowed + ", was '" + v + "'");
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
            if (v < 1) throw new IllegalArgumentException("tasksync.tasks.interval-minutes must be at least 1, was " + v);
            intervalMinutes = v;
            return this;
        }

        /** {@code tasksync.tasks.time-frame.past-days}: days before today, at least 0. Default 30. */
        public Builder pastDays(int v) {
            if (v < 0) throw new IllegalArgumentException("tasksync.tasks.time-frame.past-days must not be negative, was " + v);
            if (v > 36_500) throw new IllegalArgumentException("tasksync.tasks.time-frame.past-days must be at most 36500, was " + v);
            pastDays = v;
            return this;
        }

        /** {@code tasksync.tasks.time-frame.future-days}: days after today, at least 0. Default 90. */
        public Builder futureDays(int v) {
            if (v < 0) throw new IllegalArgumentException("tasksync.tasks.time-frame.future-days must not be negative, was " + v);
            if (v > 36_500) throw new IllegalArgumentException("tasksync.tasks.time-frame.future-days must be at most 36500, was " + v);
            futureDays = v;
            return this;
        }

        /** {@code tasksync.default-zone}: the zone of reps without one. Default UTC. */
        public Builder defaultZone(ZoneId v) { defaultZone = Objects.requireNonNull(v, "tasksync.default-zone"); return this; }

        /** {@code tasksync.reminder.base-time}: the time of day reminders count back from. Default 08:00. */
        public Builder reminderBaseTime(LocalTime v) {
            reminderBaseTime = Objects.requireNonNull(v, "tasksync.reminder.base-time");
            return this;
        }

        /** {@code tasksync.reassignment}: keep-original (default) or move. */
        public Builder reassignment(Reassignment v) { reassignment = Objects.requireNonNull(v, "tasksync.reassignment"); return this; }

        /** {@code tasksync.outlook-edits}: overwrite (default) or keep-until-crm-changes. */
        public Builder outlookEdits(OutlookEdits v) { outlookEdits = Objects.requireNonNull(v, "tasksync.outlook-edits"); return this; }

        /** {@code tasksync.mass-delete.max-share}: share of a mailbox's links above which deletions are held, in (0, 1]. Default 0.5. */
        public Builder massDeleteMaxShare(double v) {
            if (!(v > 0 && v <= 1)) throw new IllegalArgumentException("tasksync.mass-delete.max-share must be above 0 and at most 1, was " + v);
            massDeleteMaxShare = v;
            return this;
        }

        /** {@code tasksync.mass-delete.min-count}: the guard trips only above this many deletions. Default 20. */
        public Builder massDeleteMinCount(int v) {
            if (v < 0) throw new IllegalArgumentException("tasksync.mass-delete.min-count must not be negative, was " + v);
            massDeleteMinCount = v;
            return this;
        }

        /** {@code tasksync.batch-size}: items per Exchange batch request, 1..1000 (adapters may cap it lower). Default 100. */
        public Builder batchSize(int v) {
            if (v < 1 || v > 1000) throw new IllegalArgumentException("tasksync.batch-size must be between 1 and 1000, was " + v);
            batchSize = v;
            return this;
        }

        /** {@code tasksync.mailbox-parallelism}: mailboxes processed at once, 1..256. Default 4. */
        public Builder mailboxParallelism(int v) {
            if (v < 1 || v > 256) throw new IllegalArgumentException("tasksync.mailbox-parallelism must be between 1 and 256, was " + v);
            mailboxParallelism = v;
            return this;
        }

        /** {@code tasksync.crm.page-size}: CRM rows read per query, 1..10000. Default 500. */
        public Builder crmPageSize(int v) {
            if (v < 1 || v > 10_000) throw new IllegalArgumentException("tasksync.crm.page-size must be between 1 and 10000, was " + v);
            crmPageSize = v;
            return this;
        }

        /**
         * {@code tasksync.buffer.max-tasks}: the most CRM tasks the engine holds back, spread over the
         * mailboxes, while it waits for a mailbox to have a full batch, 1..1,000,000. Past it, the
         * fullest mailboxes get their batches at once (smaller batches, more requests, bounded
         * memory). Default 5,000.
         */
        public Builder maxBufferedTasks(int v) {
            if (v < 1 || v > 1_000_000) {
                throw new IllegalArgumentException("tasksync.buffer.max-tasks must be between 1 and 1000000, was " + v);
            }
            maxBufferedTasks = v;
            return this;
        }

        /** {@code tasksync.dry-run}: report and plan, write nothing. Default false. */
        public Builder dryRun(boolean v) { dryRun = v; return this; }

        /** {@code tasksync.body.max-length}: the longest Comments text written, in characters. Default 1,000,000. */
        public Builder maxBodyLength(int v) {
            if (v < 1) throw new IllegalArgumentException("tasksync.body.max-length must be at least 1, was " + v);
            maxBodyLength = v;
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

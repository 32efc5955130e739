package org.tasksync.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.tasksync.core.MailboxReport;
import org.tasksync.core.SkipReason;
import org.tasksync.core.SyncListener;
import org.tasksync.core.SyncReport;
import org.tasksync.core.TaskError;
import org.tasksync.core.spi.MailboxException;

/**
 * A {@link SyncListener} that records every finished cycle of a {@code SyncEngine} as Micrometer
 * meters in a {@link MeterRegistry}; the meters are listed in {@code docs/micrometer.md}.
 *
 * <pre>{@code
 * SyncEngine engine = SyncEngine.builder()...listener(new TasksyncMetrics(registry)).build();
 * }</pre>
 *
 * <p>Everything is read from the cycle's {@link SyncReport}, so the meters agree with the report
 * the host logs. Tags are bounded: by default no meter carries a mailbox or a task; the
 * {@linkplain Builder#mailboxTag(boolean) mailbox tag} is for small estates. Thread-safe.
 */
public final class TasksyncMetrics implements SyncListener {

    /** The {@code kind} of a mailbox failure that was not a {@link MailboxException}, or whose kind is unknown. */
    static final String OTHER = "other";

    /** Distinct {@code field} tag values of {@code tasksync.task.errors} before further fields count as "other". */
    static final int MAX_FIELDS = 64;

    private final MeterRegistry registry;
    private final boolean mailboxTag;
    private final Tags tags;
    private final Set<String> fieldsSeen = new HashSet<>();

    private final AtomicLong lastCleanMillis;
    private final AtomicLong lastFinishedMillis;
    private final AtomicLong mailboxes = new AtomicLong();
    private final AtomicLong mailboxesFailing = new AtomicLong();

    /** Records into {@code registry}, without a mailbox tag. */
    public TasksyncMetrics(MeterRegistry registry) {
        this(builder(registry));
    }

    private TasksyncMetrics(Builder b) {
        this.registry = b.registry;
        this.mailboxTag = b.mailboxTag;
        this.tags = b.tags;
        // "since the last clean cycle" counts from now until there is one, so that an engine that
        // never completes a clean cycle shows a growing age rather than no value
        long now = registry.config().clock().wallTime();
        this.lastCleanMillis = new AtomicLong(now);
        this.lastFinishedMillis = new AtomicLong(now);
        Gauge.builder("tasksync.last.clean.cycle.age", this, m -> m.secondsSince(m.lastCleanMillis))
                .description("Seconds since the last cycle that ended clean (no cycle, mailbox or task error); "
                        + "counted from the start of the metrics until the first")
                .baseUnit("seconds").tags(tags).strongReference(true).register(registry);
        Gauge.builder("tasksync.last.cycle.age", this, m -> m.secondsSince(m.lastFinishedMillis))
                .description("Seconds since the last cycle finished, whatever its outcome; "
                        + "counted from the start of the metrics until the first")
                .baseUnit("seconds").tags(tags).strongReference(true).register(registry);
        Gauge.builder("tasksync.mailboxes", mailboxes, AtomicLong::get)
                .description("Mailboxes the last cycle worked on")
                .baseUnit("mailboxes").tags(tags).strongReference(true).register(registry);
        Gauge.builder("tasksync.mailboxes.failing", mailboxesFailing, AtomicLong::get)
                .description("Mailboxes that failed in the last cycle")
                .baseUnit("mailboxes").tags(tags).strongReference(true).register(registry);
    }

    /** A builder for the options: {@code TasksyncMetrics.builder(registry).mailboxTag(true).build()}. */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(registry);
    }

    @Override
    public void cycleFinished(SyncReport report) {
        String outcome = outcome(report);
        Timer.builder("tasksync.cycle.duration")
                .description("How long cycles took, by outcome (clean, errors, failed, dry_run)")
                .tags(tags).tag("outcome", outcome)
                .register(registry)
                .record(report.duration().toNanos(), TimeUnit.NANOSECONDS);
        if (!report.enabled() || report.dryRun()) {
            return; // nothing was written, and nothing says how synchronization stands
        }
        long now = registry.config().clock().wallTime();
        lastFinishedMillis.set(now);
        if (report.clean()) {
            lastCleanMillis.set(now);
        }
        mailboxes.set(report.mailboxes().size());
        mailboxesFailing.set(report.failedMailboxes().size());

        for (MailboxReport m : report.mailboxes()) {
            Tags t = mailboxTag ? tags.and("mailbox", m.mailbox()) : tags;
            count("tasksync.tasks.created", "Exchange tasks created", t, m.created());
            count("tasksync.tasks.updated", "Exchange tasks updated", t, m.updated());
            count("tasksync.tasks.deleted", "Exchange tasks deleted", t, m.deleted());
            count("tasksync.tasks.adopted", "Tagged Exchange tasks linked again instead of created", t, m.adopted());
            count("tasksync.tasks.deleted.in.outlook", "Tasks the rep deleted in Outlook", t, m.deletedInOutlook());
            count("tasksync.statuses.written.back", "Outlook status changes written to the CRM", t,
                    m.statusesWrittenBack());
            count("tasksync.conflicts", CONFLICTS, t.and("winner", "crm"), m.conflictsCrmWon());
            count("tasksync.conflicts", CONFLICTS, t.and("winner", "outlook"), m.conflictsExchangeWon());
            count("tasksync.requests", "Requests sent to Exchange", t, m.requests());
            m.skipped().forEach((reason, n) -> count("tasksync.tasks.skipped", SKIPPED, t.and("reason", tag(reason)), n));
            m.taskErrors().forEach(e -> count("tasksync.task.errors", TASK_ERRORS, t.and("field", field(e)), 1));
            if (m.failed()) {
                count("tasksync.mailbox.failures", "Mailbox failures, by kind", t.and("kind", kind(m)), 1);
            }
        }
        Tags none = mailboxTag ? tags.and("mailbox", "none") : tags;
        report.unassignedSkips().forEach((reason, n) ->
                count("tasksync.tasks.skipped", SKIPPED, none.and("reason", tag(reason)), n));
        report.taskErrors().forEach(e -> count("tasksync.task.errors", TASK_ERRORS, none.and("field", field(e)), 1));
    }

    private static final String CONFLICTS = "Status conflicts (both sides changed), by the side that won";
    private static final String SKIPPED = "Tasks left alone this cycle, by reason";
    private static final String TASK_ERRORS = "Tasks that could not be synchronized, by field";

    private void count(String name, String description, Tags t, double amount) {
        // registered even at zero, so that a dashboard shows 0 rather than no data
        Counter c = Counter.builder(name).description(description).tags(t).register(registry);
        if (amount > 0) {
            c.increment(amount);
        }
    }

    private double secondsSince(AtomicLong millis) {
        return (registry.config().clock().wallTime() - millis.get()) / 1000.0;
    }

    static String outcome(SyncReport report) {
        if (!report.enabled()) {
            return "disabled";
        }
        if (report.dryRun()) {
            return "dry_run";
        }
        if (report.cycleError() != null) {
            return "failed";
        }
        return report.clean() ? "clean" : "errors";
    }

    private static String tag(SkipReason reason) {
        return reason.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The field of a task error as a tag: its name without the A1 number ({@code #58 Subject} is
     * {@code Subject}); "none" for an error of the whole task; "other" once {@value #MAX_FIELDS}
     * distinct fields were seen, which no engine reaches but which bounds the tag whatever an adapter reports.
     */
    String field(TaskError e) {
        String f = e.field() == null || e.field().isBlank() ? "none" : e.field().strip().replaceFirst("^#\\d+\\s+", "");
        synchronized (fieldsSeen) {
            if (fieldsSeen.contains(f) || fieldsSeen.size() < MAX_FIELDS) {
                fieldsSeen.add(f);
                return f;
            }
            return OTHER;
        }
    }

    /**
     * The kind of a mailbox failure, read from its report: the engine reports a
     * {@link MailboxException} by its message, which names the kind after the mailbox
     * ({@code mailbox a@b: throttled: ...}); any other failure (a crash of an adapter) is "other".
     */
    static String kind(MailboxReport m) {
        String error = m.mailboxError();
        String prefix = "mailbox " + m.mailbox() + ": ";
        if (error == null || !error.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return OTHER;
        }
        String rest = error.substring(prefix.length());
        for (MailboxException.Kind k : MailboxException.Kind.values()) {
            String text = k.name().toLowerCase(Locale.ROOT).replace('_', ' ');
            if (rest.startsWith(text + ":")) {
                return k.name().toLowerCase(Locale.ROOT);
            }
        }
        return OTHER;
    }

    /** Options of {@link TasksyncMetrics}. */
    public static final class Builder {
        private final MeterRegistry registry;
        private boolean mailboxTag;
        private Tags tags = Tags.empty();

        private Builder(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /**
         * Adds a {@code mailbox} tag (the address) to the per-mailbox counters: one series per
         * mailbox and meter, so only for a few dozen mailboxes. Off by default.
         */
        public Builder mailboxTag(boolean on) {
            this.mailboxTag = on;
            return this;
        }

        /**
         * Tags added to every meter, e.g. {@code engine=graph} for a host that runs two engines
         * into one registry (the gauges of two listeners with the same tags would be one series).
         */
        public Builder tags(Iterable<Tag> more) {
            this.tags = tags.and(Objects.requireNonNull(more, "tags"));
            return this;
        }

        public TasksyncMetrics build() {
            return new TasksyncMetrics(this);
        }
    }
}

package org.tasksync.core.internal.cycle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.tasksync.core.MailboxPartition;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.internal.EngineParts;
import org.tasksync.core.internal.effects.Effects;
import org.tasksync.core.internal.lease.MailboxLeases;
import org.tasksync.core.internal.report.Reporter;
import org.tasksync.core.internal.rules.FieldDiff;
import org.tasksync.core.internal.rules.Participants;
import org.tasksync.core.internal.state.EngineState;
import org.tasksync.core.mapping.StatusMapping;
import org.tasksync.core.mapping.TaskMapper;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.spi.SyncStateStore;

/**
 * What the steps of one run share: the engine's parts, the run's effects (live or dry run), leases,
 * reporter and state keys, the participants, each mailbox's work and the tasks to try again. Built by
 * {@link CycleRunner}; the steps read it and add to its sets from the mailbox threads.
 */
public final class CycleContext {

    private final EngineParts parts;
    private final SyncSettings settings;
    private final StatusMapping statusMapping;
    private final TaskMapper mapper;
    private final Set<ExchangeField> managed;
    private final FieldDiff fieldDiff;
    private final Effects effects;
    private final MailboxLeases leases;
    private final MailboxLanes lanes;
    private final Reporter reporter;
    private final EngineState state;
    private final MailboxPartition partition;
    private final Instant start;
    private Participants participants;
    private final Map<String, MailboxWork> mailboxes = new ConcurrentHashMap<>();
    /** Tasks whose work failed or was deferred: into the pending set at the end. */
    public final Set<String> failedTaskIds = ConcurrentHashMap.newKeySet();
    /** Tasks another partition is to write: not this partition's to remove from the pending set. */
    public final Set<String> foreignTaskIds = ConcurrentHashMap.newKeySet();
    private volatile Error fatal;
    private volatile String cycleError;
    private ExecutorService pool;
    private Semaphore inFlight;

    CycleContext(EngineParts parts, boolean dryRun, MailboxPartition partition, MailboxLanes lanes) {
        this.parts = parts;
        this.settings = parts.settings();
        this.statusMapping = settings.mapping().status();
        this.mapper = new TaskMapper(settings.mapping());
        this.managed = settings.mapping().fields().managedFields();
        this.fieldDiff = new FieldDiff(managed, statusMapping);
        this.effects = Effects.of(parts, dryRun);
        this.leases = MailboxLeases.of(parts, partition, dryRun);
        this.lanes = lanes;
        this.reporter = new Reporter(parts.listener());
        this.state = new EngineState(parts.store(), partition);
        this.partition = partition;
        this.start = parts.clock().instant();
    }

    public EngineParts parts() { return parts; }
    public SyncSettings settings() { return settings; }
    public SyncStateStore store() { return parts.store(); }
    public StatusMapping statusMapping() { return statusMapping; }
    public TaskMapper mapper() { return mapper; }
    public Set<ExchangeField> managed() { return managed; }
    public FieldDiff fieldDiff() { return fieldDiff; }
    public Effects effects() { return effects; }
    public MailboxLeases leases() { return leases; }
    public MailboxLanes lanes() { return lanes; }
    public Reporter reporter() { return reporter; }
    public EngineState state() { return state; }
    public MailboxPartition partition() { return partition; }
    /** When the run began: the date of deletions it notices, "today" of its mappings. */
    public Instant start() { return start; }
    public Participants participants() { return participants; }
    public ExecutorService pool() { return pool; }
    public Semaphore inFlight() { return inFlight; }
    public String cycleError() { return cycleError; }

    void participants(Participants p) {
        participants(p, mailbox -> true);
    }

    /** The participants of this run; only the mailboxes {@code work} accepts get work of their own. */
    void participants(Participants p, java.util.function.Predicate<String> work) {
        this.participants = p;
        for (Participants.Participant each : p.all()) {
            if (work.test(each.mailbox().address())) {
                mailboxes.computeIfAbsent(each.mailbox().address(), a -> new MailboxWork(this, each.mailbox()));
            }
        }
    }

    void pool(ExecutorService pool, Semaphore inFlight) {
        this.pool = pool;
        this.inFlight = inFlight;
    }

    public void cycleError(String error) {
        this.cycleError = error;
    }

    public Map<String, MailboxWork> mailboxes() {
        return mailboxes;
    }

    /** The work of a participant's mailbox, or of another mailbox the run must touch (an old copy's). */
    public MailboxWork workFor(String address) {
        return mailboxes.computeIfAbsent(address, a -> {
            Participants.Participant p = participants.ofMailbox(a);
            return new MailboxWork(this, p != null ? p.mailbox() : new Mailbox(a, a, settings.defaultZone()));
        });
    }

    /** Ends the run at once when a mailbox thread met an {@link Error} (how tests stop it as a process dies). */
    public void checkFatal() {
        Error e = fatal;
        if (e != null) {
            throw e;
        }
    }

    public void fatal(Error e) {
        fatal = e;
    }

    public boolean isFatal() {
        return fatal != null;
    }

    public void awaitAll(List<Future<?>> futures) {
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for mailbox work", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Error err) {
                    fatal = err;
                } else {
                    throw new IllegalStateException("mailbox work failed unexpectedly", cause);
                }
            }
        }
        checkFatal();
    }

    public static <T> List<List<T>> chunks(List<T> list, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i += size) {
            out.add(list.subList(i, Math.min(list.size(), i + size)));
        }
        return out;
    }
}

package org.tasksync.benchmarks;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.mapping.StatusMapping;
import org.tasksync.core.mapping.TaskMapper;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.Rep;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.core.spi.CrmPage;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.core.spi.ExchangeTaskUpdate;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.TimeFrameQuery;

/**
 * The baseline: what a hand-written integration does, with the same CRM adapter, the same Exchange
 * adapter (so the same client, connection handling and retries) and the same mapping as the
 * engine. Every cycle it reads every CRM task of the time frame and, for each task, looks the task
 * up in the rep's mailbox by its CRM id, then creates it or overwrites it (one task per request; no
 * state, no change tracking). An Outlook status that is newer than the CRM task goes to the CRM
 * first, so the comparison is with an integration that does the same job. Mailboxes run in parallel
 * up to the same bound as the engine's.
 */
final class NaiveIntegration {

    /** What a naive cycle did. */
    record Counts(int created, int updated, int statusesWrittenBack, int errors, int failedMailboxes, long requests) {
    }

    private final CrmAdapter crm;
    private final ExchangeAdapter exchange;
    private final SyncSettings settings;
    private final TaskMapper mapper;
    private final StatusMapping statuses;
    private final Set<ExchangeField> fields;
    private final Clock clock;

    NaiveIntegration(CrmAdapter crm, ExchangeAdapter exchange, SyncSettings settings, Clock clock) {
        this.crm = crm;
        this.exchange = exchange;
        this.settings = settings;
        this.mapper = new TaskMapper(settings.mapping());
        this.statuses = settings.mapping().status();
        this.fields = settings.mapping().fields().managedFields();
        this.clock = clock;
    }

    Counts cycle() {
        Map<String, Rep> reps = new HashMap<>();
        for (Rep r : crm.reps()) {
            if (r.enabled() && r.hasMailbox()) {
                reps.put(r.id(), r);
            }
        }
        LocalDate today = LocalDate.now(clock);
        Map<String, List<CrmTask>> byRep = new HashMap<>();
        String token = null;
        CrmPage page;
        do { // re-read everything, every cycle
            page = crm.tasksInTimeFrame(new TimeFrameQuery(today.minusDays(settings.pastDays()),
                    today.plusDays(settings.futureDays()), true, null), token, settings.crmPageSize());
            for (CrmTask t : page.tasks()) {
                if (reps.containsKey(t.repId())) {
                    byRep.computeIfAbsent(t.repId(), k -> new ArrayList<>()).add(t);
                }
            }
            token = page.next();
        } while (page.hasMore());

        AtomicInteger created = new AtomicInteger();
        AtomicInteger updated = new AtomicInteger();
        AtomicInteger statusBack = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong requests = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, settings.mailboxParallelism()));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Map.Entry<String, List<CrmTask>> e : byRep.entrySet()) {
                Rep rep = reps.get(e.getKey());
                futures.add(pool.submit(() -> {
                    ZoneId zone = rep.timeZone() != null ? rep.timeZone() : settings.defaultZone();
                    Mailbox mailbox = new Mailbox(rep.mailbox(), rep.displayName(), zone);
                    try (MailboxConnection conn = exchange.connect(mailbox)) {
                        try {
                            for (CrmTask task : e.getValue()) {
                                sync(task, rep, reps, conn, zone, today, created, updated, statusBack, errors);
                            }
                        } finally {
                            requests.addAndGet(conn.requestsSent());
                        }
                    } catch (Exception ex) {
                        failed.incrementAndGet();
                        System.err.println("naive: mailbox " + rep.mailbox() + " failed: " + ex);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("naive cycle failed", e);
        } finally {
            pool.shutdownNow();
        }
        return new Counts(created.get(), updated.get(), statusBack.get(), errors.get(), failed.get(), requests.get());
    }

    private void sync(CrmTask task, Rep rep, Map<String, Rep> reps, MailboxConnection conn, ZoneId zone,
                      LocalDate today, AtomicInteger created, AtomicInteger updated, AtomicInteger statusBack,
                      AtomicInteger errors) throws Exception {
        Rep creator = task.createdByRepId() == null ? null : reps.get(task.createdByRepId());
        TaskMapper.Result mapped = mapper.map(task, new TaskMapper.Context(rep.displayName(),
                creator == null ? null : creator.displayName(), zone, today, null));
        if (!mapped.ok()) {
            errors.incrementAndGet();
            return;
        }
        TaskValues values = mapped.values();
        List<ExchangeTask> found = conn.findByCrmIds(List.of(task.id()));
        if (found.isEmpty()) {
            if (conn.create(List.of(new NewExchangeTask(task.id(), values))).get(0).succeeded()) {
                created.incrementAndGet();
            } else {
                errors.incrementAndGet();
            }
            return;
        }
        ExchangeTask item = found.get(0);
        ExchangeStatus seen = item.values().status();
        if (seen != null && !statuses.sameCrmStatus(statuses.toCrm(seen), task.status())
                && item.lastModified() != null && item.lastModified().isAfter(task.modifiedAt())) {
            crm.writeStatus(task.id(), statuses.toCrm(seen), task.modifiedAt());
            statusBack.incrementAndGet();
            values = values.toBuilder().status(seen).percentComplete(item.values().percentComplete())
                    .completeDate(item.values().completeDate()).build();
        }
        if (conn.update(List.of(new ExchangeTaskUpdate(new ItemRef(item.itemId(), item.changeKey()), task.id(), values,
                fields))).get(0).succeeded()) {
            updated.incrementAndGet();
        } else {
            errors.incrementAndGet();
        }
    }
}

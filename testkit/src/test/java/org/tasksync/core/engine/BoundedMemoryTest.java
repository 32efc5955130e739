package org.tasksync.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.core.spi.CrmPage;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.StatusWriteResult;
import org.tasksync.core.spi.TimeFrameQuery;
import org.tasksync.core.spi.WriteOutcome;

/**
 * SPEC §10: memory stays bounded however many mailboxes share the tasks, and the engine holds no
 * more Exchange connections open than it works on.
 */
class BoundedMemoryTest {

    private static final int MAILBOXES = 30;
    private static final int TASKS_PER_MAILBOX = 4;

    private final Fixture f = new Fixture();
    /** Tasks the CRM handed to the engine / tasks the engine handed to Exchange to create. */
    private final AtomicInteger read = new AtomicInteger();
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger mostHeldBack = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger mostOpen = new AtomicInteger();
    private final List<Integer> createBatches = new ArrayList<>();

    BoundedMemoryTest() {
        for (int m = 0; m < MAILBOXES; m++) {
            f.rep("r" + m, String.format("rep%02d@example.com", m));
        }
        // the CRM hands tasks out in id order: every page mixes many mailboxes, none fills a batch early
        for (int t = 0; t < TASKS_PER_MAILBOX; t++) {
            for (int m = 0; m < MAILBOXES; m++) {
                f.task(String.format("A1:%d-%02d", t, m), "r" + m);
            }
        }
    }

    private SyncEngine engine(SyncSettings settings) {
        CrmAdapter crm = new CrmAdapter() {
            private CrmPage counted(CrmPage p) {
                int held = read.addAndGet(p.tasks().size()) - sent.get();
                mostHeldBack.accumulateAndGet(held, Math::max);
                return p;
            }
            public List<org.tasksync.core.model.Rep> reps() { return f.crm.reps(); }
            public String currentChangeCursor() { return f.crm.currentChangeCursor(); }
            public CrmPage changesSince(String c, int n) { return counted(f.crm.changesSince(c, n)); }
            public CrmPage tasksInTimeFrame(TimeFrameQuery q, String t, int n) { return counted(f.crm.tasksInTimeFrame(q, t, n)); }
            public CrmPage tasksById(java.util.Collection<String> ids) { return counted(f.crm.tasksById(ids)); }
            public StatusWriteResult writeStatus(String id, String s, java.time.Instant at) { return f.crm.writeStatus(id, s, at); }
        };
        ExchangeAdapter exchange = new ExchangeAdapter() {
            public MailboxConnection connect(Mailbox mailbox) throws MailboxException {
                MailboxConnection c = f.exchange.connect(mailbox);
                mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                return new ForwardingConnection(c) {
                    @Override
                    public List<WriteOutcome> create(List<NewExchangeTask> tasks) throws MailboxException {
                        sent.addAndGet(tasks.size());
                        synchronized (createBatches) {
                            createBatches.add(tasks.size());
                        }
                        return super.create(tasks);
                    }

                    @Override
                    public void close() {
                        open.decrementAndGet();
                        super.close();
                    }
                };
            }
        };
        return SyncEngine.builder().crm(crm).exchange(exchange).stateStore(f.store).settings(settings)
                .clock(f.clock).build();
    }

    private SyncSettings.Builder settings() {
        return f.settings.toBuilder().batchSize(5).crmPageSize(4).mailboxParallelism(2);
    }

    @Test
    void tasksSpreadOverManyMailboxesAreNotAllHeldBackForFullBatches() {
        SyncReport report = engine(settings().maxBufferedTasks(10).build()).runOnce();

        assertThat(report.created()).isEqualTo(MAILBOXES * TASKS_PER_MAILBOX);
        // at most the bound, the batches in flight (2 per mailbox thread) and the page just read
        assertThat(mostHeldBack.get()).isLessThanOrEqualTo(10 + 2 * 2 * 5 + 4);
        for (int m = 0; m < MAILBOXES; m++) {
            assertThat(f.outlook(String.format("rep%02d@example.com", m))).extracting(ExchangeTask::crmId)
                    .hasSize(TASKS_PER_MAILBOX).doesNotHaveDuplicates();
        }
    }

    @Test
    void underTheBoundEveryMailboxGetsOneFullBatch() {
        SyncReport report = engine(settings().batchSize(4).build()).runOnce();

        assertThat(report.created()).isEqualTo(MAILBOXES * TASKS_PER_MAILBOX);
        assertThat(createBatches).hasSize(MAILBOXES).containsOnly(TASKS_PER_MAILBOX);
        // without the bound every task waited: that is what the default's 5,000 allow for here
        assertThat(mostHeldBack.get()).isGreaterThanOrEqualTo(MAILBOXES * (TASKS_PER_MAILBOX - 1));
    }

    @Test
    void connectionsAreClosedWhenTheirMailboxHasNothingQueued() {
        engine(settings().maxBufferedTasks(10).build()).runOnce();
        f.clock.advance(java.time.Duration.ofMinutes(1));
        for (int m = 0; m < MAILBOXES; m++) {
            f.editTask(String.format("A1:0-%02d", m), b -> b.subject("Edited"));
        }
        SyncReport second = engine(settings().maxBufferedTasks(10).build()).runOnce();

        assertThat(second.updated()).isEqualTo(MAILBOXES);
        // read, then written, 30 mailboxes; never more open than the two threads and their queued batches
        assertThat(mostOpen.get()).isLessThanOrEqualTo(2 * 2);
        assertThat(open.get()).as("connections left open after the cycles").isZero();
    }
}

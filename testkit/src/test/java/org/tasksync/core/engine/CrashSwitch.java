package org.tasksync.core.engine;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.ChangePage;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.core.spi.CrmPage;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.core.spi.ExchangeTaskUpdate;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.StatusWriteResult;
import org.tasksync.core.spi.SyncStateStore;
import org.tasksync.core.spi.TimeFrameQuery;
import org.tasksync.core.spi.WriteOutcome;

/**
 * Stops the engine as a dying process would: wrapped around the CRM, the Exchange and the state
 * store, it counts every write, and at the armed one throws {@link Crash} (an {@link Error}, which
 * the engine does not catch) and from then on fails every call until disarmed.
 */
final class CrashSwitch {

    /** The process died. */
    static final class Crash extends Error {
        Crash(String where) {
            super("simulated crash at " + where);
        }
    }

    private int writes;
    private int crashAt = -1;
    private Boolean after;
    private boolean dead;
    private final java.util.List<String> log = new java.util.ArrayList<>();

    synchronized void arm(int atWrite) {
        writes = 0;
        crashAt = atWrite;
        after = null;
        dead = false;
        log.clear();
    }

    /** Crashes at write {@code atWrite}, before it reaches its target or after it did. */
    synchronized void arm(int atWrite, boolean afterTheWrite) {
        arm(atWrite);
        after = afterTheWrite;
    }

    /** The writes seen since arming, in order, e.g. {@code saveLinks}, {@code create}. */
    synchronized java.util.List<String> writeLog() {
        return java.util.List.copyOf(log);
    }

    synchronized void disarm() {
        crashAt = -1;
        dead = false;
    }

    synchronized int writesSeen() {
        return writes;
    }

    private synchronized void read(String what) {
        if (dead) {
            throw new Crash(what + " after death");
        }
    }

    private synchronized void write(String what) {
        read(what);
        writes++;
        log.add(what);
        if (writes == crashAt) {
            dead = true;
            throw new Crash(what + " (write " + writes + ")");
        }
    }

    /** Crashes before or after the write, alternating, so both sides of every write are covered. */
    private synchronized boolean crashAfter() {
        return after != null ? after : crashAt % 2 == 0;
    }

    private interface Call<T> {
        T run() throws MailboxException;
    }

    private <T> T around(String what, Call<T> call) throws MailboxException {
        if (!crashAfter()) {
            write(what);
            return call.run();
        }
        read(what);
        T out = call.run();
        write(what);
        return out;
    }

    private <T> T aroundUnchecked(String what, java.util.function.Supplier<T> call) {
        try {
            return around(what, call::get);
        } catch (MailboxException e) {
            throw new IllegalStateException(e);
        }
    }

    SyncStateStore store(SyncStateStore d) {
        return new SyncStateStore() {
            public Map<String, Link> findLinks(Collection<String> ids) { read("findLinks"); return d.findLinks(ids); }
            public Map<String, Link> findLinksByItems(String mb, Collection<String> ids) { read("findLinksByItems"); return d.findLinksByItems(mb, ids); }
            public void saveLinks(Collection<Link> links) { aroundUnchecked("saveLinks", () -> { d.saveLinks(links); return null; }); }
            public void deleteLinks(Collection<String> ids) { aroundUnchecked("deleteLinks", () -> { d.deleteLinks(ids); return null; }); }
            public int countLinks(String mb) { read("countLinks"); return d.countLinks(mb); }
            public Optional<String> cursor(String key) { read("cursor"); return d.cursor(key); }
            public Map<String, String> cursors(String prefix) { read("cursors"); return d.cursors(prefix); }
            public void saveCursors(Map<String, String> v) { aroundUnchecked("saveCursors", () -> { d.saveCursors(v); return null; }); }
            public Set<String> pendingTaskIds() { read("pending"); return d.pendingTaskIds(); }
            public void addPending(Collection<String> ids) { aroundUnchecked("addPending", () -> { d.addPending(ids); return null; }); }
            public void removePending(Collection<String> ids) { aroundUnchecked("removePending", () -> { d.removePending(ids); return null; }); }
        };
    }

    CrmAdapter crm(CrmAdapter d) {
        return new CrmAdapter() {
            public List<Rep> reps() { read("reps"); return d.reps(); }
            public String currentChangeCursor() { read("cursor"); return d.currentChangeCursor(); }
            public CrmPage changesSince(String c, int n) { read("changesSince"); return d.changesSince(c, n); }
            public CrmPage tasksInTimeFrame(TimeFrameQuery q, String t, int n) { read("timeFrame"); return d.tasksInTimeFrame(q, t, n); }
            public CrmPage tasksById(Collection<String> ids) { read("byId"); return d.tasksById(ids); }
            public StatusWriteResult writeStatus(String id, String s, Instant at) {
                return aroundUnchecked("writeStatus", () -> d.writeStatus(id, s, at));
            }
        };
    }

    ExchangeAdapter exchange(ExchangeAdapter d) {
        return mailbox -> {
            read("connect");
            MailboxConnection c = d.connect(mailbox);
            return new MailboxConnection() {
                public ChangePage changes(String cursor) throws MailboxException { read("changes"); return c.changes(cursor); }
                public List<WriteOutcome> create(List<NewExchangeTask> t) throws MailboxException { return around("create", () -> c.create(t)); }
                public List<WriteOutcome> update(List<ExchangeTaskUpdate> u) throws MailboxException { return around("update", () -> c.update(u)); }
                public List<WriteOutcome> delete(List<ItemRef> i) throws MailboxException { return around("delete", () -> c.delete(i)); }
                public List<ExchangeTask> findByCrmIds(Collection<String> ids) throws MailboxException { read("find"); return c.findByCrmIds(ids); }
                public int maxBatchSize() { return c.maxBatchSize(); }
                public void close() { c.close(); }
            };
        };
    }

}

package org.tasksync.reliability;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.tasksync.core.spi.Link;
import org.tasksync.core.spi.SyncStateStore;
import org.tasksync.core.state.StateStoreException;

/**
 * A state store that fails when told to: {@link #failCall(int, boolean)} arms a failure of the n-th
 * call from now. A failure either comes before the call reaches the store (nothing written) or, for
 * a write, after it (written, but the answer is lost, as when the connection drops during the
 * commit's acknowledgement). Either way the caller gets a {@link StateStoreException}, as from the
 * JDBC store.
 *
 * <p>Thread-safe.
 */
final class FaultyStateStore implements SyncStateStore {

    private final SyncStateStore target;
    private final AtomicInteger countdown = new AtomicInteger();
    private volatile boolean afterWrite;
    private final AtomicInteger firedBefore = new AtomicInteger();
    private final AtomicInteger firedAfter = new AtomicInteger();

    FaultyStateStore(SyncStateStore target) {
        this.target = target;
    }

    /** The {@code n}-th call from now fails (1 = the next); a write first happens when {@code afterWrite}. */
    void failCall(int n, boolean afterWrite) {
        this.afterWrite = afterWrite;
        countdown.set(n);
    }

    void disarm() {
        countdown.set(0);
    }

    int firedBefore() {
        return firedBefore.get();
    }

    int firedAfter() {
        return firedAfter.get();
    }

    private boolean strikes() {
        while (true) {
            int n = countdown.get();
            if (n <= 0) {
                return false;
            }
            if (countdown.compareAndSet(n, n - 1)) {
                return n == 1;
            }
        }
    }

    private <T> T read(String op, Supplier<T> call) {
        if (strikes()) {
            firedBefore.incrementAndGet();
            throw new StateStoreException("injected fault: " + op + " on the state store failed");
        }
        return call.get();
    }

    private void write(String op, Runnable call) {
        if (!strikes()) {
            call.run();
            return;
        }
        if (afterWrite) {
            call.run();
            firedAfter.incrementAndGet();
            throw new StateStoreException("injected fault: " + op + " on the state store wrote, but its answer was lost");
        }
        firedBefore.incrementAndGet();
        throw new StateStoreException("injected fault: " + op + " on the state store failed");
    }

    @Override
    public Map<String, Link> findLinks(Collection<String> crmTaskIds) {
        return read("findLinks", () -> target.findLinks(crmTaskIds));
    }

    @Override
    public Map<String, Link> findLinksByItems(String mailbox, Collection<String> itemIds) {
        return read("findLinksByItems", () -> target.findLinksByItems(mailbox, itemIds));
    }

    @Override
    public void saveLinks(Collection<Link> links) {
        write("saveLinks", () -> target.saveLinks(links));
    }

    @Override
    public void deleteLinks(Collection<String> crmTaskIds) {
        write("deleteLinks", () -> target.deleteLinks(crmTaskIds));
    }

    @Override
    public int countLinks(String mailbox) {
        return read("countLinks", () -> target.countLinks(mailbox));
    }

    @Override
    public Optional<String> cursor(String key) {
        return read("cursor", () -> target.cursor(key));
    }

    @Override
    public Map<String, String> cursors(String prefix) {
        return read("cursors", () -> target.cursors(prefix));
    }

    @Override
    public void saveCursors(Map<String, String> values) {
        write("saveCursors", () -> target.saveCursors(values));
    }

    @Override
    public Set<String> pendingTaskIds() {
        return read("pendingTaskIds", target::pendingTaskIds);
    }

    @Override
    public void addPending(Collection<String> crmTaskIds) {
        write("addPending", () -> target.addPending(crmTaskIds));
    }

    @Override
    public void removePending(Collection<String> crmTaskIds) {
        write("removePending", () -> target.removePending(crmTaskIds));
    }

    @Override
    public String toString() {
        return "FaultyStateStore[" + target + "]";
    }
}

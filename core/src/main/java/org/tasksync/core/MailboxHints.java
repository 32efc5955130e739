package org.tasksync.core;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.internal.state.EngineState;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.spi.ExchangeChangeFeed;
import org.tasksync.core.spi.ExchangeChangeListener;
import org.tasksync.core.spi.ItemRef;

/**
 * The Exchange feed's listener for {@link LiveSync}: coalesces each watched mailbox's hints, drops
 * the engine's own writes coming back (the echo check), and runs the mailbox.
 */
final class MailboxHints implements ExchangeChangeListener {

    // under LiveSync's name, as before the split: a host's log configuration for live sync still applies
    private static final Logger log = LoggerFactory.getLogger(LiveSync.class);
    /** Item refs held per mailbox for the echo check; a mailbox with more simply runs. */
    private static final int MAX_REFS = 1_000;

    private final LiveRuntime rt;
    private final Supplier<Set<String>> watched;
    private final Supplier<ExchangeChangeFeed> feed;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    MailboxHints(LiveRuntime rt, Supplier<Set<String>> watched, Supplier<ExchangeChangeFeed> feed) {
        this.rt = rt;
        this.watched = watched;
        this.feed = feed;
    }

    // never blocks: hands the hint to the mailbox's slot
    @Override
    public void changed(String mailbox, Collection<ItemRef> items) {
        if (rt.closed() || mailbox == null) {
            return;
        }
        String mb = Mailbox.normalize(mailbox);
        Collection<ItemRef> refs = items == null ? List.of() : items;
        rt.hints.increment();
        rt.safe(() -> rt.listener.hint(mb, refs.size()));
        if (!watched.get().contains(mb)) {
            rt.ignored.increment();
            return;
        }
        slots.computeIfAbsent(mb, Slot::new).add(refs, false);
    }

    @Override
    public void gap(String mailbox, String reason) {
        if (rt.closed() || mailbox == null) {
            return;
        }
        String mb = Mailbox.normalize(mailbox);
        rt.gaps.increment();
        rt.safe(() -> rt.listener.gap(mb, reason));
        if (!watched.get().contains(mb)) {
            rt.ignored.increment();
            return;
        }
        log.debug("gap in mailbox {} ({}): catching up now", mb, reason);
        slots.computeIfAbsent(mb, Slot::new).add(List.of(), true);
    }

    /** What one run of a mailbox covers. */
    private record Batch(long firstNanos, int hints, boolean gap, boolean unknown, Set<ItemRef> refs) {
    }

    /** One mailbox's hints waiting for a run. */
    private final class Slot extends HintSlot {
        private final String mailbox;
        private int count;
        /** Hints that named a change (not gaps). */
        private int changes;
        private boolean gap;
        private boolean unknown;
        private Set<ItemRef> refs = new HashSet<>();

        Slot(String mailbox) {
            super(MailboxHints.this.rt);
            this.mailbox = mailbox;
        }

        synchronized void add(Collection<ItemRef> items, boolean isGap) {
            count++;
            if (isGap) {
                gap = true; // nothing more to hold: the run reads the mailbox through its cursor
            } else {
                changes++;
                if (unknown || items.isEmpty() || refs.size() + items.size() > MAX_REFS) {
                    // a hint that names no item (or too many) cannot be told from a rep's change
                    unknown = true;
                    refs = new HashSet<>();
                } else {
                    refs.addAll(items);
                }
            }
            hinted();
        }

        @Override
        boolean urgent() {
            return gap; // a gap catches up at once
        }

        @Override
        int priority() {
            // a known change first: a catch-up only may find one, and after a cut every mailbox has one
            return changes > 0 ? LiveRuntime.HINTED : LiveRuntime.CATCH_UP;
        }

        @Override
        Runnable takeRun(long firstNanos) {
            Batch b = new Batch(firstNanos, count, gap, unknown, refs);
            count = 0;
            changes = 0;
            gap = false;
            unknown = false;
            refs = new HashSet<>();
            return () -> run(this, b);
        }
    }

    private void run(Slot slot, Batch b) {
        String mb = slot.mailbox;
        try {
            if (!b.gap() && !b.unknown() && !b.refs().isEmpty() && allKnown(mb, b.refs())) {
                rt.echoes.add(b.hints());
                log.debug("mailbox {}: {} hints named only the engine's own writes; no run", mb, b.hints());
                rt.safe(() -> rt.listener.echoDropped(mb, b.hints()));
                return;
            }
            rt.safe(() -> rt.listener.mailboxRunStarted(mb));
            SyncReport report = rt.engine.runMailbox(mb);
            rt.mailboxRuns.increment();
            MailboxReport mr = report.mailbox(mb).orElse(null);
            ExchangeChangeFeed exchangeFeed = feed.get();
            if (mr != null && mr.failed()) {
                rt.failedRuns.increment();
                log.warn("live run of mailbox {} failed: {}; the full cycle tries again", mb, mr.mailboxError());
            } else if (mr != null && mr.deferred()) {
                // another node holds the mailbox: its own feed and cycle cover it
                rt.deferredRuns.increment();
                log.debug("live run of mailbox {} deferred: {}", mb, mr.deferredReason());
            } else if (mr != null && exchangeFeed != null
                    && mr.created() + mr.updated() + mr.deleted() + mr.statusesWrittenBack() > 0) {
                exchangeFeed.activity(mb);
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - b.firstNanos());
            rt.safe(() -> rt.listener.mailboxRun(mb, b.hints(), waited, mr, null));
        } catch (RuntimeException e) {
            rt.failedRuns.increment();
            log.warn("live run of mailbox {} failed; the full cycle tries again", mb, e);
            Duration waited = Duration.ofNanos(System.nanoTime() - b.firstNanos());
            rt.safe(() -> rt.listener.mailboxRun(mb, b.hints(), waited, null, String.valueOf(e)));
        } finally {
            slot.done();
        }
    }

    /** True when every item is at the change key the engine's link holds: nobody but the engine changed it. */
    private boolean allKnown(String mailbox, Set<ItemRef> refs) {
        Map<String, String> keys;
        try {
            keys = EngineState.knownVersions(rt.engine.stateStore(), mailbox).of(refs.stream().map(ItemRef::itemId).toList());
        } catch (RuntimeException e) {
            log.debug("echo check of mailbox {} failed; running it", mailbox, e);
            return false;
        }
        for (ItemRef r : refs) {
            if (r.changeKey() == null || !r.changeKey().equals(keys.get(r.itemId()))) {
                return false;
            }
        }
        return true;
    }
}

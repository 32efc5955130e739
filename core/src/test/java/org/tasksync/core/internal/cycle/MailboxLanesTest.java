package org.tasksync.core.internal.cycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Work on one mailbox never overlaps in one engine; work on different mailboxes does. */
class MailboxLanesTest {

    private final MailboxLanes lanes = new MailboxLanes();
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void aSecondUnitOfWorkOnTheSameMailboxWaitsForTheFirst() throws Exception {
        CountDownLatch inFirst = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        AtomicBoolean firstDone = new AtomicBoolean();
        Future<?> first = threads.submit(() -> lanes.inLane("anna@example.com", () -> {
            inFirst.countDown();
            await(releaseFirst);
            firstDone.set(true);
        }));
        await(inFirst);
        Future<Boolean> second = threads.submit(() -> lanes.inLane("anna@example.com", firstDone::get));
        // the second cannot have run: the first still holds the lane
        assertThat(second.isDone()).isFalse();
        releaseFirst.countDown();
        assertThat(second.get(30, TimeUnit.SECONDS)).isTrue(); // it ran only after the first had finished
        first.get(30, TimeUnit.SECONDS);
    }

    @Test
    void anotherMailboxGoesOnMeanwhile() throws Exception {
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CountDownLatch inFirst = new CountDownLatch(1);
        Future<?> first = threads.submit(() -> lanes.inLane("anna@example.com", () -> {
            inFirst.countDown();
            await(releaseFirst);
        }));
        await(inFirst);
        String other = threads.submit(() -> lanes.inLane("ben@example.com", () -> "ran")).get(30, TimeUnit.SECONDS);
        assertThat(other).isEqualTo("ran");
        releaseFirst.countDown();
        first.get(30, TimeUnit.SECONDS);
    }

    @Test
    void theLaneIsFreeAgainAfterWorkThatThrew() throws Exception {
        try {
            lanes.inLane("anna@example.com", () -> {
                throw new IllegalStateException("boom");
            });
        } catch (IllegalStateException expected) {
            // the lane must not stay taken
        }
        assertThat(threads.submit(() -> lanes.inLane("anna@example.com", () -> "ran")).get(30, TimeUnit.SECONDS))
                .isEqualTo("ran");
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("never reached");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

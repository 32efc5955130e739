package org.tasksync.adapter.ews.internal;

import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.spi.MailboxException;

/**
 * The waiting one call of a mailbox connection may do before it gives up (SPEC §8): the server's
 * {@code BackOffMilliseconds} when it sends one, else exponential back-off from the configured first
 * wait; at most the configured total wait and number of retries. Past the bound the failure becomes a
 * {@link MailboxException} (THROTTLED for a busy server), and the engine tries the mailbox again next
 * cycle.
 *
 * <p>Waiting is counted as the time asked for, not the time on a clock, so the bound does not depend
 * on how long the requests themselves take. Used by one thread.
 */
final class RetryBudget {

    private static final Logger log = LoggerFactory.getLogger(RetryBudget.class);
    /** The longest single exponential wait; a server's BackOffMilliseconds is taken as it is. */
    private static final long MAX_EXPONENTIAL_WAIT_MS = 60_000;

    private final String mailbox;
    private final String operation;
    private final long maxWaitMillis;
    private final long initialBackoffMillis;
    private final int maxRetries;
    private long waitedMillis;
    private int retries;

    RetryBudget(String mailbox, String operation, long maxWaitMillis, long initialBackoffMillis, int maxRetries) {
        this.mailbox = mailbox;
        this.operation = operation;
        this.maxWaitMillis = maxWaitMillis;
        this.initialBackoffMillis = initialBackoffMillis;
        this.maxRetries = maxRetries;
    }

    /**
     * Waits before the next attempt after {@code failure}, or throws when the failure is not
     * retryable or the bound would be passed.
     */
    void pause(EwsFailure failure) throws MailboxException {
        if (!failure.retryable()) {
            throw failure.toMailboxException(mailbox, operation, retries == 0 ? null : describe());
        }
        long wait;
        if (failure.backOffMillis() != null) {
            wait = failure.backOffMillis();
        } else {
            long base = initialBackoffMillis << Math.min(retries, 20);
            base = Math.min(base, MAX_EXPONENTIAL_WAIT_MS);
            // up to a quarter more, so that mailboxes throttled together do not come back together
            wait = base + ThreadLocalRandom.current().nextLong(base / 4 + 1);
        }
        if (retries >= maxRetries || waitedMillis + wait > maxWaitMillis) {
            String why = "gave up after " + retries + " retr" + (retries == 1 ? "y" : "ies") + " and " + waitedMillis
                    + " ms of waiting (the next wait, " + wait + " ms, would pass the bound of " + maxWaitMillis
                    + " ms and " + maxRetries + " retries); tried again next cycle";
            log.warn("mailbox {}: {} failed: {}; {}", mailbox, operation, failure.description(), why);
            throw failure.toMailboxException(mailbox, operation, why);
        }
        retries++;
        log.info("mailbox {}: {} failed: {}; retry {} in {} ms", mailbox, operation, failure.description(), retries,
                wait);
        if (wait > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MailboxException(mailbox, MailboxException.Kind.UNAVAILABLE, operation
                        + ": interrupted while waiting out " + failure.description());
            }
        }
        waitedMillis += wait;
    }

    int retries() {
        return retries;
    }

    private String describe() {
        return "after " + retries + " retries and " + waitedMillis + " ms of waiting";
    }
}

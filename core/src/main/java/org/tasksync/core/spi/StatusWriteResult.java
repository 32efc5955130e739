package org.tasksync.core.spi;

import java.time.Instant;

/**
 * What became of a status write-back.
 *
 * @param outcome       written, or why not
 * @param newModifiedAt the task's modification time after the write (when written), else its
 *                      current one if known
 */
public record StatusWriteResult(Outcome outcome, Instant newModifiedAt) {

    public enum Outcome {
        WRITTEN,
        /** The task changed since the engine read it; the engine decides again next time. */
        CONFLICT,
        /** The task no longer exists (or is deleted). */
        NOT_FOUND
    }

    public static StatusWriteResult written(Instant newModifiedAt) {
        return new StatusWriteResult(Outcome.WRITTEN, newModifiedAt);
    }

    public static StatusWriteResult conflict(Instant currentModifiedAt) {
        return new StatusWriteResult(Outcome.CONFLICT, currentModifiedAt);
    }

    public static StatusWriteResult notFound() {
        return new StatusWriteResult(Outcome.NOT_FOUND, null);
    }
}

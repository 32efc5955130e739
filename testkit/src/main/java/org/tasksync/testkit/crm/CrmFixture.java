package org.tasksync.testkit.crm;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.model.Rep;
import org.tasksync.core.spi.CrmAdapter;

/**
 * The CRM behind an adapter under test, as {@link CrmAdapterCompatibilityKit} drives it: it writes
 * reps and tasks the way the CRM itself would (not through the adapter), and reads them back.
 *
 * <p>Implementations must allow one thread to write while another reads through the adapter.
 */
public interface CrmFixture {

    /** The adapter under test, reading this CRM. The same instance for the whole test class is fine. */
    CrmAdapter adapter();

    /** Removes every rep and task (before each test). */
    void reset();

    /** The CRM's clock: what it stamps a saved task with. */
    Instant now();

    /** Inserts or replaces a rep. */
    void putRep(Rep rep);

    /**
     * Inserts or updates a task as the CRM saves it: all fields from {@code task} (the catalog
     * values mapped to the CRM's codes), not deleted, and a new modification time from the CRM's
     * clock, strictly later than the previous one ({@code task.modifiedAt()} is ignored). A null
     * subject is stored as null.
     *
     * @return the new modification time
     */
    Instant putTask(CrmTask task);

    /** As {@link #putTask}, but stores a status code that the adapter's status catalog does not know. */
    Instant putTaskWithUnknownStatus(CrmTask task);

    /** Deletes a task as the CRM does, so that the deletion is a change (a mark, a log entry, ...). */
    void deleteTask(String id);

    /**
     * Sets a task's modification time without any other change, e.g. to give several tasks the
     * same time, or to play a transaction that stamped a row earlier than it committed.
     */
    void setModifiedAt(String id, Instant modifiedAt);

    /** The task as stored now, with its current modification time; empty when missing or deleted. */
    Optional<CrmTask> readTask(String id);

    /**
     * How long after stamping a row a CRM transaction may commit and still be seen by the next
     * change read; the kit plays such a late commit with this delay. The adapter under test must
     * be configured to tolerate at least this much.
     */
    default Duration lateCommitTolerance() {
        return Duration.ofSeconds(2);
    }
}

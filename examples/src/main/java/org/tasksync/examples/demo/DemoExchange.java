package org.tasksync.examples.demo;

import java.util.List;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.spi.ExchangeAdapter;

/**
 * Exchange as the demo plays it: a simulator in this process, the real adapter that talks HTTP to
 * it, and the reps' hands in their task app. One implementation per adapter: {@link EwsDemoExchange}
 * (Exchange Server, Outlook) and {@link GraphDemoExchange} (Microsoft 365, To Do).
 */
interface DemoExchange extends AutoCloseable {

    /** Lines that say what plays Exchange, for the demo's introduction. */
    List<String> description();

    /** Where the reps see their tasks: "Outlook" or "To Do". */
    String app();

    /** The adapter under demonstration, pointed at the simulator. */
    ExchangeAdapter adapter();

    /** The rep sets the status of the task that carries this CRM id; returns the task's title. */
    String setStatus(String mailbox, String crmId, ExchangeStatus status);

    /** The rep deletes the task that carries this CRM id; returns its title. */
    String delete(String mailbox, String crmId);

    /** Whether a task carrying this CRM id is in the rep's task list. */
    boolean holds(String mailbox, String crmId);

    /** Throws if the simulator saw something it should not have (a bug of the simulator or a bad request). */
    void checkHealthy();

    @Override
    void close();
}

package org.tasksync.examples.demo;

import java.io.PrintStream;
import org.tasksync.core.SyncListener;

/**
 * Prints a cycle's progress as the demo's console lines: "mailbox 3 of 8: ...". The engine calls it
 * from several mailbox threads at once; each line is printed whole.
 */
final class ConsoleProgress implements SyncListener {

    private final PrintStream out;
    private int started;

    ConsoleProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void cycleStarted(int mailboxes) {
        started = 0;
    }

    /** Counts here rather than using the engine's index, so that the printed numbers go up line by line. */
    @Override
    public synchronized void mailboxStarted(String mailbox, int index, int total) {
        out.println("  mailbox " + ++started + " of " + total + ": " + mailbox);
    }

    @Override
    public void mailboxFailed(String mailbox, String reason) {
        out.println("  mailbox " + mailbox + " FAILED: " + reason);
    }
}

package org.tasksync.core.state;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.tasksync.core.spi.Link;

/**
 * Run in a JVM of its own by {@link JdbcSyncStateStoreH2Test}: writes through a store and then
 * stops the JVM at once, as a crash would, without closing the database.
 */
public final class CrashingWriter {

    static final int HALT_STATUS = 77;
    static final String WROTE = "every call returned";
    static final Link LINK = JdbcSyncStateStoreContract.linked("A1:1", JdbcSyncStateStoreContract.ANNA, "item-1");

    private CrashingWriter() {
    }

    public static void main(String[] args) throws SQLException {
        // held open as a connection pool would; without it H2 closes, and so flushes, the database
        // after every call, which would hide a commit that is not yet on disk
        Connection pooled = DriverManager.getConnection(args[0], "sa", "");
        JdbcSyncStateStore store = JdbcSyncStateStore.builder(args[0], "sa", "").build();
        store.saveLinks(List.of(LINK, JdbcSyncStateStoreContract.intended("A1:2", JdbcSyncStateStoreContract.BEN)));
        store.saveCursors(Map.of("mailbox:" + JdbcSyncStateStoreContract.ANNA, "after-the-crash"));
        store.addPending(List.of("A1:2"));
        System.out.println(WROTE);
        System.out.flush();
        Runtime.getRuntime().halt(pooled.isClosed() ? 1 : HALT_STATUS);
    }
}

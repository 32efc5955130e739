package org.tasksync.adapter.jdbccrm;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.tasksync.core.model.CrmTask;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.core.spi.CrmPage;

/**
 * A real late commit, not a played one: a CRM transaction stamps a row with the database's
 * transaction time, a change read pages past that stamp while the transaction is still open, and
 * then the transaction commits. The next read must return the row.
 */
final class LateCommitScenario {

    private LateCommitScenario() {
    }

    static void run(DataSource db, ReferenceCrm crm) throws SQLException {
        CrmAdapter adapter = crm.adapter();
        crm.putTask(CrmTask.builder("A1:late").repId("R-ADA").subject("before").build());
        String cursor = adapter.currentChangeCursor();

        try (Connection tx = db.getConnection()) {
            tx.setAutoCommit(false);
            try (PreparedStatement ps = tx.prepareStatement(
                    "UPDATE a1_task SET subject = 'after', modified_at = CURRENT_TIMESTAMP WHERE id = 'A1:late'")) {
                ps.executeUpdate();
            }
            // Committed saves stamped after the open transaction's stamp, read while it is open.
            crm.putTask(CrmTask.builder("A1:other-1").repId("R-ADA").subject("other").build());
            crm.putTask(CrmTask.builder("A1:other-2").repId("R-ADA").subject("other").build());
            Read during = readAll(adapter, cursor);
            assertThat(during.tasks).extracting(CrmTask::id).contains("A1:other-1", "A1:other-2");
            assertThat(during.tasks).filteredOn(t -> t.subject().equals("after")).isEmpty();
            cursor = during.next;
            tx.commit();
        }

        Read next = readAll(adapter, cursor);
        assertThat(next.tasks).filteredOn(t -> t.id().equals("A1:late")).extracting(CrmTask::subject).containsExactly("after");
    }

    private record Read(List<CrmTask> tasks, String next) {
    }

    private static Read readAll(CrmAdapter adapter, String cursor) {
        List<CrmTask> out = new ArrayList<>();
        CrmPage page;
        do {
            page = adapter.changesSince(cursor, 1);
            out.addAll(page.tasks());
            cursor = page.next();
        } while (page.hasMore());
        return new Read(out, cursor);
    }
}

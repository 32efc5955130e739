package org.tasksync.testkit.ews;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import microsoft.exchange.webservices.data.core.ExchangeService;
import microsoft.exchange.webservices.data.core.PropertySet;
import microsoft.exchange.webservices.data.core.enumeration.property.WellKnownFolderName;
import microsoft.exchange.webservices.data.core.enumeration.service.ConflictResolutionMode;
import microsoft.exchange.webservices.data.core.enumeration.service.MessageDisposition;
import microsoft.exchange.webservices.data.core.enumeration.service.SyncFolderItemsScope;
import microsoft.exchange.webservices.data.core.service.item.Item;
import microsoft.exchange.webservices.data.core.service.item.Task;
import microsoft.exchange.webservices.data.core.service.schema.ItemSchema;
import microsoft.exchange.webservices.data.property.complex.FolderId;
import microsoft.exchange.webservices.data.sync.ChangeCollection;
import microsoft.exchange.webservices.data.sync.ItemChange;
import org.junit.jupiter.api.Test;

/** Many clients and the reps at once: every write lands once and every sync sees it. */
class EwsSimulatorConcurrencyTest {

    @Test
    void parallelClientsAndRepsInManyMailboxesLoseNothing() throws Exception {
        List<String> mailboxes = List.of("a@example.com", "b@example.com", "c@example.com");
        try (EwsSimulator ews = EwsSimulator.start()) {
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<Integer>> work = new ArrayList<>();
                for (String mailbox : mailboxes) {
                    for (int worker = 0; worker < 2; worker++) {
                        int w = worker;
                        work.add(pool.submit(() -> writeAndEdit(ews, mailbox, w)));
                    }
                }
                for (Future<Integer> f : work) {
                    assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(20);
                }
            } finally {
                pool.shutdownNow();
            }
            for (String mailbox : mailboxes) {
                assertThat(ews.outlook(mailbox).tasks()).hasSize(40)
                        .allSatisfy(t -> assertThat(t.subject()).endsWith(" (edited)"));
                try (ExchangeService service = EwsClient.impersonating(ews, mailbox)) {
                    Set<String> seen = new HashSet<>();
                    String state = null;
                    ChangeCollection<ItemChange> page;
                    do {
                        page = service.syncFolderItems(new FolderId(WellKnownFolderName.Tasks),
                                PropertySet.getIdOnly(), null, 7, SyncFolderItemsScope.NormalItems, state);
                        for (ItemChange c : page) {
                            seen.add(c.getItemId().getUniqueId());
                        }
                        state = page.getSyncState();
                    } while (page.getMoreChangesAvailable());
                    assertThat(seen).hasSize(40);
                }
            }
            ews.assertNoResponseErrors();
            assertThat(ews.requestValidationErrors()).isEmpty();
        }
    }

    /** Creates 20 tasks in 4 batches and edits each one; returns how many it edited. */
    private static int writeAndEdit(EwsSimulator ews, String mailbox, int worker) throws Exception {
        int edited = 0;
        try (ExchangeService service = EwsClient.impersonating(ews, mailbox)) {
            for (int batch = 0; batch < 4; batch++) {
                List<Item> items = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    Task t = new Task(service);
                    t.setSubject(mailbox + " w" + worker + " b" + batch + " #" + i);
                    items.add(t);
                }
                service.createItems(items, new FolderId(WellKnownFolderName.Tasks), MessageDisposition.SaveOnly, null);
                for (Item item : items) {
                    if (edited % 2 == 0) {
                        Task t = Task.bind(service, item.getId(), EwsTaskProperties.of(ItemSchema.Subject));
                        t.setSubject(t.getSubject() + " (edited)");
                        t.update(ConflictResolutionMode.AutoResolve);
                    } else {
                        String id = item.getId().getUniqueId();
                        ews.outlook(mailbox).edit(id, e -> e.subject(ews.outlook(mailbox).task(id).orElseThrow()
                                .subject() + " (edited)"));
                    }
                    edited++;
                }
            }
        }
        return edited;
    }
}

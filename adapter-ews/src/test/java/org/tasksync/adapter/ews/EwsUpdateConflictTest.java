package org.tasksync.adapter.ews;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.tasksync.adapter.ews.EwsConfig;
import org.tasksync.core.model.ExchangeField;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.ExchangeTaskUpdate;
import org.tasksync.core.spi.ItemRef;
import org.tasksync.core.spi.KnownVersions;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.core.spi.WriteOutcome;
import org.tasksync.testkit.ews.EwsFault;
import org.tasksync.testkit.ews.EwsSimulator;
import org.tasksync.testkit.ews.OutlookTask;

/**
 * Updates carry the change key the engine holds, so Exchange refuses one that would overwrite a change
 * the rep made since the engine's last read or write (UpdateItem, ConflictResolution NeverOverwrite).
 */
class EwsUpdateConflictTest {

    private static final String REP = "cora.conflict@example.com";
    private static final Mailbox MAILBOX = new Mailbox(REP, "Cora Conflict", ZoneId.of("Europe/Berlin"));
    private static final Set<ExchangeField> STATUS_AND_PERCENT = Set.of(ExchangeField.STATUS,
            ExchangeField.PERCENT_COMPLETE);

    @RegisterExtension
    final SimulatedExchange.PerTest exchange = SimulatedExchange.perTest(REP);
    private final EwsSimulator ews = exchange.ews();

    private MailboxConnection connect(EwsConfig config) throws Exception {
        return EwsExchangeAdapter.create(config).connect(MAILBOX);
    }

    private MailboxConnection connect() throws Exception {
        return connect(SimulatedExchange.config(ews).build());
    }

    private static TaskValues.Builder values() {
        return TaskValues.builder().subject("Call Cora").status(ExchangeStatus.NOT_STARTED)
                .importance(Importance.NORMAL).percentComplete(0).dueDate(LocalDate.of(2026, 6, 1)).owner("Cora");
    }

    private static String createOne(MailboxConnection c) throws Exception {
        WriteOutcome created = c.create(List.of(new NewExchangeTask("C:1", values().build()))).get(0);
        assertThat(created.succeeded()).isTrue();
        return created.itemId();
    }

    /** What the engine's change read gives for the item: its values and change key now. */
    private static ExchangeTask read(MailboxConnection c, String itemId) throws Exception {
        return c.changes(null, KnownVersions.NONE).changed().stream().filter(t -> t.itemId().equals(itemId))
                .findFirst().orElseThrow();
    }

    /** The engine's answer to a status it read: that status and the percent that goes with it. */
    private static ExchangeTaskUpdate inProgressAt25(ExchangeTask read) {
        return new ExchangeTaskUpdate(new ItemRef(read.itemId(), read.changeKey()), "C:1",
                values().status(ExchangeStatus.IN_PROGRESS).percentComplete(25).build(), STATUS_AND_PERCENT);
    }

    @Test
    void anUpdateDoesNotUndoWhatTheRepChangedAfterTheEnginesRead() throws Exception {
        try (MailboxConnection c = connect()) {
            String itemId = createOne(c);
            ews.outlook(REP).setStatus(itemId, "InProgress");
            ExchangeTask seen = read(c, itemId);
            ews.outlook(REP).setStatus(itemId, "Completed"); // between the engine's read and its write

            WriteOutcome out = c.update(List.of(inProgressAt25(seen))).get(0);

            assertThat(out.succeeded()).as("refused").isFalse();
            assertThat(out.itemGone()).isFalse();
            assertThat(out.error()).contains("conflict with a change made in Outlook")
                    .contains("ErrorIrresolvableConflict");
            OutlookTask now = ews.outlook(REP).task(itemId).orElseThrow();
            assertThat(now.status()).as("the rep's second change survives").isEqualTo("Completed");
            assertThat(now.percentComplete()).isEqualTo(100.0);
        }
    }

    @Test
    void anUpdateOfAnItemNobodyChangedSinceTheReadIsWritten() throws Exception {
        try (MailboxConnection c = connect()) {
            String itemId = createOne(c);
            ews.outlook(REP).setStatus(itemId, "InProgress");
            ExchangeTask seen = read(c, itemId);

            WriteOutcome out = c.update(List.of(inProgressAt25(seen))).get(0);

            assertThat(out.succeeded()).as(out.error()).isTrue();
            OutlookTask now = ews.outlook(REP).task(itemId).orElseThrow();
            assertThat(now.percentComplete()).isEqualTo(25.0);
            assertThat(out.changeKey()).as("the new version, for the engine's next write").isEqualTo(now.changeKey())
                    .isNotEqualTo(seen.changeKey());
            // and the next write, with the key this one returned, is written too
            WriteOutcome next = c.update(List.of(new ExchangeTaskUpdate(new ItemRef(itemId, out.changeKey()), "C:1",
                    values().subject("Call Cora again").build(), Set.of(ExchangeField.SUBJECT)))).get(0);
            assertThat(next.succeeded()).as(next.error()).isTrue();
            assertThat(ews.outlook(REP).task(itemId).orElseThrow().subject()).isEqualTo("Call Cora again");
        }
    }

    @Test
    void anUpdateWithoutAHeldChangeKeyIsWrittenAsBefore() throws Exception {
        try (MailboxConnection c = connect()) {
            String itemId = createOne(c);
            ews.outlook(REP).setStatus(itemId, "Completed");

            WriteOutcome out = c.update(List.of(new ExchangeTaskUpdate(new ItemRef(itemId, null), "C:1",
                    values().subject("Renamed").build(), Set.of(ExchangeField.SUBJECT)))).get(0);

            assertThat(out.succeeded()).as(out.error()).isTrue();
            OutlookTask now = ews.outlook(REP).task(itemId).orElseThrow();
            assertThat(now.subject()).isEqualTo("Renamed");
            assertThat(now.status()).isEqualTo("Completed");
        }
    }

    @Test
    void aRetryAfterALostAnswerIsNotRefusedAsAConflictWithItsOwnFirstWrite() throws Exception {
        // The first UpdateItem is served only after the client gave up waiting (10 s): Exchange writes
        // it, the adapter never hears of it, and its retry (15 s later) carries the key the first write
        // made stale. Margins as in EwsThrottlingTest's lost CreateItem.
        EwsConfig config = SimulatedExchange.config(ews).timeout(Duration.ofSeconds(10))
                .throttleInitialBackoff(Duration.ofSeconds(15)).throttleMaxWait(Duration.ofSeconds(60)).build();
        try (MailboxConnection c = connect(config)) {
            String itemId = createOne(c);
            ews.outlook(REP).setStatus(itemId, "InProgress");
            ExchangeTask seen = read(c, itemId);
            ews.inject(EwsFault.latency(Duration.ofSeconds(15)).times(1).forOperation("UpdateItem"));
            ews.traffic().reset();

            WriteOutcome out = c.update(List.of(inProgressAt25(seen))).get(0);

            assertThat(out.succeeded()).as(out.error()).isTrue();
            assertThat(out.changeKey()).as("no key: the next change read reads the item and compares").isNull();
            assertThat(ews.outlook(REP).task(itemId).orElseThrow().percentComplete()).isEqualTo(25.0);
        }
        assertThat(ews.traffic().count(REP, "UpdateItem")).as("sent, lost, sent again").isEqualTo(2);
    }
}

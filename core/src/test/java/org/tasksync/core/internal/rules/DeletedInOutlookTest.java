package org.tasksync.core.internal.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.Link;

/** SPEC §6.5: a task deleted in Outlook comes back only with a CRM change after the deletion was seen. */
class DeletedInOutlookTest {

    private static final Instant START = Instant.parse("2026-03-02T09:00:00Z");

    private static Link linked(Instant crmModified) {
        return new Link("A1:1", "anna@example.com", "item-1", "ck-1", Link.State.LINKED,
                TaskValues.builder().subject("s").build(), "Open", crmModified, ExchangeStatus.NOT_STARTED, false);
    }

    @Test
    void aCrmEditBeforeTheCycleDoesNotBringItBack() {
        Link marked = DeletedInOutlook.mark(linked(START.minusSeconds(60)), START);
        assertThat(marked.state()).isEqualTo(Link.State.DELETED_IN_OUTLOOK);
        assertThat(marked.lastCrmModifiedAt()).isEqualTo(START);
        assertThat(marked.lastCrmStatus()).isEqualTo("Open");
        assertThat(DeletedInOutlook.createAgain(marked, START.minusSeconds(1))).isFalse();
        assertThat(DeletedInOutlook.createAgain(marked, START)).as("a tie").isFalse();
        assertThat(DeletedInOutlook.createAgain(marked, START.plusMillis(1))).isTrue();
    }

    @Test
    void aCrmTimeAfterTheCycleStartIsKept() {
        Link marked = DeletedInOutlook.mark(linked(START.plusSeconds(5)), START);
        assertThat(marked.lastCrmModifiedAt()).isEqualTo(START.plusSeconds(5));
        assertThat(DeletedInOutlook.createAgain(marked, START.plusSeconds(5))).isFalse();
        assertThat(DeletedInOutlook.createAgain(marked, START.plusSeconds(6))).isTrue();
    }

    @Test
    void withoutACrmTimeTheCycleStartCountsAndAnyCrmTimeBringsItBack() {
        Link marked = DeletedInOutlook.mark(linked(null), START);
        assertThat(marked.lastCrmModifiedAt()).isEqualTo(START);
        Link unknown = linked(null).withState(Link.State.DELETED_IN_OUTLOOK);
        assertThat(DeletedInOutlook.createAgain(unknown, START)).isTrue();
    }
}

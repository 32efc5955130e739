package org.tasksync.core;

/** Why a task was left alone this cycle; counted in the report. */
public enum SkipReason {
    /** Its scheduled day is outside the rep's time frame (SPEC §5). */
    OUT_OF_TIME_FRAME("out of time frame"),
    /** Delegated or assigned in Outlook (SPEC §6.2). */
    DELEGATED("delegated"),
    /** Its rep is disabled for the connector. */
    REP_DISABLED("rep disabled"),
    /** Its rep has no e-mail address. */
    REP_WITHOUT_MAILBOX("rep without mailbox"),
    /** The rep deleted it in Outlook and the CRM task did not change since (SPEC §6.5). */
    DELETED_IN_OUTLOOK("deleted in Outlook"),
    /** Deleted in the CRM but completed in Exchange: kept there, link dropped. */
    COMPLETED_KEPT("completed, kept in Exchange"),
    /** Its mailbox failed this cycle; tried again next cycle. */
    MAILBOX_FAILED("mailbox failed"),
    /** Another node holds its mailbox's lease (scale-out); tried again next cycle. */
    MAILBOX_LEASED("mailbox leased by another node"),
    /** Its Exchange item could not be read this cycle (a per-task error says why); tried again next cycle. */
    UNREADABLE_IN_EXCHANGE("unreadable in Exchange");

    private final String text;

    SkipReason(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}

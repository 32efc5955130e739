package org.tasksync.core.mapping;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.tasksync.core.model.ExchangeStatus;

/**
 * The CRM status catalog mapped to Exchange's task states and back (SPEC §3).
 *
 * <p>Defaults are the original product's: Open ↔ NotStarted, In Progress ↔ InProgress, Completed ↔
 * Completed, Missed ↔ Deferred, and WaitingOnOthers → In Progress. CRM values match ignoring case
 * and surrounding blanks. Every Exchange state must map back to a CRM value; that is checked when
 * the mapping is built. Immutable and thread-safe.
 */
public final class StatusMapping {

    private final Map<String, ExchangeStatus> toExchange;
    private final Map<String, String> crmSpelling;
    private final Map<ExchangeStatus, String> toCrm;

    private StatusMapping(Map<String, ExchangeStatus> toExchange, Map<String, String> crmSpelling,
                          Map<ExchangeStatus, String> toCrm) {
        this.toExchange = Map.copyOf(toExchange);
        this.crmSpelling = Map.copyOf(crmSpelling);
        this.toCrm = Map.copyOf(toCrm);
    }

    public static StatusMapping defaults() {
        return builder()
                .map("Open", ExchangeStatus.NOT_STARTED)
                .map("In Progress", ExchangeStatus.IN_PROGRESS)
                .map("Completed", ExchangeStatus.COMPLETED)
                .map("Missed", ExchangeStatus.DEFERRED)
                .back(ExchangeStatus.WAITING_ON_OTHERS, "In Progress")
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this mapping, to change single entries. */
    public Builder toBuilder() {
        Builder b = new Builder();
        toExchange.forEach((k, v) -> b.toExchange.put(k, v));
        b.crmSpelling.putAll(crmSpelling);
        b.toCrm.putAll(toCrm);
        return b;
    }

    /** The Exchange state for a CRM status, or empty when the catalog value has no mapping. */
    public Optional<ExchangeStatus> toExchange(String crmStatus) {
        return crmStatus == null ? Optional.empty() : Optional.ofNullable(toExchange.get(key(crmStatus)));
    }

    /** The CRM status for an Exchange state (always mapped). */
    public String toCrm(ExchangeStatus status) {
        return toCrm.get(status);
    }

    /** Whether two CRM status values are the same catalog value. */
    public boolean sameCrmStatus(String a, String b) {
        return a == null ? b == null : b != null && key(a).equals(key(b));
    }

    /** The CRM values this mapping knows, spelled as configured. */
    public Map<String, ExchangeStatus> crmToExchange() {
        Map<String, ExchangeStatus> out = new LinkedHashMap<>();
        toExchange.forEach((k, v) -> out.put(crmSpelling.get(k), v));
        return out;
    }

    public Map<ExchangeStatus, String> exchangeToCrm() {
        return new EnumMap<>(toCrm);
    }

    static String key(String crmValue) {
        return crmValue.trim().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "StatusMapping" + crmToExchange() + " back " + exchangeToCrm();
    }

    /**
     * Builds a {@link StatusMapping}. {@link #map} sets both directions (the first CRM value mapped to
     * an Exchange state is the one written back for it); {@link #back} sets only Exchange → CRM.
     */
    public static final class Builder {
        private final Map<String, ExchangeStatus> toExchange = new LinkedHashMap<>();
        private final Map<String, String> crmSpelling = new LinkedHashMap<>();
        private final Map<ExchangeStatus, String> toCrm = new EnumMap<>(ExchangeStatus.class);

        public Builder map(String crmStatus, ExchangeStatus exchangeStatus) {
            requireValue(crmStatus);
            toExchange.put(key(crmStatus), exchangeStatus);
            crmSpelling.put(key(crmStatus), crmStatus.trim());
            toCrm.putIfAbsent(exchangeStatus, crmStatus.trim());
            return this;
        }

        /** Only CRM → Exchange. */
        public Builder mapOneWay(String crmStatus, ExchangeStatus exchangeStatus) {
            requireValue(crmStatus);
            toExchange.put(key(crmStatus), exchangeStatus);
            crmSpelling.put(key(crmStatus), crmStatus.trim());
            return this;
        }

        public Builder back(ExchangeStatus exchangeStatus, String crmStatus) {
            requireValue(crmStatus);
            toCrm.put(exchangeStatus, crmStatus.trim());
            return this;
        }

        private static void requireValue(String crmStatus) {
            if (crmStatus == null || crmStatus.isBlank()) {
                throw new IllegalArgumentException("tasksync.status: a CRM status value must not be empty, was '"
                        + crmStatus + "'");
            }
        }

        public StatusMapping build() {
            for (ExchangeStatus s : ExchangeStatus.values()) {
                if (!toCrm.containsKey(s)) {
                    throw new IllegalArgumentException("tasksync.status.to-crm." + s.wireName()
                            + ": Exchange status " + s.wireName() + " has no CRM status to write back");
                }
            }
            return new StatusMapping(toExchange, crmSpelling, toCrm);
        }
    }
}

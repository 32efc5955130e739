package org.tasksync.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the engine's JVM reaches the simulated world and how it runs: the CRM database (H2 over TCP),
 * the Exchange side (adapter and URL), the state store, and the engine's settings. Passed to
 * {@link EngineProcess} as {@code --key value} arguments.
 *
 * @param naive run the hand-written baseline ({@link NaiveIntegration}) instead of the engine
 */
record EngineConfig(String crmUrl, String adapter, String exchangeUrl, String user, String secret,
                    String stateUrl, int parallelism, int batchSize, int pastDays, int futureDays, boolean naive) {

    List<String> toArgs() {
        List<String> out = new ArrayList<>();
        add(out, "crm-url", crmUrl);
        add(out, "adapter", adapter);
        add(out, "exchange-url", exchangeUrl);
        add(out, "user", user);
        add(out, "secret", secret);
        add(out, "state-url", stateUrl);
        add(out, "parallelism", Integer.toString(parallelism));
        add(out, "batch-size", Integer.toString(batchSize));
        add(out, "past-days", Integer.toString(pastDays));
        add(out, "future-days", Integer.toString(futureDays));
        add(out, "naive", Boolean.toString(naive));
        return out;
    }

    static EngineConfig fromArgs(String[] args) {
        Map<String, String> v = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --key value, got " + args[i]);
            }
            v.put(args[i].substring(2), args[i + 1]);
        }
        return new EngineConfig(v.get("crm-url"), v.get("adapter"), v.get("exchange-url"), v.get("user"),
                v.get("secret"), v.get("state-url"), Integer.parseInt(v.get("parallelism")),
                Integer.parseInt(v.get("batch-size")), Integer.parseInt(v.get("past-days")),
                Integer.parseInt(v.get("future-days")), Boolean.parseBoolean(v.get("naive")));
    }

    private static void add(List<String> out, String key, String value) {
        out.add("--" + key);
        out.add(value == null ? "" : value);
    }

    @Override
    public String toString() { // the simulator's password is a test value, but keep the habit
        return "EngineConfig[crm=" + crmUrl + ", adapter=" + adapter + ", exchange=" + exchangeUrl + ", state="
                + stateUrl + ", parallelism=" + parallelism + ", batchSize=" + batchSize + ", naive=" + naive + "]";
    }
}

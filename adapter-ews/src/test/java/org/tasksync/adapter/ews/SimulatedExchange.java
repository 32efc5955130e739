package org.tasksync.adapter.ews;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.tasksync.testkit.ews.EwsSimulator;

/** The EWS simulator and an adapter configuration pointing at it, as the adapter's tests use them. */
final class SimulatedExchange {

    static final String USER = "svc-tasksync";
    static final String PASSWORD = "Pa55-w0rd!for-EWS";

    private SimulatedExchange() {
    }

    /**
     * A simulator with Basic authentication and known mailboxes only; it validates every request and
     * response when the EWS schema is found (see {@code EwsSchema.NOT_FOUND}).
     */
    static EwsSimulator start(Clock clock) {
        return EwsSimulator.builder().basicAuth(USER, PASSWORD).rejectUnknownMailboxes().clock(clock).start();
    }

    static EwsSimulator start() {
        return start(Clock.systemUTC());
    }

    /** The adapter's configuration for this simulator, with throttling bounds small enough for tests. */
    static EwsConfig.Builder config(EwsSimulator ews) {
        return EwsConfig.builder().url(ews.url()).credentials(USER, PASSWORD)
                .timeout(Duration.ofSeconds(20))
                .throttleInitialBackoff(Duration.ofMillis(20))
                .throttleMaxWait(Duration.ofSeconds(3))
                .throttleMaxRetries(6);
    }

    /** Asserts that the simulator saw only schema-valid requests and answered only valid responses. */
    static void assertClean(EwsSimulator ews) {
        ews.assertNoResponseErrors();
        assertThat(ews.requestValidationErrors()).as("requests the adapter sent").isEmpty();
    }

    /** A simulator started for one test with {@code rep}'s mailbox, closed and checked after the test. */
    static PerTest perTest(String rep) {
        return new PerTest(rep);
    }

    /**
     * The simulator of one test: started when the test instance is made (a field initialised with it,
     * registered with {@code @RegisterExtension}), closed and checked with {@link #assertClean} after
     * the test.
     */
    static final class PerTest implements AfterEachCallback {

        private final EwsSimulator ews = start();

        private PerTest(String rep) {
            ews.registerMailbox(rep);
        }

        EwsSimulator ews() {
            return ews;
        }

        @Override
        public void afterEach(ExtensionContext context) {
            ews.close();
            assertClean(ews);
        }
    }
}

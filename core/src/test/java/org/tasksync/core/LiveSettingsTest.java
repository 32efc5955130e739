package org.tasksync.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The {@code tasksync.live.*} keys: defaults, parsing, and errors that name the key and the value. */
class LiveSettingsTest {

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void defaultsAreOffOneSecondQuietThreeSecondsAtMostFourThreads() {
        LiveSettings s = LiveSettings.fromProperties(new Properties());

        assertThat(s.enabled()).isFalse();
        assertThat(s.quietPeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.maxDelay()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.threads()).isEqualTo(4);
        assertThat(s).isEqualTo(LiveSettings.ofDefaults());
    }

    @Test
    void readsEveryKey() {
        LiveSettings s = LiveSettings.fromProperties(props("tasksync.live.enabled", "TRUE",
                "tasksync.live.quiet-period-ms", " 500 ", "tasksync.live.max-delay-ms", "2000",
                "tasksync.live.threads", "8", "tasksync.tasks.interval-minutes", "5"));

        assertThat(s).isEqualTo(new LiveSettings(true, Duration.ofMillis(500), Duration.ofMillis(2000), 8));
    }

    @Test
    void aQuietPeriodAboveTheDefaultMaximumDelayRaisesThatDelayWhenNotSet() {
        LiveSettings s = LiveSettings.fromProperties(props("tasksync.live.quiet-period-ms", "5000"));

        assertThat(s.maxDelay()).isEqualTo(Duration.ofMillis(5000));
    }

    @Test
    void badValuesNameTheKeyAndTheValue() {
        assertThatThrownBy(() -> LiveSettings.fromProperties(props("tasksync.live.enabled", "yes")))
                .hasMessage("tasksync.live.enabled must be true or false, was 'yes'");
        assertThatThrownBy(() -> LiveSettings.fromProperties(props("tasksync.live.threads", "0")))
                .hasMessage("tasksync.live.threads must be between 1 and 256, was 0");
        assertThatThrownBy(() -> LiveSettings.fromProperties(props("tasksync.live.quiet-period-ms", "1s")))
                .hasMessage("tasksync.live.quiet-period-ms must be a whole number of milliseconds, was '1s'");
        assertThatThrownBy(() -> LiveSettings.fromProperties(props("tasksync.live.quiet-period-ms", "-1")))
                .hasMessageContaining("tasksync.live.quiet-period-ms").hasMessageContaining("-1");
        assertThatThrownBy(() -> LiveSettings.fromProperties(props("tasksync.live.quiet-period-ms", "2000",
                "tasksync.live.max-delay-ms", "1000")))
                .hasMessage("tasksync.live.max-delay-ms must be at least the quiet period (2000 ms) and at most"
                        + " 600000 ms, was 1000");
    }

    @Test
    void anUnknownLiveKeyIsATypo() {
        assertThatThrownBy(() -> LiveSettings.fromProperties(props("tasksync.live.quiet-ms", "100")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tasksync.live.quiet-ms").hasMessageContaining("'100'");
    }

    @Test
    void syncSettingsLeaveTheLiveKeysToLiveSettings() {
        SyncSettings s = SyncSettings.fromProperties(props("tasksync.live.enabled", "true"));

        assertThat(s.intervalMinutes()).isEqualTo(15);
    }
}

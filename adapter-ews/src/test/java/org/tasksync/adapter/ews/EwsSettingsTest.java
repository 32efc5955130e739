package org.tasksync.adapter.ews;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;
import microsoft.exchange.webservices.data.core.enumeration.misc.ExchangeVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Building the adapter's configuration: every bad value fails at once, naming the key and the value. */
class EwsSettingsTest {

    private static Properties valid() {
        Properties p = new Properties();
        p.setProperty("tasksync.ews.url", "https://mail.example.com/EWS/Exchange.asmx");
        p.setProperty("tasksync.ews.username", "svc-tasksync");
        p.setProperty("tasksync.ews.password", "Very-Secret-42");
        return p;
    }

    @Test
    void readsEveryKeyFromProperties() {
        Properties p = valid();
        p.setProperty("tasksync.ews.domain", "CORP");
        p.setProperty("tasksync.ews.version", "exchange2010_sp1");
        p.setProperty("tasksync.ews.timeout-ms", "15000");
        p.setProperty("tasksync.ews.batch-size", "50");
        p.setProperty("tasksync.ews.sync-page-size", "200");
        p.setProperty("tasksync.ews.throttle.max-wait-ms", "30000");
        p.setProperty("tasksync.ews.throttle.initial-backoff-ms", "250");
        p.setProperty("tasksync.ews.throttle.max-retries", "4");
        p.setProperty("tasksync.ews.extended-fields", "Region, Branch");
        p.setProperty("tasksync.tasks.interval-minutes", "5"); // the engine's key: not the adapter's business

        EwsSettings c = EwsSettings.fromProperties(p);

        assertThat(c.url().toString()).isEqualTo("https://mail.example.com/EWS/Exchange.asmx");
        assertThat(c.hasDomain()).isTrue();
        assertThat(c.version()).isEqualTo(ExchangeVersion.Exchange2010_SP1);
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.batchSize()).isEqualTo(50);
        assertThat(c.syncPageSize()).isEqualTo(200);
        assertThat(c.throttleMaxWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.throttleInitialBackoff()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.throttleMaxRetries()).isEqualTo(4);
        assertThat(c.extendedFields()).containsExactly("Region", "Branch");
    }

    @Test
    void defaultsSuitAnExchange2010Sp2Server() {
        EwsSettings c = EwsSettings.fromProperties(valid());
        assertThat(c.version()).isEqualTo(ExchangeVersion.Exchange2010_SP2);
        assertThat(c.batchSize()).isEqualTo(100);
        assertThat(c.syncPageSize()).isEqualTo(512);
        assertThat(c.throttleMaxWait()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.hasDomain()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mail.example.com/EWS/Exchange.asmx", "ftp://mail.example.com/EWS/Exchange.asmx",
            "https://", "https://mail example.com/EWS", "not a url at all", "http//mail.example.com"})
    void aMalformedUrlFailsAtBuildTimeNamingKeyAndValue(String url) {
        Properties p = valid();
        p.setProperty("tasksync.ews.url", url);
        assertThatThrownBy(() -> EwsSettings.fromProperties(p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tasksync.ews.url")
                .hasMessageContaining(url);
        assertThatThrownBy(() -> EwsSettings.builder().url(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tasksync.ews.url");
    }

    @Test
    void aUrlWithAPasswordInItIsRejectedWithoutRepeatingIt() {
        Properties p = valid();
        p.setProperty("tasksync.ews.url", "https://svc:Hunter2-In-Url@mail.example.com/EWS/Exchange.asmx");
        assertThatThrownBy(() -> EwsSettings.fromProperties(p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tasksync.ews.url")
                .hasMessageContaining("user info")
                .hasMessageNotContaining("Hunter2");
    }

    @Test
    void missingUrlOrCredentialsAreNamed() {
        Properties noUrl = valid();
        noUrl.remove("tasksync.ews.url");
        assertThatThrownBy(() -> EwsSettings.fromProperties(noUrl)).hasMessageContaining("tasksync.ews.url");

        Properties noPassword = valid();
        noPassword.remove("tasksync.ews.password");
        assertThatThrownBy(() -> EwsSettings.fromProperties(noPassword)).hasMessageContaining("tasksync.ews.password");

        Properties noUser = valid();
        noUser.remove("tasksync.ews.username");
        noUser.remove("tasksync.ews.password");
        assertThatThrownBy(() -> EwsSettings.fromProperties(noUser)).hasMessageContaining("tasksync.ews.username");
    }

    @Test
    void aMistypedKeyIsRejected() {
        Properties p = valid();
        p.setProperty("tasksync.ews.batchsize", "10");
        assertThatThrownBy(() -> EwsSettings.fromProperties(p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tasksync.ews.batchsize")
                .hasMessageContaining("tasksync.ews.batch-size");
    }

    @Test
    void numbersOutOfRangeOrNotNumbersNameKeyAndValue() {
        Properties p = valid();
        p.setProperty("tasksync.ews.batch-size", "0");
        assertThatThrownBy(() -> EwsSettings.fromProperties(p)).hasMessageContaining("tasksync.ews.batch-size")
                .hasMessageContaining("0");
        p.setProperty("tasksync.ews.batch-size", "ten");
        assertThatThrownBy(() -> EwsSettings.fromProperties(p)).hasMessageContaining("tasksync.ews.batch-size")
                .hasMessageContaining("'ten'");
        Properties q = valid();
        q.setProperty("tasksync.ews.sync-page-size", "513");
        assertThatThrownBy(() -> EwsSettings.fromProperties(q)).hasMessageContaining("tasksync.ews.sync-page-size")
                .hasMessageContaining("513");
        Properties r = valid();
        r.setProperty("tasksync.ews.throttle.max-wait-ms", "-1");
        assertThatThrownBy(() -> EwsSettings.fromProperties(r)).hasMessageContaining("tasksync.ews.throttle.max-wait-ms")
                .hasMessageContaining("-1");
    }

    @Test
    void anUnknownVersionOrExtendedFieldIsNamed() {
        Properties p = valid();
        p.setProperty("tasksync.ews.version", "Exchange2003");
        assertThatThrownBy(() -> EwsSettings.fromProperties(p)).hasMessageContaining("tasksync.ews.version")
                .hasMessageContaining("Exchange2003");
        Properties q = valid();
        q.setProperty("tasksync.ews.extended-fields", "Region, 9lives");
        assertThatThrownBy(() -> EwsSettings.fromProperties(q)).hasMessageContaining("tasksync.ews.extended-fields")
                .hasMessageContaining("9lives");
    }

    @Test
    void toStringShowsNoCredentials() {
        Properties p = valid();
        p.setProperty("tasksync.ews.domain", "CORPDOMAIN");
        EwsSettings c = EwsSettings.fromProperties(p);
        EwsExchangeAdapter adapter = EwsExchangeAdapter.create(c);
        for (String text : new String[] {c.toString(), c.toBuilder().toString(), adapter.toString(), adapter.name()}) {
            assertThat(text).doesNotContain("Very-Secret-42").doesNotContain("svc-tasksync").doesNotContain("CORPDOMAIN");
        }
        assertThat(c.toString()).contains("https://mail.example.com/EWS/Exchange.asmx");
    }

    @Test
    void errorsHaveTheUniformShapeAndAMisspeltKeyShowsNoValue() {
        Properties p = valid();
        p.setProperty(EwsSettings.TIMEOUT_MS, "soon");
        assertThatThrownBy(() -> EwsSettings.fromProperties(p))
                .hasMessage("tasksync.ews.timeout-ms must be a whole number of milliseconds, was 'soon'");
        Properties q = valid();
        q.setProperty(EwsSettings.BATCH_SIZE, "501");
        assertThatThrownBy(() -> EwsSettings.fromProperties(q))
                .hasMessage("tasksync.ews.batch-size must be between 1 and 500, was '501'");
        Properties typo = valid();
        typo.setProperty("tasksync.ews.pasword", "Very-Secret-42");
        assertThatThrownBy(() -> EwsSettings.fromProperties(typo))
                .hasMessageStartingWith("tasksync.ews.pasword: unknown EWS adapter setting (value not shown); known keys "
                        + "there are [tasksync.ews.autodiscover-url, tasksync.ews.batch-size, ")
                .message().doesNotContain("Very-Secret-42");
    }

    @Test
    @SuppressWarnings("deprecation")
    void theFormerNameEwsConfigStillBuildsReadsAndConnects() {
        EwsConfig built = EwsConfig.builder().url("https://mail.example.com/EWS/Exchange.asmx")
                .credentials("svc-tasksync", "Very-Secret-42").batchSize(7).build();
        EwsConfig read = EwsConfig.fromProperties(valid());
        EwsConfig changed = read.toBuilder().syncPageSize(9).build();
        assertThat(built.batchSize()).isEqualTo(7);
        assertThat(changed.syncPageSize()).isEqualTo(9);
        assertThat(changed.url()).isEqualTo(read.url());
        assertThat(EwsConfig.URL).isEqualTo(EwsSettings.URL);

        EwsExchangeAdapter adapter = EwsExchangeAdapter.create(built);
        assertThat(adapter.settings()).isSameAs(built);
        assertThat(adapter.config()).isSameAs(built);
        EwsSettings plain = EwsSettings.fromProperties(valid());
        EwsConfig alias = EwsExchangeAdapter.create(plain).config();
        assertThat(alias.toString()).isEqualTo(plain.toString());
        assertThat(alias.username()).isEqualTo("svc-tasksync");
        assertThat(alias.password()).isEqualTo("Very-Secret-42");
    }

    @Test
    void theAutodiscoverUrlIsOptionalReadAndKeptByToBuilder() {
        assertThat(EwsSettings.fromProperties(valid()).autodiscoverUrl()).isEmpty();
        Properties p = valid();
        p.setProperty("tasksync.ews.autodiscover-url", " https://mail.example.com/autodiscover/autodiscover.svc ");
        EwsSettings s = EwsSettings.fromProperties(p);
        assertThat(s.autodiscoverUrl()).hasValueSatisfying(
                u -> assertThat(u.toString()).isEqualTo("https://mail.example.com/autodiscover/autodiscover.svc"));
        assertThat(s.toBuilder().build().autodiscoverUrl()).isEqualTo(s.autodiscoverUrl());
        assertThat(EwsConfig.of(s).autodiscoverUrl()).isEqualTo(s.autodiscoverUrl());
        assertThat(s.toString()).contains("autodiscoverUrl=https://mail.example.com/autodiscover/autodiscover.svc");
        assertThat(EwsSettings.KEYS).contains(EwsSettings.AUTODISCOVER_URL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mail.example.com/autodiscover/autodiscover.svc", "ftp://mail.example.com/autodiscover",
            "https://", "not a url at all"})
    void aMalformedAutodiscoverUrlFailsNamingKeyAndValue(String url) {
        Properties p = valid();
        p.setProperty("tasksync.ews.autodiscover-url", url);
        assertThatThrownBy(() -> EwsSettings.fromProperties(p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tasksync.ews.autodiscover-url")
                .hasMessageContaining(url);
    }

    @Test
    void anAutodiscoverUrlWithAPasswordInItIsRejectedWithoutRepeatingIt() {
        Properties p = valid();
        p.setProperty("tasksync.ews.autodiscover-url", "https://svc:Hunter2-In-Url@mail.example.com/autodiscover/autodiscover.svc");
        assertThatThrownBy(() -> EwsSettings.fromProperties(p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tasksync.ews.autodiscover-url")
                .hasMessageContaining("user info")
                .hasMessageNotContaining("Hunter2");
        assertThatThrownBy(() -> EwsSettings.builder().autodiscoverUrl("https://a b@mail.example.com/x"))
                .hasMessageContaining("tasksync.ews.autodiscover-url").hasMessageNotContaining("a b@");
    }
}

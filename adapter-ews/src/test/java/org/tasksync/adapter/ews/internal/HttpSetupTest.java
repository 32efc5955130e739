package org.tasksync.adapter.ews.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import microsoft.exchange.webservices.data.core.EwsSSLProtocolSocketFactory;
import microsoft.exchange.webservices.data.core.enumeration.misc.ExchangeVersion;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScheme;
import org.apache.http.config.Registry;
import org.apache.http.conn.socket.ConnectionSocketFactory;
import org.apache.http.impl.auth.BasicScheme;
import org.apache.http.impl.auth.DigestScheme;
import org.apache.http.message.BasicHeader;
import org.junit.jupiter.api.Test;

/**
 * What the services of one adapter share of their HTTP setup: one set of socket factories (one TLS
 * context) made by ews-java-api for the first service, and an auth cache that hands every request
 * its own copy of the Basic scheme the server accepted.
 */
class HttpSetupTest {

    @Test
    void theServicesOfOneSetupShareTheSocketFactoriesEwsJavaApiMadeForTheFirst() {
        HttpSetup setup = new HttpSetup();
        HttpSetup other = new HttpSetup();
        try (SharingExchangeService a = SharingExchangeService.create(ExchangeVersion.Exchange2010_SP2, setup);
             SharingExchangeService b = SharingExchangeService.create(ExchangeVersion.Exchange2010_SP2, setup);
             SharingExchangeService c = SharingExchangeService.create(ExchangeVersion.Exchange2010_SP2, other)) {
            Registry<ConnectionSocketFactory> shared = setup.sockets(() -> {
                throw new AssertionError("the services' constructors made the registry already");
            });
            assertThat(shared.lookup("https")).as("ews-java-api's own TLS factory")
                    .isInstanceOf(EwsSSLProtocolSocketFactory.class);
            assertThat(shared.lookup("http")).isNotNull();
            assertThat(other.sockets(() -> null)).as("another adapter's").isNotSameAs(shared);
        }
    }

    @Test
    void eachRequestGetsItsOwnCopyOfTheCachedBasicScheme() throws Exception {
        BasicSchemeCache cache = new BasicSchemeCache();
        BasicScheme accepted = new BasicScheme(StandardCharsets.ISO_8859_1);
        accepted.processChallenge(new BasicHeader("WWW-Authenticate", "Basic realm=\"Exchange, \\\"EWS\\\"\""));
        HttpHost host = new HttpHost("mail.example.com", 443, "https");
        cache.put(host, accepted);

        AuthScheme first = cache.get(host);
        AuthScheme second = cache.get(new HttpHost("mail.example.com", -1, "https")); // the default port
        assertThat(first).isInstanceOf(BasicScheme.class).isNotSameAs(accepted).isNotSameAs(second);
        assertThat(second).isInstanceOf(BasicScheme.class);
        BasicScheme copy = (BasicScheme) first;
        assertThat(copy.getRealm()).isEqualTo("Exchange, \"EWS\"");
        assertThat(copy.isComplete()).isTrue();
        assertThat(copy.getCredentialsCharset()).isEqualTo(StandardCharsets.ISO_8859_1);
        assertThat(copy.isProxy()).isFalse();
        assertThat(cache.get(new HttpHost("mail.example.com", 80, "http"))).as("another host").isNull();

        cache.remove(host);
        assertThat(cache.get(host)).isNull();
    }

    @Test
    void schemesOtherThanBasicAreKeptAsHttpClientKeepsThem() throws Exception {
        BasicSchemeCache cache = new BasicSchemeCache();
        DigestScheme digest = new DigestScheme();
        digest.processChallenge(new BasicHeader("WWW-Authenticate", "Digest realm=\"EWS\", nonce=\"abc\""));
        HttpHost host = new HttpHost("mail.example.com", 443, "https");
        cache.put(host, new BasicScheme());
        cache.put(host, digest); // the server switched schemes: the Basic one is gone

        AuthScheme got = cache.get(host);
        assertThat(got).isInstanceOf(DigestScheme.class).isNotSameAs(digest);
        assertThat(((DigestScheme) got).getParameter("nonce")).isEqualTo("abc");

        cache.clear();
        assertThat(cache.get(host)).isNull();
    }
}

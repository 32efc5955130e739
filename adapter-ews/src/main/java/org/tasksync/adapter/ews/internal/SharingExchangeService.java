package org.tasksync.adapter.ews.internal;

import java.net.URI;
import java.net.URISyntaxException;
import microsoft.exchange.webservices.data.core.ExchangeService;
import microsoft.exchange.webservices.data.core.enumeration.misc.ExchangeVersion;
import microsoft.exchange.webservices.data.core.exception.service.local.ServiceLocalException;
import microsoft.exchange.webservices.data.core.request.HttpWebRequest;
import microsoft.exchange.webservices.data.credential.ExchangeCredentials;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthProtocolState;
import org.apache.http.auth.AuthScheme;
import org.apache.http.auth.AuthState;
import org.apache.http.client.AuthCache;
import org.apache.http.config.Registry;
import org.apache.http.conn.socket.ConnectionSocketFactory;

/**
 * An {@link ExchangeService} that takes from its adapter's {@link HttpSetup} what ews-java-api would
 * otherwise make anew for every service: the cache of authentication schemes and the socket factories.
 *
 * <p><b>Authentication.</b> ews-java-api makes a new HttpClient context per service, so without this every
 * connection (one per mailbox and cycle) starts unauthenticated: the server answers its first request 401 and
 * HttpClient sends it again with credentials, one extra round trip each time. HttpClient itself
 * caches a Basic scheme that the server accepted (a scheme only, never credentials: those come
 * from each service's own credentials provider) and then sends Basic credentials with the first
 * request to that host. Sharing that cache lets every later connection do so. Only a scheme the
 * server asked for and accepted is ever reused, and HttpClient removes it when the server refuses
 * it; connection-based schemes such as NTLM are never cached and authenticate as before. A server
 * that answers 401 to the cached Basic with another scheme is answered through the usual challenge,
 * and once that other scheme has succeeded the Basic scheme is dropped from the shared cache, so
 * later connections no longer send Basic first.
 *
 * <p><b>Socket factories.</b> ews-java-api builds, for every service and so for every connection, a
 * registry of socket factories whose HTTPS factory holds a new {@code SSLContext} and trust manager
 * (docs/benchmarks-history.md, "The EWS adapter's CPU per created task"). Its
 * documented hook, {@code createConnectionSocketFactoryRegistry}, is overridden to hand out the
 * registry the adapter's first service made, the same factories, so the TLS setup (and its session
 * cache, which lets later connections resume a TLS session) is made once per adapter.
 *
 * <p>Not thread-safe, like {@code ExchangeService}; the {@code HttpSetup} it is given is.
 */
public final class SharingExchangeService extends ExchangeService {

    /** The setup of the service being constructed: ews-java-api asks for the sockets in its constructor. */
    private static final ThreadLocal<HttpSetup> CONSTRUCTING = new ThreadLocal<>();

    private final AuthCache authCache;

    private SharingExchangeService(ExchangeVersion version, HttpSetup setup) {
        super(version);
        this.authCache = setup.authCache();
        httpContext.setAuthCache(authCache);
    }

    /** A service with {@code setup}'s auth cache and socket factories. */
    public static SharingExchangeService create(ExchangeVersion version, HttpSetup setup) {
        CONSTRUCTING.set(setup);
        try {
            return new SharingExchangeService(version, setup);
        } finally {
            CONSTRUCTING.remove();
        }
    }

    /** Called by ews-java-api's constructor, before this class's fields are set: hence the thread-local. */
    @Override
    protected Registry<ConnectionSocketFactory> createConnectionSocketFactoryRegistry() {
        HttpSetup setup = CONSTRUCTING.get();
        return setup == null ? super.createConnectionSocketFactoryRegistry()
                : setup.sockets(super::createConnectionSocketFactoryRegistry);
    }

    /** Sets the credentials; ews-java-api then starts a new HTTP context, which gets the shared cache too. */
    @Override
    public void setCredentials(ExchangeCredentials credentials) {
        super.setCredentials(credentials);
        httpContext.setAuthCache(authCache);
    }

    @Override
    public void setUseDefaultCredentials(boolean value) {
        super.setUseDefaultCredentials(value);
        if (authCache != null) { // null while the superclass's constructor calls this
            httpContext.setAuthCache(authCache);
        }
    }

    @Override
    public HttpWebRequest prepareHttpWebRequest() throws ServiceLocalException, URISyntaxException {
        forgetBasicIfAnotherSchemeSucceeded();
        return super.prepareHttpWebRequest();
    }

    @Override
    public void close() {
        forgetBasicIfAnotherSchemeSucceeded();
        super.close();
    }

    /**
     * When this connection's last request authenticated with a scheme other than Basic (the server
     * answered the cached Basic with 401 and, say, NTLM), the server no longer takes Basic: drop it,
     * so that no connection sends the password as Basic to it again.
     */
    private void forgetBasicIfAnotherSchemeSucceeded() {
        AuthState state = httpContext.getTargetAuthState();
        AuthScheme scheme = state == null ? null : state.getAuthScheme();
        URI url = getUrl();
        if (url != null && scheme != null && state.getState() == AuthProtocolState.SUCCESS
                && !"basic".equalsIgnoreCase(scheme.getSchemeName())) {
            authCache.remove(new HttpHost(url.getHost(), url.getPort(), url.getScheme()));
        }
    }
}

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

/**
 * An {@link ExchangeService} whose HTTP context keeps its authentication schemes in a cache shared
 * by all the connections of one adapter.
 *
 * <p>ews-java-api makes a new HttpClient context per service, so without this every connection (one
 * per mailbox and cycle) starts unauthenticated: the server answers its first request 401 and
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
 * <p>Not thread-safe, like {@code ExchangeService}; the cache it is given must be ({@code BasicAuthCache} is).
 */
public final class AuthCachingExchangeService extends ExchangeService {

    private final AuthCache authCache;

    public AuthCachingExchangeService(ExchangeVersion version, AuthCache authCache) {
        super(version);
        this.authCache = authCache;
        httpContext.setAuthCache(authCache);
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

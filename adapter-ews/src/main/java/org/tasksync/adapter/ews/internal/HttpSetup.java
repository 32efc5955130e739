package org.tasksync.adapter.ews.internal;

import java.util.Objects;
import java.util.function.Supplier;
import org.apache.http.client.AuthCache;
import org.apache.http.config.Registry;
import org.apache.http.conn.socket.ConnectionSocketFactory;

/**
 * What the ews-java-api services of one adapter share of their HTTP setup instead of making it anew
 * per connection: the cache of authentication schemes the server accepted, and the socket factories
 * (for HTTPS, an {@code SSLContext} with its trust manager).
 *
 * <p>Thread-safe: the auth cache is ({@link BasicSchemeCache}), the registry and its factories are
 * immutable and made safe for concurrent use by HttpClient ({@code Registry},
 * {@code SSLConnectionSocketFactory}).
 */
public final class HttpSetup {

    private final AuthCache authCache = new BasicSchemeCache();
    private volatile Registry<ConnectionSocketFactory> sockets;

    /** Holds no credentials: HttpClient caches the scheme the server accepted, never a password. */
    AuthCache authCache() {
        return authCache;
    }

    /**
     * The socket factories, made by {@code defaults} the first time (ews-java-api's own registry, so
     * the connections get exactly the factories they would make themselves) and the same ones after.
     */
    Registry<ConnectionSocketFactory> sockets(Supplier<Registry<ConnectionSocketFactory>> defaults) {
        Registry<ConnectionSocketFactory> made = sockets;
        if (made == null) {
            synchronized (this) {
                made = sockets;
                if (made == null) {
                    made = Objects.requireNonNull(defaults.get(), "socket factory registry");
                    sockets = made;
                }
            }
        }
        return made;
    }

    @Override
    public String toString() {
        return "HttpSetup{sockets=" + (sockets == null ? "not made yet" : "made") + "}";
    }
}

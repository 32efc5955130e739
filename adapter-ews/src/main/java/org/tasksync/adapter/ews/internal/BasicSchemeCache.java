package org.tasksync.adapter.ews.internal;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.http.HttpHost;
import org.apache.http.NameValuePair;
import org.apache.http.auth.AUTH;
import org.apache.http.auth.AuthScheme;
import org.apache.http.auth.MalformedChallengeException;
import org.apache.http.client.AuthCache;
import org.apache.http.conn.UnsupportedSchemeException;
import org.apache.http.impl.auth.BasicScheme;
import org.apache.http.impl.client.BasicAuthCache;
import org.apache.http.impl.conn.DefaultSchemePortResolver;
import org.apache.http.message.BasicHeader;
import org.apache.http.message.BasicHeaderValueFormatter;
import org.apache.http.message.BasicNameValuePair;

/**
 * An {@link AuthCache} that hands out the Basic schemes it holds without Java serialization, and
 * keeps any other scheme in HttpClient's own {@link BasicAuthCache}.
 *
 * <p>HttpClient's cache stores a scheme serialized and deserializes a new copy on every request
 * that looks it up, so that no two requests share a scheme object, whose state a challenge changes.
 * With the shared cache, that is every request of every connection (about 1 % of the engine's
 * CPU in a first sync, docs/benchmarks.md). A Basic scheme's state is its credentials charset and the
 * parameters of the challenge it answered ({@code realm}, {@code charset}, RFC 7617): this cache
 * keeps those and makes each request a new {@link BasicScheme} from them, the same copy
 * deserialization would give, for the cost of parsing one header.
 *
 * <p>Thread-safe. Holds no credentials, as HttpClient's cache.
 */
final class BasicSchemeCache implements AuthCache {

    /** What a new copy of a Basic scheme is made from. */
    private record Basic(Charset charset, List<NameValuePair> parameters, boolean complete) {

        BasicScheme copy() throws MalformedChallengeException {
            BasicScheme scheme = new BasicScheme(charset);
            if (complete || !parameters.isEmpty()) {
                // the challenge the original answered, so that the copy has its parameters and state; a
                // deserialized copy has no challenge state (AuthSchemeBase is not serializable), so it
                // always answers as to a server (WWW-Authenticate), and so does this one
                String value = "Basic" + (parameters.isEmpty() ? "" : " " + BasicHeaderValueFormatter.INSTANCE
                        .formatParameters(null, parameters.toArray(new NameValuePair[0]), false));
                scheme.processChallenge(new BasicHeader(AUTH.WWW_AUTH, value));
            }
            return scheme;
        }
    }

    private final Map<HttpHost, Basic> basic = new ConcurrentHashMap<>();
    private final BasicAuthCache others = new BasicAuthCache();

    @Override
    public void put(HttpHost host, AuthScheme scheme) {
        HttpHost key = key(host);
        Basic kept = scheme instanceof BasicScheme b ? basicOf(b) : null;
        if (kept != null) {
            basic.put(key, kept);
            others.remove(host);
        } else {
            basic.remove(key);
            others.put(host, scheme);
        }
    }

    @Override
    public AuthScheme get(HttpHost host) {
        Basic kept = basic.get(key(host));
        if (kept == null) {
            return others.get(host);
        }
        try {
            return kept.copy();
        } catch (MalformedChallengeException e) {
            return null; // not reached: basicOf made a copy the same way; without a scheme, the server challenges
        }
    }

    @Override
    public void remove(HttpHost host) {
        basic.remove(key(host));
        others.remove(host);
    }

    @Override
    public void clear() {
        basic.clear();
        others.clear();
    }

    /** The state of {@code scheme}, or null when it cannot be copied that way (then HttpClient's cache keeps it). */
    private static Basic basicOf(BasicScheme scheme) {
        List<NameValuePair> parameters = new ArrayList<>();
        for (String name : new String[] {"realm", "charset"}) {
            String value = scheme.getParameter(name);
            if (value != null) {
                parameters.add(new BasicNameValuePair(name, value));
            }
        }
        Basic kept = new Basic(scheme.getCredentialsCharset(), List.copyOf(parameters), scheme.isComplete());
        try {
            kept.copy();
            return kept;
        } catch (MalformedChallengeException e) {
            return null;
        }
    }

    /** The host with its port made explicit, as HttpClient's cache keys it. */
    private static HttpHost key(HttpHost host) {
        if (host.getPort() > 0) {
            return host;
        }
        try {
            return new HttpHost(host.getHostName(), DefaultSchemePortResolver.INSTANCE.resolve(host),
                    host.getSchemeName());
        } catch (UnsupportedSchemeException e) {
            return host;
        }
    }

    @Override
    public String toString() {
        return "BasicSchemeCache{basic=" + basic.keySet() + ", others=" + others + "}";
    }
}

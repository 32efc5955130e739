package org.tasksync.adapter.graph;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.RequestOption;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.AuthenticationProvider;
import com.microsoft.kiota.authentication.AzureIdentityAuthenticationProvider;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import org.tasksync.adapter.graph.internal.GraphCalls;
import org.tasksync.adapter.graph.internal.GraphConnection;
import org.tasksync.adapter.graph.internal.HotSetFeed;
import org.tasksync.adapter.graph.internal.Sleeper;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.core.spi.ExchangeChangeFeed;
import org.tasksync.core.spi.ExchangeChangeListener;
import org.tasksync.core.spi.MailboxConnection;

/**
 * Microsoft 365 through Microsoft Graph: each rep's tasks live in a To Do list of the rep's
 * mailbox (the default list, or a named list the adapter creates when it is missing).
 *
 * <pre>{@code
 * ExchangeAdapter graph = GraphExchangeAdapter.create(GraphSettings.fromProperties(props));
 * }</pre>
 *
 * <p>It signs in with client credentials (tenant, client id, secret, through azure-identity) unless
 * a {@link GraphTokenSource} or another azure-identity {@link TokenCredential} is given. The
 * application needs the Graph permission {@code Tasks.ReadWrite.All}.
 *
 * <p>Thread-safe: one Graph client (OkHttp's pool) serves every connection; each connection is used
 * by one thread, as the SPI says. The target list of each mailbox is looked up once and remembered.
 */
public final class GraphExchangeAdapter implements ExchangeAdapter {

    private final GraphSettings settings;
    private final GraphServiceClient client;
    private final String auth;
    private final Sleeper sleeper;
    private final ConcurrentMap<String, GraphConnection.TargetList> lists = new ConcurrentHashMap<>();
    private final GraphConnection.Config config;
    /**
     * The hot-set feeds opened and not closed. A connection that reads a change or writes makes its
     * mailbox active in each: live sync calls {@code activity} only after a run of a mailbox that a
     * feed hinted, so without this nothing would ever turn a mailbox hot (docs/graph.md).
     */
    private final List<HotSetFeed> feeds = new CopyOnWriteArrayList<>();

    private GraphExchangeAdapter(Builder b) {
        this.settings = b.settings;
        this.sleeper = b.sleeper;
        AuthenticationProvider provider;
        String host = URI.create(settings.baseUrl()).getHost();
        if (b.tokenSource != null) {
            provider = new BaseBearerTokenAuthenticationProvider(new SourceTokens(b.tokenSource, host));
            auth = "token source";
        } else {
            TokenCredential credential = b.credential;
            if (credential == null) {
                if (!settings.hasClientCredentials()) {
                    throw new IllegalStateException("the Graph adapter needs a way to sign in: set " + GraphSettings.TENANT_ID
                            + ", " + GraphSettings.CLIENT_ID + " and " + GraphSettings.CLIENT_SECRET
                            + ", or give a token source");
                }
                ClientSecretCredentialBuilder cb = new ClientSecretCredentialBuilder()
                        .tenantId(settings.tenantId())
                        .clientId(settings.clientId())
                        .clientSecret(settings.clientSecret())
                        .authorityHost(settings.authorityHost())
                        // sign-in retries within the same bound as Graph's requests
                        .retryOptions(new com.azure.core.http.policy.RetryOptions(
                                new com.azure.core.http.policy.ExponentialBackoffOptions()
                                        .setMaxRetries(Math.min(settings.maxRetries(), 3))));
                if (!GraphSettings.DEFAULT_AUTHORITY_HOST.equals(settings.authorityHost())) {
                    // an authority the administrator named is used as it is, not looked up at the public cloud
                    cb.disableInstanceDiscovery();
                }
                credential = cb.build();
                credential = new ScrubbedCredential(credential, settings.clientSecret());
                auth = "client secret of " + settings.clientId();
            } else {
                credential = new ScrubbedCredential(credential, null);
                auth = "token credential";
            }
            String scope = URI.create(settings.baseUrl()).resolve("/.default").toString();
            provider = new AzureIdentityAuthenticationProvider(credential, new String[] {host}, scope);
        }
        // throttling is handled by the adapter, within its own bound and for batch steps too
        RequestOption[] options = {new RetryHandlerOption((delay, attempt, request, response) -> false, 0, 0)};
        // OkHttp would silently send a request again after a dropped connection, a create too (a
        // duplicate task); the adapter repeats only what is safe to repeat
        OkHttpClient http = GraphClientFactory.create(options)
                .retryOnConnectionFailure(false)
                .callTimeout(settings.requestTimeout())
                .readTimeout(settings.requestTimeout())
                .build();
        client = new GraphServiceClient(provider, http);
        client.getRequestAdapter().setBaseUrl(settings.baseUrl());
        config = new GraphConnection.Config(settings.listName(), settings.batchSize(), settings.pageSize(),
                settings.assignmentApps());
    }

    /**
     * An adapter that signs in with the client credentials in {@code settings}; connects only when a
     * mailbox is opened. For a token source or another credential, use {@link #builder(GraphSettings)}.
     *
     * @throws IllegalStateException when the settings have no client credentials
     */
    public static GraphExchangeAdapter create(GraphSettings settings) {
        return builder(settings).build();
    }

    /** A builder for an adapter with these settings and a way to sign in other than their client secret. */
    public static Builder builder(GraphSettings settings) {
        return new Builder(settings);
    }

    @Override
    public MailboxConnection connect(Mailbox mailbox) {
        GraphCalls calls = new GraphCalls(mailbox.address(), settings.maxRetries(), settings.maxWait(), sleeper);
        return new GraphConnection(client, mailbox, config, lists, calls, this::active);
    }

    @Override
    public String name() {
        return "graph";
    }

    /**
     * {@inheritDoc}
     *
     * <p>Graph has no change notifications on To Do tasks for an app (docs/graph.md), so the feed
     * polls the mailboxes active now with a delta check of its own, paced per mailbox
     * ({@link GraphSettings#live()}); the others are left to the normal cycle.
     */
    @Override
    public java.util.Optional<ExchangeChangeFeed> changeFeed(ExchangeChangeListener listener) {
        Objects.requireNonNull(listener, "listener");
        feeds.removeIf(HotSetFeed::isClosed);
        HotSetFeed feed = HotSetFeed.start(client, settings.live(), settings.pageSize(),
                mailbox -> ((GraphConnection) connect(mailbox)).targetListId(), listener);
        feeds.add(feed);
        return java.util.Optional.of(feed);
    }

    private void active(String mailbox) {
        for (HotSetFeed f : feeds) {
            f.activity(mailbox);
        }
    }

    public GraphSettings settings() {
        return settings;
    }

    @Override
    public String toString() {
        return "GraphExchangeAdapter{" + settings.baseUrl() + ", list="
                + (settings.listName() == null ? "default" : "'" + settings.listName() + "'") + ", sign-in=" + auth + "}";
    }

    /** Builds a {@link GraphExchangeAdapter}. */
    public static final class Builder {
        private final GraphSettings settings;
        private GraphTokenSource tokenSource;
        private TokenCredential credential;
        private Sleeper sleeper = Sleeper.REAL;

        private Builder(GraphSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
        }

        /** Tokens from the host (or a test); the client credentials in the settings are then not used. */
        public Builder tokenSource(GraphTokenSource v) {
            if (credential != null) {
                throw new IllegalStateException("give either a token source or a token credential, not both");
            }
            tokenSource = Objects.requireNonNull(v, "tokenSource");
            return this;
        }

        /** Another azure-identity credential (managed identity, certificate) instead of the client secret. */
        public Builder credential(TokenCredential v) {
            if (tokenSource != null) {
                throw new IllegalStateException("give either a token source or a token credential, not both");
            }
            credential = Objects.requireNonNull(v, "credential");
            return this;
        }

        /** For tests: how waits for Retry-After are made. */
        Builder sleeper(Sleeper v) {
            sleeper = Objects.requireNonNull(v, "sleeper");
            return this;
        }

        public GraphExchangeAdapter build() {
            return new GraphExchangeAdapter(this);
        }
    }

    /**
     * Turns sign-in failures into {@link GraphCalls.SignInException}s whose message says what went
     * wrong (Entra's AADSTS code and text) and cannot contain the secret.
     */
    private static final class ScrubbedCredential implements TokenCredential {
        private final TokenCredential delegate;
        private final String secret;

        ScrubbedCredential(TokenCredential delegate, String secret) {
            this.delegate = delegate;
            this.secret = secret;
        }

        @Override
        public reactor.core.publisher.Mono<com.azure.core.credential.AccessToken> getToken(
                com.azure.core.credential.TokenRequestContext request) {
            return delegate.getToken(request).onErrorMap(this::scrubbed);
        }

        @Override
        public com.azure.core.credential.AccessToken getTokenSync(com.azure.core.credential.TokenRequestContext request) {
            try {
                return delegate.getTokenSync(request);
            } catch (RuntimeException e) {
                throw scrubbed(e);
            }
        }

        private GraphCalls.SignInException scrubbed(Throwable e) {
            String text = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            if (secret != null) {
                text = text.replace(secret, "****");
            }
            if (text.length() > 500) {
                text = text.substring(0, 500) + "...";
            }
            // no cause: its message and stack would escape the scrubbing
            return new GraphCalls.SignInException("sign-in to Microsoft Entra failed: " + text, null);
        }
    }

    /** Kiota's view of a {@link GraphTokenSource}: tokens only for Graph's host. */
    private static final class SourceTokens implements AccessTokenProvider {
        private final GraphTokenSource source;
        private final AllowedHostsValidator hosts;

        SourceTokens(GraphTokenSource source, String host) {
            this.source = source;
            this.hosts = new AllowedHostsValidator(host);
        }

        @Override
        public String getAuthorizationToken(URI uri, Map<String, Object> context) {
            if (!hosts.isUrlHostValid(uri)) {
                return "";
            }
            try {
                return source.accessToken();
            } catch (Exception e) {
                throw new GraphCalls.SignInException("the token source failed: " + e.getClass().getSimpleName(), e);
            }
        }

        @Override
        public AllowedHostsValidator getAllowedHostsValidator() {
            return hosts;
        }
    }
}

package org.tasksync.adapter.ews;

import java.util.Objects;
import java.util.UUID;
import microsoft.exchange.webservices.data.core.ExchangeService;
import microsoft.exchange.webservices.data.core.enumeration.misc.ConnectingIdType;
import microsoft.exchange.webservices.data.credential.WebCredentials;
import microsoft.exchange.webservices.data.misc.ImpersonatedUserId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.adapter.ews.internal.AffinityDiscovery;
import org.tasksync.adapter.ews.internal.EwsMailboxConnection;
import org.tasksync.adapter.ews.internal.HttpSetup;
import org.tasksync.adapter.ews.internal.SharingExchangeService;
import org.tasksync.adapter.ews.internal.StreamingFeed;
import org.tasksync.adapter.ews.internal.TaskProperties;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.core.spi.ExchangeChangeFeed;
import org.tasksync.core.spi.ExchangeChangeListener;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;

/**
 * The Exchange side of a sync over Exchange Web Services (Exchange Server 2010 SP2 and later),
 * through ews-java-api 2.0: a service account with the ApplicationImpersonation role works in each
 * rep's Tasks folder as that rep.
 *
 * <pre>{@code
 * ExchangeAdapter ews = EwsExchangeAdapter.create(EwsSettings.fromProperties(props));
 * SyncEngine engine = SyncEngine.builder().crm(crm).exchange(ews)...build();
 * }</pre>
 *
 * <p>Every task the adapter creates carries its CRM id as the string property {@value #CRM_ID_PROPERTY}
 * in the property set {@link #PROPERTY_SET_ID}; an extended field {@code X} of the field table is the
 * string property {@code Field.X} in the same set. See {@code docs/ews-adapter.md} for the properties
 * written, the rights needed and how throttling is handled.
 *
 * <p>Thread-safe. {@link #connect} contacts no server: it makes a new ews-java-api
 * {@code ExchangeService} (which is not thread-safe) for the connection, closed with it; a mailbox
 * that does not exist or may not be impersonated fails on the connection's first request. The
 * connections share what authentication scheme the server accepted, so that only the first
 * connection pays a 401 challenge with Basic authentication, and share one set of socket factories
 * (one TLS context) instead of making one each.
 */
public final class EwsExchangeAdapter implements ExchangeAdapter {

    /** The library's own MAPI property set, in which the CRM id and the extended fields are stored. */
    public static final UUID PROPERTY_SET_ID = TaskProperties.PROPERTY_SET_ID;
    /** The name of the string property holding the CRM id in {@link #PROPERTY_SET_ID}. */
    public static final String CRM_ID_PROPERTY = TaskProperties.CRM_ID_NAME;
    /** Prefix of the properties holding extended fields in {@link #PROPERTY_SET_ID}. */
    public static final String EXTENDED_FIELD_PREFIX = TaskProperties.EXTENDED_FIELD_PREFIX;

    private static final Logger log = LoggerFactory.getLogger(EwsExchangeAdapter.class);

    private final EwsSettings config;
    private final EwsMailboxConnection.Limits limits;
    /** Extended fields read back (configured, and every one written), tasks created since the last read. */
    private final EwsMailboxConnection.Shared shared;
    /**
     * What all connections share of their HTTP setup (see {@link SharingExchangeService}): the
     * authentication schemes the server accepted (once Basic has been accepted, every new connection
     * sends it with its first request instead of waiting for a 401; no credentials), and the socket
     * factories with their TLS context, made once instead of per connection.
     */
    private final HttpSetup httpSetup = new HttpSetup();

    private EwsExchangeAdapter(EwsSettings config) {
        this.config = Objects.requireNonNull(config, "config");
        this.limits = new EwsMailboxConnection.Limits(config.batchSize(), config.syncPageSize(),
                config.throttleMaxWait().toMillis(), config.throttleInitialBackoff().toMillis(),
                config.throttleMaxRetries());
        this.shared = new EwsMailboxConnection.Shared(config.extendedFields());
        log.info("EWS adapter for {} (requests as {}, impersonating each rep by SMTP address)", config.url(),
                config.version());
    }

    /** An adapter with these settings; connects only when a mailbox is opened. */
    public static EwsExchangeAdapter create(EwsSettings settings) {
        return new EwsExchangeAdapter(settings);
    }

    public EwsSettings settings() {
        return config;
    }

    /** @deprecated use {@link #settings()}. */
    @Deprecated(since = "0.1.0")
    public EwsConfig config() {
        return EwsConfig.of(config);
    }

    @Override
    public MailboxConnection connect(Mailbox mailbox) throws MailboxException {
        Objects.requireNonNull(mailbox, "mailbox");
        ExchangeService service = SharingExchangeService.create(config.version(), httpSetup);
        try {
            service.setUrl(config.url());
            service.setCredentials(config.domain() == null ? new WebCredentials(config.username(), config.password())
                    : new WebCredentials(config.username(), config.password(), config.domain()));
            service.setImpersonatedUserId(new ImpersonatedUserId(ConnectingIdType.SmtpAddress, mailbox.address()));
            service.setTimeout((int) config.timeout().toMillis());
            service.setTraceEnabled(false); // its traces would show request headers and bodies
            return new EwsMailboxConnection(service, mailbox, limits, shared);
        } catch (Exception e) {
            service.close();
            throw new MailboxException(mailbox.address(), MailboxException.Kind.PROTOCOL,
                    "cannot set up the EWS client: " + e.getClass().getSimpleName());
        }
    }

    /**
     * The live feed with {@link EwsStreamingSettings#defaults()}: streaming notifications on the watched
     * mailboxes' Tasks folders (docs/ews-adapter.md, "Live sync"), grouped by Autodiscover's affinity
     * settings when {@link EwsSettings#autodiscoverUrl()} is set.
     */
    @Override
    public java.util.Optional<ExchangeChangeFeed> changeFeed(ExchangeChangeListener listener) {
        return java.util.Optional.of(changeFeed(listener, EwsStreamingSettings.defaults()));
    }

    /** The live feed with these streaming settings; it watches nothing until {@code watch} is called. */
    public ExchangeChangeFeed changeFeed(ExchangeChangeListener listener, EwsStreamingSettings streaming) {
        Objects.requireNonNull(streaming, "streaming");
        // Streaming needs Exchange 2010 SP1 or later in RequestServerVersion.
        String version = switch (config.version()) {
            case Exchange2007_SP1, Exchange2010 -> "Exchange2010_SP1";
            default -> config.version().name();
        };
        AffinityDiscovery discovery = config.autodiscoverUrl().map(u -> new AffinityDiscovery(u, config.username(),
                config.password(), config.domain(), (int) config.timeout().toMillis())).orElse(null);
        return new StreamingFeed(new StreamingFeed.Server(config.url(), config.username(), config.password(),
                config.domain(), version, config.timeout()),
                new StreamingFeed.Settings(streaming.connectionTimeoutMinutes(), streaming.silenceTimeout(),
                        streaming.subscriptionsPerConnection(), streaming.maxConnections(), streaming.initialBackoff(),
                        streaming.maxBackoff()), listener, discovery);
    }

    @Override
    public String name() {
        return "ews";
    }

    @Override
    public String toString() {
        return "EwsExchangeAdapter{url=" + config.url() + ", version=" + config.version() + ", batchSize="
                + config.batchSize() + "}";
    }
}

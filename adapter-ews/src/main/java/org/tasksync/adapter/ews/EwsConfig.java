package org.tasksync.adapter.ews;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.Properties;
import microsoft.exchange.webservices.data.core.enumeration.misc.ExchangeVersion;
import org.tasksync.core.model.ExchangeField;

/**
 * The EWS adapter's settings under their former name: an {@link EwsSettings} in every respect, kept
 * so that code written against {@code EwsConfig} still compiles and runs.
 *
 * @deprecated renamed to {@link EwsSettings}, like the other settings classes; use
 *             {@link EwsSettings#builder()} and {@link EwsSettings#fromProperties(Properties)}.
 */
@Deprecated(since = "0.1.0")
public final class EwsConfig extends EwsSettings {

    private EwsConfig(Builder b) {
        super(b);
    }

    /** @deprecated use {@link EwsSettings#builder()}. */
    @Deprecated(since = "0.1.0")
    public static Builder builder() {
        return new Builder();
    }

    /** @deprecated use {@link EwsSettings#fromProperties(Properties)}. */
    @Deprecated(since = "0.1.0")
    public static EwsConfig fromProperties(Properties p) {
        return read(p, new Builder()).build();
    }

    /** {@code settings} under the former name, for code that still takes an {@code EwsConfig}. */
    public static EwsConfig of(EwsSettings settings) {
        return settings instanceof EwsConfig c ? c : settings.copyInto(new Builder()).build();
    }

    @Override
    public Builder toBuilder() {
        return copyInto(new Builder());
    }

    /**
     * An {@link EwsSettings.Builder} whose setters return this type and whose {@link #build()} gives an
     * {@link EwsConfig}, so that chains written against the former name compile unchanged.
     *
     * @deprecated use {@link EwsSettings.Builder}.
     */
    @Deprecated(since = "0.1.0")
    public static final class Builder extends EwsSettings.Builder {

        Builder() {
        }

        @Override public Builder url(String url) { super.url(url); return this; }
        @Override public Builder url(URI url) { super.url(url); return this; }
        @Override public Builder credentials(String username, String password) { super.credentials(username, password); return this; }
        @Override public Builder domain(String domain) { super.domain(domain); return this; }
        @Override public Builder version(String version) { super.version(version); return this; }
        @Override public Builder version(ExchangeVersion version) { super.version(version); return this; }
        @Override public Builder timeout(Duration timeout) { super.timeout(timeout); return this; }
        @Override public Builder batchSize(int n) { super.batchSize(n); return this; }
        @Override public Builder syncPageSize(int n) { super.syncPageSize(n); return this; }
        @Override public Builder throttleMaxWait(Duration d) { super.throttleMaxWait(d); return this; }
        @Override public Builder throttleInitialBackoff(Duration d) { super.throttleInitialBackoff(d); return this; }
        @Override public Builder throttleMaxRetries(int n) { super.throttleMaxRetries(n); return this; }
        @Override public Builder extendedField(String name) { super.extendedField(name); return this; }
        @Override public Builder extendedFields(Collection<ExchangeField> fields) { super.extendedFields(fields); return this; }
        @Override public Builder autodiscoverUrl(String url) { super.autodiscoverUrl(url); return this; }
        @Override public Builder autodiscoverUrl(URI url) { super.autodiscoverUrl(url); return this; }

        @Override
        public EwsConfig build() {
            checkComplete();
            return new EwsConfig(this);
        }
    }
}

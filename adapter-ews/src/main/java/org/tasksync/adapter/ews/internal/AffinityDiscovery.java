package org.tasksync.adapter.ews.internal;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import microsoft.exchange.webservices.data.autodiscover.AutodiscoverService;
import microsoft.exchange.webservices.data.autodiscover.enumeration.AutodiscoverErrorCode;
import microsoft.exchange.webservices.data.autodiscover.enumeration.UserSettingName;
import microsoft.exchange.webservices.data.autodiscover.response.GetUserSettingsResponse;
import microsoft.exchange.webservices.data.autodiscover.response.GetUserSettingsResponseCollection;
import microsoft.exchange.webservices.data.core.enumeration.misc.ExchangeVersion;
import microsoft.exchange.webservices.data.credential.WebCredentials;

/**
 * Asks SOAP Autodiscover ({@code GetUserSettings}, through ews-java-api's {@code AutodiscoverService})
 * for the two settings that place mailboxes into affinity groups: {@code GroupingInformation} and
 * {@code ExternalEwsUrl} ("Maintain affinity between a group of subscriptions and the Mailbox server",
 * steps 1 and 2).
 */
public final class AffinityDiscovery {

    /**
     * Users per GetUserSettings request. Microsoft states no limit; 100 is the EWS simulator's
     * (the stricter choice, docs/conformance.md), so 1,000 mailboxes cost 10 requests.
     */
    public static final int USERS_PER_REQUEST = 100;

    /** Where a mailbox belongs: its group key is the two settings together, as the article says. */
    public record Affinity(URI ewsUrl, String groupingInformation) {
        public String key() {
            return ewsUrl + "|" + groupingInformation;
        }
    }

    /** What one round of discovery found: the mailboxes placed, and why each other one was not. */
    public record Result(Map<String, Affinity> found, Map<String, String> failed) {
    }

    private final URI url;
    private final String username;
    private final String password;
    private final String domain;
    private final int timeoutMillis;

    public AffinityDiscovery(URI url, String username, String password, String domain, int timeoutMillis) {
        this.url = Objects.requireNonNull(url, "url");
        this.username = username;
        this.password = password;
        this.domain = domain;
        this.timeoutMillis = timeoutMillis;
    }

    public URI url() {
        return url;
    }

    /**
     * Discovers these mailboxes in requests of at most {@link #USERS_PER_REQUEST}. A mailbox that
     * Autodiscover answers with an error, or without one of the two settings, is in
     * {@link Result#failed()} with the reason.
     *
     * @throws Exception when a request as a whole fails (the mailboxes of earlier requests are lost
     *         with it: the caller falls back for all)
     */
    public Result discover(List<String> mailboxes) throws Exception {
        Map<String, Affinity> found = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        try (AutodiscoverService service = new AutodiscoverService(url, ExchangeVersion.Exchange2010_SP2)) {
            service.setCredentials(domain == null ? new WebCredentials(username, password)
                    : new WebCredentials(username, password, domain));
            service.setTimeout(timeoutMillis);
            service.setTraceEnabled(false); // its traces would show request headers
            service.setEnableScpLookup(false);
            for (int from = 0; from < mailboxes.size(); from += USERS_PER_REQUEST) {
                List<String> batch = mailboxes.subList(from, Math.min(mailboxes.size(), from + USERS_PER_REQUEST));
                GetUserSettingsResponseCollection answers = service.getUsersSettings(batch,
                        UserSettingName.GroupingInformation, UserSettingName.ExternalEwsUrl);
                List<GetUserSettingsResponse> responses = answers.getResponses();
                for (int i = 0; i < batch.size(); i++) {
                    String mailbox = batch.get(i);
                    if (i >= responses.size()) {
                        // ews-java-api: "the response collection may not include all of the requested users if the request has been throttled"
                        failed.put(mailbox, "no answer for this mailbox (the request may have been throttled)");
                        continue;
                    }
                    place(mailbox, responses.get(i), found, failed);
                }
            }
        }
        return new Result(found, failed);
    }

    private static void place(String mailbox, GetUserSettingsResponse r, Map<String, Affinity> found,
            Map<String, String> failed) {
        if (r.getErrorCode() != AutodiscoverErrorCode.NoError) {
            failed.put(mailbox, r.getErrorCode() + (r.getErrorMessage() == null ? "" : " " + r.getErrorMessage()));
            return;
        }
        Object grouping = r.getSettings().get(UserSettingName.GroupingInformation);
        Object ews = r.getSettings().get(UserSettingName.ExternalEwsUrl);
        if (!(grouping instanceof String g) || !(ews instanceof String e) || e.isBlank()) {
            failed.put(mailbox, "Autodiscover answered no " + (grouping instanceof String ? "ExternalEwsUrl"
                    : "GroupingInformation") + " (Exchange 2013 SP1 or later answers both)");
            return;
        }
        URI ewsUrl;
        try {
            ewsUrl = new URI(e.trim());
        } catch (java.net.URISyntaxException ex) {
            failed.put(mailbox, "ExternalEwsUrl is not a URL: " + ex.getReason());
            return;
        }
        String scheme = ewsUrl.getScheme() == null ? "" : ewsUrl.getScheme().toLowerCase(Locale.ROOT);
        if (!ewsUrl.isAbsolute() || !(scheme.equals("https") || scheme.equals("http")) || ewsUrl.getRawUserInfo() != null
                || ewsUrl.getHost() == null) {
            failed.put(mailbox, "ExternalEwsUrl is not an absolute http or https URL");
            return;
        }
        found.put(mailbox, new Affinity(ewsUrl, g.trim()));
    }

    @Override
    public String toString() {
        return "Autodiscover " + url + " as " + username;
    }
}

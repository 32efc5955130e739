package org.tasksync.testkit.ews;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import microsoft.exchange.webservices.data.autodiscover.AutodiscoverService;
import microsoft.exchange.webservices.data.autodiscover.enumeration.AutodiscoverErrorCode;
import microsoft.exchange.webservices.data.autodiscover.enumeration.UserSettingName;
import microsoft.exchange.webservices.data.autodiscover.response.GetUserSettingsResponse;
import microsoft.exchange.webservices.data.autodiscover.response.GetUserSettingsResponseCollection;
import microsoft.exchange.webservices.data.core.enumeration.misc.ExchangeVersion;
import microsoft.exchange.webservices.data.credential.WebCredentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator's SOAP Autodiscover ({@code GetUserSettings}) as ews-java-api's
 * {@code AutodiscoverService} and a hand-written request see it: the affinity settings of registered
 * mailboxes, {@code InvalidUser}, {@code InvalidSetting}, the per-request user limit, authentication.
 */
class EwsSimulatorAutodiscoverTest {

    private EwsSimulator ews;

    @AfterEach
    void close() {
        if (ews != null) {
            ews.assertNoResponseErrors();
            ews.close();
        }
    }

    private AutodiscoverService client(String password) throws Exception {
        AutodiscoverService s = new AutodiscoverService(ews.autodiscoverUrl(), ExchangeVersion.Exchange2010_SP2);
        s.setCredentials(new WebCredentials(EwsClient.USER, password));
        s.setTraceEnabled(false);
        return s;
    }

    /** Two registered mailboxes on servers of different sites. */
    private List<String> twoSites() {
        List<String> out = new ArrayList<>();
        for (int i = 0; out.size() < 2; i++) {
            String m = "rep" + i + "@example.com";
            if (out.isEmpty() || !ews.site(out.get(0)).equals(ews.site(m))) {
                ews.registerMailbox(m);
                out.add(m);
            }
        }
        return out;
    }

    @Test
    void getUserSettingsAnswersEachMailboxsSiteAsGroupingInformationAndTheEwsUrlInOneRequest() throws Exception {
        ews = EwsSimulator.builder().basicAuth(EwsClient.USER, EwsClient.PASSWORD).mailboxServers(4).sites(2).start();
        List<String> users = twoSites();
        try (AutodiscoverService s = client(EwsClient.PASSWORD)) {
            GetUserSettingsResponseCollection all = s.getUsersSettings(users, UserSettingName.GroupingInformation,
                    UserSettingName.ExternalEwsUrl);
            assertThat(all.getErrorCode()).isEqualTo(AutodiscoverErrorCode.NoError);
            assertThat(all.getResponses()).hasSize(2);
            for (int i = 0; i < 2; i++) {
                GetUserSettingsResponse r = all.getResponses().get(i);
                assertThat(r.getErrorCode()).isEqualTo(AutodiscoverErrorCode.NoError);
                assertThat(r.getSettings().get(UserSettingName.GroupingInformation)).isEqualTo(ews.site(users.get(i)));
                assertThat(r.getSettings().get(UserSettingName.ExternalEwsUrl)).isEqualTo(ews.url().toString());
            }
            assertThat(all.getResponses().get(0).getSettings().get(UserSettingName.GroupingInformation))
                    .isNotEqualTo(all.getResponses().get(1).getSettings().get(UserSettingName.GroupingInformation));
        }
        assertThat(ews.traffic().count("GetUserSettings")).isEqualTo(1);
    }

    @Test
    void anUnknownUserAnswersInvalidUserAndTheOthersTheirSettings() throws Exception {
        ews = EwsSimulator.builder().basicAuth(EwsClient.USER, EwsClient.PASSWORD).start();
        ews.registerMailbox("anna@example.com");
        try (AutodiscoverService s = client(EwsClient.PASSWORD)) {
            GetUserSettingsResponseCollection all = s.getUsersSettings(List.of("nobody@example.com", "anna@example.com"),
                    UserSettingName.GroupingInformation, UserSettingName.ExternalEwsUrl);
            assertThat(all.getResponses().get(0).getErrorCode()).isEqualTo(AutodiscoverErrorCode.InvalidUser);
            assertThat(all.getResponses().get(0).getSettings()).isEmpty();
            assertThat(all.getResponses().get(1).getErrorCode()).isEqualTo(AutodiscoverErrorCode.NoError);
            assertThat(all.getResponses().get(1).getSettings()).containsKey(UserSettingName.GroupingInformation);
        }
    }

    @Test
    void aSettingTheSimulatorDoesNotServeIsAUserSettingErrorInvalidSetting() throws Exception {
        ews = EwsSimulator.builder().basicAuth(EwsClient.USER, EwsClient.PASSWORD).start();
        ews.registerMailbox("anna@example.com");
        try (AutodiscoverService s = client(EwsClient.PASSWORD)) {
            GetUserSettingsResponse r = s.getUsersSettings(List.of("anna@example.com"), UserSettingName.ExternalEwsUrl,
                    UserSettingName.MobileMailboxPolicy).getResponses().get(0);
            assertThat(r.getErrorCode()).isEqualTo(AutodiscoverErrorCode.NoError);
            assertThat(r.getSettings()).containsOnlyKeys(UserSettingName.ExternalEwsUrl);
            assertThat(r.getUserSettingErrors()).singleElement().satisfies(e -> {
                assertThat(e.getErrorCode()).isEqualTo(AutodiscoverErrorCode.InvalidSetting);
                assertThat(e.getSettingName()).isEqualTo("MobileMailboxPolicy");
            });
        }
    }

    @Test
    void moreThanOneHundredUsersInOneRequestAreRefusedAsAWhole() throws Exception {
        ews = EwsSimulator.builder().basicAuth(EwsClient.USER, EwsClient.PASSWORD).start();
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            users.add("rep" + i + "@example.com");
            ews.registerMailbox(users.get(i));
        }
        try (AutodiscoverService s = client(EwsClient.PASSWORD)) {
            assertThatThrownBy(() -> s.getUsersSettings(users, UserSettingName.GroupingInformation))
                    .hasMessageContaining("101 users");
            assertThat(s.getUsersSettings(users.subList(0, 100), UserSettingName.GroupingInformation).getResponses())
                    .hasSize(100);
        }
        String raw = post(request(users.subList(0, 101)), true).body();
        assertThat(raw).contains("<ErrorCode>InvalidRequest</ErrorCode>").doesNotContain("<UserResponse>");
    }

    @Test
    void withoutValidCredentialsAutodiscoverAnswers401() throws Exception {
        ews = EwsSimulator.builder().basicAuth(EwsClient.USER, EwsClient.PASSWORD).start();
        ews.registerMailbox("anna@example.com");
        assertThat(post(request(List.of("anna@example.com")), false).statusCode()).isEqualTo(401);
        try (AutodiscoverService s = client("wrong")) {
            assertThatThrownBy(() -> s.getUsersSettings(List.of("anna@example.com"), UserSettingName.ExternalEwsUrl))
                    .isInstanceOf(Exception.class);
        }
    }

    private static String request(List<String> users) {
        StringBuilder u = new StringBuilder();
        users.forEach(m -> u.append("<a:User><a:Mailbox>").append(m).append("</a:Mailbox></a:User>"));
        return """
                <?xml version="1.0" encoding="utf-8"?>
                <soap:Envelope xmlns:a="http://schemas.microsoft.com/exchange/2010/Autodiscover"
                    xmlns:wsa="http://www.w3.org/2005/08/addressing" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
                  <soap:Header>
                    <a:RequestedServerVersion>Exchange2010</a:RequestedServerVersion>
                    <wsa:Action>http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettings</wsa:Action>
                  </soap:Header>
                  <soap:Body><a:GetUserSettingsRequestMessage><a:Request><a:Users>%s</a:Users>
                    <a:RequestedSettings><a:Setting>GroupingInformation</a:Setting></a:RequestedSettings>
                  </a:Request></a:GetUserSettingsRequestMessage></soap:Body>
                </soap:Envelope>""".formatted(u).strip();
    }

    private HttpResponse<String> post(String envelope, boolean authenticated) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(ews.autodiscoverUrl())
                .header("Content-Type", "text/xml; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(envelope));
        if (authenticated) {
            b.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString((EwsClient.USER + ":" + EwsClient.PASSWORD).getBytes(UTF_8)));
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}

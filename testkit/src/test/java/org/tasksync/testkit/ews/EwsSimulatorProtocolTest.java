package org.tasksync.testkit.ews;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator at the HTTP and SOAP level, with hand-written requests. */
class EwsSimulatorProtocolTest {

    private static final String ENVELOPE = """
            <?xml version="1.0" encoding="utf-8"?>
            <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
                xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"
                xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
              <soap:Header>
                <t:RequestServerVersion Version="Exchange2010_SP2"/>
                <t:ExchangeImpersonation>
                  <t:ConnectingSID><t:PrimarySmtpAddress>rep@example.com</t:PrimarySmtpAddress></t:ConnectingSID>
                </t:ExchangeImpersonation>
              </soap:Header>
              <soap:Body>%s</soap:Body>
            </soap:Envelope>
            """;

    private static final String CREATE_TASK = """
            <m:CreateItem MessageDisposition="SaveOnly">
              <m:SavedItemFolderId><t:DistinguishedFolderId Id="tasks"/></m:SavedItemFolderId>
              <m:Items><t:Task><t:Subject>Raw</t:Subject><t:Status>%s</t:Status></t:Task></m:Items>
            </m:CreateItem>
            """;

    private final HttpClient http = HttpClient.newHttpClient();
    private EwsSimulator ews;

    @BeforeEach
    void start() {
        ews = EwsSimulator.builder().basicAuth(EwsClient.USER, EwsClient.PASSWORD).start();
    }

    @AfterEach
    void stop() {
        ews.close();
        ews.assertNoResponseErrors();
    }

    private HttpResponse<String> post(String body) throws Exception {
        String basic = Base64.getEncoder().encodeToString((EwsClient.USER + ":" + EwsClient.PASSWORD).getBytes(UTF_8));
        HttpRequest request = HttpRequest.newBuilder(ews.url())
                .header("Content-Type", "text/xml; charset=utf-8")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(ENVELOPE.formatted(body).strip()))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aValidRawRequestIsServed() throws Exception {
        HttpResponse<String> r = post(CREATE_TASK.formatted("Deferred"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/xml"));
        assertThat(r.body()).contains("ResponseClass=\"Success\"", "<m:ResponseCode>NoError</m:ResponseCode>",
                "ServerVersionInfo");
        assertThat(ews.outlook("rep@example.com").tasks()).singleElement()
                .satisfies(t -> assertThat(t.status()).isEqualTo("Deferred"));
        assertThat(ews.requestValidationErrors()).isEmpty();
    }

    @Test
    void anUnknownStatusFailsSchemaValidationLikeExchange() throws Exception {
        assumeTrue(ews.validatesSchema(), EwsSchema.NOT_FOUND);
        HttpResponse<String> r = post(CREATE_TASK.formatted("Postponed"));

        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("<faultcode", "ErrorSchemaValidation", "Postponed");
        assertThat(ews.requestValidationErrors()).singleElement().asString().contains("CreateItem", "Postponed");
        assertThat(ews.outlook("rep@example.com").tasks()).isEmpty();
    }

    @Test
    void appendsToTheBodyToListsAndToArrayProperties() throws Exception {
        OutlookTask task = ews.outlook("rep@example.com").create(e -> e.subject("Notes").body("first line")
                .categories(List.of("CRM")));
        String tags = "<t:ExtendedFieldURI PropertySetId=\"8f2b6c2e-5d0a-4d7b-9a77-3c1f0e6a9b41\" "
                + "PropertyName=\"Tags\" PropertyType=\"StringArray\"/>";
        HttpResponse<String> r = post("""
                <m:UpdateItem ConflictResolution="NeverOverwrite">
                  <m:ItemChanges><t:ItemChange>
                    <t:ItemId Id="%s" ChangeKey="%s"/>
                    <t:Updates>
                      <t:AppendToItemField><t:FieldURI FieldURI="item:Body"/>
                        <t:Task><t:Body BodyType="Text">, second line</t:Body></t:Task></t:AppendToItemField>
                      <t:AppendToItemField><t:FieldURI FieldURI="item:Categories"/>
                        <t:Task><t:Categories><t:String>Follow-up</t:String></t:Categories></t:Task></t:AppendToItemField>
                      <t:AppendToItemField>%s
                        <t:Item><t:ExtendedProperty>%s<t:Values><t:Value>a</t:Value><t:Value>b</t:Value></t:Values>
                        </t:ExtendedProperty></t:Item></t:AppendToItemField>
                      <t:SetItemField><t:FieldURI FieldURI="item:Importance"/>
                        <t:Item><t:Importance>High</t:Importance></t:Item></t:SetItemField>
                    </t:Updates>
                  </t:ItemChange></m:ItemChanges>
                </m:UpdateItem>
                """.formatted(task.itemId(), task.changeKey(), tags, tags));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("ResponseClass=\"Success\"").contains("<t:Count>0</t:Count>");
        OutlookTask after = ews.outlook("rep@example.com").task(task.itemId()).orElseThrow();
        assertThat(after.body()).isEqualTo("first line, second line");
        assertThat(after.categories()).containsExactly("CRM", "Follow-up");
        assertThat(after.extended(ExtendedPropertyKey.named(EwsTaskProperties.TASKSYNC_SET, "Tags"))).contains("a\nb");
        assertThat(after.importance()).isEqualTo("High");
        assertThat(after.changeKey()).isNotEqualTo(task.changeKey());
    }

    @Test
    void aReadOnlyFieldCannotBeSet() throws Exception {
        OutlookTask task = ews.outlook("rep@example.com").create(e -> e.subject("Notes"));
        HttpResponse<String> r = post("""
                <m:UpdateItem ConflictResolution="AlwaysOverwrite">
                  <m:ItemChanges><t:ItemChange>
                    <t:ItemId Id="%s"/>
                    <t:Updates>
                      <t:SetItemField><t:FieldURI FieldURI="task:IsComplete"/>
                        <t:Task><t:IsComplete>true</t:IsComplete></t:Task></t:SetItemField>
                    </t:Updates>
                  </t:ItemChange></m:ItemChanges>
                </m:UpdateItem>
                """.formatted(task.itemId()));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("ResponseClass=\"Error\"", "ErrorInvalidPropertySet", "task:IsComplete");
        assertThat(ews.outlook("rep@example.com").task(task.itemId()).orElseThrow().changeKey())
                .isEqualTo(task.changeKey());
    }

    @Test
    void withoutTheSchemaItStillRefusesAnUnknownStatus() throws Exception {
        ews.close();
        ews = EwsSimulator.builder().basicAuth(EwsClient.USER, EwsClient.PASSWORD).schemaValidation(false).start();
        assertThat(ews.validatesSchema()).isFalse();

        HttpResponse<String> r = post(CREATE_TASK.formatted("Postponed"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("ResponseClass=\"Error\"", "ErrorInvalidValueForProperty", "Postponed");
        assertThat(ews.outlook("rep@example.com").tasks()).isEmpty();
    }

    @Test
    void moreThan512ChangesPerSyncPageFailSchemaValidation() throws Exception {
        assumeTrue(ews.validatesSchema(), EwsSchema.NOT_FOUND);
        HttpResponse<String> r = post("""
                <m:SyncFolderItems>
                  <m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>
                  <m:SyncFolderId><t:DistinguishedFolderId Id="tasks"/></m:SyncFolderId>
                  <m:MaxChangesReturned>513</m:MaxChangesReturned>
                </m:SyncFolderItems>
                """);

        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("ErrorSchemaValidation", "513");
    }

    @Test
    void aBodyThatIsNotSoapIsRejected() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(ews.url())
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (EwsClient.USER + ":" + EwsClient.PASSWORD).getBytes(UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("{\"not\": \"xml\"}"))
                .build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("ErrorSchemaValidation");
        assertThat(ews.requestValidationErrors()).hasSize(1);
    }

    @Test
    void anOperationItDoesNotImplementIsAnsweredWithAFault() throws Exception {
        HttpResponse<String> r = post("""
                <m:ResolveNames ReturnFullContactData="false">
                  <m:UnresolvedEntry>rita</m:UnresolvedEntry>
                </m:ResolveNames>
                """);

        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("ErrorInvalidRequest", "ResolveNames");
        assertThat(ews.requestValidationErrors()).as("the request itself was valid").isEmpty();
    }

    @Test
    void missingCredentialsGetABasicChallenge() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(ews.url())
                .POST(HttpRequest.BodyPublishers.ofString(ENVELOPE.formatted(CREATE_TASK.formatted("Completed"))))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        assertThat(ews.traffic().unauthorized()).isEqualTo(1);
        assertThat(ews.outlook("rep@example.com").tasks()).isEmpty();
    }

    @Test
    void onlyPostsToTheEwsPathAreServed() throws Exception {
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(ews.url()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> elsewhere = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ews.port()
                + "/owa/")).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(elsewhere.statusCode()).isEqualTo(404);
    }
}

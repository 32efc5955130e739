package org.tasksync.testkit.ews;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Hand-written SOAP requests to a simulator, with or without a {@code TimeZoneContext} header. */
final class RawEws {

    static final String MAILBOX = "rep@example.com";

    private static final String ENVELOPE = """
            <?xml version="1.0" encoding="utf-8"?>
            <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
                xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"
                xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
              <soap:Header>
                <t:RequestServerVersion Version="Exchange2010_SP2"/>
                <t:ExchangeImpersonation>
                  <t:ConnectingSID><t:PrimarySmtpAddress>%s</t:PrimarySmtpAddress></t:ConnectingSID>
                </t:ExchangeImpersonation>
                %s
              </soap:Header>
              <soap:Body>%s</soap:Body>
            </soap:Envelope>
            """;

    private final HttpClient http = HttpClient.newHttpClient();
    private final EwsSimulator ews;

    RawEws(EwsSimulator ews) {
        this.ews = ews;
    }

    /** The TimeZoneContext header naming a Windows time zone id. */
    static String timeZoneContext(String windowsId) {
        return "<t:TimeZoneContext><t:TimeZoneDefinition Id=\"" + windowsId + "\"/></t:TimeZoneContext>";
    }

    HttpResponse<String> post(String header, String body) throws Exception {
        String basic = Base64.getEncoder().encodeToString((EwsClient.USER + ":" + EwsClient.PASSWORD).getBytes(UTF_8));
        HttpRequest request = HttpRequest.newBuilder(ews.url())
                .header("Content-Type", "text/xml; charset=utf-8")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(ENVELOPE.formatted(MAILBOX, header, body).strip()))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Creates one task with these {@code t:Task} children; returns its item id. */
    String create(String header, String taskXml) throws Exception {
        HttpResponse<String> r = post(header, """
                <m:CreateItem MessageDisposition="SaveOnly">
                  <m:SavedItemFolderId><t:DistinguishedFolderId Id="tasks"/></m:SavedItemFolderId>
                  <m:Items><t:Task>%s</t:Task></m:Items>
                </m:CreateItem>""".formatted(taskXml));
        List<String> ids = all(r.body(), "<t:ItemId[^>]*\\sId=\"([^\"]+)\"");
        if (r.statusCode() != 200 || ids.size() != 1) {
            throw new AssertionError("CreateItem failed: " + r.body());
        }
        return ids.get(0);
    }

    /** GetItem of one task with these additional properties (XML of paths). */
    String get(String header, String itemId, String additionalProperties) throws Exception {
        HttpResponse<String> r = post(header, """
                <m:GetItem>
                  <m:ItemShape><t:BaseShape>IdOnly</t:BaseShape>
                    <t:AdditionalProperties>%s</t:AdditionalProperties></m:ItemShape>
                  <m:ItemIds><t:ItemId Id="%s"/></m:ItemIds>
                </m:GetItem>""".formatted(additionalProperties, itemId));
        if (r.statusCode() != 200) {
            throw new AssertionError("GetItem failed: " + r.body());
        }
        return r.body();
    }

    /** The text of the first element with this qualified name, or null. */
    static String text(String xml, String element) {
        List<String> all = all(xml, "<" + Pattern.quote(element) + ">([^<]*)</" + Pattern.quote(element) + ">");
        return all.isEmpty() ? null : all.get(0);
    }

    static List<String> all(String xml, String regex) {
        Matcher m = Pattern.compile(regex).matcher(xml);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}

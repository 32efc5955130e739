package org.tasksync.adapter.ews;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tasksync.core.model.ExchangeStatus;
import org.tasksync.core.model.ExchangeTask;
import org.tasksync.core.model.Importance;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.model.TaskValues;
import org.tasksync.core.spi.ChangePage;
import org.tasksync.core.spi.KnownVersions;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.NewExchangeTask;
import org.tasksync.testkit.ews.EwsSimulator;

/**
 * Texts come back from Exchange exactly as the adapter wrote them, through ews-java-api's reading of
 * GetItem and FindItem answers: blanks between escaped characters, leading and trailing blanks, line
 * feeds, tabs and blanks only included. A text read back differently would look to the engine like an
 * Outlook edit nobody made. (A carriage return is lost on the way in, by XML's end-of-line handling:
 * docs/ews-adapter.md, "Texts read back exactly".)
 */
class EwsTextFidelityTest {

    private static final String REP = "tess.text@example.com";
    private static final Mailbox MAILBOX = new Mailbox(REP, "Tess Text", ZoneId.of("Europe/Berlin"));

    @RegisterExtension
    final SimulatedExchange.PerTest exchange = SimulatedExchange.perTest(REP);
    private final EwsSimulator ews = exchange.ews();

    @ParameterizedTest
    @ValueSource(strings = {
            "Quote <v2> & \"x\"",
            "a <b> & c",
            "x &amp; y",
            "\"q\" ' <",
            "  leading and trailing  ",
            "<> & <>",
            "a &  & b",
            "< >",
            "line one\nline two\n",
            "tab\tbetween & \t<after>",
            " & ",
            " ",
            "   ",
            "\t",
    })
    void aTextReadsBackAsWritten(String text) throws Exception {
        EwsExchangeAdapter adapter = EwsExchangeAdapter.create(SimulatedExchange.config(ews)
                .extendedField("Region").build());
        TaskValues written = TaskValues.builder().subject(text).body(text).owner(text).createdBy(text)
                .status(ExchangeStatus.NOT_STARTED).importance(Importance.NORMAL).percentComplete(0)
                .dueDate(LocalDate.of(2026, 6, 1)).extended("Region", text).build();
        // a tab or line break in an attribute (FindItem's restriction) reaches the server as a blank:
        // docs/ews-adapter.md, "Texts read back exactly"
        String crmId = "T:" + text.replace('\t', '_').replace('\n', '_');
        try (MailboxConnection c = adapter.connect(MAILBOX)) {
            c.create(List.of(new NewExchangeTask(crmId, written)));

            List<ExchangeTask> read = new ArrayList<>();
            String cursor = null;
            ChangePage page;
            do {
                page = c.changes(cursor, KnownVersions.NONE);
                read.addAll(page.changed());
                cursor = page.next();
            } while (page.hasMore());

            assertThat(read).hasSize(1);
            TaskValues back = read.get(0).values();
            assertThat(back.subject()).as("Subject").isEqualTo(text);
            assertThat(back.body()).as("Body").isEqualTo(text);
            assertThat(back.owner()).as("Owner").isEqualTo(text);
            assertThat(back.createdBy()).as("CreatedBy").isEqualTo(text);
            assertThat(back.extended()).as("the extended field Region").containsEntry("Region", text);
            assertThat(read.get(0).crmId()).as("the CRM id").isEqualTo(crmId);

            List<ExchangeTask> found = c.findByCrmIds(Set.of(crmId));
            assertThat(found).as("the task found by its CRM id (FindItem, then GetItem)").hasSize(1);
            assertThat(found.get(0).values().subject()).isEqualTo(text);
        }
    }

    /**
     * The simulator sends the blank between two escaped characters (so the loss was the client's):
     * its bytes for the subject of {@code Quote <v2> & "x"}, asked for with a hand-written GetItem.
     */
    @Test
    void theSimulatorSendsTheBlankBetweenTwoEscapedCharacters() throws Exception {
        String text = "Quote <v2> & \"x\"";
        String itemId;
        try (MailboxConnection c = EwsExchangeAdapter.create(SimulatedExchange.config(ews).build()).connect(MAILBOX)) {
            itemId = c.create(List.of(new NewExchangeTask("T:raw", TaskValues.builder().subject(text)
                    .status(ExchangeStatus.NOT_STARTED).importance(Importance.NORMAL).percentComplete(0)
                    .build()))).get(0).itemId();
        }
        String envelope = """
                <?xml version="1.0" encoding="utf-8"?>
                <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
                    xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"
                    xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
                  <soap:Header>
                    <t:RequestServerVersion Version="Exchange2010_SP2"/>
                    <t:ExchangeImpersonation>
                      <t:ConnectingSID><t:PrimarySmtpAddress>%s</t:PrimarySmtpAddress></t:ConnectingSID>
                    </t:ExchangeImpersonation>
                  </soap:Header>
                  <soap:Body><m:GetItem>
                    <m:ItemShape><t:BaseShape>IdOnly</t:BaseShape>
                      <t:AdditionalProperties><t:FieldURI FieldURI="item:Subject"/></t:AdditionalProperties></m:ItemShape>
                    <m:ItemIds><t:ItemId Id="%s"/></m:ItemIds>
                  </m:GetItem></soap:Body>
                </soap:Envelope>""".formatted(REP, itemId);
        String basic = Base64.getEncoder().encodeToString((SimulatedExchange.USER + ":" + SimulatedExchange.PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(ews.url())
                .header("Content-Type", "text/xml; charset=utf-8").header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString(envelope)).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(r.statusCode()).isEqualTo(200);
        String body = new String(r.body(), StandardCharsets.UTF_8);
        Matcher subject = Pattern.compile("<t:Subject>([^<]*)</t:Subject>").matcher(body);
        assertThat(subject.find()).as("a Subject in %s", body).isTrue();
        assertThat(subject.group(1)).as("the subject's bytes").matches("Quote &lt;v2(&gt;|>) &amp; (\"|&quot;)x(\"|&quot;)");
    }
}

package org.tasksync.adapter.ews.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tasksync.core.spi.ItemRef;

/**
 * The reader of GetStreamingEvents bodies on envelopes written as Microsoft's pages and schema show
 * them, whatever the prefixes: the operation page's example has {@code m:Notification}, the schema
 * {@code t:Notification}; ews-java-api reads {@code ErrorSubscriptionIds}' children as {@code m:},
 * the schema has {@code t:}.
 */
class StreamingMessagesTest {

    private static final String NS = "xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
            + "xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\" "
            + "xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\"";

    private static String envelope(String message) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?><s:Envelope " + NS + "><s:Body><m:GetStreamingEventsResponse>"
                + "<m:ResponseMessages>" + message + "</m:ResponseMessages></m:GetStreamingEventsResponse></s:Body>"
                + "</s:Envelope>";
    }

    private static final String EVENTS = envelope("<m:GetStreamingEventsResponseMessage ResponseClass=\"Success\">"
            + "<m:ResponseCode>NoError</m:ResponseCode><m:Notifications><%1$s:Notification>"
            + "<t:SubscriptionId>sub-1</t:SubscriptionId>"
            + "<t:ModifiedEvent><t:TimeStamp>2026-12-06T10:00:00Z</t:TimeStamp><t:ItemId Id=\"item-1\" ChangeKey=\"ck-1\"/>"
            + "<t:ParentFolderId Id=\"f\"/></t:ModifiedEvent>"
            + "<t:MovedEvent><t:TimeStamp>2026-12-06T10:00:00Z</t:TimeStamp><t:ItemId Id=\"item-2\" ChangeKey=\"ck-2\"/>"
            + "<t:ParentFolderId Id=\"g\"/><t:OldItemId Id=\"item-old\"/><t:OldParentFolderId Id=\"f\"/></t:MovedEvent>"
            + "</%1$s:Notification></m:Notifications><m:ConnectionStatus>OK</m:ConnectionStatus>"
            + "</m:GetStreamingEventsResponseMessage>");

    @Test
    void notificationsAreReadWithEitherPrefixWithTheItemsAndChangeKeysTheyName() throws IOException {
        for (String prefix : List.of("t", "m")) {
            List<StreamingMessages.Message> messages = StreamingMessages.parse(EVENTS.formatted(prefix).getBytes(UTF_8));
            assertThat(messages).hasSize(1);
            StreamingMessages.Notification n = messages.get(0).notifications().get(0);
            assertThat(n.subscriptionId()).isEqualTo("sub-1");
            assertThat(n.statusOnly()).isFalse();
            assertThat(n.items()).containsExactly(new ItemRef("item-1", "ck-1"), new ItemRef("item-2", "ck-2"),
                    new ItemRef("item-old", null));
            assertThat(messages.get(0).connectionStatus()).isEqualTo("OK");
        }
    }

    @Test
    void errorSubscriptionIdsAreReadWithEitherPrefix() throws IOException {
        for (String prefix : List.of("t", "m")) {
            byte[] xml = envelope("<m:GetStreamingEventsResponseMessage ResponseClass=\"Error\"><m:MessageText>gone"
                    + "</m:MessageText><m:ResponseCode>ErrorSubscriptionNotFound</m:ResponseCode><m:DescriptiveLinkKey>0"
                    + "</m:DescriptiveLinkKey><m:ErrorSubscriptionIds><" + prefix + ":SubscriptionId>sub-9</" + prefix
                    + ":SubscriptionId></m:ErrorSubscriptionIds><m:ConnectionStatus>Closed</m:ConnectionStatus>"
                    + "</m:GetStreamingEventsResponseMessage>").getBytes(UTF_8);
            StreamingMessages.Message m = StreamingMessages.parse(xml).get(0);
            assertThat(m.error()).isTrue();
            assertThat(m.responseCode()).isEqualTo("ErrorSubscriptionNotFound");
            assertThat(m.errorSubscriptionIds()).containsExactly("sub-9");
            assertThat(m.connectionStatus()).isEqualTo("Closed");
        }
    }

    @Test
    void aSoapFaultIsAnErrorWithItsResponseCode() throws IOException {
        byte[] xml = ("<s:Envelope " + NS + "><s:Body><s:Fault><faultcode xmlns:a=\"x\">a:ErrorSchemaValidation"
                + "</faultcode><faultstring>bad</faultstring><detail><e:ResponseCode xmlns:e=\"urn:e\">"
                + "ErrorSchemaValidation</e:ResponseCode></detail></s:Fault></s:Body></s:Envelope>").getBytes(UTF_8);
        StreamingMessages.Message m = StreamingMessages.parse(xml).get(0);
        assertThat(m.error()).isTrue();
        assertThat(m.responseCode()).isEqualTo("ErrorSchemaValidation");
    }

    @Test
    void theSplitterYieldsEachEnvelopeAndRefusesABodyThatEndsInsideOne() throws IOException {
        String one = EVENTS.formatted("t");
        byte[] body = (one + "\r\n" + one + one.substring(0, one.length() / 2)).getBytes(UTF_8);
        StreamingMessages.Splitter s = new StreamingMessages.Splitter(new ByteArrayInputStream(body));
        assertThat(new String(s.next().orElseThrow(), UTF_8)).isEqualTo(one);
        assertThat(new String(s.next().orElseThrow(), UTF_8).strip()).isEqualTo(one);
        assertThatThrownBy(s::next).isInstanceOf(IOException.class).hasMessageContaining("inside an envelope");
    }

    @Test
    void aDoctypeIsRefused() {
        byte[] xml = "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>".getBytes(UTF_8);
        assertThatThrownBy(() -> StreamingMessages.parse(xml)).isInstanceOf(IOException.class);
    }
}

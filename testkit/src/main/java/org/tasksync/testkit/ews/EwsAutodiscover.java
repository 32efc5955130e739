package org.tasksync.testkit.ews;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.SAXException;

/**
 * The EWS simulator's SOAP Autodiscover endpoint: {@code GetUserSettings} answering the settings a
 * client needs to group mailboxes by affinity ({@code GroupingInformation}, {@code ExternalEwsUrl})
 * and a few plain ones. The rules and their Microsoft sources are in docs/conformance.md
 * ("EWS Autodiscover").
 */
final class EwsAutodiscover {

    /** The path of the SOAP Autodiscover endpoint. */
    static final String PATH = "/autodiscover/autodiscover.svc";
    static final String NS = "http://schemas.microsoft.com/exchange/2010/Autodiscover";
    static final String WSA = "http://www.w3.org/2005/08/addressing";
    static final String ACTION = "http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettings";
    /**
     * Users one request may name. Microsoft's pages state no limit; the simulator takes the
     * stricter side (docs/conformance.md).
     */
    static final int MAX_USERS = 100;

    /** What the simulator knows of a registered mailbox. */
    record Mailbox(String address, String server, String site) {
    }

    /** The settings the simulator serves, by name. */
    private static final Set<String> SERVED = Set.of("GroupingInformation", "ExternalEwsUrl", "InternalEwsUrl",
            "UserDisplayName", "InternalMailboxServer");

    private final URI ewsUrl;
    private final Function<String, Optional<Mailbox>> mailboxes;

    EwsAutodiscover(URI ewsUrl, Function<String, Optional<Mailbox>> mailboxes) {
        this.ewsUrl = ewsUrl;
        this.mailboxes = mailboxes;
    }

    /** The answer: HTTP status and body. */
    record Answer(int status, byte[] body) {
    }

    Answer answer(byte[] request) {
        Document doc;
        try {
            doc = Xml.parse(request);
        } catch (SAXException e) {
            return fault("the request is not well-formed XML: " + e.getMessage());
        }
        Element envelope = doc.getDocumentElement();
        Element body = Xml.is(envelope, Xml.SOAP, "Envelope") ? Xml.child(envelope, Xml.SOAP, "Body").orElse(null) : null;
        Element message = body == null ? null : Xml.firstChild(body).orElse(null);
        if (message == null || !Xml.is(message, NS, "GetUserSettingsRequestMessage")) {
            return fault("the SOAP Body must hold a GetUserSettingsRequestMessage of " + NS
                    + " (the only Autodiscover operation simulated)");
        }
        Element req = Xml.child(message, NS, "Request").orElse(null);
        List<String> users = new ArrayList<>();
        List<String> settings = new ArrayList<>();
        if (req != null) {
            Xml.child(req, NS, "Users").ifPresent(us -> Xml.children(us, NS, "User").forEach(
                    u -> users.add(Xml.childText(u, NS, "Mailbox").map(String::trim).orElse(""))));
            Xml.child(req, NS, "RequestedSettings").ifPresent(rs -> Xml.children(rs, NS, "Setting").forEach(
                    s -> settings.add(s.getTextContent().trim())));
        }
        StringBuilder out = new StringBuilder(512 + users.size() * 600);
        out.append("<?xml version=\"1.0\" encoding=\"utf-8\"?><s:Envelope xmlns:s=\"").append(Xml.SOAP)
                .append("\" xmlns:a=\"").append(WSA).append("\"><s:Header><a:Action s:mustUnderstand=\"1\">")
                .append(ACTION).append("Response</a:Action></s:Header><s:Body><GetUserSettingsResponseMessage xmlns=\"")
                .append(NS).append("\"><Response xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\">");
        String invalid = users.isEmpty() ? "The request names no user."
                : settings.isEmpty() ? "The request names no setting."
                : users.size() > MAX_USERS ? "The request names " + users.size() + " users; at most " + MAX_USERS
                        + " are served per request." : null;
        if (invalid != null) {
            out.append("<ErrorCode>InvalidRequest</ErrorCode><ErrorMessage>").append(escape(invalid))
                    .append("</ErrorMessage><UserResponses/>");
        } else {
            out.append("<ErrorCode>NoError</ErrorCode><ErrorMessage/><UserResponses>");
            for (String user : users) {
                userResponse(out, user, settings);
            }
            out.append("</UserResponses>");
        }
        out.append("</Response></GetUserSettingsResponseMessage></s:Body></s:Envelope>");
        return new Answer(200, out.toString().getBytes(UTF_8));
    }

    private void userResponse(StringBuilder out, String user, List<String> settings) {
        out.append("<UserResponse>");
        Optional<Mailbox> mb = user.isEmpty() ? Optional.empty() : mailboxes.apply(user);
        if (mb.isEmpty()) {
            out.append("<ErrorCode>InvalidUser</ErrorCode><ErrorMessage>").append(escape("Invalid user: '" + user + "'"))
                    .append("</ErrorMessage><RedirectTarget i:nil=\"true\"/><UserSettingErrors/><UserSettings/>");
            out.append("</UserResponse>");
            return;
        }
        Mailbox m = mb.get();
        out.append("<ErrorCode>NoError</ErrorCode><ErrorMessage>No error.</ErrorMessage>")
                .append("<RedirectTarget i:nil=\"true\"/><UserSettingErrors>");
        for (String s : settings) {
            if (!SERVED.contains(s)) {
                out.append("<UserSettingError><ErrorCode>InvalidSetting</ErrorCode><ErrorMessage>")
                        .append(escape("The requested setting is invalid or not served by the simulator."))
                        .append("</ErrorMessage><SettingName>").append(escape(s)).append("</SettingName></UserSettingError>");
            }
        }
        out.append("</UserSettingErrors><UserSettings>");
        for (String s : settings) {
            String value = switch (s) {
                case "GroupingInformation" -> m.site();
                case "ExternalEwsUrl", "InternalEwsUrl" -> ewsUrl.toString();
                case "UserDisplayName" -> m.address();
                case "InternalMailboxServer" -> m.server();
                default -> null;
            };
            if (value != null) {
                out.append("<UserSetting i:type=\"StringSetting\"><Name>").append(s).append("</Name><Value>")
                        .append(escape(value)).append("</Value></UserSetting>");
            }
        }
        out.append("</UserSettings></UserResponse>");
    }

    /** A request that is not a GetUserSettings SOAP request: a SOAP fault, as WCF answers one it cannot dispatch. */
    private static Answer fault(String why) {
        String xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><s:Envelope xmlns:s=\"" + Xml.SOAP
                + "\"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>" + escape(why)
                + "</faultstring></s:Fault></s:Body></s:Envelope>";
        return new Answer(500, xml.getBytes(UTF_8));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

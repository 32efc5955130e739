package org.tasksync.adapter.graph.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HtmlTextTest {

    @Test
    void anyTextSurvivesTheRoundTrip() {
        List<String> samples = List.of("", "plain", "a & b < c > d \"e\" 'f'", "line\nline", "crlf\r\nend\r",
                "&amp; stays &amp;", "<br> typed by hand", "  spaces  \t tabs ", "\n\nleading and trailing\n\n",
                "emoji 😀 and ümlauts", "&#13; literally", "<p>para</p>");
        for (String s : samples) {
            assertThat(HtmlText.toText(HtmlText.toHtml(s))).as("round trip of %s", s).isEqualTo(s);
        }
        Random r = new Random(42);
        String alphabet = "ab <>&\"'\r\n\t;#x1;&amp;<br>😀";
        for (int i = 0; i < 2000; i++) {
            StringBuilder b = new StringBuilder();
            for (int n = r.nextInt(30); n > 0; n--) {
                b.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, r.nextInt(alphabet.codePointCount(0, alphabet.length())))));
            }
            String s = b.toString();
            assertThat(HtmlText.toText(HtmlText.toHtml(s))).as("round trip of %s", s).isEqualTo(s);
        }
    }

    @Test
    void theHtmlShowsTheTextAndRunsNothing() {
        assertThat(HtmlText.toHtml("<script>x</script>\n\"q\"")).isEqualTo("&lt;script&gt;x&lt;/script&gt;<br>&quot;q&quot;");
    }

    @Test
    void htmlWrittenByToDoReadsAsWhatTheUserSees() {
        String html = "<html>\r\n<head>\r\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\r\n"
                + "<style>p {margin:0}</style></head>\r\n<body>\r\n<div>Call back&nbsp;<b>today</b></div>\r\n"
                + "<div>Price: 5 &gt; 3 &#8364;</div>\r\n</body>\r\n</html>";
        assertThat(HtmlText.toText(html)).isEqualTo("Call back today\nPrice: 5 > 3 €");
    }
}

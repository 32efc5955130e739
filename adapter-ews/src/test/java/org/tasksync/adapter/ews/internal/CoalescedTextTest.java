package org.tasksync.adapter.ews.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import javax.xml.stream.XMLEventReader;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.events.XMLEvent;
import org.junit.jupiter.api.Test;

/**
 * The coalescing StAX factory is what {@code XMLInputFactory.newInstance()} gives, as ews-java-api calls
 * it, only on the thread running a request and only while it runs.
 */
class CoalescedTextTest {

    private static final String ANSWER = "<a><b>Quote &lt;v2&gt; &amp; \"x\"</b><c> </c>\n<d>\n</d></a>";

    /** The texts ews-java-api would keep: it skips every text event that is white space. */
    private static List<String> kept(XMLInputFactory f) throws Exception {
        XMLEventReader r = f.createXMLEventReader(new ByteArrayInputStream(ANSWER.getBytes(StandardCharsets.UTF_8)));
        List<String> out = new ArrayList<>();
        while (r.hasNext()) {
            XMLEvent e = r.nextEvent();
            if (e.isCharacters() && !e.asCharacters().isWhiteSpace() && !e.asCharacters().isIgnorableWhiteSpace()) {
                out.add(e.asCharacters().getData());
            }
        }
        return out;
    }

    @Test
    void duringARequestTheFactoryKeepsEveryValueWholeAndOnlyBlanksBetweenElementsAreWhiteSpace() throws Exception {
        List<String> texts = CoalescedText.read(() -> kept(XMLInputFactory.newInstance()));

        assertThat(texts).containsExactly("Quote <v2> & \"x\"", " ", "\n");
    }

    @Test
    void outsideARequestTheJvmsFactoryIsUnchanged() throws Exception {
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        CoalescedText.read(() -> null);

        assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);
        assertThat(XMLInputFactory.newInstance()).isNotInstanceOf(CoalescingXmlInputFactory.class);
        assertThat(kept(XMLInputFactory.newInstance())).as("the JDK's reader splits at entity references")
                .doesNotContain("Quote <v2> & \"x\"");
    }

    @Test
    void aFailedRequestPutsTheThreadsLoaderBack() {
        ClassLoader before = Thread.currentThread().getContextClassLoader();

        assertThatThrownBy(() -> CoalescedText.read(() -> {
            throw new IllegalStateException("the request failed");
        })).hasMessage("the request failed");
        assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);
    }

    @Test
    void anotherThreadMeanwhileGetsTheFactoryItHadBefore() throws Exception {
        CountDownLatch inRequest = new CountDownLatch(1);
        CountDownLatch looked = new CountDownLatch(1);
        AtomicReference<XMLInputFactory> other = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                inRequest.await();
                other.set(XMLInputFactory.newInstance());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                looked.countDown();
            }
        });
        t.start();
        XMLInputFactory mine = CoalescedText.read(() -> {
            inRequest.countDown();
            looked.await();
            return XMLInputFactory.newInstance();
        });
        t.join();

        assertThat(mine).isInstanceOf(CoalescingXmlInputFactory.class);
        assertThat(other.get()).isNotNull().isNotInstanceOf(CoalescingXmlInputFactory.class);
    }

    @Test
    void aThreadWithoutAContextLoaderOrWithOneThatCannotSeeTheAdapterGetsItToo() throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        try (URLClassLoader bare = new URLClassLoader(new URL[0], null)) {
            for (ClassLoader context : new ClassLoader[] {null, bare}) {
                thread.setContextClassLoader(context);
                XMLInputFactory f = CoalescedText.read(XMLInputFactory::newInstance);
                assertThat(f).isInstanceOf(CoalescingXmlInputFactory.class);
                assertThat(thread.getContextClassLoader()).isSameAs(context);
            }
        } finally {
            thread.setContextClassLoader(before);
        }
    }
}

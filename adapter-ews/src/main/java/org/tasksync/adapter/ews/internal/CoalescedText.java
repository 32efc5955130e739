package org.tasksync.adapter.ews.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import org.slf4j.LoggerFactory;

/**
 * Runs an ews-java-api request so that its answer is read with {@link CoalescingXmlInputFactory}, for
 * this thread and this request only.
 *
 * <p>ews-java-api makes its reader with {@link XMLInputFactory#newInstance()} for every answer and has no
 * per-service hook, and its GetItem and FindItem requests are final. {@code newInstance()} asks the
 * system property {@code javax.xml.stream.XMLInputFactory} and the JDK's {@code stax.properties} first,
 * then {@link java.util.ServiceLoader} through the thread's context class loader (the
 * {@code XMLInputFactory.newFactory} API documentation, "lookup procedure"). During the request the
 * context loader is one that names this adapter's factory as the provider and otherwise delegates to the
 * loader that was there, so nothing else in the JVM sees a different factory. A host that sets that
 * system property or {@code stax.properties} takes the lookup before the service loader: then its
 * factory is used, coalescing or not (docs/ews-adapter.md, "Texts read back exactly").
 */
final class CoalescedText {

    static final String SERVICE = "META-INF/services/" + XMLInputFactory.class.getName();
    /** The provider configuration, in memory: the service loader reads it at every lookup. */
    private static final URL PROVIDER = inMemory(CoalescingXmlInputFactory.class.getName() + "\n");

    static {
        String chosen = System.getProperty(XMLInputFactory.class.getName());
        if (chosen != null) {
            LoggerFactory.getLogger(CoalescedText.class).warn("the system property {} = {} chooses the StAX"
                    + " reader of ews-java-api: unless it coalesces text, blanks between escaped characters"
                    + " in texts read from Exchange are lost (docs/ews-adapter.md, \"Texts read back exactly\")",
                    XMLInputFactory.class.getName(), chosen);
        }
    }

    private CoalescedText() {
    }

    private static URL inMemory(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try {
            return new URL(null, "tasksync-stax:provider", new URLStreamHandler() {
                @Override
                protected URLConnection openConnection(URL u) {
                    return new URLConnection(u) {
                        @Override
                        public void connect() {
                        }

                        @Override
                        public InputStream getInputStream() {
                            return new ByteArrayInputStream(bytes);
                        }
                    };
                }
            });
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What {@link #read} runs. */
    interface Read<T> {
        T send() throws Exception;
    }

    /** Runs {@code request} with this adapter's coalescing factory as the thread's StAX input factory. */
    static <T> T read(Read<T> request) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(loaderOver(before));
        try {
            return request.send();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /**
     * The provider loader over {@code parent}: the last one made when its parent is the same (one per
     * request would cost about as much again as the lookup itself). Only the last is kept, so a context
     * loader the host has dropped is held by at most this one reference until the next request.
     */
    private static ClassLoader loaderOver(ClassLoader parent) {
        ClassLoader wanted = parent == null ? CoalescedText.class.getClassLoader() : parent;
        ProviderLoader l = last;
        if (l == null || l.getParent() != wanted) {
            l = new ProviderLoader(wanted);
            last = l;
        }
        return l;
    }

    private static volatile ProviderLoader last;

    /** The loader that was there, except that it names the coalescing factory as the StAX input provider. */
    private static final class ProviderLoader extends ClassLoader {

        static {
            registerAsParallelCapable();
        }

        ProviderLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            // the context loader of a host may not see this adapter's classes
            return name.equals(CoalescingXmlInputFactory.class.getName()) ? CoalescingXmlInputFactory.class
                    : super.loadClass(name, resolve);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return SERVICE.equals(name) ? Collections.enumeration(List.of(PROVIDER)) : super.getResources(name);
        }

        @Override
        public URL getResource(String name) {
            return SERVICE.equals(name) ? PROVIDER : super.getResource(name);
        }
    }
}

package org.tasksync.reliability;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J backend of this module's tests (found through {@code META-INF/services}): every logger is
 * on at DEBUG, and each event is turned into the text a real backend would print (level, logger,
 * formatted message, and the throwable with its causes and stack trace), so that tests can search
 * what would have reached a log file.
 *
 * <p>Two ways to look: {@link #capture()} keeps every line while it is open (for a test that reads
 * the whole log), and {@link #watchFor(String)} checks every line from then on for a text that must
 * never be logged (a password) and keeps only the lines that contain it, so long runs cost no
 * memory. WARN and ERROR lines are echoed to stderr when {@code -Dtasksync.reliability.echo-log=true}.
 *
 * <p>Thread-safe.
 */
public final class CapturingLogProvider implements SLF4JServiceProvider {

    private static final List<List<String>> CAPTURES = new CopyOnWriteArrayList<>();
    private static final Set<String> WATCHED = ConcurrentHashMap.newKeySet();
    private static final List<String> VIOLATIONS = new CopyOnWriteArrayList<>();
    private static final boolean ECHO = Boolean.getBoolean("tasksync.reliability.echo-log");

    private final ILoggerFactory loggers = new Loggers();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();

    /** Keeps every line logged until the returned capture is closed. */
    public static Capture capture() {
        Capture c = new Capture();
        CAPTURES.add(c.lines);
        return c;
    }

    /** From now on, any log line that contains {@code secret} is kept as a violation. */
    public static void watchFor(String secret) {
        WATCHED.add(secret);
    }

    /** The log lines that contained a watched text. */
    public static List<String> violations() {
        return List.copyOf(VIOLATIONS);
    }

    /** Lines logged while it is open. */
    public static final class Capture implements AutoCloseable {
        private final List<String> lines = new CopyOnWriteArrayList<>();

        public List<String> lines() {
            return List.copyOf(lines);
        }

        public String text() {
            return String.join("\n", lines);
        }

        @Override
        public void close() {
            CAPTURES.remove(lines);
        }
    }

    static void record(Level level, String logger, String message, Throwable t) {
        StringBuilder sb = new StringBuilder().append(level).append(' ').append(logger).append(" - ").append(message);
        if (t != null) {
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            sb.append('\n').append(trace);
        }
        String line = sb.toString();
        for (List<String> c : CAPTURES) {
            c.add(line);
        }
        for (String secret : WATCHED) {
            if (line.contains(secret)) {
                VIOLATIONS.add(line);
            }
        }
        if (ECHO && level.toInt() >= Level.WARN.toInt()) {
            System.err.println(line);
        }
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }

    private static final class Loggers implements ILoggerFactory {
        private final ConcurrentMap<String, Logger> byName = new ConcurrentHashMap<>();

        @Override
        public Logger getLogger(String name) {
            return byName.computeIfAbsent(name, CapturingLogger::new);
        }
    }

    /** A logger at DEBUG: TRACE is off (the EWS simulator traces whole SOAP bodies), everything else on. */
    private static final class CapturingLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;

        CapturingLogger(String name) {
            this.name = name;
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                                                   Throwable t) {
            String message = MessageFormatter.basicArrayFormat(pattern, args);
            record(level, name, message, t);
        }
    }

    /** For tests of the tests: every line kept by open captures. */
    static List<String> allCaptured() {
        List<String> out = new ArrayList<>();
        CAPTURES.forEach(out::addAll);
        return out;
    }
}

package org.tasksync.testkit.ews;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.w3c.dom.bootstrap.DOMImplementationRegistry;
import org.w3c.dom.ls.DOMImplementationLS;
import org.w3c.dom.ls.LSInput;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Microsoft's EWS schema ({@code messages.xsd} and what it imports), compiled once per JVM and used
 * to check the elements that travel inside {@code soap:Body} and {@code soap:Header}.
 *
 * <p>The schema files are test data that live outside the project (see
 * {@code shared/ews-schema/README.md}); {@link #locate()} finds them, {@link #shared()} compiles
 * them on first use. Thread-safe: the compiled {@link Schema} is immutable, each validation uses
 * its own {@link Validator}.
 */
public final class EwsSchema {

    /** System property that names the schema folder explicitly. */
    public static final String DIR_PROPERTY = "tasksync.ews.schema.dir";

    /**
     * The one line a test run without the schema prints (and the reason of every test it skips):
     * why validation is off and how to turn it on.
     */
    public static final String NOT_FOUND = "EWS schema not found: the EWS simulator runs without schema "
            + "validation and the tests that exercise the schema are skipped. To run them, put Microsoft's "
            + "EWS schema (messages.xsd, types.xsd) in shared/ews-schema beside the clone, or pass -D"
            + DIR_PROPERTY + "=<absolute path of a folder holding them>, e.g. the files your Exchange "
            + "server serves at /EWS/messages.xsd and /EWS/types.xsd";

    /**
     * Declares the one attribute of the {@code xml:} namespace that {@code types.xsd} uses
     * ({@code xml:lang}), for a folder that holds only what an Exchange server serves: the server
     * does not serve a schema for that namespace, which {@code types.xsd} imports without a location.
     */
    private static final String XML_NS_STAND_IN = "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" "
            + "targetNamespace=\"http://www.w3.org/XML/1998/namespace\">"
            + "<xs:attribute name=\"lang\" type=\"xs:language\"/></xs:schema>";

    private static final Logger LOG = LoggerFactory.getLogger(EwsSchema.class);
    private static final String XML_NS = "http://www.w3.org/XML/1998/namespace";
    private static final Map<Path, EwsSchema> COMPILED = new ConcurrentHashMap<>();
    private static final AtomicBoolean ABSENCE_LOGGED = new AtomicBoolean();

    private final Path dir;
    private final Schema schema;

    private EwsSchema(Path dir, Schema schema) {
        this.dir = dir;
        this.schema = schema;
    }

    /**
     * Finds the schema folder: the system property {@value #DIR_PROPERTY} if set (it must then hold
     * {@code messages.xsd}), else the first {@code <ancestor>/shared/ews-schema} or
     * {@code <ancestor>/../shared/ews-schema} walking up from the working directory.
     *
     * @throws IllegalStateException if the system property names a folder without the schema
     */
    public static Optional<Path> locate() {
        String explicit = System.getProperty(DIR_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            Path p = Paths.get(explicit).toAbsolutePath().normalize();
            if (!Files.isRegularFile(p.resolve("messages.xsd"))) {
                throw new IllegalStateException("system property " + DIR_PROPERTY + "='" + explicit
                        + "' does not name a folder that contains messages.xsd");
            }
            return Optional.of(p);
        }
        return locateFrom(Paths.get("").toAbsolutePath());
    }

    /** The search of {@link #locate()} without the system property, starting at {@code start}. */
    static Optional<Path> locateFrom(Path start) {
        for (Path a = start.toAbsolutePath(); a != null; a = a.getParent()) {
            for (Path candidate : List.of(a.resolve("shared/ews-schema"), a.resolve("../shared/ews-schema"))) {
                if (Files.isRegularFile(candidate.resolve("messages.xsd"))) {
                    return Optional.of(candidate.normalize());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The schema compiled from {@link #locate()}, or empty (logged once per JVM) when the folder is
     * absent. Compiling takes a few hundred milliseconds, so it happens once per folder and JVM.
     */
    public static Optional<EwsSchema> shared() {
        Optional<Path> dir = locate();
        if (dir.isEmpty()) {
            if (ABSENCE_LOGGED.compareAndSet(false, true)) {
                LOG.warn(NOT_FOUND);
            }
            return Optional.empty();
        }
        return Optional.of(COMPILED.computeIfAbsent(dir.get(), EwsSchema::compile));
    }

    private static EwsSchema compile(Path dir) {
        long start = System.nanoTime();
        try {
            SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            // The published schema breaks unique particle attribution in the time-zone types.
            factory.setFeature("http://apache.org/xml/features/validation/schema-full-checking", false);
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "file");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            DOMImplementationLS ls = (DOMImplementationLS) DOMImplementationRegistry.newInstance()
                    .getDOMImplementation("LS");
            Path xmlXsd = dir.resolve("xml.xsd");
            factory.setResourceResolver((type, namespace, publicId, systemId, baseUri) -> {
                if (XML_NS.equals(namespace) && (systemId == null || systemId.isEmpty())) {
                    LSInput in = ls.createLSInput();
                    in.setSystemId(xmlXsd.toUri().toString());
                    if (!Files.isRegularFile(xmlXsd)) {
                        in.setStringData(XML_NS_STAND_IN);
                        return in;
                    }
                    try {
                        in.setByteStream(Files.newInputStream(xmlXsd));
                    } catch (IOException e) {
                        throw new IllegalStateException("cannot read " + xmlXsd, e);
                    }
                    return in;
                }
                return null;
            });
            Path messages = dir.resolve("messages.xsd");
            Schema schema;
            try (InputStream in = Files.newInputStream(messages)) {
                schema = factory.newSchema(new StreamSource(in, messages.toUri().toString()));
            }
            LOG.info("EWS schema compiled from {} in {} ms", dir, (System.nanoTime() - start) / 1_000_000);
            return new EwsSchema(dir, schema);
        } catch (SAXException | IOException | ClassNotFoundException | InstantiationException
                | IllegalAccessException e) {
            throw new IllegalStateException("cannot compile the EWS schema in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The folder the schema was read from. */
    public Path dir() {
        return dir;
    }

    /**
     * Validates one element (a message such as {@code m:CreateItem}, or a header such as
     * {@code t:ExchangeImpersonation}) and its subtree.
     *
     * @return the validation errors, empty when the element is valid
     */
    public List<String> validate(Element element) {
        List<String> errors = new ArrayList<>();
        Validator validator = schema.newValidator();
        validator.setErrorHandler(new ErrorHandler() {
            @Override
            public void warning(SAXParseException e) {
                // warnings do not make a message invalid
            }

            @Override
            public void error(SAXParseException e) {
                errors.add(e.getMessage());
            }

            @Override
            public void fatalError(SAXParseException e) {
                errors.add(e.getMessage());
            }
        });
        try {
            validator.validate(new DOMSource(element));
        } catch (SAXException e) {
            if (errors.isEmpty()) {
                errors.add(e.getMessage());
            }
        } catch (IOException e) {
            errors.add("I/O error while validating: " + e.getMessage());
        }
        return errors;
    }

    static DocumentBuilderFactory secureDocumentBuilderFactory() {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setExpandEntityReferences(false);
        try {
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return f;
    }
}

package org.tasksync.examples.readme;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Keeps the published shape true (docs/publishing.md): the BOM names every published module at
 * the project's version, the README imports that BOM, and a license is at the root.
 */
class PublishingTest {

    private static final Path ROOT = Path.of("..");

    private static Document pom(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(file.toFile());
    }

    /** The text of the first element {@code name} directly under {@code parent}, or null. */
    private static String child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().strip();
            }
        }
        return null;
    }

    private static List<Element> all(Document doc, String name) {
        List<Element> out = new ArrayList<>();
        var nodes = doc.getElementsByTagName(name);
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }

    /** Modules of the reactor that build a jar and are deployed: what users can depend on. */
    private static List<String> publishedArtifacts() throws Exception {
        List<String> out = new ArrayList<>();
        for (Element module : all(pom(ROOT.resolve("pom.xml")), "module")) {
            Document m = pom(ROOT.resolve(module.getTextContent().strip()).resolve("pom.xml"));
            Element project = m.getDocumentElement();
            String packaging = child(project, "packaging");
            boolean notDeployed = all(m, "maven.deploy.skip").stream().anyMatch(e -> e.getTextContent().strip().equals("true"));
            if ((packaging == null || packaging.equals("jar")) && !notDeployed) {
                out.add(child(project, "artifactId"));
            }
        }
        return out;
    }

    @Test
    void theBomManagesEveryPublishedModuleAtTheProjectsVersion() throws Exception {
        Element root = pom(ROOT.resolve("pom.xml")).getDocumentElement();
        Document bom = pom(ROOT.resolve("bom/pom.xml"));

        assertThat(child(bom.getDocumentElement(), "version")).as("bom/pom.xml's version")
                .isEqualTo(child(root, "version"));
        assertThat(child(bom.getDocumentElement(), "parent"))
                .as("no parent: an imported BOM would hand over the parent's dependencyManagement").isNull();
        List<String> managed = all(bom, "dependency").stream().map(d -> {
            assertThat(child(d, "groupId")).isEqualTo("org.tasksync");
            assertThat(child(d, "version")).isEqualTo("${project.version}");
            return child(d, "artifactId");
        }).toList();

        assertThat(publishedArtifacts()).contains("tasksync-core", "tasksync-micrometer")
                .doesNotContain("tasksync-examples", "tasksync-benchmarks", "tasksync-reliability");
        assertThat(managed).containsAll(publishedArtifacts()).contains("tasksync-spring-boot-starter");
    }

    @Test
    void everyPublishedModuleNamesItsAutomaticModuleName() throws Exception {
        for (Element module : all(pom(ROOT.resolve("pom.xml")), "module")) {
            Path pom = ROOT.resolve(module.getTextContent().strip()).resolve("pom.xml");
            Document m = pom(pom);
            if (!publishedArtifacts().contains(child(m.getDocumentElement(), "artifactId"))) {
                continue;
            }
            // the root's default is empty, which the jar's manifest would carry as an invalid name
            assertThat(all(m, "tasksync.module.name")).as("%s sets tasksync.module.name", pom).singleElement()
                    .satisfies(e -> assertThat(e.getTextContent().strip()).matches("org\\.tasksync(\\.[a-z][a-z0-9]*)+"));
        }
    }

    @Test
    void theReadmeImportsTheBomAtTheProjectsVersion() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"), UTF_8);
        Matcher xml = Pattern.compile("(?s)```xml\\n(.*?)```").matcher(readme);
        assertThat(xml.find()).as("a Maven snippet in the README").isTrue();
        String version = child(pom(ROOT.resolve("pom.xml")).getDocumentElement(), "version");

        assertThat(xml.group(1).replaceAll("\\s+", "")).contains("<artifactId>tasksync-bom</artifactId><version>"
                + version + "</version><type>pom</type><scope>import</scope>");
    }

    @Test
    void theLicenseIsApache2AndThePomSaysSo() throws Exception {
        assertThat(Files.readString(ROOT.resolve("LICENSE"), UTF_8)).contains("Apache License", "Version 2.0");
        Document root = pom(ROOT.resolve("pom.xml"));
        assertThat(all(root, "license")).singleElement()
                .satisfies(l -> assertThat(child(l, "name")).isEqualTo("Apache License, Version 2.0"));
        for (String required : List.of("url", "developers", "scm", "description", "name")) {
            assertThat(child(root.getDocumentElement(), required)).as("Maven Central requires <%s>", required)
                    .isNotBlank();
        }
    }
}

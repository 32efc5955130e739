package org.tasksync.testkit.ews;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/** Finding and using Microsoft's EWS schema. */
class EwsSchemaTest {

    private static final String RESPONSE = """
            <m:GetItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"
                xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
              <m:ResponseMessages>
                <m:GetItemResponseMessage ResponseClass="Success">
                  <m:ResponseCode>%s</m:ResponseCode>
                  <m:Items><t:Task><t:ItemId Id="AAMk" ChangeKey="CQ"/><t:Subject>x</t:Subject>%s</t:Task></m:Items>
                </m:GetItemResponseMessage>
              </m:ResponseMessages>
            </m:GetItemResponse>
            """;

    private static Element element(String xml) throws Exception {
        return Xml.parse(xml.getBytes(UTF_8)).getDocumentElement();
    }

    private static EwsSchema schemaOrSkip() {
        Optional<EwsSchema> schema = EwsSchema.shared();
        assumeTrue(schema.isPresent(), EwsSchema.NOT_FOUND);
        return schema.orElseThrow();
    }

    @Test
    void isFoundBesideTheCloneFromTheModuleDirectory() {
        // CI's layout: <somewhere>/shared/ews-schema beside <somewhere>/<clone>; surefire runs in <clone>/testkit
        Path besideClone = Paths.get("").toAbsolutePath().getParent().resolveSibling("shared/ews-schema");
        assumeTrue(Files.isRegularFile(besideClone.resolve("messages.xsd")) && System.getProperty(EwsSchema.DIR_PROPERTY) == null,
                EwsSchema.NOT_FOUND);

        assertThat(EwsSchema.locate()).contains(besideClone.normalize());
        try (EwsSimulator ews = EwsSimulator.start()) {
            assertThat(ews.validatesSchema()).as("a simulator validates when the schema lies beside the clone").isTrue();
        }
    }

    @Test
    void isFoundBesideAClonedRepositoryOrNotAtAll(@TempDir Path root) throws Exception {
        Path module = Files.createDirectories(root.resolve("ci/checkout/tasksync/testkit"));
        assertThat(EwsSchema.locateFrom(module)).as("nothing beside").isEmpty();

        Path schema = Files.createDirectories(root.resolve("ci/checkout/shared/ews-schema"));
        Files.writeString(schema.resolve("messages.xsd"), "<xs:schema/>");
        assertThat(EwsSchema.locateFrom(module)).as("<ancestor>/../shared/ews-schema").contains(schema);
    }

    @Test
    void isCompiledOncePerJvm() {
        EwsSchema schema = schemaOrSkip();
        assertThat(EwsSchema.shared().orElseThrow()).isSameAs(schema);
    }

    @Test
    void acceptsAValidResponseAndNamesWhatIsWrongWithAnInvalidOne() throws Exception {
        EwsSchema schema = schemaOrSkip();

        assertThat(schema.validate(element(RESPONSE.formatted("NoError", "<t:Status>Completed</t:Status>")))).isEmpty();
        assertThat(schema.validate(element(RESPONSE.formatted("NoSuchCode", ""))))
                .anySatisfy(e -> assertThat(e).contains("NoSuchCode"));
        assertThat(schema.validate(element(RESPONSE.formatted("NoError",
                "<t:Status>Completed</t:Status><t:DueDate>2025-01-01T00:00:00Z</t:DueDate>"))))
                .as("task fields out of schema order")
                .anySatisfy(e -> assertThat(e).contains("DueDate"));
    }

    @Test
    void anExplicitFolderWinsAndNeedsOnlyWhatAnExchangeServerServes(@TempDir Path served) throws Exception {
        Path real = schemaOrSkip().dir();
        // what an integrator downloads from their server's /EWS/ folder: no xml.xsd beside
        Files.copy(real.resolve("messages.xsd"), served.resolve("messages.xsd"));
        Files.copy(real.resolve("types.xsd"), served.resolve("types.xsd"));

        EwsSchema schema = withDirProperty(served.toString(), () -> {
            assertThat(EwsSchema.locate()).contains(served);
            return EwsSchema.shared().orElseThrow();
        });

        assertThat(schema.dir()).isEqualTo(served);
        assertThat(schema.validate(element(RESPONSE.formatted("NoError", "<t:Status>Completed</t:Status>")))).isEmpty();
        assertThat(schema.validate(element(RESPONSE.formatted("NoError", "<t:Status>Postponed</t:Status>"))))
                .anySatisfy(e -> assertThat(e).contains("Postponed"));
    }

    @Test
    void anExplicitFolderWithoutTheSchemaIsAnErrorNamingIt(@TempDir Path empty) throws Exception {
        Files.writeString(empty.resolve("README.md"), "no schema here");

        withDirProperty(empty.toString(), () -> {
            assertThatThrownBy(EwsSchema::locate).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(EwsSchema.DIR_PROPERTY).hasMessageContaining(empty.toString())
                    .hasMessageContaining("messages.xsd");
            return null;
        });
    }

    private static <T> T withDirProperty(String value, java.util.concurrent.Callable<T> body) throws Exception {
        String before = System.getProperty(EwsSchema.DIR_PROPERTY);
        try {
            System.setProperty(EwsSchema.DIR_PROPERTY, value);
            return body.call();
        } finally {
            if (before == null) {
                System.clearProperty(EwsSchema.DIR_PROPERTY);
            } else {
                System.setProperty(EwsSchema.DIR_PROPERTY, before);
            }
        }
    }
}

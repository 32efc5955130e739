package org.tasksync.testkit.ews;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
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

    @Test
    void isFoundBesideTheRepositoryFromTheModuleDirectory() {
        assertThat(EwsSchema.locate()).hasValueSatisfying(dir -> {
            assertThat(dir.endsWith(Path.of("shared", "ews-schema"))).isTrue();
            assertThat(dir.resolve("messages.xsd")).isRegularFile();
        });
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
        assertThat(EwsSchema.shared()).isPresent();
        assertThat(EwsSchema.shared().orElseThrow()).isSameAs(EwsSchema.shared().orElseThrow());
    }

    @Test
    void acceptsAValidResponseAndNamesWhatIsWrongWithAnInvalidOne() throws Exception {
        EwsSchema schema = EwsSchema.shared().orElseThrow();

        assertThat(schema.validate(element(RESPONSE.formatted("NoError", "<t:Status>Completed</t:Status>")))).isEmpty();
        assertThat(schema.validate(element(RESPONSE.formatted("NoSuchCode", ""))))
                .anySatisfy(e -> assertThat(e).contains("NoSuchCode"));
        assertThat(schema.validate(element(RESPONSE.formatted("NoError",
                "<t:Status>Completed</t:Status><t:DueDate>2025-01-01T00:00:00Z</t:DueDate>"))))
                .as("task fields out of schema order")
                .anySatisfy(e -> assertThat(e).contains("DueDate"));
    }

    @Test
    void anExplicitFolderWinsAndMustHoldTheSchema(@TempDir Path empty) throws Exception {
        Path real = EwsSchema.locate().orElseThrow();
        String before = System.getProperty(EwsSchema.DIR_PROPERTY);
        try {
            System.setProperty(EwsSchema.DIR_PROPERTY, real.toString());
            assertThat(EwsSchema.locate()).contains(real);

            Files.writeString(empty.resolve("README.md"), "no schema here");
            System.setProperty(EwsSchema.DIR_PROPERTY, empty.toString());
            assertThatThrownBy(EwsSchema::locate).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(EwsSchema.DIR_PROPERTY).hasMessageContaining(empty.toString());
        } finally {
            if (before == null) {
                System.clearProperty(EwsSchema.DIR_PROPERTY);
            } else {
                System.setProperty(EwsSchema.DIR_PROPERTY, before);
            }
        }
    }
}

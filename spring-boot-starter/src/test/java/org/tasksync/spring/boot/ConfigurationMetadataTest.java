package org.tasksync.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.tasksync.adapter.ews.EwsSettings;
import org.tasksync.adapter.graph.GraphSettings;
import org.tasksync.adapter.jdbccrm.JdbcCrmSettings;
import org.tasksync.core.SyncSettings;

/**
 * The configuration metadata IDEs complete from lists every key the starter reads, no other, with
 * the library's defaults; and docs/spring-boot.md lists every one of them.
 */
class ConfigurationMetadataTest {

    private static final String METADATA = "META-INF/spring-configuration-metadata.json";

    private final Map<String, JsonNode> metadata = read();

    private static Map<String, JsonNode> read() {
        try (InputStream in = ConfigurationMetadataTest.class.getClassLoader().getResourceAsStream(METADATA)) {
            Map<String, JsonNode> out = new LinkedHashMap<>();
            new ObjectMapper().readTree(in).get("properties").forEach(p -> out.put(p.get("name").asText(), p));
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theMetadataHasExactlyTheKeysTheStarterReads() {
        Set<String> read = new TreeSet<>();
        read.addAll(TasksyncProperties.STARTER_KEYS);
        read.addAll(TasksyncProperties.ENGINE_KEYS);
        read.addAll(TasksyncProperties.CRM_JDBC_KEYS);
        read.addAll(TasksyncProperties.EWS_KEYS);
        read.addAll(TasksyncProperties.GRAPH_KEYS);
        read.addAll(TasksyncProperties.LIVE_KEYS);
        TasksyncProperties.MAP_PREFIXES.forEach(p -> read.add(p.substring(0, p.length() - 1)));
        assertThat(new TreeSet<>(metadata.keySet())).isEqualTo(read);
        TasksyncProperties.MAP_PREFIXES.forEach(p ->
                assertThat(metadata.get(p.substring(0, p.length() - 1)).get("type").asText()).startsWith("java.util.Map"));
    }

    @Test
    void theStartersKeyListsAreTheAdaptersOwn() throws Exception {
        assertThat(new TreeSet<>(TasksyncProperties.EWS_KEYS)).isEqualTo(keyConstants(EwsSettings.class));
        assertThat(TasksyncProperties.EWS_KEYS).isEqualTo(EwsSettings.KEYS);
        assertThat(new TreeSet<>(TasksyncProperties.CRM_JDBC_KEYS)).isEqualTo(keyConstants(JdbcCrmSettings.class));
        assertThat(TasksyncProperties.CRM_JDBC_KEYS).isEqualTo(JdbcCrmSettings.KEYS);
        assertThat(new TreeSet<>(TasksyncProperties.GRAPH_KEYS)).isEqualTo(keyConstants(GraphSettings.class));
        assertThat(TasksyncProperties.GRAPH_KEYS).isEqualTo(GraphSettings.KEYS);
        assertThat(new TreeSet<>(TasksyncProperties.ENGINE_KEYS)).isEqualTo(keyConstants(SyncSettings.class));
        List<String> prefixes = new ArrayList<>(SyncSettings.PREFIXES);
        prefixes.addAll(JdbcCrmSettings.PREFIXES);
        assertThat(TasksyncProperties.MAP_PREFIXES).isEqualTo(prefixes);
        assertThat(new TreeSet<>(TasksyncProperties.LIVE_KEYS))
                .isEqualTo(new TreeSet<>(org.tasksync.core.LiveSettings.KEYS));
    }

    @Test
    void theDocumentedDefaultsAreTheLibrarysDefaults() {
        List<String> pairs = new ArrayList<>();
        metadata.forEach((key, p) -> {
            if (p.has("defaultValue") && (key.startsWith("tasksync.tasks.") || !key.startsWith("tasksync.scheduler"))) {
                pairs.add(key + "=" + p.get("defaultValue").asText());
            }
        });
        pairs.add("spring.datasource.url=jdbc:h2:mem:metadata;DB_CLOSE_DELAY=-1");
        pairs.add("tasksync.ews.url=http://127.0.0.1:1/EWS/Exchange.asmx");
        pairs.add("tasksync.ews.username=u");
        pairs.add("tasksync.ews.password=p");
        pairs.add("tasksync.scheduler.enabled=false");
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, TasksyncAutoConfiguration.class))
                .withPropertyValues(pairs.toArray(String[]::new))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    SyncSettings read = context.getBean(SyncSettings.class);
                    // "UTC" as documented is the region id of the library's offset Z: the same zone
                    assertThat(read.defaultZone().normalized()).isEqualTo(SyncSettings.ofDefaults().defaultZone());
                    assertThat(read.toBuilder().defaultZone(SyncSettings.ofDefaults().defaultZone()).build().toString())
                            .isEqualTo(SyncSettings.ofDefaults().toString());
                    assertThat(context.getBean(JdbcCrmSettings.class).toString().replace("databaseTimeZone=UTC", "databaseTimeZone=Z"))
                            .isEqualTo(JdbcCrmSettings.builder().build().toString());
                    java.util.Properties ews = new java.util.Properties();
                    ews.setProperty("tasksync.ews.url", "http://127.0.0.1:1/EWS/Exchange.asmx");
                    ews.setProperty("tasksync.ews.username", "u");
                    ews.setProperty("tasksync.ews.password", "p");
                    assertThat(context.getBean(EwsSettings.class).toString()).isEqualTo(EwsSettings.fromProperties(ews)
                            .toBuilder().extendedFields(SyncSettings.ofDefaults().mapping().fields().managedFields())
                            .build().toString());
                    // the Graph keys' defaults, read the way the starter reads them
                    java.util.Properties graph = new java.util.Properties();
                    metadata.forEach((key, p) -> {
                        if (key.startsWith("tasksync.graph.") && p.has("defaultValue")) {
                            graph.setProperty(key, p.get("defaultValue").asText());
                        }
                    });
                    assertThat(GraphSettings.fromProperties(graph).toString())
                            .isEqualTo(GraphSettings.fromProperties(new java.util.Properties()).toString());
                });
    }

    @Test
    void theDocumentListsEveryProperty() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "spring-boot.md"));
        for (String key : metadata.keySet()) {
            assertThat(doc).as("docs/spring-boot.md lists %s", key).contains("`" + key);
        }
    }

    private static Set<String> keyConstants(Class<?> type) throws IllegalAccessException {
        Set<String> out = new TreeSet<>();
        for (Field f : type.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                String v = (String) f.get(null);
                if (v.startsWith("tasksync.") && !v.endsWith(".")) { // a prefix is no key
                    out.add(v);
                }
            }
        }
        return out;
    }
}

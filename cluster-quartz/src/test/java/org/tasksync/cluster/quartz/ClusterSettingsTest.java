package org.tasksync.cluster.quartz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tasksync.core.SyncEngine;
import org.tasksync.testkit.inmemory.InMemoryCrm;
import org.tasksync.testkit.inmemory.InMemoryExchange;

/** The cluster's configuration: its own keys, the Quartz keys it passes through, and its errors. */
class ClusterSettingsTest {

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void everyKeyIsRead() {
        ClusterSettings s = ClusterSettings.fromProperties(props(
                "tasksync.cluster.partitions", "12",
                "tasksync.cluster.node-id", "sync-host-2",
                "tasksync.cluster.lease-duration-seconds", "900",
                "tasksync.cluster.create-quartz-tables", "false",
                "org.quartz.jobStore.tablePrefix", "TS_QRTZ_",
                "org.quartz.threadPool.threadCount", "3",
                // the engine's keys and anything else belong to others
                "tasksync.tasks.interval-minutes", "5",
                "something.else", "x"));

        assertThat(s.partitions()).isEqualTo(12);
        assertThat(s.nodeId()).contains("sync-host-2");
        assertThat(s.leaseDuration()).isEqualTo(Duration.ofMinutes(15));
        assertThat(s.createQuartzTables()).isFalse();
        assertThat(s.quartzOverrides()).containsOnlyKeys("org.quartz.jobStore.tablePrefix",
                "org.quartz.threadPool.threadCount");
        Properties q = s.quartzProperties(null);
        assertThat(q.getProperty("org.quartz.scheduler.instanceId")).isEqualTo("sync-host-2");
        assertThat(q.getProperty("org.quartz.jobStore.tablePrefix")).isEqualTo("TS_QRTZ_");
        assertThat(q.getProperty("org.quartz.threadPool.threadCount")).isEqualTo("3");
    }

    @Test
    void theDefaultsMakeAClusteredJdbcJobStoreOnPostgres() {
        ClusterSettings s = ClusterSettings.ofDefaults();
        assertThat(s.partitions()).isEqualTo(ClusterSettings.DEFAULT_PARTITIONS);
        assertThat(s.nodeId()).isEmpty();
        assertThat(s.leaseDuration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.createQuartzTables()).isTrue();

        Properties q = s.quartzProperties("host_ds");
        assertThat(q).containsEntry("org.quartz.jobStore.isClustered", "true")
                .containsEntry("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX")
                .containsEntry("org.quartz.jobStore.driverDelegateClass",
                        "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate")
                .containsEntry("org.quartz.scheduler.instanceName", "tasksync")
                .containsEntry("org.quartz.scheduler.instanceId", "AUTO")
                .containsEntry("org.quartz.jobStore.dataSource", "host_ds")
                .containsEntry("org.quartz.threadPool.threadCount", "4");
    }

    @Test
    void aDataSourceDefinedByUrlIsPooledWithHikariUnlessTheHostChoseAProvider() {
        Properties q = ClusterSettings.fromProperties(props(
                "org.quartz.jobStore.dataSource", "main",
                "org.quartz.dataSource.main.URL", "jdbc:postgresql://db/sync",
                "org.quartz.dataSource.other.URL", "jdbc:postgresql://db/other",
                "org.quartz.dataSource.other.provider", "c3p0")).quartzProperties(null);

        assertThat(q).containsEntry("org.quartz.dataSource.main.provider", "hikaricp")
                .containsEntry("org.quartz.dataSource.other.provider", "c3p0")
                .containsEntry("org.quartz.jobStore.dataSource", "main");
    }

    @Test
    void anUnknownClusterKeyIsRefusedSoATypoFails() {
        assertThatThrownBy(() -> ClusterSettings.fromProperties(props("tasksync.cluster.partition", "4")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tasksync.cluster.partition")
                .hasMessageContaining("'4'")
                .hasMessageContaining("tasksync.cluster.partitions");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "tasksync.cluster.partitions|0",
            "tasksync.cluster.partitions|10001",
            "tasksync.cluster.partitions|four",
            "tasksync.cluster.node-id|node 1",
            "tasksync.cluster.node-id|node/1",
            "tasksync.cluster.lease-duration-seconds|0",
            "tasksync.cluster.lease-duration-seconds|86401",
            "tasksync.cluster.lease-duration-seconds|10m",
            "tasksync.cluster.create-quartz-tables|yes",
            "org.quartz.jobStore.isClustered|false",
            "org.quartz.jobStore.class|org.quartz.simpl.RAMJobStore",
            "org.quartz.threadPool.threadCount|0",
            "org.quartz.jobStore.tablePrefix|qrtz-",
            "org.quartz.jobStore.driverDelegateClass|org.quartz.impl.jdbcjobstore.StdJDBCDelegate",
            "org.quartz.scheduler.instanceId|host 1"})
    void aBadValueIsRefusedWithItsKeyAndValue(String key, String value) {
        assertThatThrownBy(() -> ClusterSettings.fromProperties(props(key, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key)
                .hasMessageContaining(value);
    }

    @Test
    void aNodeIdAndAQuartzInstanceIdThatDifferAreRefused() {
        assertThatThrownBy(() -> ClusterSettings.fromProperties(props(
                "tasksync.cluster.node-id", "a", "org.quartz.scheduler.instanceId", "b")))
                .hasMessageContaining("tasksync.cluster.node-id 'a'")
                .hasMessageContaining("org.quartz.scheduler.instanceId 'b'");
        // the Quartz instance id alone is the node id too
        ClusterSettings s = ClusterSettings.fromProperties(props("org.quartz.scheduler.instanceId", "host-7"));
        assertThat(s.quartzProperties(null).getProperty("org.quartz.scheduler.instanceId")).isEqualTo("host-7");
    }

    @Test
    void anotherDelegateIsAllowedWhenTheHostManagesQuartzsTables() {
        ClusterSettings s = ClusterSettings.fromProperties(props(
                "tasksync.cluster.create-quartz-tables", "false",
                "org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.StdJDBCDelegate",
                "org.quartz.jobStore.tablePrefix", "other.qrtz_"));
        assertThat(s.quartzProperties(null)).containsEntry("org.quartz.jobStore.tablePrefix", "other.qrtz_");
    }

    @Test
    void toStringShowsNoQuartzValueSoNoPassword() {
        ClusterSettings s = ClusterSettings.fromProperties(props("org.quartz.dataSource.main.password", "s3cret!"));
        assertThat(s.toString()).contains("org.quartz.dataSource.main.password").doesNotContain("s3cret!");
    }

    @Test
    void aNodeWithoutAQuartzDatabaseIsRefusedBeforeItStarts() {
        SyncEngine.Builder engine = SyncEngine.builder().crm(new InMemoryCrm(java.time.Clock.systemUTC()))
                .exchange(new InMemoryExchange(java.time.Clock.systemUTC()));
        assertThatThrownBy(() -> ClusterNode.builder(engine).settings(ClusterSettings.ofDefaults()).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("org.quartz.jobStore.dataSource");
        assertThatThrownBy(() -> ClusterNode.builder(engine)
                .properties(props("org.quartz.jobStore.dataSource", "main"))
                .dataSource(new org.postgresql.ds.PGSimpleDataSource()).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not both")
                .hasMessageContaining("'main'");
    }

    @Test
    void theJobsOfAPartitionLayoutAreNamedAfterIt() {
        assertThat(ClusterNode.jobKey(2, 6).getName()).isEqualTo("partition-2of6");
        assertThat(ClusterNode.jobKey(0, 1).getName()).isEqualTo("partition-0of1");
        assertThat(ClusterNode.jobKey(0, 1).getGroup()).isEqualTo("tasksync");
    }

    @Test
    void errorsHaveTheUniformShape() {
        assertThatThrownBy(() -> ClusterSettings.fromProperties(props(ClusterSettings.PARTITIONS, "four")))
                .hasMessage("tasksync.cluster.partitions must be a whole number, was 'four'");
        assertThatThrownBy(() -> ClusterSettings.fromProperties(props(ClusterSettings.PARTITIONS, "10001")))
                .hasMessage("tasksync.cluster.partitions must be between 1 and 10000, was '10001'");
        assertThatThrownBy(() -> ClusterSettings.fromProperties(props(ClusterSettings.LEASE_DURATION_SECONDS, "10m")))
                .hasMessage("tasksync.cluster.lease-duration-seconds must be a whole number of seconds, was '10m'");
        assertThatThrownBy(() -> ClusterSettings.fromProperties(props("tasksync.cluster.partition", "4")))
                .hasMessage("tasksync.cluster.partition: unknown cluster setting (value '4'); known keys there are "
                        + "[tasksync.cluster.create-quartz-tables, tasksync.cluster.lease-duration-seconds, "
                        + "tasksync.cluster.node-id, tasksync.cluster.partitions]; see docs/scale-out.md");
    }
}

package org.tasksync.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.tasksync.adapter.ews.EwsSettings;
import org.tasksync.adapter.ews.EwsExchangeAdapter;
import org.tasksync.adapter.graph.GraphExchangeAdapter;
import org.tasksync.adapter.graph.GraphTokenSource;
import org.tasksync.adapter.jdbccrm.JdbcCrmAdapter;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncListener;
import org.tasksync.core.SyncReport;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.core.spi.SyncStateStore;
import org.tasksync.core.state.InMemorySyncStateStore;
import org.tasksync.core.state.JdbcSyncStateStore;
import org.tasksync.testkit.ews.EwsSimulator;
import org.tasksync.testkit.graph.GraphSimulator;
import org.tasksync.testkit.inmemory.InMemoryCrm;
import org.tasksync.testkit.inmemory.InMemoryExchange;

/** The engine a Spring Boot application gets from its properties, run against H2 and the simulators. */
class TasksyncAutoConfigurationTest {

    private EwsSimulator ews;
    private String crmUrl;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, TasksyncAutoConfiguration.class));

    @BeforeEach
    void start() {
        crmUrl = Fixtures.demoCrm();
        ews = EwsSimulator.builder().basicAuth(Fixtures.EWS_USER, Fixtures.EWS_PASSWORD).rejectUnknownMailboxes().start();
        Fixtures.MAILBOXES.forEach(ews::registerMailbox);
    }

    @AfterEach
    void stop() {
        ews.close();
    }

    private ApplicationContextRunner ewsApp() {
        return runner.withPropertyValues("spring.datasource.url=" + crmUrl, "tasksync.ews.url=" + ews.url(),
                "tasksync.ews.username=" + Fixtures.EWS_USER, "tasksync.ews.password=" + Fixtures.EWS_PASSWORD,
                "tasksync.scheduler.enabled=false");
    }

    @Test
    void twoPropertiesAndTheCredentialsGiveAnEngineThatSyncsTheCrmIntoExchangeServer() {
        ewsApp().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(CrmAdapter.class)).isInstanceOf(JdbcCrmAdapter.class);
            assertThat(context.getBean(ExchangeAdapter.class)).isInstanceOf(EwsExchangeAdapter.class);
            assertThat(context.getBean(SyncStateStore.class)).isInstanceOf(JdbcSyncStateStore.class);
            assertThat(context).doesNotHaveBean(TasksyncSchedule.class);

            SyncReport report = context.getBean(SyncEngine.class).runOnce();

            assertThat(report.failedMailboxes()).isEmpty();
            assertThat(report.cycleError()).isNull();
            assertThat(report.created()).isPositive();
            int inOutlook = Fixtures.MAILBOXES.stream().mapToInt(m -> ews.outlook(m).tasks().size()).sum();
            assertThat(inOutlook).isEqualTo(report.created());
            // the state store's tables are in the application's database
            assertThat(tables(context.getBean(DataSource.class))).contains("TASKSYNC_LINKS");
            // and a second cycle finds nothing new: the links were kept
            assertThat(context.getBean(SyncEngine.class).runOnce().created()).isZero();
        });
    }

    @Test
    void theEngineSettingsAreTheLibrarysKeys() {
        ewsApp().withPropertyValues("tasksync.tasks.interval-minutes=7", "tasksync.tasks.time-frame.past-days=3",
                "tasksync.mass-delete.min-count=5").run(context -> {
            SyncEngine engine = context.getBean(SyncEngine.class);
            assertThat(engine.settings().intervalMinutes()).isEqualTo(7);
            assertThat(engine.settings().pastDays()).isEqualTo(3);
            assertThat(context.getBean(TasksyncRuns.class).interval()).isEqualTo(Duration.ofMinutes(7));
        });
    }

    @Test
    void theEwsConfigurationNamesTheExtendedFieldsOfTheFieldTableAndHidesThePassword() {
        ewsApp().run(context -> {
            EwsSettings config = context.getBean(EwsSettings.class);
            assertThat(config.toString()).doesNotContain(Fixtures.EWS_PASSWORD).contains(ews.url().toString());
        });
    }

    @Test
    void yamlListsAndMapKeysWithSpacesReachTheLibrary() {
        String yaml = String.join("\n",
                "tasksync:",
                "  fields:",
                "    disabled: [20, 56]",
                "  status:",
                "    to-exchange:",
                "      Open: NotStarted",
                "      In Progress: InProgress",
                "      \"[Done Done]\": Completed",
                "      Missed: Deferred",
                "");
        ewsApp().withInitializer(ctx -> {
            try {
                new org.springframework.boot.env.YamlPropertySourceLoader()
                        .load("application.yml", new org.springframework.core.io.ByteArrayResource(
                                yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                        .forEach(ctx.getEnvironment().getPropertySources()::addLast);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).run(context -> {
            assertThat(context).hasNotFailed();
            org.tasksync.core.SyncSettings settings = context.getBean(org.tasksync.core.SyncSettings.class);
            assertThat(settings.mapping().fields().isEnabled(20)).isFalse();
            assertThat(settings.mapping().fields().isEnabled(56)).isFalse();
            assertThat(settings.mapping().fields().isEnabled(58)).isTrue();
            assertThat(settings.mapping().status().toExchange("In Progress"))
                    .contains(org.tasksync.core.model.ExchangeStatus.IN_PROGRESS);
            assertThat(settings.mapping().status().toExchange("Done Done"))
                    .contains(org.tasksync.core.model.ExchangeStatus.COMPLETED);
        });
    }

    @Test
    void graphIsChosenByAPropertyAndTakesTheHostsTokenSource() {
        try (GraphSimulator graph = GraphSimulator.start()) {
            Fixtures.MAILBOXES.forEach(graph::addUser);
            runner.withPropertyValues("spring.datasource.url=" + crmUrl, "tasksync.exchange=graph",
                            "tasksync.graph.base-url=" + graph.baseUrl(), "tasksync.scheduler.enabled=false")
                    .withBean(GraphTokenSource.class, () -> GraphTokenSource.fixed(graph.token()))
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(context.getBean(ExchangeAdapter.class)).isInstanceOf(GraphExchangeAdapter.class);
                        SyncReport report = context.getBean(SyncEngine.class).runOnce();
                        assertThat(report.failedMailboxes()).isEmpty();
                        assertThat(report.created()).isPositive();
                        int inToDo = Fixtures.MAILBOXES.stream().mapToInt(m -> graph.toDo().tasks(m).size()).sum();
                        assertThat(inToDo).isEqualTo(report.created());
                    });
        }
    }

    @Test
    void theScheduleRunsWithTheApplicationAndStopsWithIt() {
        ewsApp().withPropertyValues("tasksync.scheduler.enabled=true").run(context -> {
            TasksyncSchedule schedule = context.getBean(TasksyncSchedule.class);
            TasksyncRuns runs = context.getBean(TasksyncRuns.class);
            assertThat(schedule.isRunning()).isTrue();
            SyncReport first = awaitFirstCycle(runs);
            assertThat(first.created()).isPositive();
            assertThat(first.failedMailboxes()).isEmpty();

            context.close();

            assertThat(schedule.isRunning()).isFalse();
        });
    }

    @Test
    void withLiveSyncEnabledTheScheduleRunsLiveSyncAndStopsItWithTheApplication() {
        ewsApp().withConfiguration(AutoConfigurations.of(TasksyncMetricsAutoConfiguration.class))
                .withBean(io.micrometer.core.instrument.MeterRegistry.class,
                        io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
                .withPropertyValues("tasksync.scheduler.enabled=true", "tasksync.live.enabled=true",
                "tasksync.live.quiet-period-ms=200", "tasksync.live.threads=2").run(context -> {
            TasksyncSchedule schedule = context.getBean(TasksyncSchedule.class);
            TasksyncRuns runs = context.getBean(TasksyncRuns.class);
            assertThat(schedule.isRunning()).isTrue();
            assertThat(schedule.liveSync()).hasValueSatisfying(l -> {
                assertThat(l.settings().quietPeriod()).isEqualTo(java.time.Duration.ofMillis(200));
                assertThat(l.settings().threads()).isEqualTo(2);
            });
            SyncReport first = awaitFirstCycle(runs);
            assertThat(first.created()).isPositive();
            // live sync's meters, through the LiveListener bean of the metrics auto-configuration
            assertThat(context.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                    .get("tasksync.live.full.cycles").counter().count()).isEqualTo(1);

            context.close();

            assertThat(schedule.isRunning()).isFalse();
            assertThat(schedule.liveSync()).isEmpty();
        });
    }

    @Test
    void aMisspeltLiveKeyFailsTheStart() {
        ewsApp().withPropertyValues("tasksync.live.quiet-ms=200").run(context ->
                assertThat(context).hasFailed().getFailure().hasStackTraceContaining("tasksync.live.quiet-ms"));
    }

    @Test
    void stoppingTheApplicationLetsTheCycleInFlightFinish() throws Exception {
        // every request takes a while, so the first cycle is still running when the application stops
        ews.close();
        ews = EwsSimulator.builder().basicAuth(Fixtures.EWS_USER, Fixtures.EWS_PASSWORD).rejectUnknownMailboxes()
                .latency(Duration.ofMillis(400)).start();
        Fixtures.MAILBOXES.forEach(ews::registerMailbox);
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        SyncListener onStart = new SyncListener() {
            @Override
            public void mailboxStarted(String mailbox, int index, int total) {
                started.countDown();
            }
        };
        ewsApp().withPropertyValues("tasksync.scheduler.enabled=true", "tasksync.ews.url=" + ews.url())
                .withBean(SyncListener.class, () -> onStart)
                .run(context -> {
                    TasksyncRuns runs = context.getBean(TasksyncRuns.class);
                    TasksyncSchedule schedule = context.getBean(TasksyncSchedule.class);
                    assertThat(started.await(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                    assertThat(runs.last()).as("the cycle is still running").isEmpty();

                    context.close();

                    assertThat(runs.last()).as("the cycle finished before the stop returned").isPresent();
                    SyncReport report = runs.last().get().report();
                    assertThat(report.failedMailboxes()).isEmpty();
                    assertThat(report.created()).isPositive();
                    assertThat(schedule.isRunning()).isFalse();
                });
    }

    @Test
    void theStateStoreCanLiveInADatabaseOfItsOwn() {
        String stateUrl = "jdbc:h2:mem:state-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        ewsApp().withPropertyValues("tasksync.state.jdbc.url=" + stateUrl, "tasksync.state.jdbc.username=sa",
                "tasksync.state.jdbc.table-prefix=ts_").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(SyncEngine.class).runOnce().created()).isPositive();
            assertThat(tables(h2(stateUrl))).contains("TS_LINKS");
            assertThat(tables(context.getBean(DataSource.class))).doesNotContain("TS_LINKS", "TASKSYNC_LINKS");
        });
        ewsApp().withPropertyValues("tasksync.state.data-source=nowhere").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageStartingWith("tasksync.state.data-source must name a DataSource bean, was 'nowhere'");
        });
    }

    @Test
    void theHostsSettingsReplaceTheProperties() {
        ewsApp().withBean(org.tasksync.core.SyncSettings.class,
                        () -> org.tasksync.core.SyncSettings.builder().intervalMinutes(9).build())
                .run(context -> assertThat(context.getBean(SyncEngine.class).settings().intervalMinutes()).isEqualTo(9));
    }

    @Test
    void everyBeanGivesWayToTheHostsOwn() {
        runner.withUserConfiguration(HostBeans.class).withPropertyValues("tasksync.scheduler.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(CrmAdapter.class)).isSameAs(context.getBean(HostBeans.class).crm);
            assertThat(context.getBean(ExchangeAdapter.class)).isSameAs(context.getBean(HostBeans.class).exchange);
            assertThat(context.getBean(SyncStateStore.class)).isInstanceOf(InMemorySyncStateStore.class);
            assertThat(context).hasSingleBean(SyncEngine.class);
            // the host's listener hears the cycles
            context.getBean(SyncEngine.class).runOnce();
            assertThat(context.getBean(HostBeans.class).cyclesHeard).isEqualTo(1);
            context.close();
        });
        runner.withUserConfiguration(HostBeans.class)
                .withBean("hostEngine", SyncEngine.class, () -> SyncEngine.builder().crm(new InMemoryCrm(java.time.Clock.systemUTC()))
                        .exchange(new InMemoryExchange(java.time.Clock.systemUTC())).stateStore(new InMemorySyncStateStore()).build())
                .run(context -> assertThat(context).getBean(SyncEngine.class).isSameAs(context.getBean("hostEngine")));
    }

    @Test
    void theCrmDataSourceCanBeNamedAmongSeveral() {
        String otherUrl = "jdbc:h2:mem:other-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        runner.withPropertyValues("tasksync.ews.url=" + ews.url(), "tasksync.ews.username=" + Fixtures.EWS_USER,
                        "tasksync.ews.password=" + Fixtures.EWS_PASSWORD, "tasksync.scheduler.enabled=false",
                        "tasksync.crm.data-source=crmDb")
                .withBean("appDb", DataSource.class, () -> h2(otherUrl), bd -> bd.setPrimary(true))
                .withBean("crmDb", DataSource.class, () -> h2(crmUrl))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    SyncReport report = context.getBean(SyncEngine.class).runOnce();
                    assertThat(report.created()).isPositive();
                    // the state store follows the CRM's database unless told otherwise
                    assertThat(tables(context.getBean("crmDb", DataSource.class))).contains("TASKSYNC_LINKS");
                    assertThat(tables(context.getBean("appDb", DataSource.class))).doesNotContain("TASKSYNC_LINKS");
                });
    }

    @Test
    void aChosenAdapterMissingFromTheClassPathIsNamedAtStartup() {
        ewsApp().withClassLoader(new FilteredClassLoader(EwsExchangeAdapter.class)).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(TasksyncPropertiesException.class)
                    .hasMessageContaining("no Exchange adapter").hasMessageContaining("tasksync-adapter-ews");
        });
    }

    @Test
    void withoutAnyDataSourceTheStartupSaysWhereOneComesFrom() {
        runner.withPropertyValues("tasksync.ews.url=" + ews.url(), "tasksync.ews.username=u", "tasksync.ews.password=p")
                .withClassLoader(new FilteredClassLoader("org.h2", "com.zaxxer"))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().isInstanceOf(TasksyncPropertiesException.class)
                            .hasMessageContaining("needs a DataSource").hasMessageContaining("spring.datasource.url");
                });
    }

    @Test
    void theMetricsListenerBacksOffWithoutTasksyncMicrometer() {
        // filtered, so that the test keeps its meaning once tasksync-micrometer is a dependency of the starter
        runner.withConfiguration(AutoConfigurations.of(TasksyncMetricsAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader("org.tasksync.micrometer"))
                .withUserConfiguration(HostBeans.class)
                .withBean(io.micrometer.core.instrument.MeterRegistry.class,
                        io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
                .run(context -> assertThat(context).doesNotHaveBean("tasksyncMetrics"));
    }

    static SyncReport awaitFirstCycle(TasksyncRuns runs) throws InterruptedException {
        // bounded only so that a broken schedule fails the test instead of hanging the build
        Instant giveUp = Instant.now().plusSeconds(120);
        while (runs.last().isEmpty()) {
            if (Instant.now().isAfter(giveUp)) {
                throw new AssertionError("the schedule finished no cycle");
            }
            Thread.sleep(50);
        }
        return runs.last().get().report();
    }

    static DataSource h2(String url) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        ds.setUser("sa");
        return ds;
    }

    static java.util.List<String> tables(DataSource ds) throws Exception {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Connection c = ds.getConnection(); ResultSet rs = c.getMetaData().getTables(null, null, "%", null)) {
            while (rs.next()) {
                out.add(rs.getString("TABLE_NAME"));
            }
        }
        return out;
    }

    @Configuration(proxyBeanMethods = false)
    static class HostBeans {
        final InMemoryCrm crm = new InMemoryCrm(java.time.Clock.systemUTC());
        final InMemoryExchange exchange = new InMemoryExchange(java.time.Clock.systemUTC());
        volatile int cyclesHeard;

        @Bean
        CrmAdapter hostCrm() {
            return crm;
        }

        @Bean
        ExchangeAdapter hostExchange() {
            return exchange;
        }

        @Bean
        SyncStateStore hostStore() {
            return new InMemorySyncStateStore();
        }

        @Bean
        SyncListener hostListener() {
            return new SyncListener() {
                @Override
                public void cycleFinished(SyncReport report) {
                    cyclesHeard++;
                }
            };
        }
    }
}

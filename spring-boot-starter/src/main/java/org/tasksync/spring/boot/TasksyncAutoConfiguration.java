package org.tasksync.spring.boot;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.tasksync.adapter.ews.EwsExchangeAdapter;
import org.tasksync.adapter.ews.EwsSettings;
import org.tasksync.adapter.graph.GraphExchangeAdapter;
import org.tasksync.adapter.graph.GraphSettings;
import org.tasksync.adapter.graph.GraphTokenSource;
import org.tasksync.adapter.jdbccrm.JdbcCrmAdapter;
import org.tasksync.adapter.jdbccrm.JdbcCrmSettings;
import org.tasksync.core.LiveListener;
import org.tasksync.core.LiveSettings;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncListener;
import org.tasksync.core.SyncSettings;
import org.tasksync.core.spi.CrmAdapter;
import org.tasksync.core.spi.ExchangeAdapter;
import org.tasksync.core.spi.SyncStateStore;
import org.tasksync.core.state.JdbcSyncStateStore;

/**
 * Builds the {@link SyncEngine} of a Spring Boot application from its {@code tasksync.*} properties:
 * the JDBC CRM adapter on the application's DataSource, the EWS or Graph adapter, the JDBC state
 * store, and the schedule that runs with the application. Every bean gives way to one of the
 * host's own of the same type.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass(SyncEngine.class)
public class TasksyncAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TasksyncAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    public TasksyncProperties tasksyncProperties(ConfigurableEnvironment environment) {
        return TasksyncProperties.from(environment);
    }

    @Bean
    @ConditionalOnMissingBean
    public SyncSettings tasksyncSettings(TasksyncProperties properties) {
        return properties.read(SyncSettings::fromProperties);
    }

    @Bean
    @ConditionalOnMissingBean
    public SyncStateStore tasksyncStateStore(TasksyncProperties properties, ListableBeanFactory beans,
                                             ObjectProvider<DataSource> dataSources) {
        String prefix = properties.get(TasksyncProperties.STATE_TABLE_PREFIX).orElse(JdbcSyncStateStore.DEFAULT_TABLE_PREFIX);
        try {
            Optional<String> named = properties.get(TasksyncProperties.STATE_DATA_SOURCE);
            Optional<String> url = properties.get(TasksyncProperties.STATE_URL);
            if (named.isPresent() && url.isPresent()) {
                throw new TasksyncPropertiesException(TasksyncProperties.STATE_DATA_SOURCE + " and "
                        + TasksyncProperties.STATE_URL + " are both set: give one of them");
            }
            JdbcSyncStateStore.Builder b;
            if (url.isPresent()) {
                b = JdbcSyncStateStore.builder(url.get(), properties.get(TasksyncProperties.STATE_USERNAME).orElse(null),
                        properties.get(TasksyncProperties.STATE_PASSWORD).orElse(null));
            } else {
                DataSource ds = named.isPresent()
                        ? namedDataSource(beans, TasksyncProperties.STATE_DATA_SOURCE, named.get())
                        : crmDataSource(properties, beans, dataSources, "the state store");
                b = JdbcSyncStateStore.builder(ds);
            }
            Optional<String> dialect = properties.get(TasksyncProperties.STATE_DIALECT);
            if (dialect.isPresent()) {
                b.dialect(dialect.get());
            }
            return b.tablePrefix(prefix).build();
        } catch (TasksyncPropertiesException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw properties.refused(e);
        }
    }

    @Bean
    @ConditionalOnMissingBean
    public TasksyncRuns tasksyncRuns(SyncSettings settings) {
        return new TasksyncRuns(Clock.systemUTC(), Duration.ofMinutes(settings.intervalMinutes()));
    }

    @Bean
    @ConditionalOnMissingBean
    public SyncEngine tasksyncEngine(ObjectProvider<CrmAdapter> crm, ObjectProvider<ExchangeAdapter> exchange,
                                     SyncStateStore stateStore, SyncSettings settings,
                                     ObjectProvider<SyncListener> listeners) {
        CrmAdapter crmAdapter = crm.getIfAvailable();
        if (crmAdapter == null) {
            throw new TasksyncPropertiesException("tasksync has no CRM adapter: add tasksync-adapter-jdbc-crm to the "
                    + "application (it reads the CRM's tables through the application's DataSource) or define a "
                    + "CrmAdapter bean");
        }
        ExchangeAdapter exchangeAdapter = exchange.getIfAvailable();
        if (exchangeAdapter == null) {
            throw new TasksyncPropertiesException("tasksync has no Exchange adapter: set tasksync.ews.url (Exchange "
                    + "Server; needs tasksync-adapter-ews) or tasksync.exchange=graph (Microsoft 365; needs "
                    + "tasksync-adapter-graph), or define an ExchangeAdapter bean");
        }
        List<SyncListener> all = listeners.orderedStream().toList();
        SyncEngine.Builder b = SyncEngine.builder().crm(crmAdapter).exchange(exchangeAdapter).stateStore(stateStore)
                .settings(settings);
        if (!all.isEmpty()) {
            b.listener(all.size() == 1 ? all.get(0) : new CompositeSyncListener(all));
        }
        SyncEngine engine = b.build();
        log.info("tasksync engine: {}", engine);
        return engine;
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(name = TasksyncProperties.SCHEDULER_ENABLED, havingValue = "true", matchIfMissing = true)
    public TasksyncSchedule tasksyncSchedule(SyncEngine engine, TasksyncRuns runs, TasksyncProperties properties,
                                             LiveSettings live, ObjectProvider<LiveListener> liveListeners) {
        return new TasksyncSchedule(engine, runs, properties.stopGrace(), live,
                LiveListener.all(liveListeners.orderedStream().toList()));
    }

    /** Live sync's {@code tasksync.live.*} keys; with {@code tasksync.live.enabled} the schedule runs live sync. */
    @Bean
    @ConditionalOnMissingBean
    public LiveSettings tasksyncLiveSettings(TasksyncProperties properties) {
        return properties.read(LiveSettings::fromProperties);
    }

    /** The CRM adapter over JDBC, when tasksync-adapter-jdbc-crm is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(JdbcCrmAdapter.class)
    static class JdbcCrm {

        @Bean
        @ConditionalOnMissingBean
        JdbcCrmSettings tasksyncJdbcCrmSettings(TasksyncProperties properties) {
            return properties.read(JdbcCrmSettings::fromProperties);
        }

        @Bean
        @ConditionalOnMissingBean(CrmAdapter.class)
        CrmAdapter tasksyncCrmAdapter(JdbcCrmSettings settings, TasksyncProperties properties,
                                      ListableBeanFactory beans, ObjectProvider<DataSource> dataSources) {
            return JdbcCrmAdapter.create(crmDataSource(properties, beans, dataSources, "the JDBC CRM adapter"), settings);
        }
    }

    /** Exchange Server through EWS, when chosen and tasksync-adapter-ews is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(EwsExchangeAdapter.class)
    @Conditional(OnExchangeCondition.Ews.class)
    static class Ews {

        /**
         * The EWS configuration with the field table's extended fields named, so that they are read
         * back after a restart too (as {@code docs/ews-adapter.md} asks of hosts).
         */
        @Bean
        @ConditionalOnMissingBean
        EwsSettings tasksyncEwsSettings(TasksyncProperties properties, SyncSettings settings) {
            EwsSettings ews = properties.read(EwsSettings::fromProperties);
            return ews.toBuilder().extendedFields(settings.mapping().fields().managedFields()).build();
        }

        @Bean
        @ConditionalOnMissingBean(ExchangeAdapter.class)
        ExchangeAdapter tasksyncEwsAdapter(EwsSettings settings) {
            return EwsExchangeAdapter.create(settings);
        }
    }

    /** Microsoft 365 through Microsoft Graph, when chosen and tasksync-adapter-graph is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(GraphExchangeAdapter.class)
    @Conditional(OnExchangeCondition.Graph.class)
    static class Graph {

        @Bean
        @ConditionalOnMissingBean
        GraphSettings tasksyncGraphSettings(TasksyncProperties properties) {
            return properties.read(GraphSettings::fromProperties);
        }

        /** Signs in with the settings' client secret, or takes tokens from a {@link GraphTokenSource} bean. */
        @Bean
        @ConditionalOnMissingBean(ExchangeAdapter.class)
        ExchangeAdapter tasksyncGraphAdapter(GraphSettings settings, TasksyncProperties properties,
                                             ObjectProvider<GraphTokenSource> tokens) {
            GraphTokenSource token = tokens.getIfAvailable();
            return properties.read(p -> token == null ? GraphExchangeAdapter.create(settings)
                    : GraphExchangeAdapter.builder(settings).tokenSource(token).build());
        }
    }

    /** The CRM's DataSource: the bean {@code tasksync.crm.data-source} names, else the application's one. */
    static DataSource crmDataSource(TasksyncProperties properties, ListableBeanFactory beans,
                                    ObjectProvider<DataSource> dataSources, String user) {
        Optional<String> named = properties.get(TasksyncProperties.CRM_DATA_SOURCE);
        if (named.isPresent()) {
            return namedDataSource(beans, TasksyncProperties.CRM_DATA_SOURCE, named.get());
        }
        DataSource ds = dataSources.getIfUnique();
        if (ds == null) {
            String[] names = beans.getBeanNamesForType(DataSource.class);
            throw new TasksyncPropertiesException(user + " needs a DataSource: " + (names.length == 0
                    ? "the application has none (set spring.datasource.url)"
                    : "the application has several and none is @Primary " + Arrays.toString(names)
                    + "; name one with " + TasksyncProperties.CRM_DATA_SOURCE)
                    + (user.equals("the state store") ? ", or set " + TasksyncProperties.STATE_DATA_SOURCE + " or "
                    + TasksyncProperties.STATE_URL : ""));
        }
        return ds;
    }

    private static DataSource namedDataSource(ListableBeanFactory beans, String key, String name) {
        try {
            return beans.getBean(name, DataSource.class);
        } catch (NoSuchBeanDefinitionException e) {
            throw new TasksyncPropertiesException(key + " must name a DataSource bean, was '" + name
                    + "'; the DataSource beans are " + Arrays.toString(beans.getBeanNamesForType(DataSource.class)));
        }
    }
}

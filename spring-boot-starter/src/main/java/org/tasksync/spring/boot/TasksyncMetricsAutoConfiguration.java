package org.tasksync.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.tasksync.core.SyncListener;
import org.tasksync.core.LiveListener;
import org.tasksync.micrometer.LiveMetrics;
import org.tasksync.micrometer.TasksyncMetrics;

/**
 * Records cycles into the application's {@link MeterRegistry} through tasksync-micrometer's
 * {@link TasksyncMetrics} (a {@link SyncListener}), when that module is on the class path and the
 * application has a registry. The engine of {@link TasksyncAutoConfiguration} takes every
 * {@code SyncListener} bean, so the metrics need nothing else.
 */
@AutoConfiguration(afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass({MeterRegistry.class, TasksyncMetrics.class})
public class TasksyncMetricsAutoConfiguration {

    @Bean(name = "tasksyncMetrics")
    @ConditionalOnBean(MeterRegistry.class)
    @ConditionalOnMissingBean(name = "tasksyncMetrics")
    SyncListener tasksyncMetrics(MeterRegistry registry) {
        return new TasksyncMetrics(registry);
    }

    /** Live sync's meters ({@code tasksync.live.*}); the schedule takes every {@code LiveListener} bean. */
    @Bean(name = "tasksyncLiveMetrics")
    @ConditionalOnBean(MeterRegistry.class)
    @ConditionalOnMissingBean(name = "tasksyncLiveMetrics")
    LiveListener tasksyncLiveMetrics(MeterRegistry registry) {
        return new LiveMetrics(registry);
    }
}

package org.tasksync.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.tasksync.core.SyncListener;

/**
 * Records cycles into the application's {@link MeterRegistry} through tasksync-micrometer's
 * {@code TasksyncMetrics} (a {@link SyncListener}), when that module is on the class path and the
 * application has a registry. The engine of {@link TasksyncAutoConfiguration} takes every
 * {@code SyncListener} bean, so the metrics need nothing else.
 *
 * <p>Written before tasksync-micrometer was merged, so it names the class instead of linking to
 * it; once the starter depends on tasksync-micrometer (optional), the bean method becomes
 * {@code return new TasksyncMetrics(registry);} (see docs/spring-boot.md).
 */
@AutoConfiguration(afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(name = {"io.micrometer.core.instrument.MeterRegistry", TasksyncMetricsAutoConfiguration.METRICS_CLASS})
public class TasksyncMetricsAutoConfiguration {

    static final String METRICS_CLASS = "org.tasksync.micrometer.TasksyncMetrics";

    @Bean(name = "tasksyncMetrics")
    @ConditionalOnBean(MeterRegistry.class)
    @ConditionalOnMissingBean(name = "tasksyncMetrics")
    SyncListener tasksyncMetrics(MeterRegistry registry) throws ReflectiveOperationException {
        Constructor<?> c = Class.forName(METRICS_CLASS, true, getClass().getClassLoader())
                .getConstructor(MeterRegistry.class);
        try {
            return (SyncListener) c.newInstance(registry);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }
}

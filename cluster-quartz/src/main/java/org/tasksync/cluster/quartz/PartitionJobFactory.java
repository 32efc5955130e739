package org.tasksync.cluster.quartz;

import java.util.function.BiConsumer;
import org.quartz.Job;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.spi.JobFactory;
import org.quartz.spi.TriggerFiredBundle;
import org.tasksync.core.MailboxPartition;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;

/** Hands Quartz a {@link PartitionJob} bound to this node's engine; Quartz's own factory could not. */
final class PartitionJobFactory implements JobFactory {

    private final SyncEngine engine;
    private final String node;
    private final int partitions;
    private final BiConsumer<MailboxPartition, SyncReport> onReport;

    PartitionJobFactory(SyncEngine engine, String node, int partitions, BiConsumer<MailboxPartition, SyncReport> onReport) {
        this.engine = engine;
        this.node = node;
        this.partitions = partitions;
        this.onReport = onReport;
    }

    @Override
    public Job newJob(TriggerFiredBundle bundle, Scheduler scheduler) throws SchedulerException {
        Class<? extends Job> type = bundle.getJobDetail().getJobClass();
        if (type != PartitionJob.class) {
            throw new SchedulerException("the tasksync scheduler runs only " + PartitionJob.class.getName() + ", not "
                    + type.getName() + " (job " + bundle.getJobDetail().getKey() + ")");
        }
        return new PartitionJob(engine, node, partitions, onReport);
    }
}

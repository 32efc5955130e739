package org.tasksync.cluster.quartz;

import java.util.function.BiConsumer;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tasksync.core.MailboxPartition;
import org.tasksync.core.SyncEngine;
import org.tasksync.core.SyncReport;

/**
 * The Quartz job of one mailbox partition: runs {@link SyncEngine#runOnce(MailboxPartition)} on the
 * node that fired it. {@link DisallowConcurrentExecution} makes Quartz run a partition on one node at
 * a time across the whole cluster (the job store keeps the trigger blocked while it runs); the
 * engine's mailbox leases cover the case Quartz cannot, a node it took for dead that is still
 * running.
 *
 * <p>Made by {@link PartitionJobFactory} with the node's engine; Quartz stores only the class name
 * and the partition in its tables.
 */
@DisallowConcurrentExecution
public final class PartitionJob implements Job {

    static final String INDEX = "partition-index";
    static final String COUNT = "partition-count";

    private static final Logger log = LoggerFactory.getLogger(PartitionJob.class);

    private final SyncEngine engine;
    private final String node;
    private final int partitions;
    private final BiConsumer<MailboxPartition, SyncReport> onReport;

    PartitionJob(SyncEngine engine, String node, int partitions, BiConsumer<MailboxPartition, SyncReport> onReport) {
        this.engine = engine;
        this.node = node;
        this.partitions = partitions;
        this.onReport = onReport;
    }

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        JobDataMap data = context.getMergedJobDataMap();
        int index = Integer.parseInt(data.getString(INDEX));
        int count = Integer.parseInt(data.getString(COUNT));
        if (count != partitions) {
            // a job of an older partition layout, fired before the node that changed the layout removed it
            log.warn("node {} skips partition {} of {}: this node is configured for {} partitions ({})", node, index,
                    count, partitions, ClusterSettings.PARTITIONS);
            return;
        }
        MailboxPartition partition = MailboxPartition.of(index, count);
        SyncReport report;
        try {
            report = engine.runOnce(partition);
        } catch (RuntimeException e) {
            log.error("node {}: the cycle of partition {} failed; the next one runs at its next fire time", node,
                    partition.name(), e);
            throw new JobExecutionException(e, false);
        }
        log.info("node {}, partition {}: {} mailboxes, {} created, {} updated, {} deleted, {} statuses written back,"
                        + " {} deferred to other nodes, {} failed{}", node, partition.name(), report.mailboxes().size(),
                report.created(), report.updated(), report.deleted(), report.statusesWrittenBack(),
                report.deferredMailboxes().size(), report.failedMailboxes().size(),
                report.cycleError() == null ? "" : ", cycle error: " + report.cycleError());
        try {
            onReport.accept(partition, report);
        } catch (RuntimeException e) {
            log.warn("the report listener threw; ignored", e);
        }
    }
}

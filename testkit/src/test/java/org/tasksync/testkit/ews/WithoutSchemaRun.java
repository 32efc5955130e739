package org.tasksync.testkit.ews;

import microsoft.exchange.webservices.data.core.ExchangeService;
import microsoft.exchange.webservices.data.core.enumeration.property.WellKnownFolderName;
import microsoft.exchange.webservices.data.core.enumeration.service.TaskStatus;
import microsoft.exchange.webservices.data.core.service.item.Task;

/**
 * What {@link EwsWithoutSchemaTest} runs in a JVM of its own, in a folder with no schema above it:
 * two simulators, one task created through the real client, and a line saying what happened.
 */
public final class WithoutSchemaRun {

    private WithoutSchemaRun() {
    }

    public static void main(String[] args) throws Exception {
        String rep = "rep@example.com";
        try (EwsSimulator first = EwsSimulator.builder().basicAuth(EwsClient.USER, EwsClient.PASSWORD).start();
             EwsSimulator second = EwsSimulator.start()) {
            ExchangeService service = EwsClient.impersonating(first, rep);
            try {
                Task task = new Task(service);
                task.setSubject("made in a fresh clone");
                task.setStatus(TaskStatus.Deferred);
                task.save(WellKnownFolderName.Tasks);
            } finally {
                service.close();
            }
            first.assertNoResponseErrors();
            System.out.println("validates=" + first.validatesSchema() + "," + second.validatesSchema()
                    + " tasks=" + first.outlook(rep).tasks().size()
                    + " status=" + first.outlook(rep).tasks().get(0).status());
        }
    }
}

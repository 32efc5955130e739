package org.tasksync.testkit.ews;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import microsoft.exchange.webservices.data.core.ExchangeService;
import microsoft.exchange.webservices.data.core.enumeration.notification.EventType;
import microsoft.exchange.webservices.data.core.enumeration.property.WellKnownFolderName;
import microsoft.exchange.webservices.data.notification.ItemEvent;
import microsoft.exchange.webservices.data.notification.StreamingSubscription;
import microsoft.exchange.webservices.data.notification.StreamingSubscriptionConnection;
import microsoft.exchange.webservices.data.property.complex.FolderId;
import org.junit.jupiter.api.Test;

/**
 * ews-java-api 2.0's own streaming client against the simulator: what it reads of the envelopes the
 * simulator writes in the schema's form. It pins the facts behind the EWS adapter's choice of a
 * reader of its own (docs/ews-adapter.md, "Live sync").
 */
class EwsStreamingJavaApiTest {

    private static final String A = "anna@example.com";

    @Test
    void ewsJavaApiReadsTheStreamedEventsButTakesAnExpiredSubscriptionForADisconnect() throws Exception {
        try (EwsSimulator ews = EwsSimulator.builder().basicAuth(EwsClient.USER, EwsClient.PASSWORD).timeScale(60)
                .heartbeat(java.time.Duration.ofSeconds(6)).start();
                ExchangeService service = EwsClient.impersonating(ews, A)) {
            String item = ews.outlook(A).create(t -> t.subject("x")).itemId();
            StreamingSubscription subscription = service.subscribeToStreamingNotifications(
                    List.of(new FolderId(WellKnownFolderName.Tasks)), EventType.Modified);
            StreamingSubscriptionConnection connection = new StreamingSubscriptionConnection(service, 1);
            List<String> items = new CopyOnWriteArrayList<>();
            List<String> errors = new CopyOnWriteArrayList<>();
            CountDownLatch event = new CountDownLatch(1);
            CountDownLatch ended = new CountDownLatch(1);
            connection.addSubscription(subscription);
            connection.addOnNotificationEvent((sender, args) -> {
                args.getEvents().forEach(e -> {
                    if (e instanceof ItemEvent ie) {
                        items.add(ie.getItemId().getUniqueId());
                    }
                });
                event.countDown();
            });
            connection.addOnSubscriptionError((sender, args) -> {
                errors.add((args.getSubscription() == null ? "general" : "subscription") + ": "
                        + args.getException());
                ended.countDown();
            });
            connection.addOnDisconnect((sender, args) -> {
                errors.add("disconnect: " + args.getException());
                ended.countDown();
            });
            connection.open();
            ews.outlook(A).setStatus(item, "Completed");
            assertThat(event.await(10, TimeUnit.SECONDS)).as("ews-java-api saw the streamed event; it said %s", errors).isTrue();
            assertThat(items).contains(item);

            ews.expireSubscriptions(A);
            assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
            // What ews-java-api makes of ErrorSubscriptionNotFound with t:SubscriptionId (the schema's form):
            // no subscription error at all, only a disconnect (seen clean, or with a deserialization error),
            // never naming the subscription. The adapter's own reader resubscribes (EwsLiveFeedTest).
            assertThat(errors).as("ews-java-api's reports").isNotEmpty().allMatch(e -> e.startsWith("disconnect:"));
            ews.assertNoResponseErrors();
        }
    }
}

package org.tasksync.testkit.ews;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import microsoft.exchange.webservices.data.core.ExchangeService;
import microsoft.exchange.webservices.data.core.PropertySet;
import microsoft.exchange.webservices.data.core.enumeration.misc.error.ServiceError;
import microsoft.exchange.webservices.data.core.enumeration.property.WellKnownFolderName;
import microsoft.exchange.webservices.data.core.enumeration.service.MessageDisposition;
import microsoft.exchange.webservices.data.core.enumeration.service.SyncFolderItemsScope;
import microsoft.exchange.webservices.data.core.exception.service.remote.ServiceRequestException;
import microsoft.exchange.webservices.data.core.exception.service.remote.ServiceResponseException;
import microsoft.exchange.webservices.data.core.response.ServiceResponse;
import microsoft.exchange.webservices.data.core.response.ServiceResponseCollection;
import microsoft.exchange.webservices.data.core.service.item.Item;
import microsoft.exchange.webservices.data.core.service.item.Task;
import microsoft.exchange.webservices.data.property.complex.FolderId;
import microsoft.exchange.webservices.data.property.complex.ItemId;
import microsoft.exchange.webservices.data.search.ItemView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every injected fault as ews-java-api sees it, and the traffic records. */
class EwsSimulatorFaultTest {

    private static final String ANNA = "anna@example.com";
    private static final String BEN = "ben@example.com";

    private EwsSimulator ews;
    private ExchangeService anna;
    private ExchangeService ben;

    @BeforeEach
    void start() throws Exception {
        ews = EwsSimulator.start();
        anna = EwsClient.impersonating(ews, ANNA);
        ben = EwsClient.impersonating(ews, BEN);
    }

    @AfterEach
    void stop() {
        anna.close();
        ben.close();
        ews.close();
        ews.assertNoResponseErrors();
    }

    private static int count(ExchangeService service) throws Exception {
        ItemView view = new ItemView(100);
        view.setPropertySet(PropertySet.getIdOnly());
        return service.findItems(new FolderId(WellKnownFolderName.Tasks), view).getTotalCount();
    }

    private static ServiceResponseCollection<ServiceResponse> createThree(ExchangeService service) throws Exception {
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Task t = new Task(service);
            t.setSubject("task " + i);
            items.add(t);
        }
        return service.createItems(items, new FolderId(WellKnownFolderName.Tasks), MessageDisposition.SaveOnly, null);
    }

    @Test
    void serverBusyInTheResponseMessagesCarriesTheBackOff() throws Exception {
        ews.inject(EwsFault.serverBusyMessage(Duration.ofMillis(250)));

        ServiceResponseCollection<ServiceResponse> responses = createThree(anna);

        assertThat(responses.getCount()).isEqualTo(3);
        for (ServiceResponse r : responses) {
            assertThat(r.getErrorCode()).isEqualTo(ServiceError.ErrorServerBusy);
            assertThat(r.getErrorDetails()).containsEntry("BackOffMilliseconds", "250");
        }
        assertThat(ews.outlook(ANNA).tasks()).as("nothing was written").isEmpty();
        assertThat(createThree(anna)).allSatisfy(r -> assertThat(r.getErrorCode()).isEqualTo(ServiceError.NoError));
    }

    @Test
    void serverBusyAsASoapFaultWithAndWithoutTheBackOff() throws Exception {
        ews.inject(EwsFault.serverBusyFault(Duration.ofMillis(1500)));
        assertThatThrownBy(() -> count(anna)).satisfies(thrown -> {
            ServiceResponseException e = EwsClient.serviceError(thrown);
            assertThat(e.getErrorCode()).isEqualTo(ServiceError.ErrorServerBusy);
            assertThat(e.getResponse().getErrorDetails()).containsEntry("BackOffMilliseconds", "1500");
        });

        ews.inject(EwsFault.serverBusyFault());
        assertThatThrownBy(() -> count(anna)).satisfies(thrown -> {
            ServiceResponseException e = EwsClient.serviceError(thrown);
            assertThat(e.getErrorCode()).isEqualTo(ServiceError.ErrorServerBusy);
            assertThat(e.getResponse().getErrorDetails()).doesNotContainKey("BackOffMilliseconds");
        });
        assertThat(count(anna)).isZero();
    }

    @Test
    void http503() throws Exception {
        ews.inject(EwsFault.http503());
        assertThatThrownBy(() -> count(anna)).isInstanceOf(ServiceRequestException.class).hasMessageContaining("503");
        assertThat(count(anna)).isZero();
    }

    @Test
    void aDroppedConnection() throws Exception {
        InjectedFault drop = ews.inject(EwsFault.dropConnection());
        assertThatThrownBy(() -> count(anna)).isInstanceOf(ServiceRequestException.class);
        assertThat(drop.hits()).isEqualTo(1);
        assertThat(drop.remaining()).isZero();
        assertThat(count(anna)).isZero();
    }

    @Test
    void aRewrittenResponseReachesTheClientAsRewrittenAndTheRequestIsServed() throws Exception {
        createThree(anna);
        InjectedFault rewrite = ews.inject(EwsFault.rewriteResponse(xml -> xml.replace("TotalItemsInView=\"3\"",
                "TotalItemsInView=\"42\"")).forOperation("FindItem"));

        assertThat(count(anna)).as("the rewritten answer").isEqualTo(42);
        assertThat(rewrite.hits()).isEqualTo(1);
        assertThat(count(anna)).as("the next answer is the simulator's own").isEqualTo(3);

        ews.inject(EwsFault.rewriteResponse(xml -> xml.substring(0, xml.length() / 2)));
        assertThatThrownBy(() -> count(anna)).as("a response cut in half").isInstanceOf(Exception.class);
        assertThat(ews.responseErrors()).as("a rewritten response is not validated").isEmpty();
    }

    @Test
    void aFaultStrikesTheNextNMatchingRequestsOnly() throws Exception {
        InjectedFault busy = ews.inject(EwsFault.serverBusyFault(Duration.ofMillis(10)).times(2)
                .forMailbox(BEN).forOperation("SyncFolderItems"));

        assertThat(count(ben)).as("another operation").isZero();
        assertThat(anna.syncFolderItems(new FolderId(WellKnownFolderName.Tasks), PropertySet.getIdOnly(), null, 10,
                SyncFolderItemsScope.NormalItems, null).getCount()).as("another mailbox").isZero();
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> ben.syncFolderItems(new FolderId(WellKnownFolderName.Tasks),
                    PropertySet.getIdOnly(), null, 10, SyncFolderItemsScope.NormalItems, null))
                    .satisfies(e -> assertThat(EwsClient.serviceError(e).getErrorCode())
                            .isEqualTo(ServiceError.ErrorServerBusy));
        }
        assertThat(ben.syncFolderItems(new FolderId(WellKnownFolderName.Tasks), PropertySet.getIdOnly(), null, 10,
                SyncFolderItemsScope.NormalItems, null).getMoreChangesAvailable()).isFalse();
        assertThat(busy.hits()).isEqualTo(2);
        assertThat(ews.traffic().count(BEN, "SyncFolderItems")).isEqualTo(3);
    }

    @Test
    void latencyDelaysRequestsButServesThem() throws Exception {
        InjectedFault slow = ews.inject(EwsFault.latency(Duration.ofMillis(20)).times(2).forMailbox(ANNA));
        assertThat(count(anna)).isZero();
        assertThat(count(ben)).isZero();
        assertThat(count(anna)).isZero();
        assertThat(count(anna)).isZero();
        assertThat(slow.hits()).isEqualTo(2);
    }

    /** Waits (bounded) until the simulator has recorded {@code n} spans: it records one after the answer is sent. */
    private static void awaitSpans(EwsTraffic t, java.util.function.Predicate<EwsTraffic.RequestSpan> which, long n)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (t.spans().stream().filter(which).count() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    @Test
    void countsRequestsPerOperationAndMailbox() throws Exception {
        createThree(anna);
        count(anna);
        count(anna);
        count(ben);
        String id = ews.outlook(ANNA).tasks().get(0).itemId();
        Task.bind(anna, new ItemId(id), PropertySet.getIdOnly());

        EwsTraffic t = ews.traffic();
        // the last request's span is recorded after its answer is on the wire: wait (bounded) for all five
        awaitSpans(t, s -> true, 5);
        assertThat(t.count("CreateItem")).isEqualTo(1);
        assertThat(t.count("FindItem")).isEqualTo(3);
        assertThat(t.count(ANNA, "FindItem")).isEqualTo(2);
        assertThat(t.count(BEN, "FindItem")).isEqualTo(1);
        assertThat(t.countFor(ANNA)).isEqualTo(4);
        assertThat(t.byOperation()).containsEntry("GetItem", 1).hasSize(3);
        assertThat(t.total()).isEqualTo(5);
        assertThat(t.maxInFlight(ANNA)).as("one request after the other").isEqualTo(1);
        List<EwsTraffic.RequestSpan> spans = t.spans();
        assertThat(spans).hasSize(5);
        for (int i = 1; i < spans.size(); i++) {
            assertThat(spans.get(i).overlaps(spans.get(i - 1))).isFalse();
        }

        t.reset();
        assertThat(t.total()).isZero();
        assertThat(t.spans()).isEmpty();
    }

    @Test
    void recordsRequestsThatOverlapForOneMailbox() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ews.inject(EwsFault.hold(release).forMailbox(ANNA));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (ExchangeService anna2 = EwsClient.impersonating(ews, ANNA)) {
            Future<Integer> first = pool.submit(() -> count(anna));
            Future<Integer> second = pool.submit(() -> count(anna2));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ews.traffic().inFlight(ANNA) < 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(ews.traffic().inFlight(ANNA)).as("both requests are held").isEqualTo(2);
            assertThat(count(ben)).as("other mailboxes are not held").isZero();
            release.countDown();
            assertThat(first.get(30, TimeUnit.SECONDS)).isZero();
            assertThat(second.get(30, TimeUnit.SECONDS)).isZero();
        } finally {
            pool.shutdownNow();
        }
        EwsTraffic t = ews.traffic();
        // the simulator records a request's span after its answer is on the wire: wait (bounded) for both
        awaitSpans(t, s -> s.mailbox().equals(ANNA), 2);
        assertThat(t.maxInFlight(ANNA)).isEqualTo(2);
        assertThat(t.maxInFlight(BEN)).isEqualTo(1);
        assertThat(t.maxInFlight()).isEqualTo(3);
        List<EwsTraffic.RequestSpan> annas = t.spans().stream().filter(s -> s.mailbox().equals(ANNA)).toList();
        assertThat(annas).hasSize(2);
        assertThat(annas.get(0).overlaps(annas.get(1))).isTrue();
    }
}

package org.tasksync.testkit.ews;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import microsoft.exchange.webservices.data.core.ExchangeService;
import microsoft.exchange.webservices.data.core.PropertySet;
import microsoft.exchange.webservices.data.core.enumeration.misc.error.ServiceError;
import microsoft.exchange.webservices.data.core.enumeration.property.WellKnownFolderName;
import microsoft.exchange.webservices.data.core.exception.service.remote.ServiceRequestException;
import microsoft.exchange.webservices.data.core.exception.service.remote.ServiceResponseException;
import microsoft.exchange.webservices.data.core.service.item.Item;
import microsoft.exchange.webservices.data.core.service.item.Task;
import microsoft.exchange.webservices.data.property.complex.FolderId;
import microsoft.exchange.webservices.data.property.complex.ItemId;
import microsoft.exchange.webservices.data.property.complex.Mailbox;
import microsoft.exchange.webservices.data.search.FindItemsResults;
import microsoft.exchange.webservices.data.search.ItemView;
import org.junit.jupiter.api.Test;

/** Who may use which mailbox: impersonation, unknown mailboxes, denied rights, Basic authentication. */
class EwsSimulatorAccessTest {

    private static final String ANNA = "anna@example.com";
    private static final String BEN = "ben@example.com";

    private static String create(ExchangeService service, String subject) throws Exception {
        Task t = new Task(service);
        t.setSubject(subject);
        t.save(new FolderId(WellKnownFolderName.Tasks));
        return t.getId().getUniqueId();
    }

    private static FindItemsResults<Item> all(ExchangeService service) throws Exception {
        ItemView view = new ItemView(100);
        view.setPropertySet(PropertySet.getIdOnly());
        return service.findItems(new FolderId(WellKnownFolderName.Tasks), view);
    }

    @Test
    void theImpersonationHeaderChoosesTheMailbox() throws Exception {
        try (EwsSimulator ews = EwsSimulator.start();
                ExchangeService asAnna = EwsClient.impersonating(ews, ANNA);
                ExchangeService asBen = EwsClient.impersonating(ews, BEN)) {
            String annas = create(asAnna, "Anna's");
            String bens = create(asBen, "Ben's");

            assertThat(ews.outlook(ANNA).tasks()).extracting(OutlookTask::itemId).containsExactly(annas);
            assertThat(ews.outlook(BEN).tasks()).extracting(OutlookTask::itemId).containsExactly(bens);
            assertThat(all(asBen).getTotalCount()).isEqualTo(1);
            assertThatThrownBy(() -> Task.bind(asBen, new ItemId(annas), PropertySet.getIdOnly()))
                    .as("an item of another mailbox")
                    .isInstanceOfSatisfying(ServiceResponseException.class,
                            e -> assertThat(e.getErrorCode()).isEqualTo(ServiceError.ErrorItemNotFound));
            assertThat(ews.mailboxes()).containsExactly(ANNA, BEN);
            assertThat(ews.traffic().count(ANNA, "CreateItem")).isEqualTo(1);
            assertThat(ews.traffic().count(BEN, "CreateItem")).isEqualTo(1);
            ews.assertNoResponseErrors();
        }
    }

    @Test
    void aFolderIdWithAMailboxReachesThatMailbox() throws Exception {
        try (EwsSimulator ews = EwsSimulator.start(); ExchangeService noImpersonation = EwsClient.impersonating(ews, null)) {
            ews.outlook(ANNA).create(e -> e.subject("Anna's"));
            ItemView view = new ItemView(10);
            view.setPropertySet(PropertySet.getIdOnly());
            FolderId annasTasks = new FolderId(WellKnownFolderName.Tasks, new Mailbox(ANNA));
            assertThat(noImpersonation.findItems(annasTasks, view).getTotalCount()).isEqualTo(1);
            assertThat(ews.traffic().count(ANNA, "FindItem")).isEqualTo(1);
            ews.assertNoResponseErrors();
        }
    }

    @Test
    void unregisteredMailboxesCanBeRefused() throws Exception {
        try (EwsSimulator ews = EwsSimulator.builder().rejectUnknownMailboxes().start();
                ExchangeService asAnna = EwsClient.impersonating(ews, ANNA);
                ExchangeService asBen = EwsClient.impersonating(ews, BEN)) {
            ews.registerMailbox(ANNA);

            assertThat(all(asAnna).getTotalCount()).isZero();
            assertThatThrownBy(() -> all(asBen)).as("impersonating an unknown mailbox: a SOAP fault")
                    .satisfies(e -> assertThat(EwsClient.serviceError(e).getErrorCode())
                            .isEqualTo(ServiceError.ErrorNonExistentMailbox));
            ItemView view = new ItemView(10);
            view.setPropertySet(PropertySet.getIdOnly());
            assertThatThrownBy(() -> asAnna.findItems(new FolderId(WellKnownFolderName.Tasks, new Mailbox(BEN)), view))
                    .as("a folder in an unknown mailbox")
                    .isInstanceOfSatisfying(ServiceResponseException.class,
                            e -> assertThat(e.getErrorCode()).isEqualTo(ServiceError.ErrorNonExistentMailbox));
            assertThat(ews.mailboxes()).containsExactly(ANNA);
            ews.assertNoResponseErrors();
        }
    }

    @Test
    void mailboxesAreCreatedOnFirstUseByDefault() throws Exception {
        try (EwsSimulator ews = EwsSimulator.start(); ExchangeService asBen = EwsClient.impersonating(ews, BEN)) {
            assertThat(all(asBen).getTotalCount()).isZero();
            assertThat(ews.mailboxes()).containsExactly(BEN);
            ews.assertNoResponseErrors();
        }
    }

    @Test
    void theRightToImpersonateCanBeTakenAwayAndGivenBack() throws Exception {
        try (EwsSimulator ews = EwsSimulator.start(); ExchangeService asAnna = EwsClient.impersonating(ews, ANNA)) {
            ews.denyImpersonation(ANNA, true);
            assertThatThrownBy(() -> all(asAnna))
                    .satisfies(e -> assertThat(EwsClient.serviceError(e).getErrorCode())
                            .isEqualTo(ServiceError.ErrorImpersonateUserDenied));

            ews.denyImpersonation(ANNA, false);
            assertThat(all(asAnna).getTotalCount()).isZero();
            ews.assertNoResponseErrors();
        }
    }

    @Test
    void basicAuthenticationIsChallengedAndChecked() throws Exception {
        try (EwsSimulator ews = EwsSimulator.builder().basicAuth(EwsClient.USER, EwsClient.PASSWORD).start();
                ExchangeService good = EwsClient.impersonating(ews, ANNA);
                ExchangeService wrong = EwsClient.impersonating(ews, ANNA, EwsClient.USER, "guessed")) {
            assertThatThrownBy(() -> all(wrong))
                    .isInstanceOf(ServiceRequestException.class)
                    .hasMessageContaining("401");
            assertThat(ews.traffic().unauthorized()).isGreaterThanOrEqualTo(1);
            assertThat(ews.traffic().total()).as("refused requests are not served").isZero();

            assertThat(all(good).getTotalCount()).isZero();
            assertThat(ews.traffic().count(ANNA, "FindItem")).isEqualTo(1);
            ews.assertNoResponseErrors();
        }
    }

    @Test
    void aNewClientIsChallengedOnceAlsoBehindNetworkLatency() throws Exception {
        // the benchmarks count these challenges: each one is a round trip a new connection pays
        try (EwsSimulator ews = EwsSimulator.builder().basicAuth(EwsClient.USER, EwsClient.PASSWORD)
                .latency(java.time.Duration.ofMillis(5)).start();
                ExchangeService first = EwsClient.impersonating(ews, ANNA);
                ExchangeService second = EwsClient.impersonating(ews, ANNA)) {
            all(first);
            all(first);
            assertThat(ews.traffic().unauthorized()).as("one challenge for the first client").isEqualTo(1);
            all(second);
            assertThat(ews.traffic().unauthorized()).as("and one more for a second client").isEqualTo(2);
            assertThat(ews.traffic().count(ANNA, "FindItem")).isEqualTo(3);
            ews.assertNoResponseErrors();
        }
    }

    @Test
    void networkLatencyMustNotBeNegative() {
        assertThatThrownBy(() -> EwsSimulator.builder().latency(java.time.Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("latency");
    }
}

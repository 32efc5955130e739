package org.tasksync.adapter.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.tasksync.core.model.Mailbox;
import org.tasksync.core.spi.MailboxConnection;
import org.tasksync.core.spi.MailboxException;

/**
 * Real sign-in through azure-identity fails here (no Entra ID to reach), and the client secret shows
 * up nowhere: not in toString(), not in the mailbox error, not in the log.
 */
class GraphSecretTest {

    private static final String SECRET = "Qq8~SuperSecret.Value-" + System.nanoTime();

    @Test
    void aFailedSignInNamesTheProblemButNotTheSecret() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        GraphSettings settings = GraphSettings.builder()
                .tenantId("contoso.onmicrosoft.com")
                .clientId("11111111-2222-3333-4444-555555555555")
                .clientSecret(SECRET)
                .authorityHost("https://127.0.0.1:" + closedPort + "/")
                .baseUrl("https://127.0.0.1:" + closedPort + "/v1.0")
                .maxRetries(0)
                .build();
        GraphExchangeAdapter adapter = GraphExchangeAdapter.builder(settings).build();
        assertThat(adapter.toString()).doesNotContain(SECRET).contains("client secret");
        assertThat(settings.toString()).doesNotContain(SECRET);

        Mailbox mb = new Mailbox("anna@example.com", "Anna", ZoneId.of("UTC"));
        try (MailboxConnection c = adapter.connect(mb)) {
            assertThatThrownBy(() -> c.changes(null)).isInstanceOfSatisfying(MailboxException.class, e -> {
                assertThat(e.kind()).isEqualTo(MailboxException.Kind.AUTHENTICATION);
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                assertThat(trace.toString()).contains("anna@example.com").doesNotContain(SECRET);
            });
        }
        Path log = Path.of("target", "adapter-graph-tests.log");
        if (Files.exists(log)) {
            assertThat(Files.readString(log)).doesNotContain(SECRET);
        }
    }
}

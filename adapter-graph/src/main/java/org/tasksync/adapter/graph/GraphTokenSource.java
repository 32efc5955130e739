package org.tasksync.adapter.graph;

/**
 * Where the adapter gets bearer tokens when it does not sign in by itself with client credentials:
 * a host's own sign-in, or a test against a simulator. Called before each request (cache in the
 * implementation if getting a token is costly); must be thread-safe.
 */
@FunctionalInterface
public interface GraphTokenSource {

    /** A valid access token for Microsoft Graph, without the {@code Bearer } prefix. */
    String accessToken() throws Exception;

    /** Always the same token (tests against a simulator). */
    static GraphTokenSource fixed(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("a fixed token must not be empty");
        }
        return new GraphTokenSource() {
            @Override
            public String accessToken() {
                return token;
            }

            @Override
            public String toString() {
                return "GraphTokenSource.fixed(****)";
            }
        };
    }
}

package org.tasksync.testkit.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** Rewrites for {@link GraphSimulator#rewriteResponses}: how a test makes Graph send a bad task. */
public final class GraphRewrites {

    private static final ObjectMapper JSON = new ObjectMapper();

    private GraphRewrites() {
    }

    /**
     * Changes the JSON object of the task with item id {@code itemId}, whether it is the whole answer
     * (a read of the task) or one of a page's {@code value} (delta, list); other answers pass as they are.
     */
    public static UnaryOperator<String> onTask(String itemId, Consumer<ObjectNode> change) {
        return text -> {
            JsonNode root;
            try {
                root = JSON.readTree(text);
            } catch (IOException e) {
                return text;
            }
            List<JsonNode> candidates = new ArrayList<>();
            candidates.add(root);
            root.path("value").forEach(candidates::add);
            boolean hit = false;
            for (JsonNode n : candidates) {
                if (n.isObject() && itemId.equals(n.path("id").asText(null))) {
                    change.accept((ObjectNode) n);
                    hit = true;
                }
            }
            try {
                return hit ? JSON.writeValueAsString(root) : text;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}

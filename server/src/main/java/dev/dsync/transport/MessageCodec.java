package dev.dsync.transport;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dsync.raft.Message;
import java.io.IOException;
import java.util.Map;

/**
 * JSON wire format for Raft messages: {@code {"type":"AppendRequest","message":{...}}}, entry and
 * snapshot bytes in base64. Each message type travels on the endpoint of the RPC it belongs to.
 */
public final class MessageCodec {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static final Map<String, Class<? extends Message>> TYPES = Map.of(
            "VoteRequest", Message.VoteRequest.class,
            "VoteResponse", Message.VoteResponse.class,
            "AppendRequest", Message.AppendRequest.class,
            "AppendResponse", Message.AppendResponse.class,
            "SnapshotRequest", Message.SnapshotRequest.class,
            "SnapshotResponse", Message.SnapshotResponse.class,
            "TimeoutNow", Message.TimeoutNow.class);

    private MessageCodec() {}

    /** The endpoint a message is posted to: the RPC of the Raft paper it is part of. */
    public static String pathOf(Message m) {
        return switch (m) {
            case Message.VoteRequest v -> "/raft/request_vote";
            case Message.VoteResponse v -> "/raft/request_vote";
            case Message.AppendRequest a -> "/raft/append_entries";
            case Message.AppendResponse a -> "/raft/append_entries";
            case Message.SnapshotRequest s -> "/raft/install_snapshot";
            case Message.SnapshotResponse s -> "/raft/install_snapshot";
            case Message.TimeoutNow t -> "/raft/timeout_now";
        };
    }

    public static byte[] encode(Message m) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", m.getClass().getSimpleName());
        root.set("message", JSON.valueToTree(m));
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + m, e);
        }
    }

    /** @throws IllegalArgumentException naming the problem when the body is not a valid message */
    public static Message decode(byte[] body) {
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("raft message must be a JSON object");
            }
            Class<? extends Message> type = TYPES.get(root.path("type").asText());
            if (type == null) {
                throw new IllegalArgumentException("unknown raft message type '" + root.path("type").asText() + "'");
            }
            return JSON.treeToValue(root.path("message"), type);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed raft message: " + e.getMessage(), e);
        }
    }
}

package dev.dsync.sim;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The cache service's peer calls in the simulation, as the node shell makes them over HTTP. They
 * travel through {@link Simulation#sendService}, so they are delayed, reordered, lost, duplicated
 * and cut like Raft messages. A request that expects an answer names the requesting node's
 * incarnation: a node that restarted in between has forgotten the request and ignores the answer.
 */
final class CacheMessages {
    private CacheMessages() {}

    /**
     * A node asks the leader for a read lease: its line cache reflects its applied index
     * {@code applied}, and it asked at {@code sentAtMs} on its own clock.
     */
    record LeaseRequest(String node, int incarnation, long applied, long sentAtMs) {}

    /** The leader's grant for the request sent at {@code sentAtMs}. */
    record LeaseGrant(int incarnation, long term, long sentAtMs, long readIndex, long watermark) {}

    /** A miss: {@code node} asks the leader to read {@code key} for client operation {@code opId}. */
    record ReadRequest(long opId, String key, String node, int incarnation) {}

    /** The leader's answer to a miss; {@code answered} false means it refused (not leader, leadership lost). */
    record ReadAnswer(long opId, int incarnation, boolean answered, JsonNode value) {}

    /**
     * A write passed to the leader by the node the client sent it to (the writer); {@code command}
     * is an encoded put, cas or del naming that node as writer. {@code clientId}/{@code requestId}
     * are the optional client session. Sent at most once, as one HTTP call is: a duplicate could
     * reach the leader after it lost office and be refused ("not leader", a definite failure)
     * while the original's entry still commits.
     */
    record WriteRequest(long opId, String key, byte[] command, String clientId, String requestId, String node, int incarnation) {}

    /** How a write request ended at the leader. */
    enum WriteOutcome {
        /** Applied and settled: {@code status} and {@code version} are the state machine's answer. */
        DONE,
        /** Certainly not applied: refused, or its entry lost its index to another leader's. */
        FAILED,
        /** Perhaps applied, but leadership was lost before it could be acknowledged. */
        UNKNOWN
    }

    record WriteAnswer(long opId, int incarnation, WriteOutcome outcome, int status, long version) {}

    /** {@code node} evicted its line of {@code key} for room; the leader commits an evict. */
    record EvictRequest(String key, String node) {}
}

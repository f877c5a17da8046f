package dev.dsync.node;

import dev.dsync.http.LeaderCalls;

/**
 * What a service's endpoints work with: this node's id, its replica, the request waiter (for
 * handlers that block an HTTP thread), calls to the leader, and the node's clock and timers. The
 * node binds the real ones; the simulation binds its own, and drives the same service code.
 */
public record ServiceContext(String nodeId, Replica replica, RequestWaiter waiter, LeaderCalls leaderCalls, NodeClock clock,
                             Timers timers) {}

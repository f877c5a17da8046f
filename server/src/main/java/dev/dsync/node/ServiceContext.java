package dev.dsync.node;

import dev.dsync.http.LeaderForwarder;

/** What a service's endpoints work with: this node's id, its replica, the request waiter, and calls to the leader. */
public record ServiceContext(String nodeId, Replica replica, RequestWaiter waiter, LeaderForwarder leaderCalls) {}

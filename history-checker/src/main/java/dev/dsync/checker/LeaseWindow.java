package dev.dsync.checker;

/**
 * A lock hold drawn on the report's timeline with its lease window: granted by operation
 * {@code opId} (its id in {@code History.operations()}), invoked at {@code from} (ns), and surely
 * alive until {@code surelyUntil} (ns; the instant before which it cannot have expired).
 *
 * @param role {@code holder} for a hold current after the counterexample's prefix, {@code blocked}
 *             for the acquire that cannot be placed (its own lease, had it been granted there)
 */
public record LeaseWindow(int opId, String key, String client, String mode, long from, long surelyUntil, String role) {
}

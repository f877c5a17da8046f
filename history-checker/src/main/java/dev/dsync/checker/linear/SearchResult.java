package dev.dsync.checker.linear;

/**
 * Outcome of searching one key.
 *
 * @param configurations distinct (linearized set, state) configurations explored
 * @param prefix         the longest linearizable prefix found (operation indices into the problem, in
 *                       linearization order)
 * @param prefixState    model state after that prefix
 * @param blocking       for NOT_LINEARIZABLE: the operation that could not be placed after the
 *                       prefix (its completion came first), else -1
 * @param reason         for UNKNOWN: why the search stopped
 */
public record SearchResult(Status status, long configurations, int[] prefix, long prefixState, int blocking,
                           String reason) {
    public enum Status { LINEARIZABLE, NOT_LINEARIZABLE, UNKNOWN }
}

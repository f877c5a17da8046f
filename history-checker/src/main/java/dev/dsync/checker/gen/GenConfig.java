package dev.dsync.checker.gen;

/**
 * Parameters of a generated history.
 *
 * @param operations  client operations to invoke
 * @param keys        number of keys (1 = a single object; keys are named k0, k1, ...)
 * @param processes   concurrent clients (a client retired by an info is replaced by a fresh process id)
 * @param infoRate    probability that an operation ends with an unknown outcome
 * @param valueDomain 0 for unique written values, else values are drawn from 0..valueDomain-1
 * @param nemesis     emit partition/heal events every few hundred operations (cosmetic: no effect)
 * @param seed        random seed; equal configs give equal histories
 */
public record GenConfig(int operations, int keys, int processes, double infoRate, int valueDomain, boolean nemesis,
                        long seed) {

    public static GenConfig of(int operations, int keys, int processes, double infoRate, long seed) {
        return new GenConfig(operations, keys, processes, infoRate, 0, false, seed);
    }

    public GenConfig withValueDomain(int domain) {
        return new GenConfig(operations, keys, processes, infoRate, domain, nemesis, seed);
    }

    public GenConfig withNemesis(boolean on) {
        return new GenConfig(operations, keys, processes, infoRate, valueDomain, on, seed);
    }
}

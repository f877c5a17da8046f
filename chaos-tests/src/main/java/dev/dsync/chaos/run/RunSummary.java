package dev.dsync.chaos.run;

/**
 * One chaos run as the index page lists it.
 *
 * @param availability share of ok among completed client operations (fail and info count against)
 */
public record RunSummary(
        String dir,
        String workload,
        String nemesis,
        long seed,
        String verdict,
        long ok,
        long fail,
        long info,
        double availability,
        double p50Ms,
        double p99Ms,
        long recoveryMs,
        long wallMs,
        String note) {

    /** Valid history, and the cluster served again after the final heal. */
    public boolean passed() {
        return "valid".equals(verdict) && recoveryMs >= 0;
    }
}

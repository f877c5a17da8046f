package dev.dsync.cache;

/**
 * A node's permission, granted by the leader, to serve cache hits without asking anyone.
 *
 * <p>The node measures the lease from the moment it <em>sent</em> the request ({@code sentAtMs},
 * its own monotonic clock), so however late the grant arrives, the lease ends no later than the
 * leader believes: the leader counts from when it granted, which is after the send, and stretches
 * the duration by the clock-drift allowance ({@link LeaseTiming#leaderBoundMs}). The leader grants
 * only after confirming with a quorum (ReadIndex) that it still leads, and stamps the grant with
 * <ul>
 *   <li>{@code readIndex}: its commit index at that moment; the node serves nothing until it has
 *       applied that far, so its lines reflect every write acknowledged before the request;
 *   <li>{@code watermark}: every directory change up to this index has been applied by (or has
 *       outlived the lease of) each other holder it removed or downgraded, so a line may be
 *       served only if the change that gave it its state ({@link Line#since}) is at or below it.
 * </ul>
 */
public record ReadLease(long term, long sentAtMs, long validUntilMs, long readIndex, long watermark) {

    /** No lease: nothing may be served. */
    public static final ReadLease NONE = new ReadLease(0, Long.MIN_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, -1);

    public static ReadLease granted(long term, long sentAtMs, LeaseTiming timing, long readIndex, long watermark) {
        return new ReadLease(term, sentAtMs, sentAtMs + timing.leaseMs(), readIndex, watermark);
    }

    /** The lease to keep of two: the one requested later lasts longer (grants can arrive out of order). */
    public ReadLease newer(ReadLease other) {
        return other.sentAtMs > sentAtMs ? other : this;
    }

    public boolean valid(long nowMs) {
        return nowMs < validUntilMs;
    }

    /**
     * Whether {@code line} may be served as a hit at {@code nowMs} by a node whose line cache
     * reflects its applied state up to {@code syncedIndex}.
     */
    public boolean allowsHit(long nowMs, long syncedIndex, Line line) {
        return line != null && valid(nowMs) && syncedIndex >= readIndex && line.since() <= watermark;
    }
}

package dev.dsync.http;

/** One endpoint: method, exact path, where it may be served, and its handler. */
public record Route(String method, String path, Where where, Handler handler) {

    /** Where a request may be served. */
    public enum Where {
        /** Writes and linearizable reads: a follower forwards them to the leader in one hop. */
        LEADER,
        /** Served by whichever node receives it (health, metrics, this node's own state). */
        LOCAL,
        /** Raft messages from other members; need the cluster token when one is set. */
        PEER
    }

    @FunctionalInterface
    public interface Handler {
        ApiResponse handle(ApiRequest request) throws Exception;
    }

    public static Route leader(String method, String path, Handler handler) {
        return new Route(method, path, Where.LEADER, handler);
    }

    public static Route local(String method, String path, Handler handler) {
        return new Route(method, path, Where.LOCAL, handler);
    }

    public static Route peer(String path, Handler handler) {
        return new Route("POST", path, Where.PEER, handler);
    }
}

package dev.dsync.checker.linear;

/**
 * Thrown inside a search (by the memo table or a model) when a resource limit is reached;
 * the search turns it into an {@code unknown} verdict instead of running out of memory.
 */
public final class SearchAbort extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SearchAbort(String reason) {
        super(reason, null, false, false);
    }
}

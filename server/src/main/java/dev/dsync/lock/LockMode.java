package dev.dsync.lock;

/** Lock modes: shared (S) is compatible with other shared holders; exclusive (X) with nothing. */
public enum LockMode {
    S,
    X;

    /** Whether a holder in this mode and a holder in {@code other} may hold one key together. */
    public boolean compatibleWith(LockMode other) {
        return this == S && other == S;
    }
}

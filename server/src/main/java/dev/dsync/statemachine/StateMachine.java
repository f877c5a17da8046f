package dev.dsync.statemachine;

import java.util.function.Supplier;

/**
 * A service's replicated state machine (lock, queue, cache). Deterministic: the state and every
 * result depend only on the sequence of {@link #apply} calls, so all replicas agree.
 * No threads, clocks, files or randomness inside; {@code nowMs} is the proposing leader's clock,
 * carried in the log entry.
 */
public interface StateMachine {

    /**
     * Applies one committed command.
     *
     * @param index   the log index of the command (strictly increasing across calls)
     * @param nowMs   wall-clock milliseconds stamped by the leader that proposed the command; may be
     *                lower than an earlier command's after a leader change, so implementations use
     *                the maximum seen so far as their notion of time
     * @param command the service's own command encoding
     */
    ApplyResult apply(long index, long nowMs, byte[] command);

    /** A self-contained image of the whole state, including the highest time seen. */
    byte[] snapshot();

    /**
     * The state as it is now, for a snapshot made off the apply thread: this call runs between two
     * applies and should be cheap (a copy); the encoder it returns may run later on another thread,
     * while applies go on, and gives exactly the bytes {@link #snapshot()} gives now. The default
     * encodes at once, which suits a state that is small.
     */
    default Supplier<byte[]> captureSnapshot() {
        byte[] image = snapshot();
        return () -> image;
    }

    /** Replaces the whole state with a {@link #snapshot()} image. */
    void restore(byte[] snapshot);
}

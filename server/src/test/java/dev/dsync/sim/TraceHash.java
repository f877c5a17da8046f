package dev.dsync.sim;

/**
 * A running 64-bit FNV-1a hash of everything that happens in a run. Two runs of one seed must end
 * with the same value; fed only with explicit fields (never {@code toString} of arrays, whose
 * identity hashes differ from run to run).
 */
final class TraceHash {
    private static final long PRIME = 0x100000001b3L;
    private long hash = 0xcbf29ce484222325L;

    void add(long v) {
        for (int i = 0; i < 8; i++) {
            hash ^= (v >>> (8 * i)) & 0xff;
            hash *= PRIME;
        }
    }

    void add(String s) {
        if (s == null) {
            add(-1L);
            return;
        }
        add(s.length());
        for (int i = 0; i < s.length(); i++) {
            hash ^= s.charAt(i);
            hash *= PRIME;
        }
    }

    void add(byte[] bytes) {
        add(bytes.length);
        for (byte b : bytes) {
            hash ^= b & 0xff;
            hash *= PRIME;
        }
    }

    long value() {
        return hash;
    }
}

package dev.dsync.chaos.lazyfs;

/**
 * Where the durable state is kept outside memory (the backing directory), so a run's data dirs can
 * be inspected after it and a mount can start from existing data. Paths are relative, '/'-separated.
 * Failures are unchecked: a mirror that cannot be written makes the mount fail loudly.
 */
interface DurableMirror {
    /** Makes the file at {@code path} hold {@code data}; bytes before {@code from} are already equal. */
    void writeFile(String path, FileData data, int from);

    void makeDirectory(String path);

    /** Removes a file or a whole directory tree; absent is fine. */
    void delete(String path);
}

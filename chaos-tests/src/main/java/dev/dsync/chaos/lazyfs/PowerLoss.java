package dev.dsync.chaos.lazyfs;

/**
 * What one simulated power loss threw away, for the nemesis log.
 *
 * @param filesWithUnsyncedData files reachable after the loss whose unsynced writes or truncates were lost
 * @param directoriesWithUnsyncedEntries directories whose unsynced creates, renames or unlinks were undone
 * @param tornFile the file whose last write was torn, or null if none was
 * @param tornKeptBytes how many bytes of that write survived
 * @param tornWriteBytes how long that write was
 */
public record PowerLoss(int filesWithUnsyncedData, int directoriesWithUnsyncedEntries, String tornFile,
                        int tornKeptBytes, int tornWriteBytes) {
}
